/**
 * Prometheus metrics (docs/operations.md): one prom-client registry per app instance (tests start many apps in one
 * process), the default process metrics under `dr_`, and the product's counters. Labels are low-cardinality only:
 * never a tenant id, client id, secret, customer or service name.
 */
import type { Check, ValidationReport } from "@dr/contract";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Dispatch } from "../m365/http/dispatch.types.js";
import type { Validator } from "../m365/validator.js";

/** Where a validation came from: the feature that asked for it. */
export type ValidationTrigger = "onboarding" | "rotation" | "provisioning";

/** A pass of the reminder scheduler, as far as metrics read it (bot/src/reminders/reminder.scheduler.ts RunSummary). */
export interface SchedulerPass {
  validated: number;
  unknown: number;
  sent: number;
  failedSends: number;
  rotated: number;
  rotationFailed: number;
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
  /** A finished scheduler pass: its re-validation progress, and its rotations. */
  schedulerPass(pass: SchedulerPass): void;
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
  const rotations = counter("dr_rotations_total", "Scheduled secret rotations by outcome (rotated, failed).", [
    "outcome",
  ]);
  const revalidation = new Gauge({
    name: "dr_revalidation_services",
    help: "Services of the last re-validation pass by state (done, unknown, total).",
    labelNames: ["state"] as const,
    registers,
  });
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
      if (pass.rotated > 0) rotations.inc({ outcome: "rotated" }, pass.rotated);
      if (pass.rotationFailed > 0) rotations.inc({ outcome: "failed" }, pass.rotationFailed);
      revalidation.set({ state: "done" }, pass.validated);
      revalidation.set({ state: "unknown" }, pass.unknown);
      revalidation.set({ state: "total" }, pass.validated + pass.unknown);
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

/** A scheduler whose passes and sends outside a pass feed the metrics (its methods wrapped in place). */
export function observeScheduler<P extends SchedulerPass, D extends { sent: number; failedSends: number }>(
  scheduler: { runOnce(): Promise<P>; deliverNow(): Promise<D> },
  metrics: Pick<Metrics, "schedulerPass" | "reminders">,
): void {
  const runOnce = scheduler.runOnce.bind(scheduler);
  const deliverNow = scheduler.deliverNow.bind(scheduler);
  // A tick during a long pass gets the same pass (the same summary): it is counted once.
  const counted = new WeakSet<object>();
  scheduler.runOnce = async () => {
    const pass = await runOnce();
    if (!counted.has(pass)) {
      counted.add(pass);
      metrics.schedulerPass(pass);
    }
    return pass;
  };
  scheduler.deliverNow = async () => {
    const counts = await deliverNow();
    metrics.reminders(counts);
    return counts;
  };
}
