/**
 * Test support for the provisioning suites (docs/api.md, "Provisioning"): start a run, sign in as a sandbox admin,
 * follow the run's event stream to its end, and read a run's sealed secret from the database with the server's own
 * SecretStore (the canary needs the value the run issued; no product route gives it).
 */
import {
  PROVISIONING_FINAL_STATUSES,
  type ProvisioningRun,
  type ProvisioningStepId,
  type ProvisioningStepStatus,
} from "@dr/contract";
import { expect } from "vitest";
import { provisioningSecretAad } from "../src/secrets/associated-data.js";
import { createLocalSecretStore } from "../src/secrets/local-secret-store.js";
import type { SealedSecret } from "../src/secrets/secret-store.types.js";
import type { EngineDatabase } from "./engines.js";
import type { ApiAnswer } from "./helpers.js";
import { parseEvents } from "./invitations.support.js";

/** A caller of the API (apiCaller's shape). */
export type Call = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<ApiAnswer>;

/** The runs' event streams read to their end: every `run` event. */
export async function followRun(call: Call, path: string): Promise<ProvisioningRun[]> {
  const answer = await call("GET", path, undefined, { accept: "text/event-stream" });
  expect(answer.status, answer.text).toBe(200);
  expect(answer.headers.get("content-type")).toContain("text/event-stream");
  const events = parseEvents(answer.text);
  for (const e of events) expect(e.event).toBe("run");
  return events.map((e) => e.data as ProvisioningRun);
}

/** Signs in with the run's code as a sandbox admin (or declines, or lets it expire); answers the API's answer. */
export async function sandboxSignIn(call: Call, userCode: string, scenario: string): Promise<ApiAnswer> {
  return call("POST", "/api/sandbox/device-sign-in", { userCode, scenario });
}

/**
 * Starts a run (POST to `startPath`), follows its stream while the sandbox admin of `scenario` signs in, and answers
 * the final run with every event the stream carried.
 */
export async function runThrough(
  call: Call,
  options: { startPath: string; runPath: (id: string) => string; body: unknown; scenario: string },
): Promise<{ started: ProvisioningRun; events: ProvisioningRun[]; final: ProvisioningRun }> {
  const startedAnswer = await call("POST", options.startPath, options.body);
  expect(startedAnswer.status, startedAnswer.text).toBe(201);
  const started = startedAnswer.json as ProvisioningRun;
  expect(started.status).toBe("waiting_for_sign_in");
  expect(started.userCode).toMatch(/^[A-Z0-9]{6,}$/);
  expect(started.verificationUri).toMatch(/^https:\/\//);
  const stream = followRun(call, options.runPath(started.id));
  const signed = await sandboxSignIn(call, started.userCode ?? "", options.scenario);
  expect(signed.status, signed.text).toBe(200);
  const events = await stream;
  const final = events.at(-1) as ProvisioningRun;
  expect(PROVISIONING_FINAL_STATUSES).toContain(final.status);
  return { started, events, final };
}

/** The step statuses of a run, by id. */
export function stepStatuses(run: ProvisioningRun): Record<ProvisioningStepId, ProvisioningStepStatus> {
  return Object.fromEntries(run.steps.map((s) => [s.id, s.status])) as Record<
    ProvisioningStepId,
    ProvisioningStepStatus
  >;
}

/** The client secret a run sealed, opened from its row with the server's key (undefined once it was dropped). */
export async function sealedSecretOf(
  database: EngineDatabase,
  secretKeyBase64: string,
  runId: string,
): Promise<string | undefined> {
  const handle = await database.open();
  try {
    const row = await handle.db
      .selectFrom("provisioning_runs")
      .select(["sealed"])
      .where("id", "=", runId)
      .executeTakeFirst();
    if (!row?.sealed) return undefined;
    const store = await createLocalSecretStore({ keyBase64: secretKeyBase64, dataDir: database.dataDir });
    return store.open(JSON.parse(row.sealed) as SealedSecret, provisioningSecretAad(runId));
  } finally {
    await handle.close();
  }
}

/** Every audit row, as text (the canary searches it). */
export async function auditText(database: EngineDatabase): Promise<string> {
  const handle = await database.open();
  try {
    const rows = await handle.db.selectFrom("audit_events").selectAll().execute();
    return JSON.stringify(rows);
  } finally {
    await handle.close();
  }
}
