/**
 * Step 5: Direct Routing. The SBC region comes from the provider's configured list (/api/settings); the SBC
 * sub-domain label defaults to one derived from the short name and is shown as the full FQDN.
 */

import { Dropdown, Field, Input, Option, Text } from "@fluentui/react-components";
import { useEffect } from "react";
import { useApp } from "../app/app.context";
import { useSharedStyles } from "../components/shared.styles";
import { en } from "../i18n/en";
import { effectiveLabel, type SubdomainCheckState } from "./subdomain-check";
import { type StepProps, useTouched } from "./wizard.types";
import { subdomainError } from "./wizard.validation";

/** The FQDN preview `<label>.<base domain>` (just the label when the base domain is not known). */
export function sbcFqdn(label: string, baseDomain: string | undefined): string {
  return baseDomain ? `${label}.${baseDomain}` : label;
}

/** Step 5; `subdomainCheck` is the live availability of the label (kept by useWizard, which also checks on Next). */
export default function DirectRoutingStep({
  draft,
  update,
  submitted,
  subdomainCheck,
}: StepProps & { subdomainCheck: SubdomainCheckState }) {
  const shared = useSharedStyles();
  const { settings } = useApp();
  const { shown, touch } = useTouched(submitted);
  const regions = settings?.sbcRegions ?? [];
  const region = draft.sbcRegion && regions.includes(draft.sbcRegion) ? draft.sbcRegion : regions[0];
  const label = effectiveLabel(draft);
  const error = subdomainError(label);
  const live = "label" in subdomainCheck && subdomainCheck.label === label ? subdomainCheck : undefined;
  const taken = live?.state === "taken" ? live.message : undefined;
  const formatError = shown("subdomainLabel") || label.length > 0 ? error : undefined;
  const liveNote =
    live?.state === "checking"
      ? en.wizard.subdomainChecking
      : live?.state === "ok"
        ? en.wizard.subdomainFree
        : undefined;

  useEffect(() => {
    if (region && region !== draft.sbcRegion) update({ sbcRegion: region });
  }, [region, draft.sbcRegion, update]);

  return (
    <div className={shared.form}>
      {regions.length > 0 && (
        <Field label={en.wizard.sbcRegion} required>
          <Dropdown
            value={region ?? ""}
            selectedOptions={region ? [region] : []}
            onOptionSelect={(_, data) => {
              if (data.optionValue) update({ sbcRegion: data.optionValue });
            }}
          >
            {regions.map((r) => (
              <Option key={r} value={r}>
                {r}
              </Option>
            ))}
          </Dropdown>
        </Field>
      )}
      <Field
        label={en.wizard.subdomainLabel}
        required
        hint={en.wizard.subdomainHint}
        validationMessage={formatError ?? taken ?? liveNote}
        validationState={formatError || taken ? "error" : live?.state === "ok" ? "success" : "none"}
      >
        <Input
          value={label}
          onChange={(_, data) => update({ subdomainLabel: data.value })}
          onBlur={() => touch("subdomainLabel")}
          autoComplete="off"
          spellCheck={false}
        />
      </Field>
      <dl className={shared.facts}>
        <dt>{en.wizard.fqdnPreview}</dt>
        <dd aria-live="polite">
          <Text font="monospace" data-testid="sbc-fqdn">
            {sbcFqdn(label, settings?.sbcBaseDomain)}
          </Text>
        </dd>
      </dl>
    </div>
  );
}
