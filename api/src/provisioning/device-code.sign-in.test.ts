/**
 * The device-code sign-in with the real msal-node over a hand-written transport (no network): the `slow_down`
 * handling (msal stops on it; our network client hands msal `authorization_pending` and waits 5 s longer before
 * every later poll of that code, RFC 8628), and how each ending is classified (declined, expired, AADSTS65001
 * consent_blocked with the admin-consent link, AADSTS7000218, a refused device-code request, cancel).
 */
import { describe, expect, it } from "vitest";
import { resolveEndpoints } from "../m365/clouds.js";
import type { Transport, TransportRequest, TransportResponse } from "../m365/http/transport.js";
import { type DeviceCodeShown, signInScopes, startDeviceCodeSignIn } from "./device-code.sign-in.js";

const LOGIN = "https://login.test.example";
const CLIENT_ID = "5c9a0b4e-2f4d-4a63-9d3e-7b1f6c2a8e41";
const TENANT = "a2cc66d2-fa90-4b1b-9f2a-441040ea5f79";
const endpoints = resolveEndpoints("global", { loginUrl: LOGIN, graphUrl: "https://graph.test.example" });

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
const jwt = (claims: object) => `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.c2ln`;

function answer(status: number, body: object): TransportResponse {
  const text = JSON.stringify(body);
  return { status, headers: { "content-type": "application/json" }, text, json: body, durationMs: 1, attempts: 1 };
}

const entraError = (error: string, aadsts: number, extra: object = {}) =>
  answer(400, {
    error,
    error_description: `AADSTS${aadsts}: something.\r\nTrace ID: x`,
    error_codes: [aadsts],
    timestamp: "2026-11-28 10:00:00Z",
    ...extra,
  });

