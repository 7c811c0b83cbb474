/**
 * Provisioning runs (docs/api.md, "Provisioning"; docs/product.md section 9): the customer's admin signs in once with
 * a device code and the product creates the App registration, its service principal, the admin consent, optionally
 * Teams Administrator and self-rotation, a client secret, waits until Entra accepts it and validates it.
 *
 * - A run is started by an operator for a customer, or by the customer's admin from an invitation page.
 * - The copy that started a run drives it in the background (`drain()` waits for it on close); other copies read the
 *   row (their event streams poll it each second). Every change of the row is a compare-and-set on its status.
 * - The admin's access token stays in this process's memory only, keyed by run id, until it expires: for the run and
 *   for "Remove what was created". It is never stored, logged or answered.
 * - The new client secret is sealed the moment Graph answers (associated data `provisioning:<id>`); the envelope is
 *   dropped when the run fails, is cleaned up, or its credentials are used (a service, or the invitation it
 *   completes).
 * - A run waiting for sign-in past its code's expiry is `expired`, also after a restart (swept on read); a `running`
 *   run nobody has driven for longer than the replication timeout plus ten minutes is `failed` (`interrupted`).
 * - Audit: provisioning.start, provisioning.done, provisioning.failed, provisioning.cleanup, provisioning.use; never
 *   a secret or a token.
 */
import { randomUUID } from "node:crypto";
import {
  type Cloud,
  PROVISIONING_FINAL_STATUSES,
  type ProvisioningRun,
  type ProvisioningStatus,
  type StartInviteProvisioningInput,
  type StartProvisioningInput,
  type ValidationReport,
  type ValidationRequest,
} from "@dr/contract";
import { ConflictError, NotFoundError } from "../errors.js";
import { type CloudEndpoints, type EndpointOverrides, resolveEndpoints } from "../m365/clouds.js";
import { createGraphClient } from "../m365/graph/graph.client.js";
import type { Dispatch } from "../m365/http/dispatch.types.js";
import { createTransport, type Transport } from "../m365/http/transport.js";
import { mustGetCustomer, type OpenedProvisioningRun } from "../onboarding/context.js";
import { auditRecord } from "../onboarding/records.js";
import type { SecretStore } from "../secrets/secret-store.types.js";
import type { ProvisioningOptions, ProvisioningRecord, ProvisioningStore } from "../storage/provisioning.repository.js";
import type { AuditRecord } from "../storage/repository.types.js";
import { abortableSleep, type SignInEnding, startDeviceCodeSignIn } from "./device-code.sign-in.js";
import { removeCreated } from "./provisioning.cleanup.js";
import { RunInterrupted } from "./provisioning.graph.js";
import { type RunnerState, runProvisioningSteps } from "./provisioning.runner.js";
import { createProvisioningCredentials } from "./provisioning-credentials.js";
import {
  initialSteps,
  provisioningSecretAad,
  runProblem,
  signInEndedSteps,
  somethingLeft,
  toRun,
} from "./provisioning-records.js";

/** The invitation side of a run started from the customer's page; implemented by the invitations feature. */
export interface ProvisioningInvitations {
  /** The invitations' one answer for every link that does not work; a run of another invitation gets it too. */
  unknownLinkMessage: string;
  /**
   * The customer's page: the rate limit first, then a live invitation for `token` (sent or opened; `completed` too
   * when `allowCompleted`, for reading a run that completed it), or the invitations' one neutral NotFoundError.
   */
  admit(
    token: string,
    clientAddress: string,
    options?: { allowCompleted?: boolean },
  ): Promise<{ id: string; customerId: string; cloud: Cloud }>;
  /**
   * Completes the invitation with a run's credentials exactly as a typed validation that passed does (sealed
   * credentials, tenant, audit, the operator told). False when the invitation was no longer open (another change
   * won).
   */
  completeWithCredentials(
    invitationId: string,
    input: { clientId: string; clientSecret: string; report: ValidationReport; provisioningId: string },
  ): Promise<boolean>;
}

