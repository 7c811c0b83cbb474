/**
 * Links of the customer's page that depend on the invitation's cloud: the tenant's admin-consent URL (the same
 * form the validator puts in a failed permissions check, docs/entra.md section 12, built by the contract's one
 * function) and where to register the app.
 */
import { adminConsentUrlAt, CLOUD_LOGIN_URLS, type Cloud, clientIdSchema, tenantIdSchema } from "@dr/contract";

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
  return adminConsentUrlAt(CLOUD_LOGIN_URLS[cloud], tenant.data, client.data);
}
