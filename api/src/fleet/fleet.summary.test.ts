import { FLEET_ATTENTION_LIMIT } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { deriveStatus, STATUS_RULE } from "../onboarding/status.js";
import type { FleetSummaryQuery, FleetSummaryRows } from "../storage/fleet-summary.repository.js";
import type { ServiceRecord } from "../storage/repository.types.js";
import { createFleetSummary, FLEET_WEEKS, statusRuleAt, weekBounds } from "./fleet.summary.js";

const NOW = new Date("2026-03-10T10:00:00.000Z");
const DAY = 86_400_000;

function storeAnswering(rows: FleetSummaryRows) {
  const asked: FleetSummaryQuery[] = [];
  return {
    asked,
    store: {
      async summary(query: FleetSummaryQuery) {
        asked.push(query);
        return rows;
      },
    },
  };
}

describe("fleet summary", () => {
  it("resolves the status rule's expiry cases to instants at now, keeping its order", () => {
    const rule = statusRuleAt(NOW);
    expect(rule.map((c) => c.status)).toEqual(STATUS_RULE.map((c) => c.status));
    expect(rule).toContainEqual({ status: "auth_failed", expiresAtOrBefore: "2026-03-09T10:00:00.000Z" });
    expect(rule).toContainEqual({ status: "expiring", expiresAtOrBefore: "2026-04-09T10:00:00.000Z" });
  });

  it("the resolved cut-offs give deriveStatus's answer on both sides of each", () => {
    const at = (ms: number): ServiceRecord =>
      ({
        m365: { lastValidationOk: true, secretExpiresAt: new Date(NOW.getTime() + ms).toISOString() },
      }) as ServiceRecord;
    for (const c of statusRuleAt(NOW)) {
      if ("expiresAtOrBefore" in c)
        expect(deriveStatus(at(Date.parse(c.expiresAtOrBefore) - NOW.getTime()), NOW)).toBe(c.status);
    }
    expect(deriveStatus(at(-DAY), NOW)).toBe("auth_failed");
    expect(deriveStatus(at(-DAY + 1), NOW)).toBe("expiring");
    expect(deriveStatus(at(30 * DAY), NOW)).toBe("expiring");
    expect(deriveStatus(at(30 * DAY + 1), NOW)).toBe("connected");
  });

  it("cuts 13 weeks from today 00:00 UTC", () => {
    const bounds = weekBounds(NOW);
    expect(FLEET_WEEKS).toBe(13);
    expect(bounds).toHaveLength(14);
    expect(bounds[0]?.toISOString()).toBe("2026-03-10T00:00:00.000Z");
    expect(bounds[13]?.toISOString()).toBe("2026-06-09T00:00:00.000Z");
  });

  it("asks the store once and folds its rows into counts and weeks, every status present", async () => {
    const { asked, store } = storeAnswering({
      counts: [
        { status: "connected", count: 7 },
        { status: "auth_failed", count: 2 },
      ],
      weeks: [
        { week: 0, status: "expiring", count: 3 },
        { week: 0, status: "auth_failed", count: 1 },
        { week: 12, status: "connected", count: 4 },
      ],
      attention: [],
    });
    const summary = await createFleetSummary({ store, clock: () => NOW, sbcBaseDomain: "sbc.example" }).summary();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({
      otherwise: "connected",
      expiredAtOrBefore: NOW.toISOString(),
      attentionOrder: ["auth_failed", "expiring", "not_validated"],
      soonestFirst: "expiring",
      limit: FLEET_ATTENTION_LIMIT,
    });
    expect(asked[0]?.weekBounds).toHaveLength(14);
    expect(summary.counts).toEqual({ connected: 7, expiring: 0, auth_failed: 2, not_validated: 0 });
    expect(summary.expiries).toHaveLength(13);
    expect(summary.expiries[0]).toEqual({
      weekStart: "2026-03-10",
      count: 4,
      byStatus: { connected: 0, expiring: 3, auth_failed: 1, not_validated: 0 },
    });
    expect(summary.expiries[12]).toMatchObject({ weekStart: "2026-06-02", count: 4 });
    expect(summary.expiries.slice(1, 12).every((w) => w.count === 0)).toBe(true);
  });
});
