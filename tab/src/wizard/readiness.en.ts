/** The words of Direct Routing readiness (docs/product.md section 10), for the wizard's step and the portal section. */
import type { ReadinessCheckId } from "@dr/contract";

export const readinessEn = {
  /** The wizard step's name. */
  step: "Readiness",
  /** The portal section's heading. */
  title: "Direct Routing readiness",
  listLabel: "Direct Routing readiness checks",
  intro:
    "Whether the customer's tenant is ready for Direct Routing with this service. It informs only: you can create " +
    "the service whatever it finds, and check again from the service's Microsoft 365 page.",
  names: {
    teams_admin_role: "Teams Administrator role",
    teams_admin_api: "Teams Tenant Admin API",
    sbc_domain: "SBC domain",
    phone_licences: "Teams Phone licences",
    activation_user: "Activation user",
  } satisfies Record<ReadinessCheckId, string>,
  running: "Checking Direct Routing readiness…",
  ready: "The tenant is ready for Direct Routing.",
  notReady: "The tenant is not ready for Direct Routing yet. What to do is shown with each check.",
  failed: "Readiness could not be checked",
  retry: "Check again",
  check: "Check readiness",
  never: "Readiness has not been checked yet.",
  checkedFor: (fqdn: string) => `SBC FQDN: ${fqdn}`,
  notForInvitation:
    "The credentials stay on the server for this service, so readiness is checked after Create, from the service's " +
    "Microsoft 365 page.",
  startedAt: (when: string) => `Checked ${when}`,
};
