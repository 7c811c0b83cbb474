/**
 * The fleet at a glance (GET /api/fleet, docs/api.md; docs/product.md section 11): services by status, the
 * credentials expiring in each of the next weeks, and the services that need attention, the worst first. The
 * database does the counting (storage/fleet-summary.repository.ts); this file gives it the one status rule
 * (onboarding/status.ts STATUS_RULE) with its cut-offs resolved at `now`, and the week boundaries. The run in
 * progress, when one runs, comes with it, so the fleet page follows it on opening (docs/api.md, "Fleet").
 */
import {
  FLEET_ATTENTION_LIMIT,
  FLEET_TIMELINE_DAYS,
  type FleetCounts,
  type FleetExpiryWeek,
  type FleetRun,
  type FleetSummary,
  type ServiceStatus,
} from "@dr/contract";
import { toServiceDto } from "../onboarding/records.js";
import { STATUS_RULE } from "../onboarding/status.js";
import type { FleetSummaryStore, ResolvedStatusCase } from "../storage/fleet-summary.repository.js";

const DAY_MS = 86_400_000;

/** Weeks in the timeline: FLEET_TIMELINE_DAYS rounded up to whole weeks. */
export const FLEET_WEEKS = Math.ceil(FLEET_TIMELINE_DAYS / 7);

/** Statuses under `attention`, the worst first (connected services need none). */
const ATTENTION_ORDER: readonly ServiceStatus[] = ["auth_failed", "expiring", "not_validated"];

const STATUSES: readonly ServiceStatus[] = ["connected", "expiring", "auth_failed", "not_validated"];

const isStatus = (value: string): value is ServiceStatus => (STATUSES as readonly string[]).includes(value);

/** STATUS_RULE with its expiry cases turned into instants at `now`. */
export function statusRuleAt(now: Date): ResolvedStatusCase[] {
  return STATUS_RULE.map((c) =>
    "validated" in c
      ? c
      : { status: c.status, expiresAtOrBefore: new Date(now.getTime() + c.expiresWithinMs).toISOString() },
  );
}

/** The week boundaries from today 00:00 UTC: FLEET_WEEKS + 1 instants, 7 days apart. */
export function weekBounds(now: Date): Date[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: FLEET_WEEKS + 1 }, (_, i) => new Date(today + i * 7 * DAY_MS));
}

const zeroCounts = (): FleetCounts => ({ connected: 0, expiring: 0, auth_failed: 0, not_validated: 0 });

/** The fleet summary feature. */
export interface FleetSummaryService {
  summary(): Promise<FleetSummary>;
}

/** Dependencies of the fleet summary. */
export interface FleetSummaryDeps {
  store: FleetSummaryStore;
  clock: () => Date;
  /** For the services' SBC FQDN, as the services list shows it. */
  sbcBaseDomain: string;
  /** The re-validation run running now (the fleet runner's), if any. */
  running?: () => Promise<FleetRun | undefined>;
}

/** Creates the fleet summary. */
export function createFleetSummary(deps: FleetSummaryDeps): FleetSummaryService {
  return {
    async summary() {
      const now = deps.clock();
      const bounds = weekBounds(now);
      const rows = await deps.store.summary({
        rule: statusRuleAt(now),
        otherwise: "connected",
        weekBounds: bounds.map((d) => d.toISOString()),
        expiredAtOrBefore: now.toISOString(),
        attentionOrder: ATTENTION_ORDER,
        soonestFirst: "expiring",
        limit: FLEET_ATTENTION_LIMIT,
      });
      const run = await deps.running?.();
      const counts = zeroCounts();
      for (const r of rows.counts) if (isStatus(r.status)) counts[r.status] += r.count;
      const expiries: FleetExpiryWeek[] = bounds.slice(0, FLEET_WEEKS).map((start) => ({
        weekStart: start.toISOString().slice(0, 10),
        count: 0,
        byStatus: zeroCounts(),
      }));
      for (const r of rows.weeks) {
        const week = expiries[r.week];
        if (!week || !isStatus(r.status)) continue;
        week.count += r.count;
        week.byStatus[r.status] += r.count;
      }
      return {
        counts,
        expiries,
        attention: rows.attention.map((s) => toServiceDto(s, now, deps.sbcBaseDomain)),
        ...(run?.status === "running" ? { run } : {}),
      };
    },
  };
}
