/**
 * Prometheus metrics (docs/operations.md): one prom-client registry per app instance (tests start many apps in one
 * process), the default process metrics under `dr_`, and the product's counters. Labels are low-cardinality only:
 * never a tenant id, client id, secret, customer or service name.
 */
import type { Check, FleetRun, ValidationReport } from "@dr/contract";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Dispatch } from "../m365/http/dispatch.types.js";
import type { Validator } from "../m365/validator.js";

/** Where a validation came from: the feature that asked for it. */
export type ValidationTrigger = "onboarding" | "rotation" | "provisioning";

/** A pass of the reminder scheduler, as far as metrics read it (bot/src/reminders/reminder.scheduler.ts RunSummary). */
export interface SchedulerPass {
  sent: number;
  failedSends: number;
}

/** The product's metrics and their text rendering. */
export interface Metrics {
  validation(report: ValidationReport, trigger: ValidationTrigger): void;
  /** One outbound HTTP request: its host name and its HTTP status, or "error"/"timeout". */
  outbound(host: string, status: number | "error" | "timeout"): void;
  /** Reminder sends of a delivery step (a scheduler pass or a send outside one). */
  reminders(counts: { sent: number; failedSends: number }): void;
  /** An audited invitation change (`invitation.create`, …): counted by event when it succeeded. */
  invitation(audit: { action: string; outcome: string }): void;
  /** A finished scheduler pass: its reminder sends. */
  schedulerPass(pass: SchedulerPass): void;
  /** A finished secret rotation, scheduled or by hand. */
  rotation(outcome: "rotated" | "failed"): void;
  /** The progress of the fleet re-validation run this copy watches (the gauges show the latest run). */
  fleetRun(run: FleetRun): void;
  /** A run this copy saw end: counted by trigger and status. */
  fleetRunEnded(run: FleetRun): void;
  /** Content-Type and body of GET /metrics. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Check-duration buckets, seconds: Microsoft answers in tens of ms to a few seconds; timeouts reach 10 s and more. */
const DURATION_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The invitation audit actions counted, and their `event` label. */
const INVITATION_EVENTS: Readonly<Record<string, string>> = {
  "invitation.create": "created",
  "invitation.resend": "resent",
  "invitation.open": "opened",
  "invitation.complete": "completed",
  "invitation.revoke": "revoked",
  "invitation.expire": "expired",
};

/** The outcome of a run: ok, unknown (some check could not tell), else failed. */
function outcomeOf(report: ValidationReport): "ok" | "failed" | "unknown" {
  if (report.ok) return "ok";
  return report.checks.some((check: Check) => check.status === "unknown") ? "unknown" : "failed";
}

/** Creates a registry with the product's metrics. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "dr_" });
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  const validations = counter(
    "dr_validations_total",
    "Validation runs by outcome (ok, failed, unknown) and trigger (the feature that asked).",
    ["outcome", "trigger"],
  );
  const checks = counter(
    "dr_validation_checks_total",
    "Validation checks by check, status and code (code empty when the check has none).",
    ["check", "status", "code"],
  );
  const durations = new Histogram({
    name: "dr_check_duration_seconds",
    help: "Duration of each validation check, seconds.",
    labelNames: ["check"] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });
  const outbound = counter(
    "dr_outbound_requests_total",
    "Outbound requests to Microsoft by host name and HTTP status (or error, timeout).",
    ["host", "status"],
  );
  const reminders = counter("dr_reminders_total", "Reminder sends by result (sent, failed).", ["result"]);
  const invitations = counter(
    "dr_invitations_total",
    "Invitation changes by event (created, resent, opened, completed, revoked, expired).",
    ["event"],
  );
  const rotations = counter(
    "dr_rotations_total",
    "Secret rotations, scheduled or by hand, by outcome (rotated, failed).",
    ["outcome"],
  );
  const revalidation = new Gauge({
    name: "dr_revalidation_services",
    help: "Services of the latest fleet re-validation run by state (total, done, failed, unknown).",
    labelNames: ["state"] as const,
    registers,
  });
  const runs = counter("dr_revalidation_runs_total", "Fleet re-validation runs ended, by trigger and status.", [
    "trigger",
    "status",
  ]);
  const setRun = (run: FleetRun) => {
    revalidation.set({ state: "total" }, run.total);
    revalidation.set({ state: "done" }, run.done);
    revalidation.set({ state: "failed" }, run.failed);
    revalidation.set({ state: "unknown" }, run.unknown);
  };
  const countReminders = (counts: { sent: number; failedSends: number }) => {
    if (counts.sent > 0) reminders.inc({ result: "sent" }, counts.sent);
    if (counts.failedSends > 0) reminders.inc({ result: "failed" }, counts.failedSends);
  };
  return {
    validation(report, trigger) {
      validations.inc({ outcome: outcomeOf(report), trigger });
      for (const check of report.checks) {
        checks.inc({ check: check.id, status: check.status, code: check.code ?? "" });
        durations.observe({ check: check.id }, check.durationMs / 1000);
      }
    },
    outbound(host, status) {
      outbound.inc({ host: host.toLowerCase(), status: String(status) });
    },
    reminders: countReminders,
    invitation(audit) {
      const event = INVITATION_EVENTS[audit.action];
      if (event && audit.outcome === "success") invitations.inc({ event });
    },
    schedulerPass(pass) {
      countReminders(pass);
    },
    rotation(outcome) {
      rotations.inc({ outcome });
    },
    fleetRun: setRun,
    fleetRunEnded(run) {
      setRun(run);
      runs.inc({ trigger: run.trigger, status: run.status });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/**
 * A dispatch that counts each outbound request by host and status: under the transport, so every feature's
 * Microsoft calls (validation, rotation, provisioning, readiness, sign-in keys) count, each retry included.
 */
export function countedDispatch(dispatch: Dispatch, metrics: Pick<Metrics, "outbound">): Dispatch {
  return async (request, signal) => {
    const host = new URL(request.url).hostname;
    try {
      const response = await dispatch(request, signal);
      metrics.outbound(host, response.status);
      return response;
    } catch (error) {
      metrics.outbound(host, signal.aborted ? "timeout" : "error");
      throw error;
    }
  };
}

/** A validator whose every report is counted under `trigger`. */
export function countedValidator(
  validator: Validator,
  metrics: Pick<Metrics, "validation">,
  trigger: ValidationTrigger,
): Validator {
  return {
    async validate(input, options) {
      const report = await validator.validate(input, options);
      metrics.validation(report, trigger);
      return report;
    },
  };
}

/** The reminder scheduler's observer: each pass's and each lone delivery step's sends. */
export function schedulerObserver(metrics: Pick<Metrics, "schedulerPass" | "reminders">): {
  pass(summary: SchedulerPass): void;
  delivered(counts: { sent: number; failedSends: number }): void;
} {
  return { pass: (summary) => metrics.schedulerPass(summary), delivered: (counts) => metrics.reminders(counts) };
}

/** The fleet runner's observer: the latest run's progress and each run's end. */
export function fleetObserver(metrics: Pick<Metrics, "fleetRun" | "fleetRunEnded">): {
  progress(run: FleetRun): void;
  finished(run: FleetRun): void;
} {
  return { progress: (run) => metrics.fleetRun(run), finished: (run) => metrics.fleetRunEnded(run) };
}
