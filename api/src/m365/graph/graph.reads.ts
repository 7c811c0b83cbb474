/**
 * The Graph reads the checks make and what they take from the answers (docs/entra.md section 9). Each read names
 * only the properties it needs (`$select`), which keeps answers small and away from the throttled ones.
 */
import type { GraphAnswer, GraphClient } from "./graph.client.js";

/** A verified domain of the organization. */
export interface VerifiedDomain {
  name: string;
  isDefault?: boolean;
  isInitial?: boolean;
}

/** The organization as read: needs Organization.Read.All (or Directory.Read.All). */
export interface Organization {
  id?: string;
  displayName: string;
  verifiedDomains: VerifiedDomain[];
}

/** A password credential as Graph lists it; never the secret itself (docs/entra.md section 10). */
export interface PasswordCredential {
  keyId?: string;
  hint: string;
  startDateTime?: string;
  endDateTime: string;
}

/** GET /organization: which company the tenant is and its verified domains. */
export function getOrganization(graph: GraphClient): Promise<GraphAnswer> {
  return graph.get("/v1.0/organization?$select=id,displayName,verifiedDomains");
}

/** The organization in a 200 answer of {@link getOrganization}; undefined when the body has none. */
export function organizationOf(json: unknown): Organization | undefined {
  const org = (json as { value?: unknown[] } | undefined)?.value?.[0] as
    | { id?: unknown; displayName?: unknown; verifiedDomains?: unknown }
    | undefined;
  if (!org) return undefined;
  const domains = (Array.isArray(org.verifiedDomains) ? org.verifiedDomains : []).filter(
    (d): d is VerifiedDomain => typeof (d as { name?: unknown })?.name === "string",
  );
  return {
    ...(typeof org.id === "string" ? { id: org.id } : {}),
    displayName: typeof org.displayName === "string" ? org.displayName : "",
    verifiedDomains: domains,
  };
}

/**
 * GET /applications(appId='…') with its password credentials: needs Application.Read.All, and answers 404 for an
 * app registered in another tenant. `appId` must be a parsed GUID (it goes into the path as it is).
 */
export function getApplicationSecrets(graph: GraphClient, appId: string): Promise<GraphAnswer> {
  return graph.get(
    `/v1.0/applications(appId='${appId}')?$select=id,appId,displayName,passwordCredentials,keyCredentials`,
  );
}

/** A certificate listed on an application (Graph's keyCredential, docs/entra.md section 13); never key material. */
export interface KeyCredential {
  keyId?: string;
  /** Base64; by default the certificate's SHA-1 thumbprint. */
  customKeyIdentifier: string;
  displayName?: string;
  startDateTime?: string;
  endDateTime: string;
}

/** The keyCredentials of an answer of {@link getApplicationSecrets} that can be matched (identifier and end date). */
export function keyCredentialsOf(json: unknown): KeyCredential[] {
  const credentials = (json as { keyCredentials?: unknown } | undefined)?.keyCredentials;
  if (!Array.isArray(credentials)) return [];
  return credentials.filter(
    (c): c is KeyCredential => typeof c?.customKeyIdentifier === "string" && typeof c?.endDateTime === "string",
  );
}

/**
 * Every credential listed in an answer of {@link getApplicationSecrets}; undefined when the body has no list. Only
 * those with a string `hint` and `endDateTime` are usable: old credentials may be listed with `"hint": null`, which
 * can match no entered secret (docs/entra.md section 10).
 */
export function passwordCredentialsOf(json: unknown): { all: unknown[]; usable: PasswordCredential[] } | undefined {
  const credentials = (json as { passwordCredentials?: unknown } | undefined)?.passwordCredentials;
  if (!Array.isArray(credentials)) return undefined;
  return {
    all: credentials,
    usable: credentials.filter(
      (c): c is PasswordCredential => typeof c?.hint === "string" && typeof c?.endDateTime === "string",
    ),
  };
}