/** What the service needs. */
export interface ProvisioningDeps {
  store: ProvisioningStore;
  /** The customers and the audit trail. */
  repo: {
    getCustomer(id: string): Promise<{ id: string; name: string } | undefined>;
    insertAudit(event: AuditRecord): Promise<void>;
  };
  secrets: SecretStore;
  /** The full validator (wait_for_replication and validate). */
  validate(input: ValidationRequest): Promise<ValidationReport>;
  /** Outbound HTTP (the one dispatch: timeouts are the transport's). */
  dispatch: Dispatch;
  /** M365_TIMEOUT_MS, M365_RETRY_BUDGET_MS. */
  timeoutMs: number;
  retryBudgetMs?: number;
  /** M365_LOGIN_URL / M365_GRAPH_URL (in sandbox mode: the emulator). */
  overrides: EndpointOverrides;
  /** PROVISIONING_CLIENT_ID; undefined turns provisioning off (409 naming the variable). */
  clientId: string | undefined;
  /** M365_REQUIRED_PERMISSIONS. */
  requiredPermissions: readonly string[];
  /** PROVISIONING_REPLICATION_TIMEOUT_MS. */
  replicationTimeoutMs: number;
  /** Runs started from an invitation page; absent: those routes answer 404. */
  invitations?: ProvisioningInvitations;
  log: { info(o: object, m?: string): void; warn(o: object, m?: string): void };
  now?: () => Date;
}

/** The operator who starts a run. */
export interface ProvisioningActor {
  name: string;
}

/** What the provisioning feature offers the routes and the server. */
export interface ProvisioningService {
  /** An operator starts a run for a customer; answers once Entra gave the sign-in code (or the run failed). */
  startForCustomer(input: StartProvisioningInput, actor: ProvisioningActor): Promise<ProvisioningRun>;
  /** The customer's admin starts a run from an invitation page; `cloudGiven`: the body named a cloud. */
  startForInvitation(
    token: string,
    input: StartInviteProvisioningInput,
    clientAddress: string,
    options?: { cloudGiven?: boolean },
  ): Promise<ProvisioningRun>;
  get(id: string): Promise<ProvisioningRun>;
  /** A run of the invitation of `token` (NotFoundError for a run of another invitation). */
  getForInvitation(token: string, id: string, clientAddress: string): Promise<ProvisioningRun>;
  /**
   * Calls `listener` with the run after every change (in-process events; the row polled each second for runs
   * another copy drives), starting with the current state; answers the unsubscribe. `onEnd` is called when the
   * server closes (the stream should end).
   */
  subscribe(id: string, listener: (run: ProvisioningRun) => void, onEnd?: () => void): () => void;
  /** Cancels a run waiting for sign-in (ConflictError otherwise). */
  cancel(id: string, actor: string): Promise<ProvisioningRun>;
  cancelForInvitation(token: string, id: string, clientAddress: string): Promise<ProvisioningRun>;
  /** Removes what the run created with the admin's token still held (ConflictError `sign_in_again` without it). */
  cleanup(id: string, actor: string): Promise<ProvisioningRun>;
  cleanupForInvitation(token: string, id: string, clientAddress: string): Promise<ProvisioningRun>;
  /** The run a service was made from (for rotation), if any. */
  findByService(serviceId: string): Promise<ProvisioningRun | undefined>;
  /**
   * The sealed credentials of a `done` run no service used yet, opened (InputError naming `provisioningId`
   * otherwise): what POST /api/services with `provisioningId` uses, through the port of provisioning-credentials.ts,
   * which also consumes the run in the create's transaction.
   */
  openForService(id: string): Promise<OpenedProvisioningRun>;
  /** Stops waiting sign-ins, interrupts running runs at their next wait, and waits for every driver to end. */
  drain(): Promise<void>;
}

