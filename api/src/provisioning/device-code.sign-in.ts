/**
 * The customer's admin signs in once with a device code (docs/entra.md section 14): msal-node's
 * `PublicClientApplication.acquireTokenByDeviceCode` with the provider's multi-tenant public client
 * (PROVISIONING_CLIENT_ID), authority `<login>/organizations`, over our transport (timeouts on every request,
 * docs/entra.md section 7). The delegated Graph token it gives is kept by the caller in memory only.
 *
 * msal polls only while the answer is `authorization_pending`; any other error, `slow_down` included, ends its poll
 * (docs/entra.md section 14). Our network client therefore hands msal a `slow_down` as `authorization_pending` and
 * waits 5 s longer before every later poll of that code (RFC 8628 section 3.5: "the interval MUST be increased by 5
 * seconds for this and all subsequent requests"). msal reports a server error only by its `error` string, so the
 * network client keeps the last token answer's AADSTS number for the classification of the ending.
 */
import { randomUUID } from "node:crypto";
import {
  AuthError,
  type AuthenticationResult,
  type DeviceCodeRequest,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
  PublicClientApplication,
} from "@azure/msal-node";
import { adminConsentUrlAt } from "@dr/contract";
import { readAadsts } from "../m365/aadsts.catalogue.js";
import { decodeJwtPayload } from "../m365/checks/permissions.check.js";
import type { CloudEndpoints } from "../m365/clouds.js";
import type { Transport, TransportError } from "../m365/http/transport.js";
import { msalOptions, type NetworkLast, networkClientOver } from "../m365/msal/msal.options.js";

/** What the admin is shown: the code, where to enter it, and Microsoft's own sentence. */
export interface DeviceCodeShown {
  userCode: string;
  verificationUri: string;
  message: string;
  expiresInSeconds: number;
  intervalSeconds: number;
}

/** How a sign-in ended. Never holds the token except in `signed_in`, which the caller keeps in memory only. */
export type SignInEnding =
  | {
      kind: "signed_in";
      accessToken: string;
      expiresOn: Date;
      tenantId: string;
      /** The admin's user principal name (`upn`, else `preferred_username`), when the token says. */
      userPrincipalName?: string;
    }
  | { kind: "declined" }
  | { kind: "expired" }
  | { kind: "cancelled" }
  | { kind: "failed"; code: string; message: string; remedy: string; detail: Record<string, unknown> };

