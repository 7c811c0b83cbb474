/**
 * Step 3: the customer's App registration. "Use known App registration" reveals Tenant ID, Application (client) ID,
 * Client secret and Cloud; "Pending invitation" (when the customer has completed invitations) lists them, and the
 * one chosen shows its tenant: no secret is needed, the server holds it sealed and validates it again on Create.
 * "From automatic registration" (when the wizard was opened from a done provisioning run) shows what the run made
 * (tenant, app, secret hint, expiry, self-rotation) in place of the three fields. Next (on the wizard page)
 * validates typed values against the tenant; the checks appear here one by one. A failed run is told apart from
 * field errors: the values have the right form but did not connect.
 */

import { CLOUDS, type Cloud, type Invitation, type ProvisioningRun } from "@dr/contract";
import {
  Button,
  Checkbox,
  Dropdown,
  Field,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Option,
  Radio,
  RadioGroup,
} from "@fluentui/react-components";
import { ArrowClockwiseRegular } from "@fluentui/react-icons";
import { CredentialFields } from "../components/credential-fields";
import { useSharedStyles } from "../components/shared.styles";
import { type RunState, runProblemText } from "../components/use-validation-run.hook";
import { ValidationChecklist } from "../components/validation-checklist";
import type { CertificateInput } from "../format/certificate-input";
import { secretWarning } from "../format/field-rules";
import { en } from "../i18n/en";
import { invitationChoiceLabel, tenantLabel } from "../invitations/invitation.format";
import { invitationsEn } from "../invitations/invitations.en";
import { provisioningEn } from "../provisioning/provisioning.en";
import { ProvisioningFacts } from "../provisioning/provisioning-facts";
import { credentialsKey } from "./wizard.state";
import { type StepProps, useTouched } from "./wizard.types";
import { credentialsErrors } from "./wizard.validation";

/** Props of the credentials step. */
export interface CredentialsStepProps extends StepProps {
  secret: string;
  setSecret(value: string): void;
  /** The certificate in place of the secret (draft.credentialType "certificate"). */
  certificate: CertificateInput;
  setCertificate(value: CertificateInput): void;
  /** The latest validation run, if any; its `key` is the credentialsKey() of the values it was for. */
  run: RunState | undefined;
  onRetry(): void;
  /** The chosen customer's completed invitations (undefined while loading). */
  invitations?: Invitation[] | undefined;
  /** The provisioning run chosen through "Continue to the service details" (undefined while loading or none). */
  provisioningRun?: ProvisioningRun | undefined;
  /** That run when Create can use it. */
  provisioning?: ProvisioningRun | undefined;
}

