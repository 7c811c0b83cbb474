/**
 * The three values with the wizard's live rules (the contract's schemas and messages, shown once a field was left
 * or Start authentication pressed), Start authentication with the wizard's check-by-check report (event stream),
 * then the outcome: "Application Registration is valid" and what happens next, or the failed checks with their
 * remedies and Try again (the values stay; the secret can be typed again). Focus moves to the outcome's heading.
 */
import { type Cloud, clientIdSchema, clientSecretSchema, fieldMessage, tenantIdSchema } from "@dr/contract";
import {
  Body1,
  Button,
  Link,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Subtitle1,
  tokens,
} from "@fluentui/react-components";
import { ArrowClockwiseRegular } from "@fluentui/react-icons";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { CredentialFields } from "../components/credential-fields";
import { useSharedStyles } from "../components/shared.styles";
import { runProblemText, useValidationRun } from "../components/use-validation-run.hook";
import { ValidationChecklist } from "../components/validation-checklist";
import {
  type CertificateInput,
  type CredentialKind,
  certificateBody,
  certificateMessage,
  credentialBody,
  emptyCertificate,
} from "../format/certificate-input";
import { secretWarning } from "../format/field-rules";
import { en } from "../i18n/en";
import { useTouched } from "../wizard/wizard.types";
import { adminConsentUrl } from "./consent-link";
import { validateInvite } from "./invite.api";
import { inviteTexts as t } from "./invite.texts";

const useStyles = makeStyles({
  heading: { margin: 0 },
  result: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, minWidth: 0 },
  focusTarget: { outlineStyle: "none" },
});

/** The fields in form order, for focusing the first refused one (the certificate's: its file picker). */
const FIELDS = ["tenantId", "clientId", "clientSecret", "clientCertificateFile"] as const;
type FieldName = (typeof FIELDS)[number];

/** Props of InviteForm. */
export interface InviteFormProps {
  token: string;
  cloud: Cloud;
  providerName: string;
  /** The link stopped working during the check (404): the page shows its neutral page. */
  onGone(): void;
  /** The values passed: the page keeps only the outcome. */
  onValid(): void;
}

