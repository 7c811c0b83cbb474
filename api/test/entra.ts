/**
 * Test support for AUTH_MODE=entra: the emulator over HTTPS with the provider's own tenant added (its signing keys
 * are the ones operator tokens are checked against), the server in live mode pointed at it, and Teams SSO (v2)
 * access tokens for the tab's API signed by the emulator's key.
 */
import { randomUUID } from "node:crypto";
import type { StartOptions } from "../src/app.js";
import { createEmulator, type Emulator } from "../src/m365/emulator/emulator.core.js";
import { sandboxTenants } from "../src/m365/emulator/emulator.fixtures.js";
import { createEmulatorTls, type EmulatorServer, startEmulatorServer } from "../src/m365/emulator/emulator.server.js";
import type { TenantFixture } from "../src/m365/emulator/emulator.types.js";
import { startTestApp, type TestApp } from "./helpers.js";

export const PROVIDER_TENANT = "5b0b8c3e-7f7c-4a59-9f0e-2c1d7f7a9e11";
export const OTHER_TENANT = "0c8a3f55-3c61-4bd8-b5d5-0d6f3d8b9e22";
export const TAB_CLIENT_ID = "7d2f6c1a-9b3e-4f5a-8c7d-6e5f4a3b2c1d";

/** The provider's own tenant: it only needs to exist for its signing keys to be served. */
const provider: TenantFixture = {
  scenario: "provider",
  description: "The provider's own tenant (operator sign-in)",
  id: PROVIDER_TENANT,
  displayName: "Provider",
  domains: [{ name: "provider.onmicrosoft.com", isDefault: true, isInitial: true }],
  cloud: "global",
  regionScope: "EU",
  apps: [],
};

/** The emulator, a server in entra mode against it, and a token maker. */
export interface EntraSetup {
  emulator: Emulator;
  server: EmulatorServer;
  app: TestApp;
  /** The environment the app was started with (to start another copy). */
  env: Record<string, string>;
  /** A Teams SSO access token for the tab's API (an Operator by default); `overrides` replace claims. */
  ssoToken(overrides?: Record<string, unknown>, opts?: { expiresInSeconds?: number }): Promise<string>;
  close(): Promise<void>;
}

/** Starts the emulator and the server in AUTH_MODE=entra. */
export async function startEntraSetup(
  env: Record<string, string> = {},
  options: Omit<StartOptions, "logDestination" | "extraCaPem"> = {},
): Promise<EntraSetup> {
  const emulator = await createEmulator({ tenants: [...sandboxTenants(), provider] });
  const server = await startEmulatorServer({ emulator, tls: await createEmulatorTls() });
  const appEnv = {
    M365_MODE: "live",
    M365_LOGIN_URL: server.url,
    M365_GRAPH_URL: server.url,
    AUTH_MODE: "entra",
    AUTH_TENANT_ID: PROVIDER_TENANT,
    AUTH_CLIENT_ID: TAB_CLIENT_ID,
    M365_TIMEOUT_MS: "3000",
    ...env,
  };
  const app = await startTestApp(appEnv, { ...options, extraCaPem: [server.caPem] });
  const ssoToken: EntraSetup["ssoToken"] = (overrides = {}, opts = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return emulator.signToken(
      {
        aud: TAB_CLIENT_ID,
        iss: `${server.url}/${PROVIDER_TENANT}/v2.0`,
        iat: now - 60,
        nbf: now - 60,
        tid: PROVIDER_TENANT,
        oid: randomUUID(),
        azp: "5e3ce6c0-2b1f-4285-8d4b-75ee78787346",
        scp: "access_as_user",
        ver: "2.0",
        preferred_username: "olivia@provider.example",
        upn: "olivia@provider.example",
        roles: ["Onboarding.Operator"],
        ...overrides,
      },
      opts,
    );
  };
  return {
    emulator,
    server,
    app,
    env: appEnv,
    ssoToken,
    close: async () => {
      await app.close();
      await server.close();
    },
  };
}