const tokenAnswer = () => {
  const now = Math.floor(Date.now() / 1000);
  return answer(200, {
    token_type: "Bearer",
    scope: "https://graph.microsoft.com/Application.ReadWrite.All",
    expires_in: 3599,
    ext_expires_in: 3599,
    access_token: jwt({ tid: TENANT, upn: "admin@lamna.onmicrosoft.com", exp: now + 3600 }),
    id_token: jwt({
      aud: CLIENT_ID,
      iss: `${LOGIN}/${TENANT}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      oid: "fcc2ee98-9075-4462-a109-d83142fe624f",
      sub: "sub",
      tid: TENANT,
      preferred_username: "admin@lamna.onmicrosoft.com",
      ver: "2.0",
    }),
    client_info: b64({ uid: "fcc2ee98-9075-4462-a109-d83142fe624f", utid: TENANT }),
  });
};

const deviceCodeAnswer = (interval = 0) =>
  answer(200, {
    user_code: "ABCD2345E",
    device_code: "device-code-1",
    verification_uri: "https://microsoft.com/devicelogin",
    expires_in: 60,
    interval,
    message:
      "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD2345E to authenticate.",
  });

/** A transport that answers the device-code request, then each poll from `polls` in turn (the last one repeats). */
function fakeTransport(polls: (() => TransportResponse)[], start: () => TransportResponse = () => deviceCodeAnswer()) {
  const requests: TransportRequest[] = [];
  let poll = 0;
  const transport: Transport = {
    async send(request) {
      requests.push(request);
      if (request.url.includes("/devicecode")) return start();
      const next = polls[Math.min(poll, polls.length - 1)];
      poll++;
      if (!next) throw new Error("no answer");
      return next();
    },
  };
  return { transport, requests, polls: () => poll };
}

function signIn(transport: Transport, sleeps: number[] = [], assign = true) {
  const shown: DeviceCodeShown[] = [];
  const handle = startDeviceCodeSignIn({
    transport,
    endpoints,
    clientId: CLIENT_ID,
    assignTeamsAdministrator: assign,
    onCode: (code) => {
      shown.push(code);
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { handle, shown };
}

describe("device-code sign-in", () => {
  it("asks for the run's delegated Graph scopes at <login>/organizations, RoleManagement only when assigning", async () => {
    expect(signInScopes("https://graph.microsoft.com", false)).toEqual([
      "https://graph.microsoft.com/Application.ReadWrite.All",
      "https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All",
      "https://graph.microsoft.com/Directory.Read.All",
    ]);
    expect(signInScopes("https://graph.microsoft.us", true)).toContain(
      "https://graph.microsoft.us/RoleManagement.ReadWrite.Directory",
    );
    const fake = fakeTransport([tokenAnswer]);
    const { handle, shown } = signIn(fake.transport);
    const ending = await handle.done;
    expect(ending).toMatchObject({
      kind: "signed_in",
      tenantId: TENANT,
      userPrincipalName: "admin@lamna.onmicrosoft.com",
    });
    expect(shown).toEqual([
      expect.objectContaining({ userCode: "ABCD2345E", verificationUri: "https://microsoft.com/devicelogin" }),
    ]);
    const start = fake.requests[0];
    expect(start?.url).toBe(`${LOGIN}/organizations/oauth2/v2.0/devicecode`);
    const form = new URLSearchParams(start?.body ?? "");
    expect(form.get("client_id")).toBe(CLIENT_ID);
    expect(form.get("scope")?.split(" ")).toEqual(
      expect.arrayContaining(["https://graph.microsoft.com/RoleManagement.ReadWrite.Directory"]),
    );
    // msal fetched no discovery document: the device-code request and one poll, nothing else.
    expect(fake.requests.map((r) => new URL(r.url).pathname)).toEqual([
      "/organizations/oauth2/v2.0/devicecode",
      "/organizations/oauth2/v2.0/token",
    ]);
  });

  it("keeps polling on slow_down, 5 s slower before every later poll of that code (RFC 8628)", async () => {
    const sleeps: number[] = [];
    const fake = fakeTransport([
      () => entraError("slow_down", 70000),
      () => entraError("authorization_pending", 70016),
      () => entraError("slow_down", 70000),
      tokenAnswer,
    ]);
    const { handle } = signIn(fake.transport, sleeps);
    const ending = await handle.done;
    expect(ending.kind, JSON.stringify(ending)).toBe("signed_in");
    expect(fake.polls()).toBe(4);
    // No wait before the first poll; 5 s more after the first slow_down, for good; 10 s after the second.
    expect(sleeps).toEqual([5000, 5000, 10_000]);
  });

  it("ends declined, expired (Entra's or msal's own), and cancelled", async () => {
    const declined = signIn(fakeTransport([() => entraError("authorization_declined", 70000)]).transport);
    expect(await declined.handle.done).toEqual({ kind: "declined" });
    const expired = signIn(fakeTransport([() => entraError("expired_token", 70020)]).transport);
    expect(await expired.handle.done).toEqual({ kind: "expired" });
    const pending = fakeTransport([() => entraError("authorization_pending", 70016)]);
    const cancelled = signIn(pending.transport);
    while (pending.polls() < 2) await new Promise((r) => setTimeout(r, 5));
    cancelled.handle.cancel();
    expect(await cancelled.handle.done).toEqual({ kind: "cancelled" });
  });

  it("AADSTS65001: consent_blocked, with the admin-consent link of the provider's app as the remedy", async () => {
    const { handle } = signIn(
      fakeTransport([() => entraError("invalid_grant", 65001, { suberror: "consent_required" })]).transport,
    );
    const ending = await handle.done;
    expect(ending).toMatchObject({ kind: "failed", code: "consent_blocked", detail: { aadsts: 65001 } });
    if (ending.kind !== "failed") throw new Error("not failed");
    expect(ending.remedy).toContain(`${LOGIN}/organizations/adminconsent?client_id=${CLIENT_ID}`);
    expect(ending.remedy).toContain("Global Administrator or Privileged Role Administrator");
  });

  it("AADSTS7000218 on the poll, and a refused device-code request, end with the provider's remedy", async () => {
    const notPublic = signIn(fakeTransport([() => entraError("invalid_client", 7000218)]).transport);
    const ending = await notPublic.handle.done;
    expect(ending).toMatchObject({ kind: "failed", code: "public_client_disabled" });
    if (ending.kind === "failed") expect(ending.remedy).toContain("Allow public client flows");

    const unknownApp = signIn(fakeTransport([tokenAnswer], () => entraError("unauthorized_client", 700016)).transport);
    expect(await unknownApp.handle.done).toMatchObject({ kind: "failed", code: "provisioning_app_not_found" });
    expect(unknownApp.shown).toEqual([]);
  });
});
