/** The confirmation after Create: the new service, its status, and Validate now. */
import type { Service } from "@dr/contract";
import {
  adaptiveCard,
  execute,
  fact,
  licenseTypeTitle,
  maskedSecret,
  md,
  serviceStatusText,
  text,
  title,
} from "./card.elements.js";
import type { AdaptiveCard } from "./card.types.js";

/** Builds the created card. Names, the tenant's name and domains are not ours: escaped for Markdown. */
export function createdCard(service: Service): AdaptiveCard {
  return adaptiveCard(
    [
      title(`✅ Service ${md(service.shortName)} created`),
      text(serviceStatusText(service.status, service.m365.credentialType === "certificate")),
      {
        type: "FactSet",
        facts: [
          fact("Customer", service.customerName),
          fact("Licence type", licenseTypeTitle(service.licenseType)),
          fact("Licensed users", String(service.licensedUsers)),
          fact("Tenant", service.m365.tenantName ?? service.m365.tenantId),
          // A certificate is named by its thumbprint, never its key (docs/api.md, "Credentials").
          service.m365.certificateThumbprint !== undefined
            ? fact("Certificate", `thumbprint ${service.m365.certificateThumbprint}`)
            : fact("Client secret", maskedSecret(service.m365.secretHint)),
          ...(service.m365.daysUntilExpire !== undefined
            ? [
                fact(
                  service.m365.certificateThumbprint !== undefined ? "Certificate expires in" : "Secret expires in",
                  `${service.m365.daysUntilExpire} days`,
                ),
              ]
            : []),
          ...(service.directRouting?.m365Domain ? [fact("M365 domain", service.directRouting.m365Domain)] : []),
          ...(service.directRouting?.sbcFqdn ? [fact("SBC FQDN", service.directRouting.sbcFqdn)] : []),
        ],
      },
      text("I will remind you here before its secret expires or when a validation fails.", { isSubtle: true }),
    ],
    [execute("Validate now", "service.validate", { serviceId: service.id })],
  );
}
