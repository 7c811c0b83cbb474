import { describe, expect, it } from "vitest";
import {
  DEFAULT_LIFETIME_DAYS,
  MAX_LIFETIME_DAYS,
  maySelfRotate,
  newSecretLifetimeDays,
  REMEDY,
  replicationBackoffMs,
  replicationPending,
  rotatedSecretName,
  rotationLeaseMs,
} from "./rotation.rules.js";
import { currentCredential } from "./secret-rotation.js";

const DAY = 86_400_000;

describe("rotation rules", () => {
  it("lets an app rotate itself with Application.ReadWrite.OwnedBy or .All only", () => {
    expect(maySelfRotate(["Organization.Read.All", "Application.ReadWrite.OwnedBy"])).toBe(true);
    expect(maySelfRotate(["application.readwrite.all"])).toBe(true);
    expect(maySelfRotate(["Organization.Read.All", "Application.Read.All"])).toBe(false);
    expect(maySelfRotate([])).toBe(false);
    expect(maySelfRotate(undefined)).toBe(false);
    expect(maySelfRotate(null)).toBe(false);
  });

  it("keeps the current secret's lifetime, within 1 to 730 days, 180 when unknown", () => {
    const start = "2030-01-01T00:00:00.000Z";
    const end = (days: number) => new Date(Date.parse(start) + days * DAY).toISOString();
    expect(newSecretLifetimeDays({ startDateTime: start, endDateTime: end(365) })).toBe(365);
    expect(newSecretLifetimeDays({ startDateTime: start, endDateTime: end(20.4) })).toBe(20);
    expect(newSecretLifetimeDays({ startDateTime: start, endDateTime: end(0.2) })).toBe(1);
    expect(newSecretLifetimeDays({ startDateTime: start, endDateTime: end(1000) })).toBe(MAX_LIFETIME_DAYS);
    expect(newSecretLifetimeDays({ endDateTime: end(10) })).toBe(DEFAULT_LIFETIME_DAYS);
    expect(newSecretLifetimeDays({ startDateTime: end(10), endDateTime: start })).toBe(DEFAULT_LIFETIME_DAYS);
    expect(newSecretLifetimeDays({ startDateTime: "not a date", endDateTime: end(10) })).toBe(DEFAULT_LIFETIME_DAYS);
    expect(newSecretLifetimeDays(undefined)).toBe(DEFAULT_LIFETIME_DAYS);
  });

  it("names the new password by its day, and retries only 700016 and 7000215 with a bounded backoff", () => {
    expect(rotatedSecretName(new Date("2030-02-03T04:05:06Z"))).toBe("dr-onboarding rotated 2030-02-03");
    expect(replicationPending(700016)).toBe(true);
    expect(replicationPending(7000215)).toBe(true);
    expect(replicationPending(7000222)).toBe(false);
    expect(replicationPending(undefined)).toBe(false);
    // A new certificate: the key not found yet is pending, a secret's error is not.
    expect(replicationPending(700027, "certificate")).toBe(true);
    expect(replicationPending(700016, "certificate")).toBe(true);
    expect(replicationPending(7000215, "certificate")).toBe(false);
    expect(replicationPending(700027)).toBe(false);
    expect([1, 2, 3, 4, 5, 6, 10].map(replicationBackoffMs)).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it("leases a claim for longer than the replication wait and every other step", () => {
    expect(rotationLeaseMs(300_000, 10_000)).toBeGreaterThan(300_000 + 6 * 10_000);
    expect(REMEDY.notPermitted).toContain("automatic registration again");
    expect(REMEDY.notPermitted).toContain("replace the secret by hand");
    expect(REMEDY.oldSecretKept("k-1", "abc")).toContain("Secret ID k-1");
    expect(REMEDY.oldSecretKept(undefined, "abc")).toContain('starts with "abc"');
    // A certificate is named by its Certificate ID, as the Entra admin center lists certificates.
    expect(REMEDY.oldSecretKept("k-2", "", "certificate")).toContain("the certificate with Certificate ID k-2");
    expect(REMEDY.newPasswordLeft("k-3", "certificate")).toContain("unused new certificate (Certificate ID k-3)");
    expect(REMEDY.newPasswordLeft("k-4")).toContain("unused new secret (Secret ID k-4)");
  });

  it("finds the stored secret's credential by keyId, else by hint (the one ending last)", () => {
    const passwords = [
      { keyId: "A", hint: "abc", endDateTime: "2030-01-01T00:00:00Z" },
      { keyId: "B", hint: "abc", endDateTime: "2031-01-01T00:00:00Z" },
      { keyId: "C", hint: "xyz", endDateTime: "2029-01-01T00:00:00Z" },
    ];
    expect(currentCredential(passwords, "a", "zzz")?.keyId).toBe("A");
    expect(currentCredential(passwords, null, "abc")?.keyId).toBe("B");
    expect(currentCredential(passwords, "gone", "xyz")?.keyId).toBe("C");
    expect(currentCredential(passwords, null, "qqq")).toBeUndefined();
  });
});
