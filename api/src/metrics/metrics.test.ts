import { describe, expect, it } from "vitest";
import { createMetrics, observeScheduler, type SchedulerPass } from "./metrics.js";

const PASS: SchedulerPass = { validated: 3, unknown: 1, sent: 2, failedSends: 1, rotated: 1, rotationFailed: 1 };

describe("metrics", () => {
  it("counts a scheduler pass once, however many callers await it, and sends outside a pass", async () => {
    const metrics = createMetrics();
    const summary = { ...PASS };
    const scheduler = {
      runOnce: async () => summary,
      deliverNow: async () => ({ sent: 1, failedSends: 2 }),
    };
    observeScheduler(scheduler, metrics);
    await Promise.all([scheduler.runOnce(), scheduler.runOnce()]);
    await scheduler.deliverNow();
    const { body } = await metrics.render();
    expect(body).toContain('dr_reminders_total{result="sent"} 3');
    expect(body).toContain('dr_reminders_total{result="failed"} 3');
    expect(body).toContain('dr_rotations_total{outcome="rotated"} 1');
    expect(body).toContain('dr_rotations_total{outcome="failed"} 1');
    expect(body).toContain('dr_revalidation_services{state="done"} 3');
    expect(body).toContain('dr_revalidation_services{state="unknown"} 1');
    expect(body).toContain('dr_revalidation_services{state="total"} 4');
  });

  it("counts the invitation changes that succeeded, by event, and nothing else of the audit trail", async () => {
    const metrics = createMetrics();
    metrics.invitation({ action: "invitation.create", outcome: "success" });
    metrics.invitation({ action: "invitation.expire", outcome: "success" });
    metrics.invitation({ action: "invitation.validate", outcome: "failure" });
    metrics.invitation({ action: "invitation.complete", outcome: "failure" });
    metrics.invitation({ action: "service.create", outcome: "success" });
    const { body } = await metrics.render();
    const lines = body.split("\n").filter((line) => line.startsWith("dr_invitations_total"));
    expect(lines).toEqual(['dr_invitations_total{event="created"} 1', 'dr_invitations_total{event="expired"} 1']);
  });

  it("keeps each app's metrics in its own registry", async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.outbound("Login.MicrosoftOnline.com", 200);
    expect((await a.render()).body).toContain(
      'dr_outbound_requests_total{host="login.microsoftonline.com",status="200"} 1',
    );
    expect((await b.render()).body).not.toContain("login.microsoftonline.com");
  });
});
