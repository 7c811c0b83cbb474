/**
 * Every card the bot can send, parsed by Microsoft's own Adaptive Cards library at version 1.5
 * (adaptive-parse.test-helper.ts), with plain, hostile (Markdown, quotes, control characters) and long non-ASCII
 * inputs; and the helper's own refusals, so a helper that let everything through would fail here.
 */
import type { Invitation, Service, ValidationReport } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { adaptiveCard, execute } from "./card.elements.js";
import type { AdaptiveCard } from "./card.types.js";
import { teamsCardProblems } from "./card-rules.js";
import { createdCard } from "./created.card.js";
import { credentialsCard } from "./credentials.card.js";
import { helpCard } from "./help.card.js";
import { invitationCompletedCard, invitationDroppedCard } from "./invitation-completed.card.js";
import { invitationLinkCard } from "./invitation-link.card.js";
import { m365SettingsCard } from "./m365-settings.card.js";
import { reminderCard } from "./reminder.card.js";
import { replaceSecretCard } from "./replace-secret.card.js";
import { serviceDetailsCard } from "./service-details.card.js";
import { servicesListCard } from "./services-list.card.js";
import { summaryCard } from "./summary.card.js";
import { validationReportCard } from "./validation-report.card.js";
import { workingCard } from "./working.card.js";

const HOSTILE = '[Click](https://evil.example) ![x](y) **b** <b>"q"</b> \\ \n- item\t\u0000\u202e';
const LONG = "Ünïcødé 名前の長いサービス 🚀 ".repeat(10).slice(0, 200);
const dialog = { dialogId: "d", step: "x", rev: 1 };

function service(name: string, i = 1): Service {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    type: "direct-routing",
    customerId: "c",
    customerName: name,
    shortName: name,
    licenseType: "hosted-pro",
    licensedUsers: 5,
    status: "expiring",
    createdAt: "2025-01-01T00:00:00.000Z",
    createdBy: "a",
    m365: {
      cloud: "global",
      tenantId: "t",
      tenantName: name,
      clientId: "c",
      credentialType: "secret",
      secretHint: name.slice(0, 3),
      userName: "a",
      daysUntilExpire: 3,
    },
    directRouting: { m365Domain: name, sbcFqdn: name },
  };
}

function report(name: string, ok: boolean): ValidationReport {
  return {
    ok,
    cloud: "global",
    startedAt: "2025-01-01T00:00:00.000Z",
    durationMs: 10,
    tenant: { id: "t", displayName: name, domains: [name], initialDomain: name } as ValidationReport["tenant"],
    checks: [
      { id: "token", status: ok ? "pass" : "fail", code: "invalid_secret", message: name, remedy: name, durationMs: 3 },
      { id: "secret_expiry", status: "warn", message: name, durationMs: 0 },
      { id: "graph", status: "skipped", message: name, durationMs: 0 },
    ],
  };
}

function invitation(name: string): Invitation {
  return {
    id: "00000000-0000-4000-8000-000000000001",
    customerId: "c1",
    customerName: name,
    email: "admin@contoso.example",
    cloud: "global",
    status: "completed",
    createdAt: "2030-01-01T00:00:00.000Z",
    createdBy: name,
    expiresAt: "2030-01-08T00:00:00.000Z",
    emailSent: false,
    emailError: name,
    completedAt: "2030-01-02T00:00:00.000Z",
    tenant: { id: "11111111-1111-4111-8111-111111111111", displayName: name },
  };
}

