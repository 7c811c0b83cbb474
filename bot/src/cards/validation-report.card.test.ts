import type { ValidationReport } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { teamsCardProblems } from "./card-rules.js";
import { validationReportCard } from "./validation-report.card.js";

const CANARY = "CANARY8Q~s3cr3t-value-never-shown";
const failed: ValidationReport = {
  ok: false,
  cloud: "global",
  startedAt: "2025-01-01T00:00:00.000Z",
  durationMs: 10,
  checks: [
    { id: "format", status: "pass", message: "Format fine.", durationMs: 0 },
    {
      id: "token",
      status: "fail",
      code: "invalid_secret",
      message: "The secret is wrong.",
      remedy: "Paste the Value.",
      durationMs: 3,
    },
    { id: "graph", status: "skipped", code: "prerequisite_failed", message: "Skipped.", durationMs: 0 },
  ],
};

describe("validationReportCard", () => {
  it("shows each check with icon, message and remedy; Retry in the wizard", () => {
    const card = validationReportCard({
      report: failed,
      mode: { kind: "dialog", dialog: { dialogId: "d", step: "report", rev: 3 } },
    });
    expect(teamsCardProblems(card, [CANARY])).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain("❌ **Sign-in (token)** · fail");
    expect(json).toContain("The secret is wrong.");
    expect(json).toContain("What to do: Paste the Value.");
    expect(card.actions?.map((a) => a.verb)).toEqual(["onboard.retry", "onboard.back", "onboard.cancel"]);
  });
  it("offers Next when ok, and Validate now / Replace secret for a service", () => {
    const ok = {
      ...failed,
      ok: true,
      checks: [{ id: "format" as const, status: "pass" as const, message: "ok", durationMs: 0 }],
    };
    const wizard = validationReportCard({
      report: ok,
      mode: { kind: "dialog", dialog: { dialogId: "d", step: "report", rev: 3 } },
    });
    expect(wizard.actions?.[0]?.verb).toBe("onboard.next");
    const service = validationReportCard({ report: ok, mode: { kind: "service", serviceId: "s1", shortName: "acme" } });
    expect(teamsCardProblems(service)).toEqual([]);
    expect(adaptiveCardsProblems(service)).toEqual([]);
    expect(service.actions?.map((a) => a.verb)).toEqual(["service.validate", "service.replaceSecret.open"]);
  });
});
