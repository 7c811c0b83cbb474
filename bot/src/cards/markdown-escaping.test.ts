/**
 * Teams renders a TextBlock's text and a FactSet's titles and values as Markdown. Every string that is not ours
 * (organisation names from Graph, customer and service names, domains, display names, API messages) must reach a
 * card escaped, or a customer's tenant named "[Click](https://evil.example)" puts a link in the operator's card.
 * Each card that shows such a string is built here with hostile values everywhere it takes one.
 */
import type { Service, ValidationReport } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { md } from "./card.elements.js";
import type { AdaptiveCard } from "./card.types.js";
import { markdownProblems, markdownTexts, teamsCardProblems } from "./card-rules.js";
import { createdCard } from "./created.card.js";
import { credentialsCard } from "./credentials.card.js";
import { m365SettingsCard } from "./m365-settings.card.js";
import { reminderCard } from "./reminder.card.js";
import { replaceSecretCard } from "./replace-secret.card.js";
import { serviceDetailsCard } from "./service-details.card.js";
import { servicesListCard } from "./services-list.card.js";
import { summaryCard } from "./summary.card.js";
import { validationReportCard } from "./validation-report.card.js";

const LINK = "[Click](https://evil.example)";
const ESCAPED_LINK = "\\[Click\\]\\(https://evil.example\\)";
const IMAGE = "![x](https://evil.example/p.png)";
const RICH = "**bold** _it_ ~~gone~~ `code` # h > q <b> |t|";
const HOSTILE = [LINK, IMAGE, RICH];
const dialog = { dialogId: "d", step: "x", rev: 1 };

/** The card has no unescaped hostile value and no Markdown link, and shows the escaped link where it shows names. */
function expectEscaped(card: AdaptiveCard, options: { showsLink?: boolean } = {}): void {
  expect(teamsCardProblems(card)).toEqual([]);
  expect(markdownProblems(card, HOSTILE)).toEqual([]);
  if (options.showsLink !== false) {
    expect(markdownTexts(card).some((t) => t.value.includes(ESCAPED_LINK))).toBe(true);
  }
}

const service: Service = {
  id: "s1",
  type: "direct-routing",
  customerId: "c",
  customerName: LINK,
  shortName: "a[b](c)_d",
  licenseType: "hosted-pro",
  licensedUsers: 5,
  status: "connected",
  createdAt: "2025-01-01T00:00:00.000Z",
  createdBy: "a",
  m365: {
    cloud: "global",
    tenantId: "t",
    tenantName: IMAGE,
    clientId: "c",
    credentialType: "secret",
    secretHint: "*_~",
    userName: "a",
    daysUntilExpire: 3,
  },
  directRouting: { m365Domain: RICH, sbcFqdn: LINK },
};

const report: ValidationReport = {
  ok: false,
  cloud: "global",
  startedAt: "2025-01-01T00:00:00.000Z",
  durationMs: 10,
  tenant: {
    id: "1d32fcbd-b1f0-4f2c-bc76-1743f2280450",
    displayName: LINK,
    domains: ["contoso.onmicrosoft.com"],
    initialDomain: "contoso.onmicrosoft.com",
  } as ValidationReport["tenant"],
  checks: [
    { id: "token", status: "fail", code: "invalid_secret", message: IMAGE, remedy: RICH, durationMs: 3 },
    { id: "graph", status: "fail", message: LINK, durationMs: 0 },
  ],
};

describe("md (Markdown escaping for card text)", () => {
  it("escapes links, images, emphasis, code, headings, quotes, tags and tables", () => {
    expect(md(LINK)).toBe(ESCAPED_LINK);
    expect(md("a*b_c~d`e#f>g<h!i|j\\k")).toBe("a\\*b\\_c\\~d\\`e\\#f\\>g\\<h\\!i\\|j\\\\k");
  });
  it("turns line breaks into spaces and escapes a leading list marker", () => {
    expect(md("Contoso\n- item\r\n# heading")).toBe("Contoso - item \\# heading");
    expect(md("- item")).toBe("\\- item");
    expect(md("+ item")).toBe("\\+ item");
    expect(md("2024. Contoso")).toBe("2024\\. Contoso");
    expect(md("Contoso-Fabrikam 2.0")).toBe("Contoso-Fabrikam 2.0");
  });
});

describe("every card escapes strings that are not ours", () => {
  it("created", () => {
    expectEscaped(createdCard(service));
  });

  it("summary", () => {
    expectEscaped(
      summaryCard({
        dialog,
        summary: {
          customerName: LINK,
          newCustomer: true,
          shortName: "a[b](c)",
          licenseType: RICH,
          licensedUsers: 2,
          cloud: "global",
          tenantId: "t",
          tenantName: IMAGE,
          clientId: "c",
          secretHint: "*_~",
          m365Domain: RICH,
        },
        notice: LINK,
      }),
    );
  });

  it("M365 settings (the tenant's name from Graph)", () => {
    const card = m365SettingsCard({
      dialog,
      tenantName: LINK,
      domains: ["contoso.onmicrosoft.com"],
      notice: IMAGE,
      errors: { m365Domain: RICH },
    });
    expectEscaped(card);
  });

  it("validation report, in the wizard and for a service", () => {
    expectEscaped(validationReportCard({ report, mode: { kind: "dialog", dialog }, notice: RICH }));
    expectEscaped(
      validationReportCard({ report, mode: { kind: "service", serviceId: "s1", shortName: "a[b](c)" }, notice: LINK }),
    );
  });

  it("services list", () => {
    expectEscaped(servicesListCard([service, { ...service, id: "s2", customerName: RICH }]));
  });

  it("reminder", () => {
    const reminder = {
      id: "s1",
      shortName: "a[b](c)",
      customerName: LINK,
      status: "expiring",
      secretHint: "*_~",
      failures: [IMAGE, RICH],
    };
    for (const reason of [{ kind: "expiring", threshold: 7 }, { kind: "expired" }, { kind: "failed" }] as const) {
      expectEscaped(reminderCard({ service: reminder, reason, operatorUserId: "29:x" }));
    }
  });

  it("replace secret", () => {
    expectEscaped(
      replaceSecretCard({
        serviceId: "s1",
        shortName: LINK,
        currentHint: "*_~",
        notice: IMAGE,
        errors: { clientSecret: RICH },
      }),
    );
  });

  it("service details and credentials (notices and messages under inputs)", () => {
    expectEscaped(
      serviceDetailsCard({
        dialog,
        customers: [{ id: "c1", name: LINK }],
        values: { newCustomerName: LINK },
        notice: LINK,
        errors: { shortName: IMAGE, newCustomerName: RICH },
      }),
    );
    expectEscaped(credentialsCard({ dialog, values: { tenantId: LINK }, notice: LINK, errors: { tenantId: IMAGE } }));
  });

  it("leaves plain-text fields (input values, choice titles) as entered", () => {
    const card = serviceDetailsCard({
      dialog,
      customers: [{ id: "c1", name: LINK }],
      values: { newCustomerName: LINK },
    });
    const json = JSON.stringify(card);
    expect(json).toContain(`"title":${JSON.stringify(LINK)}`);
    expect(json).toContain(`"value":${JSON.stringify(LINK)}`);
  });
});