/** Every builder, with every optional part present, for one untrusted string. */
function everyCard(name: string): [string, AdaptiveCard][] {
  const reminderService = {
    id: "s1",
    shortName: name,
    customerName: name,
    status: "expiring",
    secretHint: "abc",
    secretExpiresAt: "2030-01-08T00:00:00.000Z",
    daysUntilExpire: 7,
    failures: [name, name],
  };
  return [
    ["help", helpCard(name)],
    ["help without intro", helpCard()],
    [
      "working, in the wizard",
      workingCard({
        kind: "validating",
        subject: name,
        facts: [["Tenant", name]],
        actions: [execute("Cancel", "onboard.cancel", dialog)],
      }),
    ],
    ["working, creating", workingCard({ kind: "creating", subject: name })],
    [
      "service details",
      serviceDetailsCard({
        dialog,
        customers: [{ id: "c1", name }],
        values: { newCustomerName: name, shortName: name, licenseType: "hosted-pro", licensedUsers: "7" },
        errors: { customerId: name, newCustomerName: name, shortName: name, licenseType: name, licensedUsers: name },
        notice: name,
      }),
    ],
    ["service details, no customers", serviceDetailsCard({ dialog, customers: [] })],
    [
      "credentials",
      credentialsCard({
        dialog,
        values: { tenantId: name, clientId: name, cloud: "china" },
        storedSecretHint: "abc",
        errors: { tenantId: name, clientId: name, clientSecret: name, cloud: name },
        notice: name,
      }),
    ],
    ["credentials, first time", credentialsCard({ dialog })],
    [
      "credentials with pending invitations",
      credentialsCard({
        dialog,
        invitations: [
          { id: "i1", title: name },
          { id: "i2", title: name },
        ],
        invitationId: "i2",
        errors: { invitationId: name },
      }),
    ],
    [
      "summary from an invitation",
      summaryCard({
        dialog,
        summary: {
          customerName: name,
          newCustomer: false,
          shortName: name,
          licenseType: "hosted-pro",
          licensedUsers: 2,
          cloud: "global",
          tenantId: "t",
          tenantName: name,
          clientId: "",
          secretHint: "",
          m365Domain: "",
          fromInvitation: true,
        },
      }),
    ],
    ["invitation completed", invitationCompletedCard({ invitation: invitation(name) })],
    [
      "invitation completed, with the tab's deep link",
      invitationCompletedCard({ invitation: invitation(name), tabUrl: "https://teams.microsoft.com/l/entity/a/b" }),
    ],
    ["invitation dropped", invitationDroppedCard({ invitation: invitation(name), reason: name })],
    [
      "invitation link, not mailed",
      invitationLinkCard({ ...invitation(name), url: `https://x.example/invite/${name}` }),
    ],
    [
      "invitation link, mailed",
      invitationLinkCard({ ...invitation(name), emailSent: true, url: "https://x.example/invite/a_b-c" }),
    ],
    [
      "invitation link, no address",
      invitationLinkCard({ ...invitation(name), email: undefined as never, url: "https://x.example/invite/a" }),
    ],
    [
      "report in the wizard, failed",
      validationReportCard({ report: report(name, false), mode: { kind: "dialog", dialog }, notice: name }),
    ],
    [
      "report in the wizard, ok",
      validationReportCard({ report: report(name, true), mode: { kind: "dialog", dialog } }),
    ],
    [
      "report of a service",
      validationReportCard({
        report: report(name, false),
        mode: { kind: "service", serviceId: "s1", shortName: name },
        notice: name,
      }),
    ],
    [
      "M365 settings",
      m365SettingsCard({
        dialog,
        tenantName: name,
        domains: [name, "b.example"],
        initialDomain: name,
        selected: "b.example",
        errors: { m365Domain: name },
        notice: name,
      }),
    ],
    ["M365 settings, no domains", m365SettingsCard({ dialog, domains: [] })],
    [
      "summary",
      summaryCard({
        dialog,
        summary: {
          customerName: name,
          newCustomer: true,
          shortName: name,
          licenseType: "hosted-essentials-plus",
          licensedUsers: 2,
          cloud: "global",
          tenantId: "t",
          tenantName: name,
          clientId: "c",
          secretHint: "abc",
          m365Domain: name,
        },
        notice: name,
      }),
    ],
    ["created", createdCard(service(name))],
    ["services list", servicesListCard([service(name, 1), { ...service(name, 2), status: "auth_failed" }])],
    ["services list, empty", servicesListCard([])],
    ["services list, long", servicesListCard(Array.from({ length: 60 }, (_, i) => service(name, i)))],
    [
      "reminder, expiring",
      reminderCard({ service: reminderService, reason: { kind: "expiring", threshold: 7 }, operatorUserId: "29:op" }),
    ],
    ["reminder, expired", reminderCard({ service: reminderService, reason: { kind: "expired" } })],
    [
      "reminder, resolved",
      reminderCard({
        service: reminderService,
        reason: { kind: "expired" },
        reminded: { hint: name.slice(0, 3), expiresAt: "2029-01-01T00:00:00.000Z" },
        resolved: true,
        operatorUserId: "29:op",
      }),
    ],
    [
      "reminder, failed",
      reminderCard({ service: reminderService, reason: { kind: "failed" }, operatorUserId: "29:op" }),
    ],
    [
      "replace secret",
      replaceSecretCard({
        serviceId: "s1",
        shortName: name,
        currentHint: "abc",
        errors: { clientSecret: name },
        notice: name,
      }),
    ],
  ];
}

