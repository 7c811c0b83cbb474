/** The services list: each service with its status, those needing attention first, and a Validate button each. */
import type { Service, ServiceStatus } from "@dr/contract";
import { adaptiveCard, execute, md, serviceStatusText, text, title } from "./card.elements.js";
import type { AdaptiveCard, CardElement } from "./card.types.js";
import { fitEntries, moreInTheTab } from "./card-budget.js";

/** Most services one card lists, however short their names: a longer list is for the tab. */
export const MAX_LISTED_SERVICES = 40;

const ATTENTION: Record<ServiceStatus, number> = { auth_failed: 0, expiring: 1, not_validated: 2, connected: 3 };

/** Options of {@link servicesListCard}. */
export interface ServicesListCardOptions {
  /** Deep link to the tab's services list: the "more" line then gets an Open the tab button. */
  tabUrl?: string;
}

function serviceEntry(service: Service): CardElement {
  const days =
    service.m365.daysUntilExpire !== undefined ? ` · secret expires in ${service.m365.daysUntilExpire} days` : "";
  return {
    type: "Container",
    separator: true,
    items: [
      text(`**${md(service.shortName)}** · ${md(service.customerName)}`),
      text(`${serviceStatusText(service.status, service.m365.credentialType === "certificate")}${days}`, {
        spacing: "None",
        isSubtle: true,
        size: "Small",
      }),
      {
        type: "ActionSet",
        actions: [execute("Validate now", "service.validate", { serviceId: service.id })],
      },
    ],
  };
}

/**
 * Builds the list: at most {@link MAX_LISTED_SERVICES} services and at most the card budget (card-budget.ts), then
 * how many more. The API already sorts by attention; the sort here is stable, so it only guards the rule.
 */
export function servicesListCard(services: readonly Service[], options: ServicesListCardOptions = {}): AdaptiveCard {
  const sorted = [...services].sort((a, b) => ATTENTION[a.status] - ATTENTION[b.status]);
  const listed = sorted.slice(0, MAX_LISTED_SERVICES);
  const beyondCap = sorted.length - listed.length;
  return fitEntries(listed, (shown, hidden) => {
    const body: CardElement[] = [title("Direct Routing services")];
    if (sorted.length === 0) body.push(text("No services yet. Send **onboard** to add one."));
    body.push(...shown.map(serviceEntry), ...moreInTheTab(hidden + beyondCap, "services", options.tabUrl));
    return adaptiveCard(body);
  });
}
