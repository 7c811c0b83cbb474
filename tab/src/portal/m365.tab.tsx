/**
 * M365 Configuration section (docs/product.md section 4): who authenticated, the tenant and app, the credential (the
 * masked secret, or a certificate's thumbprint and subject, never its key) with Replace credential, the expiry and
 * days until it, permissions and roles, the last validation, Validate
 * Authentication with the live checklist, and the validation history.
 */

import type { M365Settings, Service } from "@dr/contract";
import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Spinner,
  Subtitle2,
  Text,
  tokens,
} from "@fluentui/react-components";
import { ArrowSyncRegular, KeyResetRegular, Warning16Filled } from "@fluentui/react-icons";
import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import type { ApiProblem } from "../api/api.client";
import { useApp, useCan } from "../app/app.context";
import { MaskedSecret } from "../components/masked-secret";
import { RetryMessage } from "../components/retry-message";
import { useSharedStyles } from "../components/shared.styles";
import { runProblemText, useValidationRun } from "../components/use-validation-run.hook";
import { ValidationChecklist } from "../components/validation-checklist";
import { formatDate, formatDateTime } from "../format/format";
import { en } from "../i18n/en";
import { provisioningEn } from "../provisioning/provisioning.en";
import { ValidationHistory } from "./validation-history";

const ReplaceSecretDialog = lazy(() => import("./replace-secret.dialog"));
const RotateSecretSection = lazy(() => import("./rotate-secret.section"));
const ReadinessSection = lazy(() => import("./readiness.section"));

/**
 * The rotation facts of the M365 settings (engineer C's additions to the DTO), read defensively: a server without
 * them says nothing, which reads as self-rotation off.
 */
function rotationOf(m365: M365Settings): { selfRotation: boolean; lastRotatedAt: string | undefined } {
  const extra = m365 as M365Settings & { selfRotation?: unknown; lastRotatedAt?: unknown };
  return {
    selfRotation: extra.selfRotation === true,
    lastRotatedAt: typeof extra.lastRotatedAt === "string" ? extra.lastRotatedAt : undefined,
  };
}

const useStyles = makeStyles({
  layout: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXL, minWidth: 0 },
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, minWidth: 0 },
  secretRow: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalM },
  inlineList: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  missing: { display: "inline-flex", alignItems: "center", gap: tokens.spacingHorizontalXS },
  warnIcon: { color: tokens.colorPaletteDarkOrangeForeground1 },
});

/** Props of M365Tab. */
export interface M365TabProps {
  service: Service;
  /** Called after a validation or a replacement changed the service (status, expiry). */
  onChanged(): void;
}

