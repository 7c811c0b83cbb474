/**
 * The Entra ID and Microsoft Graph emulator core: a pure request -> response function over tenant fixtures.
 * It imitates Microsoft's documented behaviour (docs/entra.md), not what a validator would like, so that code
 * tested against it holds against the real service. No sockets here: adapters (in-process dispatch, HTTPS server)
 * carry the answers and honour `delayMs`, `hang` and `reset`. This file only routes: the Entra handlers are in
 * entra/, the Graph routes in graph/, the answers' shapes in emulator.responses.ts, and what they share in
 * emulator.state.ts.
 */
import { randomUUID } from "node:crypto";
import { hostView } from "./emulator.clouds.js";
import { type EntraContext, type GraphContext, plain } from "./emulator.responses.js";
import { createEmulatorState, type EmulatorState, isGuid } from "./emulator.state.js";
import type {
  DeviceSignInAction,
  DeviceSignInResult,
  DirectorySnapshot,
  Emulator,
  EmulatorOptions,
  EmulatorRequest,
  EmulatorResponse,
} from "./emulator.types.js";
import { handleDeviceCode, signInWithDeviceCode } from "./entra/device-code.handler.js";
import { handleKeys } from "./entra/keys.handler.js";
import { handleOpenid } from "./entra/openid.handler.js";
import { handleToken } from "./entra/token.handler.js";
import { handleGraph } from "./graph/graph.routes.js";

/** Re-exported so callers of createEmulator need one import. */
export type { Emulator, EmulatorOptions } from "./emulator.types.js";

/** Accepted as an echoed client-request-id: anything else is replaced, so no arbitrary input is reflected. */
const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;
/** The login routes: `/{tenant}/` then the discovery document, the keys, the token or the device-code endpoint. */
const LOGIN_ROUTE =
  /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|oauth2\/v2\.0\/(?:token|devicecode))\/?$/i;

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Folds the global latency into an answer (a fault's own delay is already on it). */
function withLatency(state: EmulatorState, response: EmulatorResponse): EmulatorResponse {
  if (response.kind !== "response") return response;
  const delayMs = (response.delayMs ?? 0) + state.latencyMs;
  return delayMs > 0 ? { ...response, delayMs } : response;
}

/** The service answer to a request whose path decoded. */
async function answer(
  state: EmulatorState,
  req: EmulatorRequest,
  method: string,
  headers: Record<string, string>,
  url: URL,
  path: string,
): Promise<EmulatorResponse> {
  const base = `https://${headers.host ?? "localhost"}`;
  const at = state.now();
  // A Microsoft host name serves only its own service: Graph's hosts no login routes, and the reverse.
  const host = hostView(state, headers.host);
  if (/^\/v1\.0(?:\/|$)/i.test(path)) {
    if (host.service === "login") return plain(404, "Not Found");
    const requestId = randomUUID();
    const sent = headers["client-request-id"];
    const g: GraphContext = {
      base,
      now: at,
      requestId,
      // Graph answers with the request id when the client sent none.
      clientRequestId: sent !== undefined && REQUEST_ID_RE.test(sent) ? sent : requestId,
      host,
    };
    return handleGraph(state, g, { method, path, query: url.searchParams, headers, body: req.body });
  }

  const login = LOGIN_ROUTE.exec(path);
  if (login === null || host.service === "graph") return plain(404, "Not Found");
  const segment = login[1] ?? "";
  const which = (login[2] ?? "").toLowerCase();
  const form = new URLSearchParams(which.startsWith("oauth2") ? req.body : "");
  // msal sends client-request-id in the query and the body; Entra echoes it as correlation_id (docs/entra.md
  // section 3).
  const sentCorrelation =
    url.searchParams.get("client-request-id") ?? form.get("client-request-id") ?? headers["client-request-id"];
  const ctx: EntraContext = {
    base,
    now: at,
    traceId: randomUUID(),
    correlationId: sentCorrelation !== undefined && isGuid(sentCorrelation) ? sentCorrelation : randomUUID(),
    host,
  };
  if (which.startsWith("v2.0")) return handleOpenid(state, ctx, method, segment);
  if (which.startsWith("discovery")) return handleKeys(state, ctx, method, segment);
  if (which.endsWith("devicecode")) return handleDeviceCode(state, ctx, method, segment, form);
  return handleToken(state, ctx, method, segment, form);
}

async function route(state: EmulatorState, req: EmulatorRequest): Promise<EmulatorResponse> {
  const method = req.method.toUpperCase();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  const url = new URL(req.path.startsWith("/") ? req.path : `/${req.path}`, "https://emulator.invalid");
  const path = safeDecode(url.pathname);
  // A path that does not decode is refused before any service (or the injected latency) sees it.
  if (path === undefined) return plain(400, "Bad Request");
  return withLatency(state, await answer(state, req, method, headers, url, path));
}

/**
 * Creates an emulator over `options.tenants`. Generates a fresh RSA signing key, so tokens of one instance are not
 * accepted by another.
 */
export async function createEmulator(options: EmulatorOptions): Promise<Emulator> {
  const state = await createEmulatorState(options);
  return {
    async handle(req: EmulatorRequest): Promise<EmulatorResponse> {
      state.requestCount += 1;
      return route(state, req);
    },
    jwks: () => ({ keys: [{ ...state.jwk }] }),
    async signToken(claims: Record<string, unknown>, opts: { expiresInSeconds?: number } = {}): Promise<string> {
      const nowSec = Math.floor(state.now().getTime() / 1000);
      const iat = typeof claims.iat === "number" ? claims.iat : nowSec;
      const exp = typeof claims.exp === "number" ? claims.exp : nowSec + (opts.expiresInSeconds ?? 3600);
      return state.sign({ ...claims, iat, exp });
    },
    tenants: state.tenants,
    get requestCount(): number {
      return state.requestCount;
    },
    tokensIssued: () => state.tokensIssued,
    resetCounters(): void {
      state.resetCounters();
    },
    signInWithDeviceCode(userCode: string, action: DeviceSignInAction): DeviceSignInResult {
      return signInWithDeviceCode(state, userCode, action);
    },
    directory(tenantId: string): DirectorySnapshot {
      const wanted = tenantId.toLowerCase();
      const tenant = state.tenants.find((t) => t.id.toLowerCase() === wanted);
      if (tenant === undefined) throw new Error(`no tenant ${tenantId} in the emulator`);
      return state.directoryOf(tenant).snapshot();
    },
  };
}
