/**
 * POST /applications/{id}/addKey and /removeKey (docs/entra.md section 13): an app adds or removes a certificate of
 * its own with a proof of possession, a JWT signed (RS256) with the private key of one of its current certificates,
 * with `aud` 00000002-0000-0000-c000-000000000000, `iss` = the application's object id, `nbf`, and `exp` no later
 * than `nbf` + 10 minutes. An app with no valid certificate cannot use them (it PATCHes keyCredentials instead).
 * An app-only caller needs no permission to roll its own keys; any other caller needs addPassword's permissions.
 * Never key material in an answer.
 */
import { randomUUID, verify, X509Certificate } from "node:crypto";
import { type AppRecord, resolveKey } from "../emulator.directory.js";
import { type GraphContext, graphBadRequest, graphNoContent, graphOk, type Response } from "../emulator.responses.js";
import { keyCredentialEntity } from "./applications.handler.js";
import { managed, WRITE_ROLES, WRITE_SCOPES } from "./applications.write.js";
import { type GraphRoute, invalidProperty, isGuid, isOwnApplication, readJson } from "./graph.route.types.js";

/** The proof's audience: the Azure AD Graph application id, as Microsoft documents it. */
export const PROOF_AUDIENCE = "00000002-0000-0000-c000-000000000000";
/** Longest a proof may live (exp - nbf), seconds. */
const PROOF_LIFETIME_SECONDS = 600;

const decode = (part: string): Record<string, unknown> | undefined => {
  try {
    const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Why a proof is refused, or undefined when it is good: signed RS256 by a current certificate of the app (the one
 * its `x5t` names, else any), with the documented claims. (unverified) Graph's wording; 400 Request_BadRequest.
 */
function proofProblem(g: GraphContext, record: AppRecord, proof: unknown): string | undefined {
  if (typeof proof !== "string") return "The proof of possession is missing.";
  const parts = proof.split(".");
  const [head, body, signature] = parts;
  const header = head !== undefined ? decode(head) : undefined;
  const claims = body !== undefined ? decode(body) : undefined;
  if (parts.length !== 3 || !header || !claims || signature === undefined) return "The proof is not a signed JWT.";
  const current = record.keys.filter((k) => k.start <= g.now && k.end >= g.now);
  if (current.length === 0) return "The application has no valid certificate to prove possession with.";
  const candidates = typeof header.x5t === "string" ? current.filter((k) => k.x5t === header.x5t) : current;
  const data = Buffer.from(`${head}.${body}`);
  const signed =
    header.alg === "RS256" &&
    candidates.some((k) => verify("sha256", data, k.publicKey, Buffer.from(signature, "base64url")));
  if (!signed) return "The proof is not signed by a current certificate of the application.";
  const nbf = typeof claims.nbf === "number" ? claims.nbf : Number.NaN;
  const exp = typeof claims.exp === "number" ? claims.exp : Number.NaN;
  const now = g.now.getTime() / 1000;
  if (claims.aud !== PROOF_AUDIENCE) return `The proof's audience must be ${PROOF_AUDIENCE}.`;
  if (claims.iss !== record.objectId) return "The proof's issuer must be the application's object id.";
  if (!(exp - nbf <= PROOF_LIFETIME_SECONDS) || nbf > now || exp < now) {
    return "The proof is not within its valid time range (at most 10 minutes).";
  }
  return undefined;
}

/**
 * A key route: the caller is the app itself (no permission needed) or may change the app (addPassword's
 * permissions), the body is JSON, and the proof of possession holds; `change` then reads its own fields.
 */
function keyRoute(
  call: "addKey" | "removeKey",
  change: (g: GraphContext, record: AppRecord, body: Record<string, unknown>) => Response,
  fieldsFirst: (g: GraphContext, body: Record<string, unknown>) => Response | undefined,
): GraphRoute {
  return {
    name: "graphWrite",
    method: "POST",
    path: new RegExp(`^\\/applications\\/([^/()]+)\\/${call}\\/?$`, "i"),
    roles: WRITE_ROLES,
    scopes: WRITE_SCOPES,
    call,
    selfWithoutPermission: true,
    answer(request): Response {
      const { g } = request;
      const record = isOwnApplication(request.dir, request.caller, request.match[1])
        ? (request.dir.byObjectId(request.match[1] ?? "") ?? managed(request))
        : managed(request);
      if ("kind" in record) return record;
      const parsed = readJson(request);
      if ("refused" in parsed) return parsed.refused;
      const refused = fieldsFirst(g, parsed.json);
      if (refused !== undefined) return refused;
      const problem = proofProblem(g, record, parsed.json.proof);
      if (problem !== undefined) return graphBadRequest(g, problem);
      return change(g, record, parsed.json);
    },
  };
}

/** The new certificate of an addKey body as PEM, or the answer refusing the field. */
function newCertificate(g: GraphContext, body: Record<string, unknown>): string | Response {
  const { keyCredential } = body;
  if (keyCredential === null || typeof keyCredential !== "object" || Array.isArray(keyCredential)) {
    return invalidProperty(g, "keyCredential", "Application");
  }
  const { type, usage, key } = keyCredential as Record<string, unknown>;
  if (type !== "AsymmetricX509Cert") return invalidProperty(g, "type", "KeyCredential");
  if (usage !== "Verify") return invalidProperty(g, "usage", "KeyCredential");
  try {
    return new X509Certificate(Buffer.from(String(key), "base64")).toString();
  } catch {
    return invalidProperty(g, "key", "KeyCredential");
  }
}

const keyIdOf = (body: Record<string, unknown>) => (typeof body.keyId === "string" ? body.keyId.toLowerCase() : "");

export const addKeyRoute = keyRoute(
  "addKey",
  (g, record, body) => {
    const certPem = newCertificate(g, body);
    if (typeof certPem !== "string") return certPem;
    const { displayName } = body.keyCredential as Record<string, unknown>;
    const added = resolveKey(
      { keyId: randomUUID(), certPem, ...(typeof displayName === "string" ? { displayName } : {}) },
      g.now.getTime(),
    );
    record.keys.push(added);
    return graphOk(g, {
      "@odata.context": `${g.base}/v1.0/$metadata#microsoft.graph.keyCredential`,
      ...keyCredentialEntity(added),
    });
  },
  (g, body) => {
    const certificate = newCertificate(g, body);
    return typeof certificate === "string" ? undefined : certificate;
  },
);

export const removeKeyRoute = keyRoute(
  "removeKey",
  (g, record, body) => {
    const keyId = keyIdOf(body);
    const index = record.keys.findIndex((k) => k.keyId.toLowerCase() === keyId);
    // (unverified) The wording for a keyId the app does not have.
    if (index < 0) return graphBadRequest(g, `No key credential found with keyId '${keyId}'.`);
    record.keys.splice(index, 1);
    return graphNoContent(g);
  },
  (g, body) => (isGuid(keyIdOf(body)) ? undefined : invalidProperty(g, "keyId", "KeyCredential")),
);