/** The M365 Configuration section. */
export function M365Tab({ service, onChanged }: M365TabProps) {
  const styles = useStyles();
  const shared = useSharedStyles();
  const { api } = useApp();
  const can = useCan();
  const [m365, setM365] = useState<M365Settings | undefined>(undefined);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const [reload, setReload] = useState(0);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [dialogMounted, setDialogMounted] = useState(false);
  const { run, start } = useValidationRun();

  // biome-ignore lint/correctness/useExhaustiveDependencies: `reload` re-reads after changes and on Retry
  useEffect(() => {
    const controller = new AbortController();
    setProblem(undefined);
    api.getM365(service.id, { signal: controller.signal }).then(setM365, (p: ApiProblem) => {
      if (!controller.signal.aborted) setProblem(p);
    });
    return () => controller.abort();
  }, [api, service.id, reload]);

  const changed = useCallback(() => {
    setReload((n) => n + 1);
    onChanged();
  }, [onChanged]);

  const validate = async () => {
    const report = await start((onCheck, signal) => api.validateService(service.id, onCheck, { signal }));
    if (report) changed();
  };

  const openDialog = () => {
    setDialogMounted(true);
    setDialogOpen(true);
  };

  if (problem) {
    return <RetryMessage onRetry={() => setReload((n) => n + 1)}>{problem.detail}</RetryMessage>;
  }
  if (!m365) return <Spinner label={en.portal.loading} />;

  const list = (items: string[], warn = false) =>
    items.length === 0 ? (
      <Text>{en.portal.listEmpty}</Text>
    ) : (
      <ul className={styles.inlineList}>
        {items.map((item) => (
          <li key={item}>
            {warn ? (
              <span className={styles.missing}>
                <Warning16Filled className={styles.warnIcon} aria-hidden="true" />
                <Text>{item}</Text>
              </span>
            ) : (
              <Text>{item}</Text>
            )}
          </li>
        ))}
      </ul>
    );

  const rotation = rotationOf(m365);
  // Servers from before certificates send no credentialType: a secret.
  const certificate = m365.credentialType === "certificate";
  const lastValidation = m365.lastValidatedAt
    ? en.portal.lastValidationValue(formatDateTime(m365.lastValidatedAt), m365.lastValidatedBy, m365.lastValidationOk)
    : en.portal.neverValidated;

  return (
    <div className={styles.layout}>
      <dl className={`${shared.surface} ${shared.facts}`} aria-label={en.portal.tabM365}>
        <dt>{en.portal.userName}</dt>
        <dd>
          <Text>{m365.userName}</Text>
        </dd>
        <dt>{en.portal.cloud}</dt>
        <dd>
          <Text>{en.wizard.clouds[m365.cloud]}</Text>
        </dd>
        <dt>{en.portal.tenantId}</dt>
        <dd>
          <Text font="monospace">{m365.tenantId}</Text>
        </dd>
        <dt>{en.portal.tenantName}</dt>
        <dd>
          <Text>{m365.tenantName ?? en.app.none}</Text>
        </dd>
        <dt>{en.portal.clientId}</dt>
        <dd>
          <Text font="monospace">{m365.clientId}</Text>
        </dd>
        <dt>{en.portal.credentialType}</dt>
        <dd className={styles.secretRow}>
          <Text data-testid="credential-type">{en.portal.credentialTypes[certificate ? "certificate" : "secret"]}</Text>
          {can("operate") && (
            <Button size="small" icon={<KeyResetRegular />} onClick={openDialog}>
              {en.portal.replaceSecret}
            </Button>
          )}
        </dd>
        {certificate ? (
          <>
            <dt>{en.portal.certificateThumbprint}</dt>
            <dd>
              <Text font="monospace" data-testid="certificate-thumbprint">
                {m365.certificateThumbprint ?? en.app.none}
              </Text>
            </dd>
            <dt>{en.portal.certificateSubject}</dt>
            <dd>
              <Text>{m365.certificateSubject ?? en.app.none}</Text>
            </dd>
          </>
        ) : (
          <>
            <dt>{en.portal.clientSecret}</dt>
            <dd>
              <MaskedSecret hint={m365.secretHint} />
            </dd>
          </>
        )}
        <dt>{certificate ? en.portal.certificateExpiry : en.portal.secretExpiry}</dt>
        <dd>
          <Text>{formatDate(m365.secretExpiresAt)}</Text>
        </dd>
        <dt>{certificate ? en.portal.certificateDaysUntilExpire : en.portal.daysUntilExpire}</dt>
        <dd>
          <Text data-testid="days-until-expire">
            {m365.daysUntilExpire === undefined ? en.app.none : String(m365.daysUntilExpire)}
          </Text>
        </dd>
        <dt>{provisioningEn.selfRotationRow}</dt>
        <dd>
          <Text data-testid="self-rotation">
            {rotation.selfRotation ? provisioningEn.selfRotationOn : provisioningEn.selfRotationOff}
          </Text>
        </dd>
        {rotation.lastRotatedAt && (
          <>
            <dt>{provisioningEn.lastRotated}</dt>
            <dd>
              <Text>{formatDateTime(rotation.lastRotatedAt)}</Text>
            </dd>
          </>
        )}
        <dt>{en.portal.grantedPermissions}</dt>
        <dd>{list(m365.permissions.granted)}</dd>
        <dt>{en.portal.missingPermissions}</dt>
        <dd>{list(m365.permissions.missing, true)}</dd>
        <dt>{en.portal.directoryRoles}</dt>
        <dd>{list(m365.permissions.directoryRoles)}</dd>
        <dt>{en.portal.lastValidation}</dt>
        <dd>
          <Text>{lastValidation}</Text>
        </dd>
      </dl>

      <section className={`${shared.surface} ${styles.section}`} aria-labelledby="m365-validate-heading">
        <Subtitle2 as="h2" id="m365-validate-heading">
          {en.portal.validate}
        </Subtitle2>
        {can("operate") ? (
          <div className={shared.actions}>
            <Button
              appearance="primary"
              icon={run?.running ? <Spinner size="tiny" /> : <ArrowSyncRegular />}
              disabledFocusable={run?.running === true}
              onClick={() => void validate()}
            >
              {en.portal.validate}
            </Button>
          </div>
        ) : (
          <Text>{en.portal.validateNeedsOperator}</Text>
        )}
        {run && !run.running && run.problem && (
          <MessageBar intent="error">
            <MessageBarBody>{runProblemText(run.problem, en.errors)}</MessageBarBody>
            <MessageBarActions>
              <Button onClick={() => void validate()}>{en.app.retry}</Button>
            </MessageBarActions>
          </MessageBar>
        )}
        {run && !run.running && run.report && !run.problem && (
          <MessageBar intent={run.report.ok ? "success" : "error"}>
            <MessageBarBody>
              <MessageBarTitle>{run.report.ok ? en.portal.validateOk : en.wizard.connectFailedTitle}</MessageBarTitle>
              {run.report.ok ? "" : en.portal.validateFailed}
            </MessageBarBody>
          </MessageBar>
        )}
        {run && <ValidationChecklist checks={run.checks} running={run.running} report={run.report} />}
      </section>

      {rotation.selfRotation && can("operate") && (
        <Suspense fallback={<Spinner size="tiny" label={en.app.loading} />}>
          <RotateSecretSection serviceId={service.id} onRotated={changed} />
        </Suspense>
      )}

      <Suspense fallback={<Spinner size="tiny" label={en.app.loading} />}>
        <ReadinessSection serviceId={service.id} />
      </Suspense>

      <section className={`${shared.surface} ${styles.section}`} aria-labelledby="m365-history-heading">
        <Subtitle2 as="h2" id="m365-history-heading">
          {en.portal.history}
        </Subtitle2>
        <ValidationHistory items={m365.history} />
      </section>

      {dialogMounted && (
        <Suspense fallback={null}>
          <ReplaceSecretDialog
            serviceId={service.id}
            open={dialogOpen}
            onOpenChange={setDialogOpen}
            onReplaced={changed}
          />
        </Suspense>
      )}
    </div>
  );
}
