/**
 * The runner's steps over a hand-written Graph (no network) and a fake clock: their order and the Graph calls each
 * makes, the skips (options off, and everything after a failure), the display-name filter's escaping, replication
 * retries with backoff that never fail before PROVISIONING_REPLICATION_TIMEOUT_MS, the 429 retries, every created
 * object persisted before the next call, and the secret kept out of the run's state.
 */
import type { Check, ProvisioningStep, ValidationReport, ValidationRequest } from "@dr/contract";
import { PROVISIONING_STEP_IDS } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { resolveEndpoints } from "../m365/clouds.js";
import type { GraphAnswer, GraphClient } from "../m365/graph/graph.client.js";
import type { TransportResponse } from "../m365/http/transport.js";
import type { SealedSecret } from "../secrets/secret-store.types.js";
import type { ProvisioningOptions } from "../storage/provisioning.repository.js";
import { applicationsNamedPath, odataString } from "./provisioning.graph.js";
import { type RunnerContext, type RunnerState, runProvisioningSteps } from "./provisioning.runner.js";

const TENANT = "a2cc66d2-fa90-4b1b-9f2a-441040ea5f79";
const GRAPH_SP = "11111111-2222-4333-8444-555555555555";
const APP_OBJECT = "aaaaaaaa-0000-4000-8000-000000000001";
const APP_ID = "aaaaaaaa-0000-4000-8000-000000000002";
const SP = "aaaaaaaa-0000-4000-8000-000000000003";
const SECRET = "Sx8Q~runner.secret_ABCDEFGHIJKLMNOPQRSTUV";
const ROLES = [
  { id: "498476ce-e0fe-48b0-b801-37ba7e2685c6", value: "Organization.Read.All" },
  { id: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", value: "Application.Read.All" },
  { id: "18a4783c-866b-4cc7-a460-3d5e5662c884", value: "Application.ReadWrite.OwnedBy" },
];

function response(status: number, body?: unknown, headers: Record<string, string> = {}): GraphAnswer {
  const text = body === undefined ? "" : JSON.stringify(body);
  const r: TransportResponse = {
    status,
    headers,
    text,
    json: body,
    durationMs: 1,
    attempts: 1,
    ...(headers["retry-after"] ? { retryAfterSeconds: Number(headers["retry-after"]) } : {}),
  };
  return { response: r };
}
const graphError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  response(status, { error: { code, message } }, headers);

type Route = (method: string, path: string, body: unknown) => GraphAnswer | undefined;

/** Graph as a list of routes tried in order; each call is recorded. */
function fakeGraph(overrides: Route[] = []) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const normal: Route = (method, path) => {
    if (method === "GET" && path.startsWith("/v1.0/applications?")) return response(200, { value: [] });
    if (method === "GET" && path.startsWith("/v1.0/servicePrincipals(appId='00000003"))
      return response(200, { id: GRAPH_SP, appRoles: ROLES });
    if (method === "POST" && path === "/v1.0/applications")
      return response(201, { id: APP_OBJECT, appId: APP_ID, displayName: "Contoso DR" });
    if (method === "POST" && path === "/v1.0/servicePrincipals")
      return response(201, { id: SP, displayName: "Contoso DR" });
    if (method === "POST" && path.endsWith("/appRoleAssignedTo")) return response(201, { id: `grant-${calls.length}` });
    if (method === "POST" && path.endsWith("/roleAssignments")) return response(201, { id: "role-assignment-1" });
    if (method === "POST" && path.endsWith("/owners/$ref")) return response(204);
    if (method === "POST" && path.endsWith("/addPassword"))
      return response(200, {
        keyId: "bbbbbbbb-0000-4000-8000-000000000001",
        hint: SECRET.slice(0, 3),
        secretText: SECRET,
        endDateTime: "2027-06-01T00:00:00Z",
      });
    return undefined;
  };
  const answer = (method: string, path: string, body?: unknown): GraphAnswer => {
    calls.push({ method, path, body });
    for (const route of [...overrides, normal]) {
      const a = route(method, path, body);
      if (a) return a;
    }
    return graphError(404, "Request_ResourceNotFound", "no route");
  };
  const graph: GraphClient = {
    get: async (path) => answer("GET", path),
    write: async (method, path, body) => answer(method, path, body),
  };
  return { graph, calls };
}

