/**
 * Step 2: the service. The short name is checked against the shared rules as the operator types and for
 * uniqueness against the API (debounced, name-check.ts), with the outcome under the field.
 */

import { LICENSE_TYPES, MAX_LICENSED_USERS } from "@dr/contract";
import { Field, Input, Radio, RadioGroup, Spinner } from "@fluentui/react-components";
import { useSharedStyles } from "../components/shared.styles";
import { en } from "../i18n/en";
import type { NameCheckState } from "./name-check";
import type { WizardDraft } from "./wizard.state";
import { type StepProps, useTouched } from "./wizard.types";
import { serviceErrors } from "./wizard.validation";

/** Props of the service step. */
export interface ServiceStepProps extends StepProps {
  nameCheck: NameCheckState;
}

/** Step 2. */
export function ServiceStep({ draft, update, submitted, nameCheck }: ServiceStepProps) {
  const shared = useSharedStyles();
  const { shown, touch } = useTouched(submitted);
  const errors = serviceErrors(draft);

  // The short name reports as the operator types (once there is something typed), not only after leaving it.
  const ruleMessage = draft.shortName.length > 0 || shown("shortName") ? errors.shortName : undefined;
  let shortNameState: "error" | "success" | "none" = "none";
  let shortNameMessage: string | undefined;
  if (ruleMessage) {
    shortNameState = "error";
    shortNameMessage = ruleMessage;
  } else if (nameCheck.state !== "idle" && nameCheck.name === draft.shortName) {
    if (nameCheck.state === "checking") shortNameMessage = en.wizard.nameChecking;
    else if (nameCheck.state === "ok") {
      shortNameState = "success";
      shortNameMessage = en.wizard.nameAvailable;
    } else if (nameCheck.state === "taken") {
      shortNameState = "error";
      shortNameMessage = nameCheck.message;
    } else shortNameMessage = en.wizard.nameCheckFailed;
  }

  return (
    <div className={shared.form}>
      <Field
        label={en.wizard.shortName}
        required
        hint={en.wizard.shortNameHint}
        validationState={shortNameState}
        validationMessage={shortNameMessage}
        validationMessageIcon={
          nameCheck.state === "checking" && shortNameState === "none" ? <Spinner size="extra-tiny" /> : undefined
        }
      >
        <Input
          value={draft.shortName}
          onChange={(_, data) => update({ shortName: data.value })}
          onBlur={() => touch("shortName")}
          autoComplete="off"
          spellCheck={false}
          maxLength={64}
        />
      </Field>
      <Field label={en.wizard.fullName} validationMessage={shown("fullName") ? errors.fullName : undefined}>
        <Input
          value={draft.fullName}
          onChange={(_, data) => update({ fullName: data.value })}
          onBlur={() => touch("fullName")}
        />
      </Field>
      <Field
        label={en.wizard.licenseType}
        required
        validationMessage={shown("licenseType") ? errors.licenseType : undefined}
      >
        <RadioGroup
          value={draft.licenseType ?? ""}
          onChange={(_, data) => update({ licenseType: data.value as WizardDraft["licenseType"] })}
          onBlur={() => touch("licenseType")}
        >
          {LICENSE_TYPES.map((type) => (
            <Radio key={type} value={type} label={en.licence[type]} />
          ))}
        </RadioGroup>
      </Field>
      <Field
        label={en.wizard.licensedUsers}
        required
        hint={en.wizard.licensedUsersHint}
        validationMessage={shown("licensedUsers") ? errors.licensedUsers : undefined}
      >
        <Input
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_LICENSED_USERS}
          step={1}
          value={draft.licensedUsers}
          onChange={(_, data) => update({ licensedUsers: data.value })}
          onBlur={() => touch("licensedUsers")}
        />
      </Field>
    </div>
  );
}