/** How long a sign-in code lives before Entra says (docs/entra.md section 14: 900 s). */
const DEFAULT_CODE_LIFETIME_MS = 900_000;
/** A running run nobody wrote for this long beyond the replication timeout is taken as interrupted. */
const STALE_RUNNING_MARGIN_MS = 10 * 60_000;
/** How often a subscriber polls the row (runs another copy drives). */
const POLL_MS = 1000;

/** A run driven by this process. */
interface Driving {
  cancelSignIn(): void;
  /** Interrupts the steps' waits (the server is closing). */
  interrupt: AbortController;
  task: Promise<void>;
  /** Set by drain: a sign-in stopped because the server closes is left waiting (it expires by itself). */
  closing: boolean;
}

/** The admin's token, kept in memory only. */
interface HeldToken {
  accessToken: string;
  expiresAt: number;
  endpoints: CloudEndpoints;
}

/** Creates the service. */
export function createProvisioningService(deps: ProvisioningDeps): ProvisioningService {
  const now = deps.now ?? (() => new Date());
  const driving = new Map<string, Driving>();
  const tokens = new Map<string, HeldToken>();
  const listeners = new Map<string, Set<(run: ProvisioningRun) => void>>();
  /** The streams to end when the server closes. */
  const enders = new Set<() => void>();

  const audit = (actor: string, action: string, outcome: "success" | "failure", detail: Record<string, unknown>) =>
    deps.repo.insertAudit(auditRecord(now(), { actor, action, serviceId: null, outcome, detail }));

  const transport = (): Transport =>
    createTransport({
      dispatch: deps.dispatch,
      timeoutMs: deps.timeoutMs,
      ...(deps.retryBudgetMs !== undefined ? { retryBudgetMs: deps.retryBudgetMs } : {}),
    });

  /** The admin's token for a run, while it has not expired. */
  const heldToken = (id: string): HeldToken | undefined => {
    const held = tokens.get(id);
    if (held && held.expiresAt <= now().getTime()) {
      tokens.delete(id);
      return undefined;
    }
    return held;
  };

  const isFinal = (status: ProvisioningStatus) => PROVISIONING_FINAL_STATUSES.includes(status);

  /** Whether "Remove what was created" may run now (this copy holds the token, nothing uses the run). */
  const cleanupAvailable = (r: ProvisioningRecord): boolean =>
    isFinal(r.status) &&
    somethingLeft(r) &&
    r.usedByServiceId === null &&
    !(r.origin === "invitation" && r.status === "done") &&
    heldToken(r.id) !== undefined;

  const dto = (r: ProvisioningRecord) => toRun(r, cleanupAvailable(r));

  const emit = (r: ProvisioningRecord) => {
    const set = listeners.get(r.id);
    if (!set) return;
    const run = dto(r);
    for (const listener of set) listener(run);
  };

  /** Reads a run, sweeping a code past its expiry (and a run nobody drives any more). */
  const read = async (id: string): Promise<ProvisioningRecord | undefined> => {
    const record = await deps.store.get(id);
    if (!record) return undefined;
    const at = now();
    if (record.status === "waiting_for_sign_in" && Date.parse(record.expiresAt) <= at.getTime()) {
      await finishSignIn(record, { kind: "expired" });
      return deps.store.get(id);
    }
    if (
      record.status === "running" &&
      !driving.has(id) &&
      Date.parse(record.updatedAt) + deps.replicationTimeoutMs + STALE_RUNNING_MARGIN_MS <= at.getTime()
    ) {
      const failure = {
        code: "interrupted",
        message: "The server that ran this run stopped before it finished.",
        remedy: "Start again with the option to reuse the existing app; what was created is listed.",
      };
      const step = record.steps.find((s) => s.status === "running")?.id ?? "validate";
      const won = await deps.store.transition(
        id,
        ["running"],
        {
          status: "failed",
          steps: record.steps.map((s) =>
            s.status === "running" ? { ...s, status: "unknown", code: "interrupted", message: failure.message } : s,
          ),
          problem: runProblem("failed", step, failure),
          sealed: null,
          updatedAt: at.toISOString(),
        },
        { updatedAt: record.updatedAt },
      );
      if (won)
        await audit("system", "provisioning.failed", "failure", { provisioningId: id, step, code: "interrupted" });
      return deps.store.get(id);
    }
    return record;
  };

  const mustRead = async (id: string): Promise<ProvisioningRecord> => {
    const record = await read(id);
    if (!record) throw new NotFoundError(`No provisioning run with id ${id}.`);
    return record;
  };

  /** The sign-in ended without a token: declined, expired, cancelled or failed (compare-and-set from waiting). */
  async function finishSignIn(record: ProvisioningRecord, ending: Exclude<SignInEnding, { kind: "signed_in" }>) {
    const ended =
      ending.kind === "declined"
        ? {
            status: "declined" as const,
            code: "declined",
            message: "The admin declined the sign-in.",
            remedy: "Start again when the admin is ready to sign in and accept.",
          }
        : ending.kind === "expired"
          ? {
              status: "expired" as const,
              code: "expired",
              message: "The sign-in code expired before the admin signed in.",
              remedy: "Start again: a new code is shown, valid for 15 minutes.",
            }
          : ending.kind === "cancelled"
            ? {
                status: "cancelled" as const,
                code: "cancelled",
                message: "The run was cancelled before the admin signed in.",
                remedy: "Start again when the admin is ready.",
              }
            : {
                status: "failed" as const,
                code: ending.code,
                message: ending.message,
                remedy: ending.remedy,
                detail: ending.detail,
              };
    const at = now().toISOString();
    const won = await deps.store.transition(record.id, ["waiting_for_sign_in"], {
      status: ended.status,
      steps: signInEndedSteps(record.steps, ended),
      problem: runProblem(ended.status, "sign_in", ended),
      updatedAt: at,
    });
    if (!won) return false;
    await audit(record.createdBy, "provisioning.failed", "failure", {
      provisioningId: record.id,
      status: ended.status,
      step: "sign_in",
      code: ended.code,
    });
    const after = await deps.store.get(record.id);
    if (after) emit(after);
    return true;
  }

  /** Persists the runner's progress while the run is still `running` here; RunInterrupted when it is not. */
  const progress = async (id: string, state: RunnerState): Promise<void> => {
    const won = await deps.store.transition(id, ["running"], {
      steps: state.steps,
      created: state.created,
      ...(state.sealed ? { sealed: state.sealed } : {}),
      updatedAt: now().toISOString(),
    });
    if (!won) throw new RunInterrupted("the run is no longer running");
    const after = await deps.store.get(id);
    if (after) emit(after);
  };

  /** Drives one run after its code was shown: sign-in, steps, and the ending. */
  async function drive(id: string, d: Driving, signInDone: Promise<SignInEnding>, endpoints: CloudEndpoints) {
    const ending = await signInDone;
    const record = await deps.store.get(id);
    if (!record) return;
    if (ending.kind !== "signed_in") {
      if (ending.kind === "cancelled" && d.closing) return;
      await finishSignIn(record, ending);
      return;
    }
    const at = now().toISOString();
    const signedInAs = ending.userPrincipalName ?? null;
    const steps = record.steps.map((s) =>
      s.id === "sign_in"
        ? {
            id: s.id,
            status: "pass" as const,
            message: `Signed in${signedInAs ? ` as ${signedInAs}` : ""} to tenant ${ending.tenantId}.`,
          }
        : s,
    );
    const started = await deps.store.transition(id, ["waiting_for_sign_in"], {
      status: "running",
      tenantId: ending.tenantId,
      signedInAs,
      steps,
      updatedAt: at,
    });
    // Cancelled or expired meanwhile (maybe on another copy): the token is not kept.
    if (!started) return;
    tokens.set(id, { accessToken: ending.accessToken, expiresAt: ending.expiresOn.getTime(), endpoints });
    const running = await deps.store.get(id);
    if (!running) return;
    emit(running);
    deps.log.info({ provisioningId: id, tenantId: ending.tenantId }, "provisioning run signed in");

    const state: RunnerState = { steps: running.steps, created: running.created };
    const signal = d.interrupt.signal;
    const outcome = await runProvisioningSteps(
      {
        runId: id,
        graph: createGraphClient({
          transport: transport(),
          graphUrl: endpoints.graphUrl,
          accessToken: ending.accessToken,
          correlationId: randomUUID(),
        }),
        endpoints,
        cloud: running.cloud,
        tenantId: ending.tenantId,
        appName: running.appName,
        options: running.options,
        requiredPermissions: deps.requiredPermissions,
        replicationTimeoutMs: deps.replicationTimeoutMs,
        now,
        nowMs: () => now().getTime(),
        sleep: async (ms) => {
          if (signal.aborted) throw new RunInterrupted("the server is closing");
          await abortableSleep(ms, signal);
          if (signal.aborted) throw new RunInterrupted("the server is closing");
        },
        seal: (secret) => deps.secrets.seal(secret, provisioningSecretAad(id)),
        validate: (input) => deps.validate(input),
        changed: (s) => progress(id, s),
      },
      state,
    ).catch((error: unknown) => {
      // A progress write that lost (the run was swept meanwhile) ends the run here; anything else is a fault.
      if (error instanceof RunInterrupted) return undefined;
      throw error;
    });
    if (!outcome) return;
    const endedAt = now().toISOString();
    if (!outcome.ok) {
      const won = await deps.store.transition(id, ["running"], {
        status: "failed",
        steps: state.steps,
        created: state.created,
        problem: runProblem("failed", outcome.step, outcome.failure),
        sealed: null,
        updatedAt: endedAt,
      });
      if (won) {
        await audit(running.createdBy, "provisioning.failed", "failure", {
          provisioningId: id,
          status: "failed",
          step: outcome.step,
          code: outcome.failure.code,
          created: state.created.map((o) => `${o.kind}:${o.id}`),
        });
      }
      const after = await deps.store.get(id);
      if (after) emit(after);
      return;
    }
    const done = await deps.store.transition(id, ["running"], {
      status: "done",
      steps: state.steps,
      created: state.created,
      result: outcome.result,
      sealed: outcome.sealed,
      updatedAt: endedAt,
    });
    if (!done) return;
    await audit(running.createdBy, "provisioning.done", "success", {
      provisioningId: id,
      tenantId: outcome.result.tenantId,
      clientId: outcome.result.clientId,
      applicationObjectId: outcome.result.applicationObjectId,
      secretHint: outcome.result.secretHint,
      selfRotation: outcome.result.selfRotation,
      created: state.created.map((o) => `${o.kind}:${o.id}`),
    });
    deps.log.info({ provisioningId: id, tenantId: outcome.result.tenantId }, "provisioning run done");
    if (running.origin === "invitation" && running.invitationId && deps.invitations) {
      await completeInvitation(id, running.invitationId, outcome.result.clientId, outcome.result.report);
    }
    const after = await deps.store.get(id);
    if (after) emit(after);
  }

  /** A run of an invitation ended done: the invitation is completed with its credentials, which it now holds. */
  async function completeInvitation(id: string, invitationId: string, clientId: string, report: ValidationReport) {
    const record = await deps.store.get(id);
    if (!record?.sealed || !deps.invitations) return;
    let completed = false;
    try {
      const clientSecret = deps.secrets.open(record.sealed, provisioningSecretAad(id));
      completed = await deps.invitations.completeWithCredentials(invitationId, {
        clientId,
        clientSecret,
        report,
        provisioningId: id,
      });
    } catch (error) {
      deps.log.warn({ provisioningId: id, err: (error as Error)?.name }, "the invitation could not be completed");
    }
    // The invitation holds the credentials now; the run's copy goes (one use per run).
    if (completed) {
      await deps.store.transition(id, ["done"], { sealed: null, updatedAt: now().toISOString() }, { unused: true });
    }
  }

  /** Creates the row, asks Entra for a code, and answers once the code is stored (or the run ended). */
  async function start(base: {
    origin: "operator" | "invitation";
    customerId: string;
    invitationId: string | null;
    cloud: Cloud;
    appName: string;
    options: ProvisioningOptions;
    createdBy: string;
  }): Promise<ProvisioningRun> {
    const clientId = deps.clientId;
    if (!clientId) {
      throw new ConflictError(
        "Automatic App registration is not configured on this server: PROVISIONING_CLIENT_ID is not set.",
        [
          {
            path: "PROVISIONING_CLIENT_ID",
            code: "provisioning_not_configured",
            message:
              "The provider sets PROVISIONING_CLIENT_ID to its multi-tenant public client app; until then, enter the App registration's values by hand.",
          },
        ],
        "provisioning_not_configured",
      );
    }
    const at = now();
    const id = randomUUID();
    const record: ProvisioningRecord = {
      id,
      origin: base.origin,
      customerId: base.customerId,
      invitationId: base.invitationId,
      cloud: base.cloud,
      appName: base.appName,
      options: base.options,
      status: "waiting_for_sign_in",
      userCode: null,
      verificationUri: null,
      signInMessage: null,
      expiresAt: new Date(at.getTime() + DEFAULT_CODE_LIFETIME_MS).toISOString(),
      tenantId: null,
      signedInAs: null,
      steps: initialSteps(),
      created: [],
      result: null,
      problem: null,
      sealed: null,
      createdBy: base.createdBy,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      usedByServiceId: null,
      usedAt: null,
    };
    await deps.store.insert(record);
    await audit(base.createdBy, "provisioning.start", "success", {
      provisioningId: id,
      customerId: base.customerId,
      origin: base.origin,
      ...(base.invitationId ? { invitationId: base.invitationId } : {}),
      cloud: base.cloud,
      appName: base.appName,
      ...base.options,
    });
    const endpoints = resolveEndpoints(base.cloud, deps.overrides);
    let codeStored: () => void = () => undefined;
    const shown = new Promise<void>((resolve) => {
      codeStored = resolve;
    });
    const signIn = startDeviceCodeSignIn({
      transport: transport(),
      endpoints,
      clientId,
      assignTeamsAdministrator: base.options.assignTeamsAdministrator,
      logger: deps.log,
      onCode: async (code) => {
        try {
          const shownAt = now();
          await deps.store.transition(id, ["waiting_for_sign_in"], {
            userCode: code.userCode,
            verificationUri: code.verificationUri,
            signInMessage: code.message,
            expiresAt: new Date(shownAt.getTime() + code.expiresInSeconds * 1000).toISOString(),
            steps: record.steps.map((s) =>
              s.id === "sign_in"
                ? {
                    ...s,
                    message: `Waiting for the admin to enter the code ${code.userCode} at ${code.verificationUri} and sign in.`,
                  }
                : s,
            ),
            updatedAt: shownAt.toISOString(),
          });
          const after = await deps.store.get(id);
          if (after) emit(after);
        } finally {
          codeStored();
        }
      },
      stillWanted: async () => (await deps.store.get(id))?.status === "waiting_for_sign_in",
    });
    const d: Driving = {
      cancelSignIn: () => signIn.cancel(),
      interrupt: new AbortController(),
      task: Promise.resolve(),
      closing: false,
    };
    d.task = drive(id, d, signIn.done, endpoints)
      .catch((error: unknown) => {
        deps.log.warn({ provisioningId: id, err: (error as Error)?.name }, "provisioning run stopped by a fault");
      })
      .finally(() => {
        driving.delete(id);
      });
    driving.set(id, d);
    await Promise.race([shown, d.task]);
    return dto(await mustRead(id));
  }

  const optionsOf = (input: StartInviteProvisioningInput): ProvisioningOptions => ({
    assignTeamsAdministrator: input.assignTeamsAdministrator,
    allowSelfRotation: input.allowSelfRotation,
    secretLifetimeDays: input.secretLifetimeDays,
    reuseExistingApp: input.reuseExistingApp,
  });

  async function cancelRecord(record: ProvisioningRecord, actor: string): Promise<ProvisioningRun> {
    if (record.status !== "waiting_for_sign_in") {
      throw new ConflictError(
        `A ${record.status} run cannot be cancelled; only one waiting for sign-in can.`,
        [
          {
            path: "id",
            code: "provisioning_not_waiting",
            message:
              record.status === "running"
                ? "The run is already creating the App registration; wait for it to end, then remove what was created if it is not wanted."
                : `The run already ended (${record.status}).`,
          },
        ],
        "provisioning_not_waiting",
      );
    }
    const won = await finishSignIn(record, { kind: "cancelled" });
    if (!won) return cancelRecord(await mustRead(record.id), actor);
    driving.get(record.id)?.cancelSignIn();
    deps.log.info({ provisioningId: record.id, actor }, "provisioning run cancelled");
    return dto(await mustRead(record.id));
  }

  async function cleanupRecord(record: ProvisioningRecord, actor: string): Promise<ProvisioningRun> {
    if (!isFinal(record.status)) {
      throw new ConflictError(
        "The run has not ended yet; remove what it created once it has.",
        [{ path: "id", code: "provisioning_running", message: "Wait for the run to end, or cancel it first." }],
        "provisioning_running",
      );
    }
    if (record.usedByServiceId !== null || (record.origin === "invitation" && record.status === "done")) {
      throw new ConflictError(
        "The App registration this run made is in use; it cannot be removed from here.",
        [
          {
            path: "id",
            code: "provisioning_used",
            message: record.usedByServiceId
              ? `Service ${record.usedByServiceId} uses it; delete the service first, then remove the app in the Entra admin center.`
              : "The invitation was completed with it; remove the app in the Entra admin center if it is not wanted.",
          },
        ],
        "provisioning_used",
      );
    }
    if (!somethingLeft(record)) return dto(record);
    const held = heldToken(record.id);
    const left = record.created.filter((o) => !o.removed);
    if (!held) {
      throw new ConflictError(
        "The admin's sign-in is no longer held (it expired, or the server restarted): what the run created cannot be removed from here.",
        [
          {
            path: "id",
            code: "sign_in_again",
            message: `Remove these in the Entra admin center (App registrations, Enterprise applications, Roles): ${left
              .map((o) => `${o.kind.replaceAll("_", " ")} "${o.displayName}" (${o.id})`)
              .join("; ")}.`,
          },
        ],
        "sign_in_again",
      );
    }
    // From here a create may no longer use the run (compare-and-set: a create that won first keeps it).
    const claimed = await deps.store.transition(
      record.id,
      ["done", "failed", "expired", "declined", "cancelled"],
      { sealed: null, updatedAt: now().toISOString() },
      { unused: true },
    );
    if (!claimed) return cleanupRecord(await mustRead(record.id), actor);
    const graph = createGraphClient({
      transport: transport(),
      graphUrl: held.endpoints.graphUrl,
      accessToken: held.accessToken,
      correlationId: randomUUID(),
    });
    const { created, failures } = await removeCreated(
      {
        graph,
        sleep: (ms) => abortableSleep(ms, new AbortController().signal),
        nowMs: () => now().getTime(),
        replicationTimeoutMs: deps.replicationTimeoutMs,
      },
      { ...record, sealed: null },
      async (list) => {
        await deps.store.transition(record.id, [record.status], { created: list, updatedAt: now().toISOString() });
        const after = await deps.store.get(record.id);
        if (after) emit(after);
      },
    );
    await audit(actor, "provisioning.cleanup", failures.length === 0 ? "success" : "failure", {
      provisioningId: record.id,
      removed: created.filter((o) => o.removed).map((o) => `${o.kind}:${o.id}`),
      ...(failures.length > 0 ? { left: failures.map((f) => `${f.kind}:${f.id}:${f.code}`) } : {}),
    });
    return dto(await mustRead(record.id));
  }

  /** A run of the invitation the token stands for; any other run is the same 404 as an unknown one. */
  const runOfInvitation = async (token: string, id: string, clientAddress: string) => {
    if (!deps.invitations) throw new NotFoundError("Invitations are not available on this server.");
    const invitation = await deps.invitations.admit(token, clientAddress, { allowCompleted: true });
    const record = await read(id);
    if (!record || record.invitationId !== invitation.id) {
      throw new NotFoundError(deps.invitations.unknownLinkMessage);
    }
    return record;
  };

  return {
    async startForCustomer(input, actor) {
      const customer = await mustGetCustomer(deps.repo, input.customerId);
      return start({
        origin: "operator",
        customerId: customer.id,
        invitationId: null,
        cloud: input.cloud,
        appName: input.appName,
        options: optionsOf(input),
        createdBy: actor.name,
      });
    },

    async startForInvitation(token, input, clientAddress, options = {}) {
      if (!deps.invitations) throw new NotFoundError("Invitations are not available on this server.");
      const invitation = await deps.invitations.admit(token, clientAddress);
      return start({
        origin: "invitation",
        customerId: invitation.customerId,
        invitationId: invitation.id,
        cloud: options.cloudGiven ? input.cloud : invitation.cloud,
        appName: input.appName,
        options: optionsOf(input),
        createdBy: `invitation:${invitation.id}`,
      });
    },

    async get(id) {
      return dto(await mustRead(id));
    },

    async getForInvitation(token, id, clientAddress) {
      return dto(await runOfInvitation(token, id, clientAddress));
    },

    subscribe(id, listener, onEnd) {
      let last = "";
      let closed = false;
      const send = (run: ProvisioningRun) => {
        const text = JSON.stringify(run);
        if (closed || text === last) return;
        last = text;
        listener(run);
      };
      let set = listeners.get(id);
      if (!set) {
        set = new Set();
        listeners.set(id, set);
      }
      set.add(send);
      // The row, each second: changes another copy makes (and the expiry sweep) reach this stream too.
      let polling = false;
      const poll = async () => {
        if (polling || closed) return;
        polling = true;
        try {
          const record = await read(id);
          if (record) send(dto(record));
        } catch (error) {
          deps.log.warn({ provisioningId: id, err: (error as Error)?.message }, "provisioning run poll failed");
        } finally {
          polling = false;
        }
      };
      void poll();
      const timer = setInterval(() => void poll(), POLL_MS);
      timer.unref();
      const ender = () => onEnd?.();
      enders.add(ender);
      return () => {
        closed = true;
        clearInterval(timer);
        enders.delete(ender);
        set?.delete(send);
        if (set?.size === 0) listeners.delete(id);
      };
    },

    async cancel(id, actor) {
      return cancelRecord(await mustRead(id), actor);
    },

    async cancelForInvitation(token, id, clientAddress) {
      const record = await runOfInvitation(token, id, clientAddress);
      return cancelRecord(record, record.createdBy);
    },

    async cleanup(id, actor) {
      return cleanupRecord(await mustRead(id), actor);
    },

    async cleanupForInvitation(token, id, clientAddress) {
      const record = await runOfInvitation(token, id, clientAddress);
      return cleanupRecord(record, record.createdBy);
    },

    openForService(id) {
      return createProvisioningCredentials({ store: deps.store, secrets: deps.secrets, now }).open(id);
    },

    async findByService(serviceId) {
      const record = await deps.store.getByServiceId(serviceId);
      return record ? dto(record) : undefined;
    },

    async drain() {
      for (const end of [...enders]) end();
      for (const d of driving.values()) {
        d.closing = true;
        d.cancelSignIn();
        d.interrupt.abort();
      }
      await Promise.allSettled([...driving.values()].map((d) => d.task));
    },
  };
}