const check = (id: Check["id"], status: Check["status"], code?: Check["code"]): Check => ({
  id,
  status,
  ...(code ? { code } : {}),
  message: `${id} ${status}`,
  durationMs: 1,
});
const okReport = (): ValidationReport => ({
  ok: true,
  checks: [check("format", "pass"), check("tenant", "pass"), check("token", "pass"), check("permissions", "pass")],
  cloud: "global",
  tenant: {
    id: TENANT,
    displayName: "Contoso",
    domains: ["contoso.onmicrosoft.com"],
    initialDomain: "contoso.onmicrosoft.com",
  },
  secret: { hint: SECRET.slice(0, 3), expiresAt: "2027-06-01T00:00:00Z" },
  startedAt: "2026-11-29T00:00:00.000Z",
  durationMs: 5,
});
const tokenFails = (code: Check["code"]): ValidationReport => ({
  ...okReport(),
  ok: false,
  checks: [check("format", "pass"), check("tenant", "pass"), check("token", "fail", code)],
});

const allSteps = (): ProvisioningStep[] =>
  PROVISIONING_STEP_IDS.map((id) =>
    id === "sign_in" ? { id, status: "pass", message: "signed in" } : { id, status: "pending", message: id },
  );

function context(
  graph: GraphClient,
  options: Partial<ProvisioningOptions> = {},
  extra: { validate?: (input: ValidationRequest) => ValidationReport; replicationTimeoutMs?: number } = {},
) {
  let clock = Date.parse("2026-11-29T10:00:00Z");
  const sleeps: number[] = [];
  const snapshots: RunnerState[] = [];
  const validations: ValidationRequest[] = [];
  const ctx: RunnerContext = {
    runId: "run-1",
    graph,
    endpoints: resolveEndpoints("global"),
    cloud: "global",
    tenantId: TENANT,
    appName: "Contoso DR",
    options: {
      assignTeamsAdministrator: true,
      allowSelfRotation: true,
      secretLifetimeDays: 180,
      reuseExistingApp: false,
      ...options,
    },
    requiredPermissions: ["Organization.Read.All", "Application.Read.All"],
    replicationTimeoutMs: extra.replicationTimeoutMs ?? 60_000,
    now: () => new Date(clock),
    nowMs: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    seal: (secret) => ({ v: 1, kekId: "test", ciphertext: `sealed(${secret.length})` }) as unknown as SealedSecret,
    validate: async (input) => {
      validations.push(input);
      return extra.validate ? extra.validate(input) : okReport();
    },
    changed: async (state) => {
      snapshots.push(structuredClone(state));
    },
  };
  return { ctx, sleeps, snapshots, validations, elapsed: () => clock - Date.parse("2026-11-29T10:00:00Z") };
}

describe("odataString and the display-name filter", () => {
  it("doubles quotes and encodes the filter, so a name cannot end the literal", () => {
    expect(odataString("O'Brien's DR")).toBe("O''Brien''s DR");
    const path = applicationsNamedPath("O'Brien's DR & co");
    expect(path.startsWith("/v1.0/applications?$filter=")).toBe(true);
    const filter = new URLSearchParams(path.split("?")[1]).get("$filter");
    expect(filter).toBe("displayName eq 'O''Brien''s DR & co'");
    expect(path).not.toContain(" ");
    expect(path).toContain("$select=id,appId,displayName");
  });
});

