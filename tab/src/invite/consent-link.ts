/**
 * Links of the customer's page that depend on the invitation's cloud: the tenant's admin-consent URL (the same
 * form the validator puts in a failed permissions check, docs/entra.md section 12) and where to register the app.
 * The login hosts are those of api/src/m365/clouds.ts, which the tab may not import (dependency rules); the
 * browser test of this page checks that both tables agree.
 */
import { type Cloud, clientIdSchema, tenantIdSchema } from "@dr/contract";

/** Login (Entra ID) base URL per cloud (docs/entra.md section 1). */
export const LOGIN_URLS: Readonly<Record<Cloud, string>> = {
  global: "https://login.microsoftonline.com",
  "usgov-gcchigh": "https://login.microsoftonline.us",
  "usgov-dod": "https://login.microsoftonline.us",
  china: "https://login.partner.microsoftonline.cn",
};

/**
 * Where an admin registers apps, per cloud: the Microsoft Entra admin centre for the global cloud, the Azure
 * portal of the national clouds (docs/entra.md section 1, "Portal for app registrations").
 */
export const REGISTRATION_PORTALS: Readonly<Record<Cloud, string>> = {
  global: "https://entra.microsoft.com",
  "usgov-gcchigh": "https://portal.azure.us",
  "usgov-dod": "https://portal.azure.us",
  china: "https://portal.azure.cn",
};

/**
 * The tenant's admin-consent URL for an app, or undefined while the Tenant ID or the Application (client) ID does
 * not pass the field rules (the values are normalised by the contract's schemas first: a GUID in lower case).
 */
export function adminConsentUrl(cloud: Cloud, tenantId: string, clientId: string): string | undefined {
  const tenant = tenantIdSchema.safeParse(tenantId);
  const client = clientIdSchema.safeParse(clientId);
  if (!tenant.success || !client.success) return undefined;
  return `${LOGIN_URLS[cloud]}/${encodeURIComponent(tenant.data)}/adminconsent?client_id=${encodeURIComponent(client.data)}`;
}
