/** The services list: each service with its status, those needing attention first, and a Validate button each. */
import type { Service, ServiceStatus } from "@dr/contract";
import { adaptiveCard, execute, md, SERVICE_STATUS_TEXT, text, title } from "./card.elements.js";
import type { AdaptiveCard, CardElement } from "./card.types.js";

/** Most services one card lists: Teams refuses cards above about 28 KB. */
export const MAX_LISTED_SERVICES = 40;

const ATTENTION: Record<ServiceStatus, number> = { auth_failed: 0, expiring: 1, not_validated: 2, connected: 3 };

/** Builds the list. The API already sorts by attention; the sort here is stable, so it only guards the rule. */
export function servicesListCard(services: readonly Service[]): AdaptiveCard {
  const sorted = [...services].sort((a, b) => ATTENTION[a.status] - ATTENTION[b.status]);
  const shown = sorted.slice(0, MAX_LISTED_SERVICES);
  const body: CardElement[] = [title("Direct Routing services")];
  if (shown.length === 0) body.push(text("No services yet. Send **onboard** to add one."));
  for (const service of shown) {
    const days =
      service.m365.daysUntilExpire !== undefined ? ` · secret expires in ${service.m365.daysUntilExpire} days` : "";
    body.push({
      type: "Container",
      separator: true,
      items: [
        text(`**${md(service.shortName)}** · ${md(service.customerName)}`),
        text(`${SERVICE_STATUS_TEXT[service.status] ?? md(service.status)}${days}`, {
          spacing: "None",
          isSubtle: true,
          size: "Small",
        }),
        {
          type: "ActionSet",
          actions: [execute("Validate now", "service.validate", { serviceId: service.id })],
        },
      ],
    });
  }
  if (sorted.length > shown.length) {
    body.push(text(`…and ${sorted.length - shown.length} more; open the Services tab for the full list.`));
  }
  return adaptiveCard(body);
}
