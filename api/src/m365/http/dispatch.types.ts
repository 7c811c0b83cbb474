/**
 * The lowest layer of the validator's HTTP stack: one request out, one response back.
 * The real implementation speaks HTTPS through undici; the in-process emulator adapter answers from memory.
 * Timeouts, retries and error classification live one layer up, in the transport, so both behave alike.
 */
export interface DispatchRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Absolute https URL. */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Request body as text (form-encoded for the token POST), absent for GET. */
  body?: string;
}

export interface DispatchResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The raw body text; parsing is the transport's job. */
  body: string;
}

/**
 * Sends one request. Rejects when the request could not complete, with an Error whose `code` is Node's
 * (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, `EAI_AGAIN`, `CERT_HAS_EXPIRED`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`,
 * `DEPTH_ZERO_SELF_SIGNED_CERT`, ...) or undici's (`UND_ERR_*`), possibly on `error.cause`.
 * Must stop and reject (with `signal.reason`) when `signal` aborts.
 */
export type Dispatch = (request: DispatchRequest, signal: AbortSignal) => Promise<DispatchResponse>;
