/**
 * Step 4: Microsoft 365 settings. The M365 domain is one of the tenant's verified domains as read through Graph
 * during validation; the initial `*.onmicrosoft.com` domain is preselected.
 */

import type { ValidationReport } from "@dr/contract";
import { Dropdown, Field, Option, Text } from "@fluentui/react-components";
import { useEffect } from "react";
import { useSharedStyles } from "../components/shared.styles";
import { en } from "../i18n/en";
import type { StepProps } from "./wizard.types";

/** Props of the M365 settings step. */
export interface M365StepProps extends StepProps {
  report: ValidationReport;
}

/** The domain to preselect: the initial onmicrosoft.com domain, else the first. */
export function defaultDomain(report: ValidationReport): string | undefined {
  const tenant = report.tenant;
  if (!tenant) return undefined;
  return (
    tenant.domains.find((d) => d === tenant.initialDomain) ??
    tenant.domains.find((d) => d.endsWith(".onmicrosoft.com")) ??
    tenant.domains[0]
  );
}

/** Step 4. */
export default function M365SettingsStep({ draft, update, report }: M365StepProps) {
  const shared = useSharedStyles();
  const domains = report.tenant?.domains ?? [];
  const chosen = draft.m365Domain && domains.includes(draft.m365Domain) ? draft.m365Domain : defaultDomain(report);

  // Store the preselection so the summary and Create send what the operator saw.
  useEffect(() => {
    if (chosen && chosen !== draft.m365Domain) update({ m365Domain: chosen });
  }, [chosen, draft.m365Domain, update]);

  return (
    <div className={shared.form}>
      <dl className={shared.facts}>
        <dt>{en.wizard.tenantName}</dt>
        <dd>
          <Text>{report.tenant?.displayName ?? en.app.none}</Text>
        </dd>
        <dt>{en.wizard.tenantId}</dt>
        <dd>
          <Text>{report.tenant?.id ?? draft.tenantId}</Text>
        </dd>
      </dl>
      <Field label={en.wizard.m365Domain} hint={en.wizard.m365DomainHint} required>
        <Dropdown
          value={chosen ?? ""}
          selectedOptions={chosen ? [chosen] : []}
          onOptionSelect={(_, data) => {
            if (data.optionValue) update({ m365Domain: data.optionValue });
          }}
        >
          {domains.map((d) => (
            <Option key={d} value={d}>
              {d}
            </Option>
          ))}
        </Dropdown>
      </Field>
    </div>
  );
}
