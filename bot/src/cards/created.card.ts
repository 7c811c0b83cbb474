/** The confirmation after Create: the new service, its status, and Validate now. */
import type { Service } from "@dr/contract";
import {
  adaptiveCard,
  execute,
  licenseTypeTitle,
  maskedSecret,
  SERVICE_STATUS_TEXT,
  text,
  title,
} from "./card.elements.js";
import type { AdaptiveCard } from "./card.types.js";

/** Builds the created card. */
export function createdCard(service: Service): AdaptiveCard {
  return adaptiveCard(
    [
      title(`✅ Service ${service.shortName} created`),
      text(SERVICE_STATUS_TEXT[service.status] ?? service.status),
      {
        type: "FactSet",
        facts: [
          { title: "Customer", value: service.customerName },
          { title: "Licence type", value: licenseTypeTitle(service.licenseType) },
          { title: "Licensed users", value: String(service.licensedUsers) },
          { title: "Tenant", value: service.m365.tenantName ?? service.m365.tenantId },
          { title: "Client secret", value: maskedSecret(service.m365.secretHint) },
          ...(service.m365.daysUntilExpire !== undefined
            ? [{ title: "Secret expires in", value: `${service.m365.daysUntilExpire} days` }]
            : []),
          ...(service.directRouting?.m365Domain
            ? [{ title: "M365 domain", value: service.directRouting.m365Domain }]
            : []),
          ...(service.directRouting?.sbcFqdn ? [{ title: "SBC FQDN", value: service.directRouting.sbcFqdn }] : []),
        ],
      },
      text("I will remind you here before its secret expires or when a validation fails.", { isSubtle: true }),
    ],
    [execute("Validate now", "service.validate", { serviceId: service.id })],
  );
}