/** Options of {@link startDeviceCodeSignIn}. */
export interface DeviceCodeSignInOptions {
  /** The one transport (timeouts, Retry-After budget). */
  transport: Transport;
  /** The run's cloud, with the M365_LOGIN_URL / M365_GRAPH_URL overrides applied. */
  endpoints: CloudEndpoints;
  /** The provider's public client (PROVISIONING_CLIENT_ID). */
  clientId: string;
  /** Asks for RoleManagement.ReadWrite.Directory too (to assign Teams Administrator). */
  assignTeamsAdministrator: boolean;
  /** Called once, when Entra gave the code. */
  onCode(code: DeviceCodeShown): void | Promise<void>;
  /** Asked before each poll; false ends the sign-in as cancelled (the run was cancelled on another copy). */
  stillWanted?: () => Promise<boolean>;
  /** Injectable wait (tests); must end early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  correlationId?: string;
  logger?: { warn(o: object, m?: string): void };
}

/** A sign-in in progress. */
export interface DeviceCodeSignIn {
  /** Settles once with the ending; never rejects. */
  readonly done: Promise<SignInEnding>;
  /** Stops polling; `done` resolves `cancelled` (unless it had already ended). */
  cancel(): void;
}

/**
 * The device-code grant of a poll: RFC 8628's URN (docs/entra.md section 14), or `device_code` as msal-node 7 sends
 * it.
 */
const DEVICE_CODE_GRANTS = new Set(["urn:ietf:params:oauth:grant-type:device_code", "device_code"]);
/** RFC 8628 section 3.5: every `slow_down` adds this to the interval of that code, for good. */
export const SLOW_DOWN_STEP_MS = 5000;

/** The delegated Graph permissions a run needs (docs/entra.md section 15), as scopes of the cloud's Graph. */
export function signInScopes(graphResource: string, assignTeamsAdministrator: boolean): string[] {
  return [
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "Directory.Read.All",
    ...(assignTeamsAdministrator ? ["RoleManagement.ReadWrite.Directory"] : []),
  ].map((name) => `${graphResource}/${name}`);
}

/** A wait that ends early when `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Thrown by the network client once the sign-in was cancelled: msal gets no further answer. */
class SignInCancelled extends Error {
  override readonly name = "SignInCancelled";
}

/** Thrown by the network client when Entra refused to give a device code. */
class DeviceCodeRefused extends Error {
  override readonly name = "DeviceCodeRefused";
}

/** The last token-endpoint error answer, as the classification needs it (no token, no body beyond these fields). */
export interface LastTokenError {
  status: number;
  error?: string;
  aadsts?: number;
  suberror?: string;
}

/** What the device-code network client remembers: the shared client's last answer and failure, and the last token error. */
export type DeviceCodeLast = NetworkLast & { tokenError?: LastTokenError };

/**
 * msal's network client for a device-code sign-in, a wrapper over the shared one (api/src/m365/msal/msal.options.ts:
 * every request through the transport and its timeout, the last network failure remembered): a `slow_down` poll
 * answer handed to msal as `authorization_pending` with 5 s more before each later poll of that code, and the last
 * token error remembered.
 */
export function deviceCodeNetworkClient(
  transport: Transport,
  options: {
    signal: AbortSignal;
    sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
    beforePoll?: () => Promise<void>;
  },
): { client: INetworkModule; last: DeviceCodeLast; slowDowns: number } {
  const sleep = options.sleep ?? abortableSleep;
  const shared = networkClientOver(transport);
  const state: { client: INetworkModule; last: DeviceCodeLast; slowDowns: number } = {
    client: undefined as unknown as INetworkModule,
    last: shared.last,
    slowDowns: 0,
  };
  /** Extra wait per device code, ms: 5 s more for each `slow_down` that code got. */
  const extraWaitMs = new Map<string, number>();

  const send = async <T>(
    method: "GET" | "POST",
    url: string,
    requestOptions?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> => {
    if (options.signal.aborted) throw new SignInCancelled("the sign-in was cancelled");
    const form = typeof requestOptions?.body === "string" ? new URLSearchParams(requestOptions.body) : undefined;
    const grant = form?.get("grant_type") ?? "";
    const deviceCode = form && DEVICE_CODE_GRANTS.has(grant) ? (form.get("device_code") ?? "") : undefined;
    if (deviceCode !== undefined) {
      const extra = extraWaitMs.get(deviceCode) ?? 0;
      if (extra > 0) await sleep(extra, options.signal);
      await options.beforePoll?.();
      if (options.signal.aborted) throw new SignInCancelled("the sign-in was cancelled");
    }
    // A body that is not JSON already comes back as a `non_json_response` error (docs/entra.md section 7).
    const response =
      method === "GET"
        ? await shared.client.sendGetRequestAsync<Record<string, unknown>>(url, requestOptions)
        : await shared.client.sendPostRequestAsync<Record<string, unknown>>(url, requestOptions);
    let json = response.body;
    const isDeviceCodeStart = /\/devicecode$/i.test(new URL(url).pathname);
    if (typeof json.error === "string") {
      if (deviceCode !== undefined && json.error === "slow_down") {
        // msal would stop on it (docs/entra.md section 14): keep polling, 5 s slower from now on (RFC 8628).
        extraWaitMs.set(deviceCode, (extraWaitMs.get(deviceCode) ?? 0) + SLOW_DOWN_STEP_MS);
        state.slowDowns++;
        json = { ...json, error: "authorization_pending" };
      } else if (json.error !== "authorization_pending") {
        state.last.tokenError = {
          status: response.status,
          error: json.error,
          ...(() => {
            const aadsts = readAadsts(undefined, json.error_codes, json.error_description);
            return aadsts !== undefined ? { aadsts } : {};
          })(),
          ...(typeof json.suberror === "string" ? { suberror: json.suberror } : {}),
        };
      }
    }
    // msal reads a refused device-code request as if it had given a code (it checks no `error` there), so the
    // refusal ends the sign-in here, with the answer kept for the classification.
    if (isDeviceCodeStart && (typeof json.error === "string" || typeof json.user_code !== "string")) {
      state.last.tokenError ??= { status: response.status, error: String(json.error ?? "invalid_response") };
      throw new DeviceCodeRefused(`the device-code request was refused (HTTP ${response.status})`);
    }
    return { status: response.status, headers: response.headers, body: json as T };
  };
  state.client = {
    sendGetRequestAsync: (url, requestOptions) => send("GET", url, requestOptions),
    sendPostRequestAsync: (url, requestOptions) => send("POST", url, requestOptions),
  };
  return state;
}

/** Starts a sign-in: asks Entra for a code, hands it to `onCode`, then polls until the admin acts or it ends. */
export function startDeviceCodeSignIn(options: DeviceCodeSignInOptions): DeviceCodeSignIn {
  const controller = new AbortController();
  const correlationId = options.correlationId ?? randomUUID();
  const network = deviceCodeNetworkClient(options.transport, {
    signal: controller.signal,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    beforePoll: async () => {
      if (options.stillWanted && !(await options.stillWanted())) controller.abort();
    },
  });
  // The public client at <login>/organizations; msal's own errors name no token at the error level, but a log line
  // is kept short all the same.
  const msal = msalOptions({
    loginUrl: options.endpoints.loginUrl,
    tenant: "organizations",
    clientId: options.clientId,
    networkClient: network.client,
    logger: options.logger,
    redact: (message) => message.slice(0, 300),
  });
  let codeShown = false;
  const request: DeviceCodeRequest = {
    scopes: signInScopes(options.endpoints.graphResource, options.assignTeamsAdministrator),
    correlationId,
    // Ends msal's poll at the latest after 15 minutes (Entra's codes live 900 s); set to the code's own lifetime
    // once it is known. It cannot extend past the code's expiry (docs/entra.md section 14).
    timeout: 900,
    deviceCodeCallback: (response) => {
      request.timeout = Math.max(1, response.expiresIn);
      codeShown = true;
      void Promise.resolve(
        options.onCode({
          userCode: response.userCode,
          verificationUri: response.verificationUri,
          message: response.message,
          expiresInSeconds: response.expiresIn,
          intervalSeconds: response.interval,
        }),
      ).catch(() => undefined);
    },
  };
  const cancelled = new Promise<SignInEnding>((resolve) => {
    controller.signal.addEventListener(
      "abort",
      () => {
        request.cancel = true;
        resolve({ kind: "cancelled" });
      },
      { once: true },
    );
  });
  const run = (async (): Promise<SignInEnding> => {
    try {
      const app = new PublicClientApplication(msal);
      const result = await app.acquireTokenByDeviceCode(request);
      return signedIn(result);
    } catch (error) {
      if (controller.signal.aborted || error instanceof SignInCancelled) return { kind: "cancelled" };
      return classifyEnding(error, network.last, {
        codeShown,
        endpoints: options.endpoints,
        clientId: options.clientId,
      });
    }
  })();
  const done = Promise.race([run, cancelled]);
  return {
    done,
    cancel: () => controller.abort(),
  };
}

function signedIn(result: AuthenticationResult | null): SignInEnding {
  if (!result?.accessToken) {
    return {
      kind: "failed",
      code: "sign_in_failed",
      message: "Microsoft Entra ID answered the sign-in without an access token.",
      remedy: "Start again; if it happens again, report it to the provider's support.",
      detail: {},
    };
  }
  const claims = decodeJwtPayload(result.accessToken) ?? {};
  const idClaims = (result.idTokenClaims ?? {}) as Record<string, unknown>;
  const tenantId = String(claims.tid ?? result.tenantId ?? idClaims.tid ?? "").toLowerCase();
  const upn = [claims.upn, idClaims.preferred_username, claims.unique_name, result.account?.username].find(
    (v): v is string => typeof v === "string" && v !== "",
  );
  return {
    kind: "signed_in",
    accessToken: result.accessToken,
    expiresOn: result.expiresOn ?? new Date(Date.now() + 3_600_000),
    tenantId,
    ...(upn ? { userPrincipalName: upn } : {}),
  };
}

/**
 * How a sign-in that got no token ended, from msal's error and the last token answer: declined, expired, or a
 * failure with its remedy (AADSTS65001: consent blocked; 7000218: the provider's app is not a public client).
 */
export function classifyEnding(
  error: unknown,
  last: { tokenError?: LastTokenError; failure?: TransportError },
  context: { codeShown: boolean; endpoints: CloudEndpoints; clientId: string },
): SignInEnding {
  const msalCode = error instanceof AuthError ? error.errorCode : undefined;
  const serverError = last.tokenError?.error ?? (error instanceof AuthError ? error.errorMessage : undefined);
  const aadsts = last.tokenError?.aadsts;
  if (msalCode === "device_code_expired" || msalCode === "user_timeout_reached" || serverError === "expired_token") {
    return { kind: "expired" };
  }
  if (aadsts === 70020) return { kind: "expired" };
  if (serverError === "authorization_declined") return { kind: "declined" };
  const detail: Record<string, unknown> = {
    ...(serverError ? { error: serverError } : {}),
    ...(aadsts !== undefined ? { aadsts } : {}),
    ...(last.tokenError?.suberror ? { suberror: last.tokenError.suberror } : {}),
    ...(last.tokenError ? { httpStatus: last.tokenError.status } : {}),
    ...(msalCode ? { msal: msalCode } : {}),
  };
  if (aadsts === 65001 || last.tokenError?.suberror === "consent_required") {
    const consentUrl = adminConsentUrlAt(context.endpoints.loginUrl, "organizations", context.clientId);
    return {
      kind: "failed",
      code: "consent_blocked",
      message:
        "The sign-in worked, but the tenant did not let consent be given to the provider's app (AADSTS65001): a " +
        "policy allows only administrators to consent, or blocks this app.",
      remedy:
        "A Global Administrator or Privileged Role Administrator of the tenant grants tenant-wide consent to the " +
        `provider's app at ${consentUrl}, then starts again; or signs in here themselves.`,
      detail: { ...detail, adminConsentUrl: consentUrl },
    };
  }
  if (aadsts === 7000218) {
    return {
      kind: "failed",
      code: "public_client_disabled",
      message:
        "Microsoft Entra ID refused the device-code sign-in: the provider's app (PROVISIONING_CLIENT_ID) does not " +
        "allow public client flows (AADSTS7000218).",
      remedy:
        "The provider turns on Allow public client flows (Authentication page of the provider's App registration), " +
        "then the admin starts again.",
      detail,
    };
  }
  if (aadsts === 700016) {
    return {
      kind: "failed",
      code: "provisioning_app_not_found",
      message:
        "Microsoft Entra ID does not know the provider's app (PROVISIONING_CLIENT_ID) in this cloud (AADSTS700016).",
      remedy:
        "The provider checks PROVISIONING_CLIENT_ID: it must be a multi-tenant app registered in the customer's cloud.",
      detail,
    };
  }
  if (last.failure && !last.tokenError) {
    return {
      kind: "failed",
      code: "microsoft_unreachable",
      message: `Microsoft Entra ID could not be reached (${last.failure.kind} calling ${last.failure.host}).`,
      remedy: "Try again in a few minutes. If it persists, check the server's network and proxy settings.",
      detail: { ...detail, cause: last.failure.kind, ...(last.failure.code ? { errorCode: last.failure.code } : {}) },
    };
  }
  if (last.tokenError && (last.tokenError.status === 429 || last.tokenError.status >= 500)) {
    return {
      kind: "failed",
      code: "throttled",
      message: "Microsoft Entra ID is throttling requests or is temporarily unavailable.",
      remedy: "Try again in a few minutes.",
      detail,
    };
  }
  return {
    kind: "failed",
    code: "sign_in_failed",
    message: `Microsoft Entra ID ended the sign-in${aadsts !== undefined ? ` (AADSTS${aadsts})` : serverError ? ` (${serverError})` : ""}${context.codeShown ? "" : " before a code was given"}.`,
    remedy: "Start again. If it happens again, give the details to the provider's support.",
    detail,
  };
}
