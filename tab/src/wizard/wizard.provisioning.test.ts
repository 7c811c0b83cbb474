import type { ProvisioningRun } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { usableRun } from "./use-wizard";

const RUN = "4f1d2c3b-5a6e-4f70-8a9b-0c1d2e3f4a5b";
const CUSTOMER = "0b7d6e3c-4d7e-4f8a-9d1c-2a3b4c5d6e7f";

const done = (overrides: Partial<ProvisioningRun> = {}): ProvisioningRun =>
  ({
    id: RUN,
    status: "done",
    customerId: CUSTOMER,
    cloud: "global",
    result: { tenantId: "t", clientId: "c", secretHint: "abc", secretExpiresAt: "2026-09-01T00:00:00Z" },
    ...overrides,
  }) as ProvisioningRun;

const chosen = { useProvisioning: true, provisioningId: RUN, customerId: CUSTOMER };

describe("usableRun (the wizard's From automatic registration)", () => {
  it("is the chosen run when it is done, has a result, is the customer's and no service was made from it", () => {
    const run = done();
    expect(usableRun(run, chosen)).toBe(run);
  });

  it("is nothing when the box is not ticked, another run is chosen, or none is loaded", () => {
    expect(usableRun(done(), { ...chosen, useProvisioning: false })).toBeUndefined();
    expect(usableRun(done(), { ...chosen, provisioningId: "other" })).toBeUndefined();
    expect(usableRun(undefined, chosen)).toBeUndefined();
  });

  it("is nothing for a run that did not finish well, lacks its result, belongs to another customer or was used", () => {
    for (const status of ["waiting_for_sign_in", "running", "failed", "expired", "declined", "cancelled"] as const) {
      expect(usableRun(done({ status }), chosen), status).toBeUndefined();
    }
    expect(usableRun(done({ result: undefined }), chosen)).toBeUndefined();
    expect(usableRun(done({ customerId: "someone-else" }), chosen)).toBeUndefined();
    expect(usableRun(done({ serviceId: "s1" }), chosen)).toBeUndefined();
  });
});