/** The form and its outcome. */
export function InviteForm({ token, cloud, providerName, onGone, onValid }: InviteFormProps) {
  const styles = useStyles();
  const shared = useSharedStyles();
  const [tenantId, setTenantId] = useState("");
  const [clientId, setClientId] = useState("");
  const [secret, setSecret] = useState("");
  const [kind, setKind] = useState<CredentialKind>("secret");
  const [certificate, setCertificate] = useState<CertificateInput>(emptyCertificate);
  const [submitted, setSubmitted] = useState(false);
  const { shown, touch } = useTouched(submitted);
  const { run, start } = useValidationRun();
  const form = useRef<HTMLFormElement>(null);
  const outcome = useRef<HTMLElement>(null);
  const wasRunning = useRef(false);

  const errors: Partial<Record<FieldName, string>> = {
    tenantId: fieldMessage(tenantIdSchema, tenantId),
    clientId: fieldMessage(clientIdSchema, clientId),
    ...(kind === "certificate"
      ? { clientCertificateFile: certificateMessage(certificate) }
      : { clientSecret: fieldMessage(clientSecretSchema, secret) }),
  };
  const consentUrl = adminConsentUrl(cloud, tenantId, clientId);
  const key = JSON.stringify([tenantId, clientId, kind === "certificate" ? certificateBody(certificate) : secret]);
  const current = run !== undefined && run.key === key;
  const report = run?.report;
  const valid = !run?.running && report?.ok === true;

  // Focus goes to the outcome when a check ends, so keyboard and screen-reader users land on it.
  useEffect(() => {
    const running = run?.running ?? false;
    if (wasRunning.current && !running) outcome.current?.focus();
    wasRunning.current = running;
  }, [run?.running]);

  useEffect(() => {
    if (run?.problem?.status === 404) onGone();
  }, [run?.problem, onGone]);

  useEffect(() => {
    if (valid) {
      setSecret("");
      setCertificate(emptyCertificate());
      onValid();
    }
  }, [valid, onValid]);

  const check = async () => {
    setSubmitted(true);
    const refused = FIELDS.find((f) => errors[f] !== undefined);
    if (refused) {
      const input = form.current?.elements.namedItem(refused);
      if (input instanceof HTMLInputElement) input.focus();
      return;
    }
    await start(
      (onCheck, signal) =>
        validateInvite(token, { tenantId, clientId, ...credentialBody(kind, secret, certificate) }, onCheck, signal),
      key,
    );
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void check();
  };

  const hasWarnings = report?.checks.some((c) => c.status === "warn") ?? false;
  const outcomeTitle = run?.running
    ? t.checking
    : valid
      ? t.validTitle
      : report && !report.ok
        ? t.failedTitle
        : t.resultTitle;

  return (
    <>
      {!valid && (
        <section aria-labelledby="invite-form-title" className={shared.form}>
          <Subtitle1 as="h2" id="invite-form-title" className={styles.heading}>
            {t.formTitle}
          </Subtitle1>
          <Body1>{t.formIntro}</Body1>
          <form ref={form} className={shared.form} onSubmit={onSubmit} noValidate>
            <CredentialFields
              values={{ tenantId, clientId, clientSecret: secret }}
              onChange={(field, value) =>
                field === "tenantId" ? setTenantId(value) : field === "clientId" ? setClientId(value) : setSecret(value)
              }
              onBlur={touch}
              messages={{
                tenantId: shown("tenantId") ? errors.tenantId : undefined,
                clientId: shown("clientId") ? errors.clientId : undefined,
                clientSecret: shown("clientSecret") ? errors.clientSecret : undefined,
              }}
              secretWarning={shown("clientSecret") ? secretWarning(secret) : undefined}
              certificate={{
                kind,
                onKind: setKind,
                value: certificate,
                onChange: setCertificate,
                message: shown("clientSecret") ? errors.clientCertificateFile : undefined,
                thumbprint: current ? report?.secret?.thumbprint : undefined,
              }}
            />
            {consentUrl && (
              <Link href={consentUrl} target="_blank" rel="noreferrer">
                {t.steps.consent.link}
              </Link>
            )}
            <div className={shared.actions}>
              <Button type="submit" appearance="primary" disabled={run?.running === true}>
                {run?.running ? t.checking : t.start}
              </Button>
            </div>
          </form>
        </section>
      )}

      {run && (
        <section
          ref={outcome}
          tabIndex={-1}
          aria-labelledby="invite-outcome"
          className={`${styles.result} ${styles.focusTarget}`}
        >
          <Subtitle1 as="h2" id="invite-outcome" className={styles.heading}>
            {outcomeTitle}
          </Subtitle1>
          {!run.running && !current && !valid && (
            <MessageBar intent="info">
              <MessageBarBody>{t.changed}</MessageBarBody>
            </MessageBar>
          )}
          {!run.running && run.problem && run.problem.status !== 404 && (
            <MessageBar intent="error" layout="multiline">
              <MessageBarBody>{runProblemText(run.problem, en.errors)}</MessageBarBody>
              <MessageBarActions>
                <Button icon={<ArrowClockwiseRegular />} onClick={() => void check()}>
                  {t.tryAgain}
                </Button>
              </MessageBarActions>
            </MessageBar>
          )}
          {!run.running && report && !report.ok && (
            <MessageBar intent="error" layout="multiline">
              <MessageBarBody>{t.failedBody}</MessageBarBody>
              <MessageBarActions>
                <Button icon={<ArrowClockwiseRegular />} onClick={() => void check()}>
                  {t.tryAgain}
                </Button>
              </MessageBarActions>
            </MessageBar>
          )}
          {valid && (
            <MessageBar intent={hasWarnings ? "warning" : "success"} layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>{t.nextTitle}</MessageBarTitle>
                {hasWarnings ? `${t.validWarnings} ${t.next(providerName)}` : t.next(providerName)}
              </MessageBarBody>
            </MessageBar>
          )}
          <ValidationChecklist checks={run.checks} running={run.running} report={report} />
        </section>
      )}
    </>
  );
}
