/**
 * Test support for the check files: a check's context over the in-process emulator (the same emulator and
 * dispatch validator.test.ts uses), and the facts the earlier checks would have left. Not used by the server.
 */
import { randomUUID } from "node:crypto";
import type { Cloud } from "@dr/contract";
import { resolveEndpoints } from "../clouds.js";
import { readCredential } from "../credentials/credential.js";
import { createEmulator, type Emulator, type EmulatorOptions } from "../emulator/emulator.core.js";
import { emulatorDispatch } from "../emulator/emulator.dispatch.js";
import { SANDBOX, type SandboxCredentials, sandboxTenants } from "../emulator/emulator.fixtures.js";
import type { TenantFixture } from "../emulator/emulator.types.js";
import type { Dispatch } from "../http/dispatch.types.js";
import { createTransport } from "../http/transport.js";
import type { ValidationFacts, ValidatorCheck, ValidatorCheckContext } from "./check.types.js";
import { formatCheck } from "./format.check.js";
import { tenantCheck } from "./tenant.check.js";
import { tokenCheck } from "./token.check.js";

/** Login and Graph both answer on this (emulated) origin. */
export const BASE = "https://login.emulator.test";

/** The credentials of a sandbox scenario; throws for a name the fixtures do not have. */
export function sandbox(scenario: string): SandboxCredentials {
  const creds = SANDBOX[scenario];
  if (!creds) throw new Error(`no sandbox scenario ${scenario}`);
  return creds;
}

/** Options of {@link checkHarness}. */
export interface HarnessOptions {
  /** Emulator options other than the tenants (always the sandbox ones). */
  emulator?: Omit<EmulatorOptions, "tenants">;
  /** Changes the sandbox tenants before the emulator is made (a fixture option a scenario does not have). */
  tenants?: (tenants: TenantFixture[]) => TenantFixture[];
  /** The checks' clock (the emulator keeps its own). */
  now?: () => Date;
  /** Per-request timeout, ms. Short, so the hanging scenarios end quickly. Default 400. */
  timeoutMs?: number;
  /** Wraps the emulator's dispatch (to count, watch or tamper with requests). */
  wrap?: (dispatch: Dispatch) => Dispatch;
}

/** An emulator, a request log and a way to build a check's context for some input. */
export interface CheckHarness {
  emulator: Emulator;
  /** "METHOD /path" of every request sent, in order. */
  requests: string[];
  /** Warnings and infos the checks logged, as JSON lines. */
  logs: string[];
  /** A context for `creds` on `cloud` with the given facts. */
  context(creds: SandboxCredentials, facts?: Partial<ValidationFacts>, cloud?: Cloud): ValidatorCheckContext;
  /** Runs format, tenant and token for `creds` (in that order) and returns the facts they leave. */
  factsUpToToken(creds: SandboxCredentials): Promise<Partial<ValidationFacts>>;
}

/** Builds a harness over a fresh emulator holding the sandbox tenants. */
export async function checkHarness(options: HarnessOptions = {}): Promise<CheckHarness> {
  const emulator = await createEmulator({
    ...options.emulator,
    tenants: (options.tenants ?? ((t) => t))(sandboxTenants()),
  });
  const requests: string[] = [];
  const logs: string[] = [];
  const inner = emulatorDispatch(emulator);
  const logged: Dispatch = (request, signal) => {
    requests.push(`${request.method} ${new URL(request.url).pathname}`);
    return inner(request, signal);
  };
  const dispatch = options.wrap ? options.wrap(logged) : logged;
  const logger = {
    info: (obj: object, msg?: string) => logs.push(JSON.stringify({ ...obj, msg })),
    warn: (obj: object, msg?: string) => logs.push(JSON.stringify({ ...obj, msg })),
  };
  const context = (
    creds: SandboxCredentials,
    facts: Partial<ValidationFacts> = {},
    cloud: Cloud = "global",
  ): ValidatorCheckContext => {
    // A certificate scenario is entered as its PEM; the credential is what `format` would have left.
    const credential = creds.clientCertificatePem
      ? { clientCertificate: { pem: creds.clientCertificatePem } }
      : { clientSecret: creds.clientSecret };
    const input = { tenantId: creds.tenantId, clientId: creds.clientId, ...credential, cloud };
    const read = readCredential(input, new Date());
    if (facts.credential === undefined && read.ok) facts.credential = read.credential;
    return {
      input,
      cloud,
      endpoints: resolveEndpoints(cloud, { loginUrl: BASE, graphUrl: BASE }),
      transport: createTransport({ dispatch, timeoutMs: options.timeoutMs ?? 400, retryBudgetMs: 3000 }),
      correlationId: randomUUID(),
      requiredPermissions: ["Organization.Read.All", "Application.Read.All"],
      now: options.now ?? (() => new Date()),
      logger,
      facts,
    };
  };
  return {
    emulator,
    requests,
    logs,
    context,
    async factsUpToToken(creds) {
      const facts: Partial<ValidationFacts> = {};
      const checks: ValidatorCheck[] = [formatCheck, tenantCheck, tokenCheck];
      for (const check of checks) {
        const outcome = await check.run(context(creds, facts));
        if (outcome.result.status !== "pass" && outcome.result.status !== "warn") {
          throw new Error(`${check.id} did not pass for ${creds.tenantId}: ${outcome.result.code}`);
        }
        Object.assign(facts, outcome.facts);
      }
      return facts;
    },
  };
}
