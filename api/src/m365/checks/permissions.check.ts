/**
 * The `permissions` check: the token's own claims against the required application permissions (docs/entra.md
 * section 8). A token is issued without consent too, so only its `roles` show what was granted; no request is made.
 */
import { adminConsentUrlAt, type PermissionsInfo } from "@dr/contract";
import { DIRECTORY_ROLE_NAMES, IMPLICIT_APP_ROLE_ID } from "../aadsts.catalogue.js";
import { missingFact, type ValidatorCheck } from "./check.types.js";

/**
 * Permissions that include another one (a granted key satisfies each listed value). Reading `/applications`
 * app-only takes Application.Read.All, Application.ReadWrite.OwnedBy or Application.ReadWrite.All, never Directory.*
 * (docs/entra.md section 11).
 */
const IMPLIES: Readonly<Record<string, readonly string[]>> = {
  "Directory.Read.All": ["Organization.Read.All", "Domain.Read.All"],
  "Directory.ReadWrite.All": ["Directory.Read.All", "Organization.Read.All", "Domain.Read.All"],
  "Application.ReadWrite.OwnedBy": ["Application.Read.All"],
};

/** True when `granted` covers `required` directly, through ReadWrite, or through Directory.*. */
export function permissionCovered(required: string, granted: readonly string[]): boolean {
  const lower = required.toLowerCase();
  return granted.some((g) => {
    const gl = g.toLowerCase();
    if (gl === lower) return true;
    if (gl === lower.replace(".read.", ".readwrite.")) return true;
    return (IMPLIES[g] ?? []).some((implied) => implied.toLowerCase() === lower);
  });
}

/** Reads the payload of a JWT without verifying it (Graph tokens are opaque to clients; docs/entra.md section 8). */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return payload && typeof payload === "object" && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((r): r is string => typeof r === "string") : [];

export const permissionsCheck: ValidatorCheck = {
  id: "permissions",
  after: ["tenant", "token"],
  skipCause: "the permissions check did not pass",
  run({ endpoints, requiredPermissions, facts }) {
    const { tenantGuid, clientId, accessToken } = facts;
    if (tenantGuid === undefined) return missingFact("tenantGuid");
    if (clientId === undefined) return missingFact("clientId");
    if (accessToken === undefined) return missingFact("accessToken");
    const claims = decodeJwtPayload(accessToken);
    if (!claims) {
      return {
        result: {
          status: "fail",
          code: "token_mismatch",
          message: "The access token could not be read.",
          remedy: "Check that the login URL points at Microsoft Entra ID.",
        },
      };
    }
    // A token for another tenant or app (a proxy swapping tokens, a wrong login URL) must not pass for this one.
    const tid = typeof claims.tid === "string" ? claims.tid.toLowerCase() : undefined;
    const appId = typeof claims.appid === "string" ? claims.appid : typeof claims.azp === "string" ? claims.azp : "";
    if (tid !== tenantGuid || appId.toLowerCase() !== clientId) {
      return {
        result: {
          status: "fail",
          code: "token_mismatch",
          message: "The access token was issued for another tenant or application than the one entered.",
          remedy: "Check the Tenant ID and the Application (client) ID.",
          detail: { tokenTenant: tid ?? null, tokenApp: appId || null },
        },
      };
    }
    const granted = strings(claims.roles);
    // `wids` always holds an implicit id that is no role anyone assigned (docs/entra.md section 8).
    const directoryRoles = strings(claims.wids)
      .filter((id) => id.toLowerCase() !== IMPLICIT_APP_ROLE_ID)
      .map((id) => DIRECTORY_ROLE_NAMES[id.toLowerCase()] ?? id);
    const missing = requiredPermissions.filter((p) => !permissionCovered(p, granted));
    // The portal's "Grant admin consent" first: the tenant's consent URL needs a redirect URI on the app, which a
    // customer's App registration usually lacks (AADSTS500113; docs/entra.md section 12).
    const consentUrl = adminConsentUrlAt(endpoints.loginUrl, tenantGuid, clientId);
    const info: PermissionsInfo = {
      granted,
      missing,
      directoryRoles,
      ...(missing.length > 0 ? { adminConsentUrl: consentUrl } : {}),
    };
    // The roles the app already holds (said as held, so they do not read as missing too).
    const rolesText =
      directoryRoles.length > 0 ? ` The app holds the directory roles: ${directoryRoles.join(", ")}.` : "";
    if (missing.length > 0) {
      return {
        facts: { permissions: info },
        result: {
          status: "fail",
          code: "permissions_missing",
          message: `Missing application permissions (admin consent): ${missing.join(", ")}.${rolesText}`,
          remedy: `In the Entra admin center, App registrations > the app > API permissions: add the Microsoft Graph application permissions ${missing.join(", ")}, then select "Grant admin consent for <tenant>" (a Global Administrator or Privileged Role Administrator). The admin-consent link ${consentUrl} works only when the app has a redirect URI; without one Entra answers AADSTS500113. Consent can take a few minutes to show.`,
          detail: { granted, missing, directoryRoles },
        },
      };
    }
    return {
      facts: { permissions: info },
      result: {
        status: "pass",
        message: `All required permissions are granted: ${requiredPermissions.join(", ")}.${rolesText}`,
        detail: { granted, directoryRoles },
      },
    };
  },
};
