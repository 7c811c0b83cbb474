/**
 * The validation report: every check with its status icon, message and remedy. In the wizard it offers Next (when
 * ok) or Retry, with Back and Cancel; for a stored service it offers Validate now and Replace secret.
 */
import type { Check, ValidationReport } from "@dr/contract";
import { adaptiveCard, CHECK_ICONS, execute, md, notice, stepTrail, text, title } from "./card.elements.js";
import type { AdaptiveCard, CardAction, CardElement, DialogActionData } from "./card.types.js";
import { fitEntries, moreInTheTab } from "./card-budget.js";

const CHECK_TITLES: Record<string, string> = {
  format: "Input format",
  tenant: "Tenant",
  token: "Sign-in (token)",
  permissions: "Permissions",
  graph: "Microsoft Graph",
  secret_expiry: "Secret expiry",
};

/** Where the report is shown. */
export type ReportMode =
  | { kind: "dialog"; dialog: Omit<DialogActionData, "verb"> }
  | { kind: "service"; serviceId: string; shortName: string };

/** Input of {@link validationReportCard}. */
export interface ValidationReportCardInput {
  report: ValidationReport;
  mode: ReportMode;
  notice?: string;
  /** Deep link to the service in the tab, for the "more" line when the checks' messages do not all fit. */
  tabUrl?: string;
}

/** One line per outcome: ok, failed, or could not be checked (retry later). */
export function reportHeadline(report: ValidationReport): string {
  if (report.ok) {
    return report.checks.some((c) => c.status === "warn")
      ? "⚠️ The credentials work, with warnings."
      : "✅ The credentials work.";
  }
  if (report.checks.some((c) => c.status === "fail")) return "❌ The credentials did not validate.";
  return "❔ Microsoft could not be asked right now; try again in a moment.";
}

function checkElement(check: Check): CardElement {
  return {
    type: "Container",
    id: `check.${check.id}`,
    spacing: "Small",
    items: [
      text(
        `${CHECK_ICONS[check.status] ?? md(check.status)} **${CHECK_TITLES[check.id] ?? md(check.id)}** · ${md(check.status)}`,
      ),
      // Messages may quote what Microsoft answered (names, error text): escaped.
      text(md(check.message), { spacing: "None" }),
      ...(check.remedy ? [text(`What to do: ${md(check.remedy)}`, { spacing: "None", isSubtle: true })] : []),
    ],
  };
}

/** Builds the report card, within the card budget (card-budget.ts). */
export function validationReportCard(input: ValidationReportCardInput): AdaptiveCard {
  const { report, mode } = input;
  const top: CardElement[] = [
    ...(mode.kind === "dialog"
      ? [stepTrail(3, "Validation")]
      : [title(`Validate Authentication: ${md(mode.shortName)}`)]),
    ...notice(input.notice),
    text(reportHeadline(report), { weight: "Bolder", color: report.ok ? "Good" : "Attention" }),
    // The tenant's name is whatever the customer's directory calls itself (Graph): escaped.
    ...(report.tenant
      ? [text(`Tenant: ${md(report.tenant.displayName)} (${md(report.tenant.id)})`, { isSubtle: true })]
      : []),
  ];
  let actions: CardAction[];
  if (mode.kind === "dialog") {
    actions = [
      report.ok
        ? execute("Next", "onboard.next", mode.dialog, { style: "positive" })
        : execute("Retry", "onboard.retry", mode.dialog),
      execute("Back", "onboard.back", mode.dialog, { skipInputs: true }),
      execute("Cancel", "onboard.cancel", mode.dialog, { skipInputs: true }),
    ];
  } else {
    actions = [
      execute("Validate now", "service.validate", { serviceId: mode.serviceId }),
      execute("Replace secret", "service.replaceSecret.open", { serviceId: mode.serviceId }),
    ];
  }
  // Check messages quote Microsoft's answers and may be long: the checks that do not fit are counted instead.
  return fitEntries(report.checks, (shown, hidden) =>
    adaptiveCard([...top, ...shown.map(checkElement), ...moreInTheTab(hidden, "checks", input.tabUrl)], actions),
  );
}
