/**
 * What a rotation does differently for each kind of credential (docs/api.md, "Secret rotation"): the one sequence
 * of secret-rotation.ts asks its strategy who may rotate, which listed credential is the stored one, how long the
 * new one lives, and how to add and remove one. A client secret: addPassword / removePassword, with
 * Application.ReadWrite.OwnedBy or .All (docs/entra.md section 11). A certificate: a new key and self-signed
 * certificate made here, addKey / removeKey with a proof of possession, which an app may do on itself with no
 * permission (docs/entra.md section 13).
 */
import { createPrivateKey } from "node:crypto";
import { SignJWT } from "jose";
import type { ParsedCertificate } from "../m365/credentials/certificate.js";
import { type AppCredential, type CredentialType, secretCredential } from "../m365/credentials/credential.js";
import { renewCertificate } from "../m365/credentials/self-signed.js";
import type { GraphClient } from "../m365/graph/graph.client.js";
import {
  addKey,
  addPassword,
  type GraphResult,
  type ListedPassword,
  type ReadApplication,
  removeCredential,
} from "./rotation.graph.js";
import { maySelfRotate, newSecretLifetimeDays, rotatedSecretName } from "./rotation.rules.js";

const DAY_MS = 86_400_000;

/**
 * The audience of a proof of possession: the Azure AD Graph application id, as Microsoft documents it
 * (https://learn.microsoft.com/en-us/graph/application-rollkey-prooftoken; docs/entra.md section 13).
 */
export const PROOF_AUDIENCE = "00000002-0000-0000-c000-000000000000";
/** A proof lives the longest Graph accepts, 10 minutes. */
const PROOF_LIFETIME_SECONDS = 600;

/** A credential a rotation added: its keyId on the app, the credential itself (only in memory until sealed). */
export interface NewCredential {
  keyId: string;
  credential: AppCredential;
  /** A secret's first three characters; "" for a certificate. */
  hint: string;
  endDateTime: string;
}

/** The kind-specific steps of a rotation. */
export interface RotationStrategy {
  kind: CredentialType;
  /** The word for it in messages. */
  noun: "secret" | "certificate";
  /** The failure step of the add. */
  addStep: "add_password" | "add_key";
  /** Whether the token's `roles` let the app rotate it. */
  permitted(roles: readonly string[]): boolean;
  /** The app's credentials of this kind. */
  listed(app: ReadApplication): ListedPassword[];
  /** How the stored credential is named in that list when its keyId is unknown (hint or customKeyIdentifier). */
  listedHint: string;
  /** The new credential's lifetime, days. */
  lifetimeDays(current: ListedPassword | undefined): number;
  /** Adds the new credential to the app. */
  add(graph: GraphClient, objectId: string, at: Date, lifetimeDays: number): Promise<GraphResult<NewCredential>>;
  /** Removes a credential of this kind; a certificate's proof is signed by `signer`. */
  remove(
    graph: GraphClient,
    objectId: string,
    appId: string,
    keyId: string,
    signer: AppCredential,
    at: Date,
  ): Promise<GraphResult<"removed" | "gone">>;
}

/**
 * A proof of possession for addKey / removeKey, as Microsoft's sample builds it: RS256 with the certificate's key,
 * header `x5t` (base64url SHA-1 of the certificate), `aud` PROOF_AUDIENCE, `iss` the application's object id,
 * `nbf` now and `exp` 10 minutes later.
 */
export function possessionProof(signer: ParsedCertificate, objectId: string, at: Date): Promise<string> {
  const nbf = Math.floor(at.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({
      alg: "RS256",
      typ: "JWT",
      x5t: Buffer.from(signer.thumbprintSha1, "hex").toString("base64url"),
    })
    .setAudience(PROOF_AUDIENCE)
    .setIssuer(objectId)
    .setNotBefore(nbf)
    .setExpirationTime(nbf + PROOF_LIFETIME_SECONDS)
    .sign(createPrivateKey(signer.privateKeyPem));
}

/** The strategy for the stored credential. */
export function rotationStrategy(stored: AppCredential): RotationStrategy {
  if (stored.kind === "secret") {
    return {
      kind: "secret",
      noun: "secret",
      addStep: "add_password",
      permitted: (roles) => maySelfRotate(roles),
      listed: (app) => app.passwords,
      listedHint: stored.secret.slice(0, 3),
      lifetimeDays: (current) => newSecretLifetimeDays(current),
      async add(graph, objectId, at, lifetimeDays) {
        const added = await addPassword(graph, objectId, {
          displayName: rotatedSecretName(at),
          endDateTime: new Date(at.getTime() + lifetimeDays * DAY_MS).toISOString(),
        });
        if (!added.ok) return added;
        const { keyId, hint, endDateTime, secretText } = added.value;
        return { ok: true, value: { keyId, hint, endDateTime, credential: secretCredential(secretText) } };
      },
      remove: (graph, objectId, appId, keyId) => removeCredential(graph, objectId, appId, keyId),
    };
  }
  const current = stored.certificate;
  return {
    kind: "certificate",
    noun: "certificate",
    addStep: "add_key",
    // An application needs no permission to roll its own keys (docs/entra.md section 13).
    permitted: () => true,
    listed: (app) => app.keys,
    listedHint: Buffer.from(current.thumbprintSha1, "hex").toString("base64"),
    // The current certificate's own lifetime, as a secret keeps its own (at most two years).
    lifetimeDays: () =>
      newSecretLifetimeDays({
        startDateTime: current.notBefore.toISOString(),
        endDateTime: current.notAfter.toISOString(),
      }),
    async add(graph, objectId, at, lifetimeDays) {
      const renewed = renewCertificate(current, at, lifetimeDays);
      const added = await addKey(
        graph,
        objectId,
        { derBase64: renewed.derBase64, displayName: rotatedSecretName(at) },
        await possessionProof(current, objectId, at),
      );
      if (!added.ok) return added;
      const certificate = renewed.certificate;
      return {
        ok: true,
        value: {
          keyId: added.value.keyId,
          hint: "",
          endDateTime: added.value.endDateTime ?? certificate.notAfter.toISOString(),
          credential: { kind: "certificate", certificate },
        },
      };
    },
    async remove(graph, objectId, appId, keyId, signer, at) {
      const by = signer.kind === "certificate" ? signer.certificate : current;
      return removeCredential(graph, objectId, appId, keyId, await possessionProof(by, objectId, at));
    },
  };
}
