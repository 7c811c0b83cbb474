/**
 * The in-process adapter: turns the emulator core into a {@link Dispatch}, so tests and the sandbox run the real
 * transport and validator without sockets, while still seeing delays, hangs and resets.
 */
import type { Dispatch, DispatchRequest, DispatchResponse } from "../http/dispatch.types.js";
import type { Emulator } from "./emulator.types.js";

/** Waits `ms`, rejecting with `signal.reason` as soon as the signal aborts. */
function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Never settles on its own: a hung server answers only to the client giving up. */
function waitForAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** The error Node's HTTP client raises when the peer drops the connection. */
function connectionReset(): Error {
  return Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
}

/**
 * A Dispatch answered by `emulator`: the URL's path and query become the request path and its host the `host`
 * header (the emulator builds its document URLs from it).
 */
export function emulatorDispatch(emulator: Emulator): Dispatch {
  return async (request: DispatchRequest, signal: AbortSignal): Promise<DispatchResponse> => {
    if (signal.aborted) throw signal.reason;
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    headers.host = url.host;
    const answer = await emulator.handle({
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers,
      body: request.body ?? "",
    });
    if (signal.aborted) throw signal.reason;
    if (answer.kind === "hang") return waitForAbort(signal);
    if (answer.kind === "reset") throw connectionReset();
    if (answer.delayMs !== undefined && answer.delayMs > 0) await abortableDelay(answer.delayMs, signal);
    return { status: answer.status, headers: { ...answer.headers }, body: answer.body };
  };
}