describe("runProvisioningSteps", () => {
  it("runs the steps in the contract's order with the documented Graph calls, and never keeps the secret", async () => {
    const { graph, calls } = fakeGraph();
    const { ctx, snapshots, validations } = context(graph);
    const state: RunnerState = { steps: allSteps(), created: [] };
    const outcome = await runProvisioningSteps(ctx, state);
    expect(outcome.ok).toBe(true);
    expect(state.steps.map((s) => [s.id, s.status])).toEqual(PROVISIONING_STEP_IDS.map((id) => [id, "pass"]));
    expect(calls.map((c) => `${c.method} ${c.path.split("?")[0]}`)).toEqual([
      "GET /v1.0/applications",
      "GET /v1.0/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')",
      "POST /v1.0/applications",
      "POST /v1.0/servicePrincipals",
      `POST /v1.0/servicePrincipals/${GRAPH_SP}/appRoleAssignedTo`,
      `POST /v1.0/servicePrincipals/${GRAPH_SP}/appRoleAssignedTo`,
      "POST /v1.0/roleManagement/directory/roleAssignments",
      `POST /v1.0/applications/${APP_OBJECT}/owners/$ref`,
      `POST /v1.0/servicePrincipals/${GRAPH_SP}/appRoleAssignedTo`,
      `POST /v1.0/applications/${APP_OBJECT}/addPassword`,
    ]);
    // The app declares the required permissions and OwnedBy by the ids Graph's service principal gave.
    expect(calls[2]?.body).toEqual({
      displayName: "Contoso DR",
      signInAudience: "AzureADMyOrg",
      requiredResourceAccess: [
        {
          resourceAppId: "00000003-0000-0000-c000-000000000000",
          resourceAccess: ROLES.map((r) => ({ id: r.id, type: "Role" })),
        },
      ],
    });
    expect(calls[4]?.body).toEqual({ principalId: SP, resourceId: GRAPH_SP, appRoleId: ROLES[0]?.id });
    expect(calls[6]?.body).toMatchObject({
      principalId: SP,
      roleDefinitionId: "69091246-20e8-4a56-aa4d-066075b2a7a8",
      directoryScopeId: "/",
    });
    expect(calls[7]?.body).toEqual({ "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${SP}` });
    expect(calls[9]?.body).toMatchObject({
      passwordCredential: { displayName: "dr-onboarding 2026-11-29", endDateTime: "2027-05-28T10:00:00.000Z" },
    });
    expect(validations.map((v) => v.clientSecret)).toEqual([SECRET, SECRET]);
    if (!outcome.ok) throw new Error("failed");
    expect(outcome.result).toMatchObject({
      tenantId: TENANT,
      clientId: APP_ID,
      applicationObjectId: APP_OBJECT,
      secretHint: SECRET.slice(0, 3),
      selfRotation: true,
    });
    // Persisted state: objects, steps, the envelope; never the secret.
    for (const snapshot of snapshots) expect(JSON.stringify(snapshot)).not.toContain(SECRET);
    expect(JSON.stringify(outcome.result)).not.toContain(SECRET);
    expect(state.created.map((o) => o.kind)).toEqual([
      "application",
      "service_principal",
      "app_role_assignment",
      "app_role_assignment",
      "directory_role_assignment",
      "owner",
      "app_role_assignment",
      "password",
    ]);
  });

  it("reports each created object before the next Graph call", async () => {
    const snapshotsAtCall: number[] = [];
    let snapshotsRef: RunnerState[] = [];
    const { graph, calls } = fakeGraph([
      () => {
        snapshotsAtCall.push(snapshotsRef.at(-1)?.created.length ?? 0);
        return undefined;
      },
    ]);
    const { ctx, snapshots } = context(graph);
    snapshotsRef = snapshots;
    await runProvisioningSteps(ctx, { steps: allSteps(), created: [] });
    // Before POST servicePrincipals (the 4th call) the application was already reported, and so on.
    const at = (path: string) => snapshotsAtCall[calls.findIndex((c) => c.path === path)];
    expect(at("/v1.0/servicePrincipals")).toBe(1);
    expect(at("/v1.0/roleManagement/directory/roleAssignments")).toBe(4);
  });

  it("skips assign_role and allow_self_rotation when not asked, and declares no OwnedBy", async () => {
    const { graph, calls } = fakeGraph();
    const { ctx } = context(graph, { assignTeamsAdministrator: false, allowSelfRotation: false });
    const state: RunnerState = { steps: allSteps(), created: [] };
    const outcome = await runProvisioningSteps(ctx, state);
    expect(outcome.ok).toBe(true);
    expect(state.steps.find((s) => s.id === "assign_role")).toMatchObject({ status: "skipped" });
    expect(state.steps.find((s) => s.id === "allow_self_rotation")).toMatchObject({ status: "skipped" });
    expect(calls.some((c) => c.path.includes("roleAssignments") || c.path.includes("owners"))).toBe(false);
    const body = calls[2]?.body as { requiredResourceAccess: { resourceAccess: { id: string }[] }[] } | undefined;
    const declared = body?.requiredResourceAccess[0]?.resourceAccess;
    expect(declared?.map((r) => r.id)).toEqual([ROLES[0]?.id, ROLES[1]?.id]);
    if (outcome.ok) expect(outcome.result.selfRotation).toBe(false);
  });

  it("a 403 at grant_consent fails that step with the roles it needs and skips every later step", async () => {
    const { graph } = fakeGraph([
      (method, path) =>
        method === "POST" && path.endsWith("/appRoleAssignedTo")
          ? graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
          : undefined,
    ]);
    const { ctx } = context(graph);
    const state: RunnerState = { steps: allSteps(), created: [] };
    const outcome = await runProvisioningSteps(ctx, state);
    expect(outcome).toMatchObject({ ok: false, step: "grant_consent" });
    const failed = state.steps.find((s) => s.id === "grant_consent");
    expect(failed).toMatchObject({ status: "fail", code: "insufficient_privileges" });
    expect(failed?.remedy).toContain("Privileged Role Administrator or Global Administrator");
    const later = state.steps.slice(PROVISIONING_STEP_IDS.indexOf("grant_consent") + 1);
    expect(later.map((s) => [s.status, s.code])).toEqual(later.map(() => ["skipped", "prerequisite_failed"]));
    expect(state.created.map((o) => o.kind)).toEqual(["application", "service_principal"]);
  });

  it("a taken name fails create_app unless the app may be reused (then warn, not listed as created)", async () => {
    const existing: Route = (method, path) =>
      method === "GET" && path.startsWith("/v1.0/applications?")
        ? response(200, { value: [{ id: APP_OBJECT, appId: APP_ID, displayName: "Contoso DR" }] })
        : undefined;
    const taken = context(fakeGraph([existing]).graph);
    const state: RunnerState = { steps: allSteps(), created: [] };
    expect(await runProvisioningSteps(taken.ctx, state)).toMatchObject({ ok: false, step: "create_app" });
    expect(state.steps.find((s) => s.id === "create_app")?.code).toBe("app_name_taken");

    const exists: Route = (method, path) =>
      method === "POST" && path === "/v1.0/servicePrincipals"
        ? graphError(409, "Request_MultipleObjectsWithSameKeyValue", "already in use")
        : method === "GET" && path.startsWith(`/v1.0/servicePrincipals(appId='${APP_ID}')`)
          ? response(200, { id: SP, displayName: "Contoso DR" })
          : method === "POST" && path.endsWith("/appRoleAssignedTo")
            ? graphError(400, "Request_BadRequest", "Permission being assigned already exists on the object.")
            : undefined;
    const { graph, calls } = fakeGraph([existing, exists]);
    const reuse = context(graph, { reuseExistingApp: true });
    const reused: RunnerState = { steps: allSteps(), created: [] };
    const outcome = await runProvisioningSteps(reuse.ctx, reused);
    expect(outcome.ok).toBe(true);
    expect(reused.steps.find((s) => s.id === "create_app")).toMatchObject({ status: "warn", code: "app_reused" });
    expect(calls.some((c) => c.method === "POST" && c.path === "/v1.0/applications")).toBe(false);
    expect(reused.created.map((o) => o.kind)).toEqual(["directory_role_assignment", "owner", "password"]);
  });

  it("waits with backoff (1 s, 2 s …) while Graph has not replicated the new app, within the timeout", async () => {
    let refusals = 3;
    const { graph } = fakeGraph([
      (method, path) =>
        method === "POST" && path === "/v1.0/servicePrincipals" && refusals-- > 0
          ? graphError(
              400,
              "Request_BadRequest",
              `Resource '${APP_ID}' does not exist or one of its queried reference-property objects are not present.`,
            )
          : undefined,
    ]);
    const { ctx, sleeps } = context(graph);
    const state: RunnerState = { steps: allSteps(), created: [] };
    expect((await runProvisioningSteps(ctx, state)).ok).toBe(true);
    expect(sleeps.slice(0, 3)).toEqual([1000, 2000, 4000]);
    expect(state.steps.every((s) => s.status === "pass")).toBe(true);
  });

  it("wait_for_replication retries 700016/7000215 and fails replication_timeout only at the timeout", async () => {
    let refusals = 2;
    const patient = context(
      fakeGraph().graph,
      {},
      {
        validate: () => (refusals-- > 0 ? tokenFails("app_not_found") : okReport()),
      },
    );
    const state: RunnerState = { steps: allSteps(), created: [] };
    expect((await runProvisioningSteps(patient.ctx, state)).ok).toBe(true);
    expect(patient.sleeps).toEqual([1000, 2000]);
    expect(state.steps.find((s) => s.id === "wait_for_replication")?.detail).toEqual({ attempts: 3 });

    const impatient = context(
      fakeGraph().graph,
      {},
      {
        validate: () => tokenFails("invalid_secret"),
        replicationTimeoutMs: 20_000,
      },
    );
    const failing: RunnerState = { steps: allSteps(), created: [] };
    const outcome = await runProvisioningSteps(impatient.ctx, failing);
    expect(outcome).toMatchObject({ ok: false, step: "wait_for_replication" });
    if (outcome.ok) throw new Error("ok");
    expect(outcome.failure.code).toBe("replication_timeout");
    expect(outcome.failure.remedy).toMatch(/nothing is lost/i);
    // Backoff 1, 2, 4, 8 s, then the last wait cut to the deadline: the failure comes at the timeout, not before.
    expect(impatient.sleeps).toEqual([1000, 2000, 4000, 8000, 5000]);
    expect(impatient.elapsed()).toBe(20_000);
    // The secret existed and was sealed, but the run lists the password so nothing goes unreported.
    expect(failing.created.map((o) => o.kind)).toContain("password");
  });

  it("429: waits Retry-After and retries; a long Retry-After fails `throttled` at once", async () => {
    let throttles = 2;
    const brief = context(
      fakeGraph([
        (method, path) =>
          method === "POST" && path === "/v1.0/applications" && throttles-- > 0
            ? graphError(429, "TooManyRequests", "Too many requests", { "retry-after": "3" })
            : undefined,
      ]).graph,
    );
    expect((await runProvisioningSteps(brief.ctx, { steps: allSteps(), created: [] })).ok).toBe(true);
    expect(brief.sleeps.slice(0, 2)).toEqual([3000, 3000]);

    const long = context(
      fakeGraph([
        (method) =>
          method === "POST"
            ? graphError(429, "TooManyRequests", "Too many requests", { "retry-after": "3600" })
            : undefined,
      ]).graph,
    );
    const state: RunnerState = { steps: allSteps(), created: [] };
    const outcome = await runProvisioningSteps(long.ctx, state);
    expect(outcome).toMatchObject({ ok: false, step: "create_app" });
    expect(state.steps.find((s) => s.id === "create_app")).toMatchObject({ code: "throttled" });
    expect(long.sleeps).toEqual([]);
  });
});
