import type { FleetRun } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { createMetrics, fleetObserver, schedulerObserver } from "./metrics.js";

const RUN: FleetRun = {
  runId: "00000000-0000-4000-8000-000000000001",
  status: "running",
  trigger: "manual",
  total: 10,
  done: 4,
  failed: 1,
  unknown: 2,
  startedAt: "2026-01-01T00:00:00.000Z",
};

describe("metrics", () => {
  it("counts reminder sends of passes and of lone delivery steps, and rotations by outcome", async () => {
    const metrics = createMetrics();
    const observer = schedulerObserver(metrics);
    observer.pass({ sent: 2, failedSends: 1 });
    observer.delivered({ sent: 1, failedSends: 2 });
    metrics.rotation("rotated");
    metrics.rotation("failed");
    metrics.rotation("rotated");
    const { body } = await metrics.render();
    expect(body).toContain('dr_reminders_total{result="sent"} 3');
    expect(body).toContain('dr_reminders_total{result="failed"} 3');
    expect(body).toContain('dr_rotations_total{outcome="rotated"} 2');
    expect(body).toContain('dr_rotations_total{outcome="failed"} 1');
  });

  it("shows the latest fleet run's progress and counts runs by trigger and status when they end", async () => {
    const metrics = createMetrics();
    const observer = fleetObserver(metrics);
    observer.progress(RUN);
    let { body } = await metrics.render();
    expect(body).toContain('dr_revalidation_services{state="total"} 10');
    expect(body).toContain('dr_revalidation_services{state="done"} 4');
    expect(body).toContain('dr_revalidation_services{state="failed"} 1');
    expect(body).toContain('dr_revalidation_services{state="unknown"} 2');
    expect(body).not.toContain("dr_revalidation_runs_total{");
    observer.finished({ ...RUN, status: "completed", done: 10, finishedAt: "2026-01-01T00:01:00.000Z" });
    observer.finished({ ...RUN, status: "cancelled", trigger: "scheduled" });
    ({ body } = await metrics.render());
    expect(body).toContain('dr_revalidation_services{state="done"} 4');
    expect(body).toContain('dr_revalidation_runs_total{trigger="manual",status="completed"} 1');
    expect(body).toContain('dr_revalidation_runs_total{trigger="scheduled",status="cancelled"} 1');
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