describe("Microsoft's Adaptive Cards parser (1.5) accepts every card the bot sends", () => {
  for (const [inputs, name] of [
    ["plain", "Contoso"],
    ["hostile", HOSTILE],
    ["long non-ASCII", LONG],
  ] as const) {
    it(`with ${inputs} names`, () => {
      const cards = everyCard(name);
      expect(cards.length).toBeGreaterThanOrEqual(20);
      for (const [what, card] of cards) {
        expect({ what, problems: adaptiveCardsProblems(card) }).toEqual({ what, problems: [] });
        expect({ what, problems: teamsCardProblems(card) }).toEqual({ what, problems: [] });
      }
    });
  }
});

describe("adaptiveCardsProblems refuses what Teams would not render", () => {
  const ok = adaptiveCard([{ type: "TextBlock", text: "hi", wrap: true }], [execute("Go", "go", {})]);
  it("accepts a plain card", () => {
    expect(adaptiveCardsProblems(ok)).toEqual([]);
  });
  it("an unknown element type, and an unknown action type (also inside a fallback)", () => {
    expect(adaptiveCardsProblems(adaptiveCard([{ type: "Chart.Pie" }])).join("\n")).toMatch(/UnknownElementType/);
    expect(adaptiveCardsProblems(adaptiveCard([], [{ type: "Action.Http" as never, title: "x" }])).join("\n")).toMatch(
      /UnknownActionType/,
    );
    const badFallback = adaptiveCard(
      [],
      [{ ...execute("Go", "go", {}), fallback: { type: "Action.Http" as never, title: "x" } }],
    );
    expect(adaptiveCardsProblems(badFallback).join("\n")).toMatch(/fallback: .*UnknownActionType/);
  });
  it("an unknown or misspelt property, also on an action", () => {
    expect(adaptiveCardsProblems(adaptiveCard([{ type: "TextBlock", text: "x", colour: "Attention" }]))).toEqual([
      '$.body[0].colour: not a property of this object in Adaptive Cards 1.5 ("Attention")',
    ]);
    expect(
      adaptiveCardsProblems(adaptiveCard([], [{ type: "Action.Submit", title: "x", verb: "v" }])).join("\n"),
    ).toMatch(/actions\[0\]\.verb/);
  });
  it("a property of a later version, an invalid value, a required input without error message, duplicate ids", () => {
    const later = adaptiveCard([{ type: "Input.Text", id: "a", label: "A", labelPosition: "inline" }]);
    expect(adaptiveCardsProblems(later).join("\n")).toMatch(/labelPosition/);
    const invalid = adaptiveCard([{ type: "TextBlock", text: "x", size: "Huge" }]);
    expect(adaptiveCardsProblems(invalid).join("\n")).toMatch(/size/);
    const required = adaptiveCard([{ type: "Input.Text", id: "a", label: "A", isRequired: true }]);
    expect(adaptiveCardsProblems(required).join("\n")).toMatch(/RequiredInputsShouldHaveErrorMessage/);
    const duplicate = adaptiveCard([
      { type: "Input.Text", id: "a", label: "A" },
      { type: "Input.Text", id: "a", label: "B" },
    ]);
    expect(adaptiveCardsProblems(duplicate).join("\n")).toMatch(/DuplicateId/);
  });
  it("a version the library does not know", () => {
    expect(adaptiveCardsProblems({ ...ok, version: "9.9" }).length).toBeGreaterThan(0);
  });
});
