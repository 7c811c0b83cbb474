import type { Service, ValidationReport } from "@dr/contract";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currentSlot, expiryThreshold, failedForExpiry, outcomeOf, rotationDue } from "./reminder.rules.js";

const report = (ok: boolean, statuses: string[], code?: string): ValidationReport => ({
  ok,
  cloud: "global",
  startedAt: "2025-01-01T00:00:00.000Z",
  durationMs: 1,
  checks: statuses.map((status) => ({
    id: "token",
    status: status as "pass",
    message: "m",
    durationMs: 0,
    ...(code ? { code: code as "secret_expired" } : {}),
  })),
});

describe("reminder rules", () => {
  it("puts days into the 30/14/7/1/expired buckets", () => {
    expect([31, 30, 15, 14, 8, 7, 2, 1, 0, -5].map(expiryThreshold)).toEqual([
      undefined,
      "30",
      "30",
      "14",
      "14",
      "7",
      "7",
      "1",
      "expired",
      "expired",
    ]);
  });
  it("tells failed from unknown (throttled, unreachable)", () => {
    expect(outcomeOf(report(true, ["pass", "warn"]))).toBe("ok");
    expect(outcomeOf(report(false, ["pass", "fail", "skipped"]))).toBe("failed");
    expect(outcomeOf(report(false, ["pass", "unknown", "skipped"]))).toBe("unknown");
    expect(failedForExpiry(report(false, ["fail"], "secret_expired"))).toBe(true);
  });
  it("gives every service one slot per interval, at most one interval old", () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.integer({ min: 1, max: 10 ** 9 }),
        (id, t, interval) => {
          const slot = currentSlot(id, new Date(t), interval);
          expect(slot).toBeLessThanOrEqual(t);
          expect(t - slot).toBeLessThan(interval);
          expect(currentSlot(id, new Date(slot + interval), interval)).toBe(slot + interval);
        },
      ),
    );
  });
});

describe("rotationDue", () => {
  const now = new Date("2030-01-01T12:00:00.000Z");
  const DAY = 86_400_000;
  const service = (m365: Partial<Service["m365"]>): Service => ({
    id: "s1",
    type: "direct-routing",
    customerId: "c1",
    customerName: "Acme",
    shortName: "acme",
    licenseType: "hosted-pro",
    licensedUsers: 1,
    status: "connected",
    createdAt: "2029-01-01T00:00:00.000Z",
    createdBy: "alice",
    m365: {
      cloud: "global",
      tenantId: "t",
      clientId: "c",
      credentialType: "secret",
      secretHint: "abc",
      userName: "alice",
      selfRotation: true,
      ...m365,
    },
  });
  const inDays = (days: number) => new Date(now.getTime() + days * DAY).toISOString();

  it("rotates a self-rotating secret within ROTATE_BEFORE_DAYS of its expiry, counting whole days up", () => {
    expect(rotationDue(service({ secretExpiresAt: inDays(29) }), now, 30)).toBe(true);
    expect(rotationDue(service({ secretExpiresAt: inDays(30) }), now, 30)).toBe(true);
    // 30 days and one hour: 31 whole days, rounded up as the API counts them.
    expect(
      rotationDue(service({ secretExpiresAt: new Date(now.getTime() + 30 * DAY + 3_600_000).toISOString() }), now, 30),
    ).toBe(false);
    expect(rotationDue(service({ secretExpiresAt: inDays(0.5) }), now, 30)).toBe(true);
    // A certificate service is rotated the same way (the API sets selfRotation for it).
    expect(rotationDue(service({ secretExpiresAt: inDays(10), credentialType: "certificate" }), now, 30)).toBe(true);
    expect(rotationDue(service({ secretExpiresAt: inDays(40), credentialType: "certificate" }), now, 30)).toBe(false);
  });

  it("never rotates without self-rotation, without a known expiry, past expiry, or with ROTATE_BEFORE_DAYS=0", () => {
    expect(rotationDue(service({ secretExpiresAt: inDays(10), selfRotation: false }), now, 30)).toBe(false);
    const { selfRotation: _dropped, ...m365 } = service({ secretExpiresAt: inDays(10) }).m365;
    expect(rotationDue({ ...service({}), m365 }, now, 30)).toBe(false);
    expect(rotationDue(service({}), now, 30)).toBe(false);
    expect(rotationDue(service({ secretExpiresAt: inDays(-1) }), now, 30)).toBe(false);
    expect(
      rotationDue(
        service({ secretExpiresAt: inDays(10), credentialType: "certificate", selfRotation: false }),
        now,
        30,
      ),
    ).toBe(false);
    expect(rotationDue(service({ secretExpiresAt: now.toISOString() }), now, 30)).toBe(false);
    expect(rotationDue(service({ secretExpiresAt: inDays(10) }), now, 0)).toBe(false);
  });

  it("is monotone: once due, it stays due until the expiry", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 365 }), fc.integer({ min: 1, max: 400 * 24 }), (before, hours) => {
        const s = service({ secretExpiresAt: new Date(now.getTime() + hours * 3_600_000).toISOString() });
        const due = rotationDue(s, now, before);
        const later = new Date(now.getTime() + 3_600_000);
        if (due && later.getTime() < Date.parse(s.m365.secretExpiresAt as string)) {
          expect(rotationDue(s, later, before)).toBe(true);
        }
      }),
    );
  });
});
