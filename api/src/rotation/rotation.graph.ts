/**
 * The Graph calls of a rotation (docs/entra.md sections 9, 10, 13 and 15), each answered as a value: the application's
 * object id, password and key credentials, addPassword, removePassword, addKey, removeKey. A failed call says whether Graph refused the
 * permission (403: the app is not allowed to change itself, or does not own itself), did not find the object, or
 * could not answer; the decision is on the status and Graph's `error.code`, never on the message.
 */
import { type GraphAnswer, type GraphClient, graphErrorCode, graphRequestId } from "../m365/graph/graph.client.js";

/** A password or key credential of the application as Graph lists it (never the secret). */
export interface ListedPassword {
  keyId: string;
  /** A password's hint; a certificate's `customKeyIdentifier` (base64 SHA-1 thumbprint by default). */
  hint?: string;
  displayName?: string;
  startDateTime?: string;
  endDateTime?: string;
}

/** Why a Graph call failed, without the request or the token. */
export interface GraphFailure {
  ok: false;
  /** 403: the permission or the ownership is missing. */
  denied: boolean;
  /** 404: no such application (registered in another tenant) or credential. */
  notFound: boolean;
  httpStatus?: number;
  graphCode?: string;
  requestId?: string;
  /** The transport's cause when no answer came (`timeout`, `refused`, …). */
  network?: string;
}

/** A value, or the failure. */
export type GraphResult<T> = { ok: true; value: T } | GraphFailure;

/** The failure an answer stands for. */
function failureOf(answer: GraphAnswer): GraphFailure {
  if ("failure" in answer) return { ok: false, denied: false, notFound: false, network: answer.failure.kind };
  const { response } = answer;
  const graphCode = graphErrorCode(response.json);
  return {
    ok: false,
    denied: response.status === 403,
    notFound: response.status === 404,
    httpStatus: response.status,
    ...(graphCode ? { graphCode } : {}),
    ...graphRequestId(response),
  };
}

/** The facts of a failure for `detail` (status, Graph's code, request id, network cause). */
export function failureDetail(failure: GraphFailure): Record<string, unknown> {
  return {
    ...(failure.httpStatus !== undefined ? { httpStatus: failure.httpStatus } : {}),
    ...(failure.graphCode ? { graphCode: failure.graphCode } : {}),
    ...(failure.requestId ? { requestId: failure.requestId } : {}),
    ...(failure.network ? { network: failure.network } : {}),
  };
}

/** The credentials of a Graph list; `hintField` is what names one (`hint`, or `customKeyIdentifier`). */
function listed(list: unknown, hintField: "hint" | "customKeyIdentifier"): ListedPassword[] {
  return (Array.isArray(list) ? list : []).flatMap((p): ListedPassword[] => {
    const c = p as Record<string, unknown>;
    if (typeof c?.keyId !== "string") return [];
    const hint = c[hintField];
    return [
      {
        keyId: c.keyId,
        ...(typeof hint === "string" ? { hint } : {}),
        ...(typeof c.displayName === "string" ? { displayName: c.displayName } : {}),
        ...(typeof c.startDateTime === "string" ? { startDateTime: c.startDateTime } : {}),
        ...(typeof c.endDateTime === "string" ? { endDateTime: c.endDateTime } : {}),
      },
    ];
  });
}

/** The application as a rotation reads it. */
export interface ReadApplication {
  objectId: string;
  passwords: ListedPassword[];
  /** Its certificates (keyCredentials), never key material. */
  keys: ListedPassword[];
}

/**
 * GET /applications(appId='…')?$select=id,passwordCredentials,keyCredentials: the object id that the credential
 * calls take, and the current passwords and certificates. `appId` must be a parsed GUID (it goes into the path as it
 * is).
 */
export async function readApplication(graph: GraphClient, appId: string): Promise<GraphResult<ReadApplication>> {
  const answer = await graph.get(`/v1.0/applications(appId='${appId}')?$select=id,passwordCredentials,keyCredentials`);
  if ("failure" in answer || answer.response.status !== 200) return failureOf(answer);
  const body = answer.response.json as
    | { id?: unknown; passwordCredentials?: unknown; keyCredentials?: unknown }
    | undefined;
  if (typeof body?.id !== "string") return { ...failureOf(answer), httpStatus: answer.response.status };
  return {
    ok: true,
    value: {
      objectId: body.id,
      passwords: listed(body.passwordCredentials, "hint"),
      keys: listed(body.keyCredentials, "customKeyIdentifier"),
    },
  };
}

