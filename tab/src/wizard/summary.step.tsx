/**
 * Step 6: the summary of everything entered, the secret masked as its hint and dots (a certificate: its thumbprint
 * from the passed validation, never the key). Create is the wizard's
 * primary button; when the server's own validation refuses the credentials (422), its checks are shown here.
 */

import type { Invitation, ProvisioningRun, ValidationReport } from "@dr/contract";
import { MessageBar, MessageBarBody, MessageBarTitle, Text } from "@fluentui/react-components";
import type { ApiProblem } from "../api/api.client";
import { useApp } from "../app/app.context";
import { MaskedSecret } from "../components/masked-secret";
import { useSharedStyles } from "../components/shared.styles";
import { ValidationChecklist } from "../components/validation-checklist";
import { en } from "../i18n/en";
import { invitationsEn } from "../invitations/invitations.en";
import { provisioningEn } from "../provisioning/provisioning.en";
import { sbcFqdn } from "./direct-routing.step";
import { effectiveLabel } from "./subdomain-check";
import type { StepProps } from "./wizard.types";

/** Props of the summary step. */
export interface SummaryStepProps extends StepProps {
  secret: string;
  /** The passed validation (absent when the credentials come from an invitation). */
  report: ValidationReport | undefined;
  /** The completed invitation whose credentials Create uses. */
  invitation?: Invitation | undefined;
  /** The done provisioning run whose App registration Create uses. */
  provisioning?: ProvisioningRun | undefined;
  /** The last Create refusal, if any. */
  createProblem: ApiProblem | undefined;
}

function problemMessage(problem: ApiProblem): string {
  if (problem.code === "timeout") return en.errors.timeout;
  if (problem.code === "network") return en.errors.network;
  if (problem.code === "rate_limited") return en.errors.rateLimited;
  if (problem.code === "credentials_invalid") return en.wizard.credentialsRefused;
  const fields = problem.errors.map((e) => e.message).join(" ");
  return fields || problem.detail;
}

/** Step 6. */
export default function SummaryStep({
  draft,
  secret,
  report,
  invitation,
  provisioning,
  createProblem,
}: SummaryStepProps) {
  const shared = useSharedStyles();
  const { settings } = useApp();
  const row = (label: string, value: string | undefined) => (
    <>
      <dt>{label}</dt>
      <dd>
        <Text>{value || en.app.none}</Text>
      </dd>
    </>
  );
  return (
    <div className={shared.form}>
      {createProblem && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{en.wizard.createFailedTitle}</MessageBarTitle>
            {problemMessage(createProblem)}
          </MessageBarBody>
        </MessageBar>
      )}
      {createProblem?.report && (
        <ValidationChecklist checks={createProblem.report.checks} running={false} report={createProblem.report} />
      )}
      <dl className={shared.facts} aria-label={en.wizard.summaryLabel}>
        {row(en.wizard.steps.customer, draft.customerName)}
        {row(en.wizard.shortName, draft.shortName)}
        {row(en.wizard.fullName, draft.fullName)}
        {row(en.wizard.licenseType, draft.licenseType ? en.licence[draft.licenseType] : undefined)}
        {row(en.wizard.licensedUsers, draft.licensedUsers.trim())}
        {provisioning?.result ? (
          <>
            {row(
              en.wizard.tenantName,
              provisioning.result.report.tenant?.displayName ?? provisioning.tenant?.displayName,
            )}
            {row(en.wizard.tenantId, provisioning.result.tenantId)}
            {row(en.wizard.clientId, provisioning.result.clientId)}
            <dt>{en.wizard.clientSecret}</dt>
            <dd>
              <MaskedSecret hint={provisioning.result.secretHint} />
            </dd>
            {row(provisioningEn.credentials, provisioningEn.fromRun)}
            {row(
              provisioningEn.selfRotationFact,
              provisioning.result.selfRotation ? provisioningEn.on : provisioningEn.off,
            )}
            {row(en.wizard.cloud, en.wizard.clouds[provisioning.cloud])}
            {row(en.wizard.m365Domain, draft.m365Domain)}
          </>
        ) : invitation ? (
          <>
            {row(en.wizard.tenantName, invitation.tenant?.displayName)}
            {row(en.wizard.tenantId, invitation.tenant?.id)}
            {row(invitationsEn.credentials, invitationsEn.fromInvitation)}
            {row(en.wizard.cloud, en.wizard.clouds[invitation.cloud])}
            {row(en.wizard.m365Domain, invitationsEn.initialDomain)}
          </>
        ) : (
          <>
            {row(en.wizard.tenantName, report?.tenant?.displayName)}
            {row(en.wizard.tenantId, report?.tenant?.id ?? draft.tenantId)}
            {row(en.wizard.clientId, draft.clientId.trim())}
            {draft.credentialType === "certificate" ? (
              row(en.wizard.credentialKind, en.certificate.summary(report?.secret?.thumbprint))
            ) : (
              <>
                <dt>{en.wizard.clientSecret}</dt>
                <dd>
                  <MaskedSecret hint={secret} />
                </dd>
              </>
            )}
            {row(en.wizard.cloud, en.wizard.clouds[draft.cloud])}
            {row(en.wizard.m365Domain, draft.m365Domain)}
          </>
        )}
        {settings?.sbcRegions.length ? row(en.wizard.sbcRegion, draft.sbcRegion) : null}
        {row(en.wizard.fqdnPreview, sbcFqdn(effectiveLabel(draft), settings?.sbcBaseDomain))}
      </dl>
    </div>
  );
}
