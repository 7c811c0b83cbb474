import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { adaptiveCard, text } from "./card.elements.js";
import {
  ACTIVITY_ENVELOPE_BYTES,
  CARD_LIMIT_BYTES,
  cardBytes,
  fitEntries,
  messageBytes,
  moreInTheTab,
} from "./card-budget.js";
import { teamsCardProblems } from "./card-rules.js";
import { m365SettingsCard } from "./m365-settings.card.js";
import { reminderCard } from "./reminder.card.js";
import { serviceDetailsCard } from "./service-details.card.js";
import { validationReportCard } from "./validation-report.card.js";

const LONG = (i: number) => `${i} ${"Ünïcødé 名前の長い 数据 [*_] ".repeat(20)}`.slice(0, 200);
const dialog = { dialogId: "d", step: "x", rev: 1 };

/** The card is within budget, follows both rule sets, and counts what it left out. */
function expectFitted(card: ReturnType<typeof adaptiveCard>, what: string): number {
  expect(messageBytes(card)).toBeLessThanOrEqual(CARD_LIMIT_BYTES);
  expect(teamsCardProblems(card)).toEqual([]);
  expect(adaptiveCardsProblems(card)).toEqual([]);
  const more = JSON.stringify(card).match(new RegExp(`…and (\\d+) more ${what}`));
  expect(more).not.toBeNull();
  return Number(more?.[1]);
}

describe("card budget", () => {
  it("measures UTF-8 bytes of the serialised card plus the activity", () => {
    const card = adaptiveCard([text("é名")]);
    expect(cardBytes(card)).toBe(Buffer.byteLength(JSON.stringify(card), "utf8"));
    expect(messageBytes(card)).toBe(cardBytes(card) + ACTIVITY_ENVELOPE_BYTES);
  });
  it("keeps the largest count of entries that fits, and all of them when they fit", () => {
    const entries = Array.from({ length: 300 }, (_, i) => "x".repeat(100 + i));
    const build = (shown: readonly string[], hidden: number) =>
      adaptiveCard([...shown.map((s) => text(s)), ...moreInTheTab(hidden, "lines")]);
    const card = fitEntries(entries, build);
    const shown = card.body.length - 1;
    expect(messageBytes(card)).toBeLessThanOrEqual(CARD_LIMIT_BYTES);
    expect(messageBytes(build(entries.slice(0, shown + 1), entries.length - shown - 1))).toBeGreaterThan(
      CARD_LIMIT_BYTES,
    );
    expect(fitEntries(entries.slice(0, 3), build).body).toHaveLength(3);
    expect(fitEntries(entries, build, 10).body).toEqual([moreInTheTab(300, "lines")[0]]);
  });
  it("words the more line, with an Open the tab button when the link is known", () => {
    expect(moreInTheTab(0, "x")).toEqual([]);
    expect(moreInTheTab(2, "checks")).toEqual([
      expect.objectContaining({ text: "…and 2 more checks; open the tab for the full list." }),
    ]);
    expect(moreInTheTab(2, "checks", "https://t.example/x")[1]).toEqual({
      type: "ActionSet",
      actions: [{ type: "Action.OpenUrl", title: "Open the tab", url: "https://t.example/x" }],
    });
  });
});

describe("every list-bearing card stays within the budget", () => {
  it("M365 settings with 5000 domains, the preselected one kept", () => {
    const domains = Array.from({ length: 5000 }, (_, i) => `${LONG(i).replace(/\W/g, "")}.example`);
    const last = domains[4999] as string;
    const card = m365SettingsCard({ dialog, domains, initialDomain: last, tenantName: LONG(0) });
    const hidden = expectFitted(card, "domains");
    const choices = card.body.find((e) => e.id === "m365Domain")?.choices as { value: string }[];
    expect(choices.length + hidden).toBe(5000);
    expect(choices[0]?.value).toBe(last);
  });
  it("service details with 2000 long customer names, the chosen one and New customer kept", () => {
    const customers = Array.from({ length: 2000 }, (_, i) => ({ id: `c${i}`, name: LONG(i) }));
    const card = serviceDetailsCard({ dialog, customers, values: { customerId: "c1999" } });
    const hidden = expectFitted(card, "customers");
    const choices = card.body.find((e) => e.id === "customerId")?.choices as { value: string }[];
    expect(choices.length - 1 + hidden).toBe(2000);
    expect(choices[0]?.value).toBe("c1999");
    expect(choices.at(-1)?.value).toBe("new");
  });
  it("a reminder with 200 long failures, and a report with long check messages", () => {
    const reminder = reminderCard({
      service: {
        id: "s",
        shortName: "a",
        customerName: LONG(0),
        status: "auth_failed",
        secretHint: "abc",
        failures: Array.from({ length: 200 }, (_, i) => LONG(i)),
      },
      reason: { kind: "failed" },
    });
    expectFitted(reminder, "failures");
    const ids = ["format", "tenant", "token", "permissions", "graph", "secret_expiry"] as const;
    const checks = ids.map((id, i) => ({
      id,
      status: "fail" as const,
      message: LONG(i).repeat(10),
      remedy: LONG(i).repeat(10),
      durationMs: 1,
    }));
    const report = validationReportCard({
      report: { ok: false, cloud: "global", startedAt: "2025-01-01T00:00:00.000Z", durationMs: 1, checks },
      mode: { kind: "service", serviceId: "s", shortName: "a" },
      tabUrl: "https://teams.microsoft.com/l/entity/app/services",
    });
    expect(expectFitted(report, "checks")).toBeGreaterThan(0);
    expect(JSON.stringify(report)).toContain("Action.OpenUrl");
  });
});
