/**
 * The Graph calls of a rotation (docs/entra.md sections 9, 10 and 15), each answered as a value: the application's
 * object id and password credentials, addPassword, removePassword. A failed call says whether Graph refused the
 * permission (403: the app is not allowed to change itself, or does not own itself), did not find the object, or
 * could not answer; the decision is on the status and Graph's `error.code`, never on the message.
 */
import { type GraphAnswer, type GraphClient, graphErrorCode, graphRequestId } from "../m365/graph/graph.client.js";

/** A password credential of the application as Graph lists it (never the secret). */
export interface ListedPassword {
  keyId: string;
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

/**
 * GET /applications(appId='…')?$select=id,passwordCredentials: the object id that addPassword and removePassword
 * take, and the current passwords. `appId` must be a parsed GUID (it goes into the path as it is).
 */
export async function readApplication(
  graph: GraphClient,
  appId: string,
): Promise<GraphResult<{ objectId: string; passwords: ListedPassword[] }>> {
  const answer = await graph.get(`/v1.0/applications(appId='${appId}')?$select=id,passwordCredentials`);
  if ("failure" in answer || answer.response.status !== 200) return failureOf(answer);
  const body = answer.response.json as { id?: unknown; passwordCredentials?: unknown } | undefined;
  if (typeof body?.id !== "string") return { ...failureOf(answer), httpStatus: answer.response.status };
  const list = Array.isArray(body.passwordCredentials) ? body.passwordCredentials : [];
  const passwords = list.flatMap((p): ListedPassword[] => {
    const c = p as Record<string, unknown>;
    if (typeof c?.keyId !== "string") return [];
    return [
      {
        keyId: c.keyId,
        ...(typeof c.hint === "string" ? { hint: c.hint } : {}),
        ...(typeof c.displayName === "string" ? { displayName: c.displayName } : {}),
        ...(typeof c.startDateTime === "string" ? { startDateTime: c.startDateTime } : {}),
        ...(typeof c.endDateTime === "string" ? { endDateTime: c.endDateTime } : {}),
      },
    ];
  });
  return { ok: true, value: { objectId: body.id, passwords } };
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
 * POST /applications/{id}/removePassword. A refusal is checked against the application's list: a keyId no longer
 * listed (removed by hand meanwhile) counts as removed.
 */
export async function removePassword(
  graph: GraphClient,
  objectId: string,
  appId: string,
  keyId: string,
): Promise<GraphResult<"removed" | "gone">> {
  const answer = await graph.write("POST", `/v1.0/applications/${encodeURIComponent(objectId)}/removePassword`, {
    keyId,
  });
  if (!("failure" in answer) && answer.response.status >= 200 && answer.response.status <= 299) {
    return { ok: true, value: "removed" };
  }
  const failure = failureOf(answer);
  if (failure.network || failure.denied) return failure;
  const listed = await readApplication(graph, appId);
  if (listed.ok && !listed.value.passwords.some((p) => p.keyId.toLowerCase() === keyId.toLowerCase())) {
    return { ok: true, value: "gone" };
  }
  return failure;
}
