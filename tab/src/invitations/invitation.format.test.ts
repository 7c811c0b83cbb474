import type { Invitation } from "@dr/contract";
import { describe, expect, it } from "vitest";
import {
  canResend,
  canRevoke,
  completedOf,
  invitationChoiceLabel,
  inviteLinkIn,
  tenantLabel,
} from "./invitation.format";

const base: Invitation = {
  id: "i1",
  customerId: "c1",
  customerName: "Contoso",
  cloud: "global",
  status: "completed",
  createdAt: "2030-01-01T00:00:00.000Z",
  createdBy: "op",
  expiresAt: "2030-01-08T00:00:00.000Z",
  emailSent: true,
  email: "admin@contoso.example",
  completedAt: "2030-01-02T10:00:00.000Z",
  tenant: { id: "t-1", displayName: "Contoso Ltd" },
};

describe("invitation formatting", () => {
  it("names the tenant and the choice", () => {
    expect(tenantLabel(base.tenant)).toBe("Contoso Ltd (t-1)");
    expect(tenantLabel({ id: "t-2" })).toBe("t-2");
    expect(tenantLabel(undefined)).toBe("");
    expect(invitationChoiceLabel(base)).toBe("Contoso Ltd (t-1) · admin@contoso.example · validated 2030-01-02");
  });
  it("lists a customer's completed invitations only, newest first", () => {
    const items: Invitation[] = [
      base,
      { ...base, id: "i2", completedAt: "2030-01-03T00:00:00.000Z" },
      { ...base, id: "i3", status: "opened" },
      { ...base, id: "i4", customerId: "c2" },
    ];
    expect(completedOf(items, "c1").map((i) => i.id)).toEqual(["i2", "i1"]);
    expect(completedOf(items, undefined)).toEqual([]);
  });
  it("allows Resend and Revoke by state", () => {
    expect(["sent", "opened", "expired"].every((s) => canResend(s as Invitation["status"]))).toBe(true);
    expect(canResend("completed")).toBe(false);
    expect(canRevoke("completed")).toBe(true);
    expect(canRevoke("used")).toBe(false);
  });
  it("finds the invitation link in a mail's text", () => {
    expect(inviteLinkIn("Open https://x.example/invite/Ab_c-1 within 7 days.")).toBe("https://x.example/invite/Ab_c-1");
    expect(inviteLinkIn("no link")).toBeUndefined();
  });
});