/** Step 3. */
export default function CredentialsStep({
  draft,
  update,
  submitted,
  secret,
  setSecret,
  certificate,
  setCertificate,
  run,
  onRetry,
  invitations,
  provisioningRun,
  provisioning,
}: CredentialsStepProps) {
  const shared = useSharedStyles();
  const { shown, touch } = useTouched(submitted);
  const errors = credentialsErrors(draft, secret, certificate);
  const current = run !== undefined && run.key === credentialsKey(draft, secret, certificate);
  const report = current ? run.report : undefined;
  const hasWarnings = report?.checks.some((c) => c.status === "warn") ?? false;
  const offered = invitations ?? [];
  const chosen = draft.usePendingInvitation ? offered.find((i) => i.id === draft.invitationId) : undefined;
  // Only one way at a time: the known values, a pending invitation, or automatic registration.
  const typed = draft.useKnownApp && !draft.usePendingInvitation && !draft.useProvisioning;
  const noWay = !typed && !draft.usePendingInvitation && !draft.useProvisioning;

  return (
    <div className={shared.form}>
      {draft.provisioningId && (
        <Field hint={provisioningEn.fromProvisioningHint}>
          <Checkbox
            label={provisioningEn.fromProvisioning}
            checked={draft.useProvisioning}
            onChange={(_, data) =>
              update(
                data.checked === true
                  ? { useProvisioning: true, useKnownApp: false, usePendingInvitation: false }
                  : { useProvisioning: false },
              )
            }
          />
        </Field>
      )}
      {draft.useProvisioning && <ProvisioningFacts run={provisioningRun} usable={provisioning !== undefined} />}
      <Field hint={en.wizard.useKnownAppHint}>
        <Checkbox
          label={en.wizard.useKnownApp}
          checked={typed}
          onChange={(_, data) =>
            update(
              data.checked === true
                ? { useKnownApp: true, usePendingInvitation: false, useProvisioning: false }
                : { useKnownApp: false },
            )
          }
        />
      </Field>
      {(offered.length > 0 || draft.usePendingInvitation) && (
        <Field hint={invitationsEn.pendingInvitationHint}>
          <Checkbox
            label={invitationsEn.pendingInvitation}
            checked={draft.usePendingInvitation}
            onChange={(_, data) =>
              update(
                data.checked === true
                  ? {
                      usePendingInvitation: true,
                      useKnownApp: false,
                      useProvisioning: false,
                      invitationId: draft.invitationId ?? offered[0]?.id,
                    }
                  : { usePendingInvitation: false },
              )
            }
          />
        </Field>
      )}
      {draft.usePendingInvitation && (
        <>
          {offered.length === 0 ? (
            <MessageBar intent="warning">
              <MessageBarBody>
                {invitations === undefined ? en.app.loading : invitationsEn.noneCompleted}
              </MessageBarBody>
            </MessageBar>
          ) : (
            <Field
              label={invitationsEn.invitationsLabel}
              validationMessage={submitted && !chosen ? invitationsEn.chooseInvitation : undefined}
            >
              <RadioGroup value={chosen?.id ?? ""} onChange={(_, data) => update({ invitationId: data.value })}>
                {offered.map((i) => (
                  <Radio key={i.id} value={i.id} label={invitationChoiceLabel(i)} />
                ))}
              </RadioGroup>
            </Field>
          )}
          {chosen && (
            <MessageBar intent="success" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>{invitationsEn.pendingInvitation}</MessageBarTitle>
                {invitationsEn.invitationChosen(tenantLabel(chosen.tenant))}
              </MessageBarBody>
            </MessageBar>
          )}
        </>
      )}
      {submitted && noWay && (
        <MessageBar intent="warning">
          <MessageBarBody>{en.wizard.useKnownAppRequired}</MessageBarBody>
        </MessageBar>
      )}
      {typed && (
        <>
          <CredentialFields
            values={{ tenantId: draft.tenantId, clientId: draft.clientId, clientSecret: secret }}
            onChange={(field, value) => (field === "clientSecret" ? setSecret(value) : update({ [field]: value }))}
            onBlur={touch}
            messages={{
              tenantId: shown("tenantId") ? errors.tenantId : undefined,
              clientId: shown("clientId") ? errors.clientId : undefined,
              clientSecret: shown("clientSecret") ? errors.clientSecret : undefined,
            }}
            secretWarning={shown("clientSecret") ? secretWarning(secret) : undefined}
            certificate={{
              kind: draft.credentialType,
              onKind: (credentialType) => update({ credentialType }),
              value: certificate,
              onChange: setCertificate,
              message: shown("clientSecret") ? errors.clientCertificate : undefined,
              thumbprint: report?.secret?.thumbprint,
            }}
          />
          <Field label={en.wizard.cloud}>
            <Dropdown
              value={en.wizard.clouds[draft.cloud]}
              selectedOptions={[draft.cloud]}
              onOptionSelect={(_, data) => {
                if (data.optionValue) update({ cloud: data.optionValue as Cloud });
              }}
            >
              {CLOUDS.map((cloud) => (
                <Option key={cloud} value={cloud}>
                  {en.wizard.clouds[cloud]}
                </Option>
              ))}
            </Dropdown>
          </Field>
        </>
      )}

      {typed && run && !current && !run.running && <MessageBar intent="info">{en.wizard.revalidateNeeded}</MessageBar>}

      {typed && run && current && (
        <section aria-label={en.checks.title} className={shared.form}>
          {!run.running && run.problem && (
            <MessageBar intent="error" layout="multiline">
              <MessageBarBody>{runProblemText(run.problem, en.errors)}</MessageBarBody>
              <MessageBarActions>
                <Button icon={<ArrowClockwiseRegular />} onClick={onRetry}>
                  {en.app.retry}
                </Button>
              </MessageBarActions>
            </MessageBar>
          )}
          {!run.running && report && !report.ok && (
            <MessageBar intent="error" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>{en.wizard.connectFailedTitle}</MessageBarTitle>
                {en.wizard.connectFailedBody}
              </MessageBarBody>
              <MessageBarActions>
                <Button icon={<ArrowClockwiseRegular />} onClick={onRetry}>
                  {en.app.retry}
                </Button>
              </MessageBarActions>
            </MessageBar>
          )}
          {!run.running && report?.ok && (
            <MessageBar intent={hasWarnings ? "warning" : "success"} layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>{hasWarnings ? en.wizard.connectWarnTitle : en.wizard.connectOkTitle}</MessageBarTitle>
                {hasWarnings
                  ? en.wizard.connectWarnBody
                  : en.wizard.connectOkBody(report.tenant?.displayName ?? draft.tenantId)}
              </MessageBarBody>
            </MessageBar>
          )}
          <ValidationChecklist checks={run.checks} running={run.running} report={report} />
        </section>
      )}
    </div>
  );
}
