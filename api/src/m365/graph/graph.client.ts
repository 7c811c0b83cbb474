/**
 * Microsoft Graph reads with an app-only token, on the run's one transport (docs/entra.md section 7). Checks and,
 * later, provisioning use this instead of calling the transport themselves, so every Graph request carries the
 * same headers and a request that got no answer comes back as a value, not a throw.
 */
import { type Transport, TransportError, type TransportResponse } from "../http/transport.js";

/** A Graph answer (any status), or the network failure that kept it from coming. */
export type GraphAnswer = { response: TransportResponse } | { failure: TransportError };

/** Options of {@link createGraphClient}. */
export interface GraphClientOptions {
  transport: Transport;
  /** The cloud's Graph base URL, no trailing slash (docs/entra.md section 1). */
  graphUrl: string;
  /** The app-only token from the client-credentials grant (docs/entra.md section 8). */
  accessToken: string;
  /** Sent as `client-request-id`; Graph echoes it, which ties its logs to ours. */
  correlationId: string;
}

/** Graph calls for one token. */
export interface GraphClient {
  /**
   * GET `path` (starting with `/v1.0/`, query included), with extra `headers` (e.g. `ConsistencyLevel: eventual` for
   * an advanced query, docs/entra.md section 16). Rejects only on a bug, never on a network failure.
   */
  get(path: string, headers?: Record<string, string>): Promise<GraphAnswer>;
  /**
   * A write: POST, PATCH or DELETE `path` with a JSON body (none for DELETE). Used by provisioning and rotation
   * (docs/entra.md section 15). Rejects only on a bug; the request body is never logged by the transport.
   */
  write(
    method: "POST" | "PATCH" | "DELETE",
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<GraphAnswer>;
}

/** Creates a Graph client for one token. */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const call = async (
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<GraphAnswer> => {
    try {
      const response = await options.transport.send({
        method,
        url: `${options.graphUrl}${path}`,
        headers: {
          authorization: `Bearer ${options.accessToken}`,
          accept: "application/json",
          "client-request-id": options.correlationId,
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...extra,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { response };
    } catch (error) {
      if (error instanceof TransportError) return { failure: error };
      throw error;
    }
  };
  return {
    get: (path, headers) => call("GET", path, undefined, headers),
    write: (method, path, body, headers) => call(method, path, body, headers),
  };
}

/** The `error.code` of Graph's error envelope; decide on it, never on the message (docs/entra.md section 9). */
export function graphErrorCode(json: unknown): string | undefined {
  const error = (json as { error?: { code?: unknown } } | undefined)?.error;
  return typeof error?.code === "string" ? error.code : undefined;
}

/** Graph's `request-id` header as a detail field, when present: what Microsoft support asks for. */
export function graphRequestId(response: TransportResponse): { requestId?: string } {
  const id = response.headers["request-id"];
  return id ? { requestId: id } : {};
}