/** What addPassword answered: the new credential and its text (shown once; the caller seals it). */
export interface AddedPassword {
  keyId: string;
  hint: string;
  secretText: string;
  startDateTime?: string;
  endDateTime: string;
}

/** POST /applications/{id}/addPassword with a label and an end date. */
export async function addPassword(
  graph: GraphClient,
  objectId: string,
  credential: { displayName: string; endDateTime: string },
): Promise<GraphResult<AddedPassword>> {
  const answer = await graph.write("POST", `/v1.0/applications/${encodeURIComponent(objectId)}/addPassword`, {
    passwordCredential: credential,
  });
  if ("failure" in answer || answer.response.status < 200 || answer.response.status > 299) return failureOf(answer);
  const body = answer.response.json as Record<string, unknown> | undefined;
  if (typeof body?.keyId !== "string" || typeof body.secretText !== "string" || body.secretText.length === 0) {
    return { ...failureOf(answer), httpStatus: answer.response.status };
  }
  return {
    ok: true,
    value: {
      keyId: body.keyId,
      secretText: body.secretText,
      hint: typeof body.hint === "string" ? body.hint : body.secretText.slice(0, 3),
      ...(typeof body.startDateTime === "string" ? { startDateTime: body.startDateTime } : {}),
      endDateTime: typeof body.endDateTime === "string" ? body.endDateTime : credential.endDateTime,
    },
  };
}

/**
 * POST /applications/{id}/removePassword, or removeKey with its proof of possession. A refusal is checked against
 * the application's list: a keyId no longer listed (removed by hand meanwhile) counts as removed.
 */
export async function removeCredential(
  graph: GraphClient,
  objectId: string,
  appId: string,
  keyId: string,
  proof?: string,
): Promise<GraphResult<"removed" | "gone">> {
  const action = proof === undefined ? "removePassword" : "removeKey";
  const answer = await graph.write("POST", `/v1.0/applications/${encodeURIComponent(objectId)}/${action}`, {
    keyId,
    ...(proof !== undefined ? { proof } : {}),
  });
  if (!("failure" in answer) && answer.response.status >= 200 && answer.response.status <= 299) {
    return { ok: true, value: "removed" };
  }
  const failure = failureOf(answer);
  if (failure.network || failure.denied) return failure;
  const read = await readApplication(graph, appId);
  const still = read.ok ? (proof === undefined ? read.value.passwords : read.value.keys) : undefined;
  if (still && !still.some((p) => p.keyId.toLowerCase() === keyId.toLowerCase())) {
    return { ok: true, value: "gone" };
  }
  return failure;
}

/** What addKey answered: the new keyCredential (Graph never answers key material). */
export interface AddedKey {
  keyId: string;
  startDateTime?: string;
  endDateTime?: string;
}

/**
 * POST /applications/{id}/addKey with the new certificate (base64 DER) and the proof of possession signed by a
 * current certificate of the app (docs/entra.md section 13).
 */
export async function addKey(
  graph: GraphClient,
  objectId: string,
  credential: { derBase64: string; displayName: string },
  proof: string,
): Promise<GraphResult<AddedKey>> {
  const answer = await graph.write("POST", `/v1.0/applications/${encodeURIComponent(objectId)}/addKey`, {
    keyCredential: {
      type: "AsymmetricX509Cert",
      usage: "Verify",
      key: credential.derBase64,
      displayName: credential.displayName,
    },
    passwordCredential: null,
    proof,
  });
  if ("failure" in answer || answer.response.status < 200 || answer.response.status > 299) return failureOf(answer);
  const body = answer.response.json as Record<string, unknown> | undefined;
  if (typeof body?.keyId !== "string") return { ...failureOf(answer), httpStatus: answer.response.status };
  return {
    ok: true,
    value: {
      keyId: body.keyId,
      ...(typeof body.startDateTime === "string" ? { startDateTime: body.startDateTime } : {}),
      ...(typeof body.endDateTime === "string" ? { endDateTime: body.endDateTime } : {}),
    },
  };
}
