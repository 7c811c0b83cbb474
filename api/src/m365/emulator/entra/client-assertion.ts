/**
 * Certificate credentials at the token endpoint (docs/entra.md section 13): a client-credentials request with
 * `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer` and a `client_assertion` JWT signed
 * with the private key of a certificate registered on the app (a keyCredential). Checked here, in this order: the
 * JWT's shape, the key named by the header's `x5t#S256` (or legacy `x5t`) among the app's keyCredentials
 * (AADSTS700027 "The key was not found", or "The key used is expired"), the signature with that key (PS256 or
 * RS256), `iss` = `sub` = the client id, `aud` = this host's token endpoint for the tenant, and the `nbf`/`exp`
 * window (AADSTS700024). The answer is either Entra's refusal or the key that was used.
 */
import { compactVerify } from "jose";
import type { AppRecord, ResolvedKey } from "../emulator.directory.js";
import { type EntraContext, entraError, missingParameter, type Response } from "../emulator.responses.js";
import type { TenantFixture } from "../emulator.types.js";

/** The one assertion type Entra accepts for certificates. */
export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** Clock skew Entra tolerates on nbf/exp (docs/entra.md section 13; 5 minutes, as for tokens). */
const SKEW_SECONDS = 300;

/** Decodes the protected header of a compact JWS, or undefined when it is not one. */
function headerOf(jwt: string): Record<string, unknown> | undefined {
  const parts = jwt.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0] ?? "", "base64url").toString("utf8")) as unknown;
    return header !== null && typeof header === "object" && !Array.isArray(header)
      ? (header as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The SHA-1 thumbprint, hex upper case, of a base64url `x5t` (what Entra's message quotes). */
function hexOf(b64url: string): string {
  return Buffer.from(b64url, "base64url").toString("hex").toUpperCase();
}

/** The token endpoints an assertion may name as `aud`: this host's, for the tenant's id or one of its domains. */
function audiences(ctx: EntraContext, tenant: TenantFixture): string[] {
  const names = [tenant.id, ...tenant.domains.filter((d) => d.isVerified !== false).map((d) => d.name)];
  return names.map((n) => `${ctx.base}/${n.toLowerCase()}/oauth2/v2.0/token`);
}

/**
 * Checks a certificate credential. `undefined` type and assertion are the caller's business (no credential at all);
 * here both are present. Returns Entra's refusal, or the key that signed.
 */
export async function verifyClientAssertion(
  ctx: EntraContext,
  tenant: TenantFixture,
  record: AppRecord,
  assertionType: string | null,
  assertion: string,
): Promise<Response | { key: ResolvedKey }> {
  if (assertionType === null || assertionType === "") return missingParameter(ctx, "client_assertion_type");
  if (assertionType !== JWT_BEARER) {
    // (unverified) The message Entra gives for another assertion type.
    return entraError(ctx, 400, "invalid_request", 50027, `Invalid client assertion type '${assertionType}'.`);
  }
  const header = headerOf(assertion);
  if (header === undefined) {
    return entraError(ctx, 400, "invalid_request", 50027, "JWT token is invalid or malformed.");
  }
  const { app } = record;
  const s256 = typeof header["x5t#S256"] === "string" ? header["x5t#S256"] : undefined;
  const s1 = typeof header.x5t === "string" ? header.x5t : undefined;
  const key = record.keys.find((k) => (s256 !== undefined ? k.x5tS256 === s256 : s1 !== undefined && k.x5t === s1));
  // Entra quotes the SHA-1 thumbprint it was given, or the key id it looked for.
  const used = s1 !== undefined ? hexOf(s1) : (s256 ?? "");
  const keyRefusal = (reason: string) =>
    entraError(
      ctx,
      401,
      "invalid_client",
      700027,
      `Client assertion failed signature validation. [Reason - ${reason}, Thumbprint of key used by client: '${used}', ` +
        `Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.appId}'. ` +
        "Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding " +
        "service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http " +
        "to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/<appId>']",
    );
  if (key === undefined || key.start > ctx.now) return keyRefusal("The key was not found.");
  if (key.end < ctx.now) return keyRefusal("The key used is expired.");
  const alg = header.alg === "PS256" || header.alg === "RS256" ? header.alg : undefined;
  let claims: Record<string, unknown>;
  try {
    if (alg === undefined) throw new Error("algorithm");
    const { payload } = await compactVerify(assertion, key.publicKey, { algorithms: [alg] });
    claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    if (claims === null || typeof claims !== "object") throw new Error("claims");
  } catch {
    // (unverified) Key found, signature wrong: Entra's AADSTS7000274.
    return entraError(
      ctx,
      401,
      "invalid_client",
      7000274,
      "Key was found, but use of the key to verify the signature failed.",
    );
  }
  if (claims.iss !== app.appId || claims.sub !== app.appId) {
    // (unverified) Entra's wording for an assertion issued for another client.
    return entraError(
      ctx,
      401,
      "invalid_client",
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter.",
    );
  }
  const aud = typeof claims.aud === "string" ? claims.aud.toLowerCase() : "";
  if (!audiences(ctx, tenant).includes(aud)) {
    // (unverified) Entra refuses an assertion meant for another endpoint or tenant.
    return entraError(
      ctx,
      401,
      "invalid_client",
      7000214,
      `The audience claim of the client assertion is not valid; expected the token endpoint ${ctx.base}/${tenant.id}/oauth2/v2.0/token.`,
    );
  }
  const now = Math.floor(ctx.now.getTime() / 1000);
  const nbf = typeof claims.nbf === "number" ? claims.nbf : undefined;
  const exp = typeof claims.exp === "number" ? claims.exp : undefined;
  if (exp === undefined || exp + SKEW_SECONDS < now || (nbf !== undefined && nbf - SKEW_SECONDS > now)) {
    const iso = (sec: number | undefined) => (sec === undefined ? "(none)" : new Date(sec * 1000).toISOString());
    return entraError(
      ctx,
      401,
      "invalid_client",
      700024,
      `Client assertion is not within its valid time range. Current time: ${ctx.now.toISOString()}, assertion valid ` +
        `from ${iso(nbf)}, expiry time of assertion ${iso(exp)}. Review the documentation at ` +
        "https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .",
    );
  }
  return { key };
}
