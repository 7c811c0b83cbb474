/**
 * What every msal-node client of ours is built with (docs/entra.md sections 6 and 7): the token check's and the
 * secret rotation's confidential clients and the device-code sign-in's public client. One authority on the cloud's
 * login host with its endpoints handed over (so msal makes no discovery call of its own), that host as a known
 * authority, a logger that lets only msal's errors through and cuts them first, and msal's network client over the
 * one transport (timeouts, status and cause kept). The classification of what comes back stays with each caller.
 */
import {
  type INetworkModule,
  LogLevel,
  type NetworkRequestOptions,
  type NetworkResponse,
  type NodeAuthOptions,
  type NodeSystemOptions,
} from "@azure/msal-node";
import { type Transport, TransportError, type TransportResponse } from "../http/transport.js";

/** What the network client remembers for the classification: the last answer, and the last failure to get one. */
export interface NetworkLast {
  response?: TransportResponse;
  failure?: TransportError;
}

/** msal's network client over our transport, with what it remembers. */
export interface TransportNetworkClient {
  client: INetworkModule;
  last: NetworkLast;
}

/** msal's network client over our transport, remembering the last answer or failure for classification. */
export function networkClientOver(transport: Transport): TransportNetworkClient {
  const last: NetworkLast = {};
  const lowerHeaders = (headers: Record<string, string> | undefined) =>
    Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const send = async <T>(
    method: "GET" | "POST",
    url: string,
    requestOptions?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> => {
    try {
      const response = await transport.send({
        method,
        url,
        headers: lowerHeaders(requestOptions?.headers),
        ...(requestOptions?.body !== undefined ? { body: requestOptions.body } : {}),
      });
      last.response = response;
      // msal parses every body as JSON; a proxy's HTML page becomes a classified error with its status kept
      // (docs/entra.md section 7).
      const body = (
        response.json !== undefined && !Array.isArray(response.json)
          ? response.json
          : { error: "non_json_response", error_description: `HTTP ${response.status} with a body that is not JSON` }
      ) as T;
      return { status: response.status, headers: response.headers, body };
    } catch (error) {
      if (error instanceof TransportError) last.failure = error;
      throw error;
    }
  };
  return {
    last,
    client: {
      sendGetRequestAsync: (url, requestOptions) => send("GET", url, requestOptions),
      sendPostRequestAsync: (url, requestOptions) => send("POST", url, requestOptions),
    },
  };
}

/** What {@link msalOptions} needs. */
export interface MsalOptionsInput {
  /** The cloud's login URL (`CloudEndpoints.loginUrl`, overrides applied), without a trailing slash. */
  loginUrl: string;
  /** The authority's tenant segment: a tenant GUID, or `organizations` for the device-code sign-in. */
  tenant: string;
  clientId: string;
  /** A confidential client's secret; left out for a public client or a certificate. */
  clientSecret?: string;
  /** A confidential client's certificate (docs/entra.md section 13): msal signs a PS256 client assertion with it. */
  clientCertificate?: { thumbprintSha256: string; privateKey: string };
  /** msal's network client, usually {@link networkClientOver}'s (or a wrapper over it). */
  networkClient: INetworkModule;
  /** Where msal's error lines go, as `warn({ source: "msal" }, line)`. */
  logger?: { warn(obj: object, msg?: string): void } | undefined;
  /** Cuts an msal log line before it is logged (the secret redacted, or the line shortened). */
  redact: (message: string) => string;
}

/** msal's `auth` and `system` options for a client on the cloud's authority over our transport. */
export function msalOptions(input: MsalOptionsInput): { auth: NodeAuthOptions; system: NodeSystemOptions } {
  const authority = `${input.loginUrl}/${input.tenant}`;
  // Handing msal the endpoints keeps it from fetching any discovery document (docs/entra.md section 6, "Which
  // requests msal sends"); its device-code endpoint is the token endpoint's with `devicecode` for `token`.
  const authorityMetadata = JSON.stringify({
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    issuer: `${authority}/v2.0`,
    jwks_uri: `${authority}/discovery/v2.0/keys`,
  });
  const { logger, redact } = input;
  return {
    auth: {
      clientId: input.clientId,
      authority,
      ...(input.clientSecret !== undefined ? { clientSecret: input.clientSecret } : {}),
      ...(input.clientCertificate !== undefined ? { clientCertificate: input.clientCertificate } : {}),
      knownAuthorities: [new URL(input.loginUrl).host],
      authorityMetadata,
    },
    system: {
      networkClient: input.networkClient,
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Error,
        loggerCallback: (level, message) => {
          if (level <= LogLevel.Error) logger?.warn({ source: "msal" }, redact(message));
        },
      },
    },
  };
}
