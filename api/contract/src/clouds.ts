/**
 * What every surface needs of the Microsoft clouds' login hosts (docs/entra.md section 1): the validator's cloud
 * table (api/src/m365/clouds.ts) takes its login URLs from here, and the customer's invitation page builds the same
 * admin-consent link the validator reports (docs/entra.md section 12).
 */
import type { Cloud } from "./inputs.schema.js";

/** Login (Entra ID) base URL per cloud, no trailing slash. */
export const CLOUD_LOGIN_URLS: Readonly<Record<Cloud, string>> = {
  global: "https://login.microsoftonline.com",
  "usgov-gcchigh": "https://login.microsoftonline.us",
  "usgov-dod": "https://login.microsoftonline.us",
  china: "https://login.partner.microsoftonline.cn",
};

/** A tenant's admin-consent URL for an app, at a login base URL (a cloud's, or an override such as the emulator's). */
export function adminConsentUrlAt(loginUrl: string, tenantId: string, clientId: string): string {
  return `${loginUrl}/${encodeURIComponent(tenantId)}/adminconsent?client_id=${encodeURIComponent(clientId)}`;
}
