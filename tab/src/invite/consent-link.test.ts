import { CLOUD_LOGIN_URLS } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { adminConsentUrl, REGISTRATION_PORTALS } from "./consent-link";

const TENANT = "72F988BF-86F1-41AF-91AB-2D7CD011DB47";
const CLIENT = "11111111-2222-3333-4444-555555555555";

describe("adminConsentUrl", () => {
  it("builds the tenant's consent URL on the cloud's login host, with the GUIDs normalised", () => {
    expect(adminConsentUrl("global", TENANT, ` ${CLIENT.toUpperCase()} `)).toBe(
      `https://login.microsoftonline.com/${TENANT.toLowerCase()}/adminconsent?client_id=${CLIENT}`,
    );
    expect(adminConsentUrl("usgov-gcchigh", TENANT, CLIENT)).toMatch(/^https:\/\/login\.microsoftonline\.us\//);
    expect(adminConsentUrl("china", TENANT, CLIENT)).toMatch(/^https:\/\/login\.partner\.microsoftonline\.cn\//);
  });

  it("takes a tenant domain as the tenant", () => {
    expect(adminConsentUrl("global", "contoso.onmicrosoft.com", CLIENT)).toBe(
      `https://login.microsoftonline.com/contoso.onmicrosoft.com/adminconsent?client_id=${CLIENT}`,
    );
  });

  it("gives no link until both values pass the field rules", () => {
    expect(adminConsentUrl("global", "", CLIENT)).toBeUndefined();
    expect(adminConsentUrl("global", TENANT, "")).toBeUndefined();
    expect(adminConsentUrl("global", TENANT, "not-a-guid")).toBeUndefined();
    expect(adminConsentUrl("global", "common", CLIENT)).toBeUndefined();
  });

  it("has a login host and a registration portal for every cloud, over HTTPS", () => {
    for (const table of [CLOUD_LOGIN_URLS, REGISTRATION_PORTALS]) {
      expect(Object.keys(table).sort()).toEqual(["china", "global", "usgov-dod", "usgov-gcchigh"]);
      for (const url of Object.values(table)) expect(url).toMatch(/^https:\/\/[a-z0-9.-]+$/);
    }
  });
});
