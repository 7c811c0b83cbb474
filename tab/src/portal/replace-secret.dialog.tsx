/**
 * Replace credential: the new secret, or a certificate in its place (the same choice and fields as the wizard's),
 * is validated against the stored tenant and app before it replaces the old credential (PUT .../m365/secret,
 * streamed). A refusal keeps the old credential and shows why. Loaded on demand; focus trapping and Escape are
 * Fluent Dialog's.
 */

import { clientSecretSchema, fieldMessage } from "@dr/contract";
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Spinner,
  Text,
  tokens,
} from "@fluentui/react-components";
import { type FormEvent, useEffect, useState } from "react";
import { useApp } from "../app/app.context";
import { CertificateFields } from "../components/certificate-fields";
import { CredentialKindChoice } from "../components/credential-fields";
import { SecretInput } from "../components/secret-input";
import { runProblemText, useValidationRun } from "../components/use-validation-run.hook";
import { ValidationChecklist } from "../components/validation-checklist";
import {
  type CertificateInput,
  type CredentialKind,
  certificateMessage,
  credentialBody,
  emptyCertificate,
} from "../format/certificate-input";
import { secretWarning } from "../format/field-rules";
import { en } from "../i18n/en";

const useStyles = makeStyles({
  content: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  surface: { maxWidth: "min(640px, calc(100vw - 24px))" },
});

/** Props of ReplaceSecretDialog. */
export interface ReplaceSecretDialogProps {
  serviceId: string;
  open: boolean;
  onOpenChange(open: boolean): void;
  /** Called once the new secret replaced the old one. */
  onReplaced(): void;
}

/** The dialog (default export for React.lazy). */
export default function ReplaceSecretDialog({ serviceId, open, onOpenChange, onReplaced }: ReplaceSecretDialogProps) {
  const styles = useStyles();
  const { api } = useApp();
  const [secret, setSecret] = useState("");
  const [kind, setKind] = useState<CredentialKind>("secret");
  const [certificate, setCertificate] = useState<CertificateInput>(emptyCertificate);
  const [touched, setTouched] = useState(false);
  const { run, start, reset } = useValidationRun();
  const useCertificate = kind === "certificate";
  const error = useCertificate ? certificateMessage(certificate) : fieldMessage(clientSecretSchema, secret);
  // A GUID-shaped secret is accepted with a warning (it may be the Secret ID; legacy secrets were GUIDs).
  const warning = error || useCertificate ? undefined : secretWarning(secret);
  const replaced = run?.report?.ok === true && !run.problem;

  // Every opening starts clean: no secret or certificate kept in memory from an earlier attempt.
  useEffect(() => {
    if (open) {
      setSecret("");
      setCertificate(emptyCertificate());
      setTouched(false);
      reset();
    }
  }, [open, reset]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (error || run?.running || replaced) return;
    const body = credentialBody(kind, secret, certificate);
    const report = await start((onCheck, signal) => api.replaceSecret(serviceId, body, onCheck, { signal }));
    if (report?.ok) {
      setSecret("");
      setCertificate(emptyCertificate());
      onReplaced();
    }
  };

  return (
    <Dialog open={open} onOpenChange={(_, data) => onOpenChange(data.open)} modalType="modal">
      <DialogSurface className={styles.surface}>
        <form onSubmit={submit} noValidate>
          <DialogBody>
            <DialogTitle>{en.portal.replaceTitle}</DialogTitle>
            <DialogContent className={styles.content}>
              <Text>{en.portal.replaceBody}</Text>
              {!replaced && <CredentialKindChoice kind={kind} onKind={setKind} disabled={run?.running === true} />}
              {!replaced && useCertificate && (
                <CertificateFields
                  value={certificate}
                  onChange={setCertificate}
                  onBlur={() => setTouched(true)}
                  message={touched ? error : undefined}
                  disabled={run?.running === true}
                />
              )}
              {!replaced && !useCertificate && (
                <Field
                  label={en.portal.newSecret}
                  required
                  hint={en.wizard.clientSecretHint}
                  validationMessage={touched ? (error ?? warning) : undefined}
                  {...(touched && warning ? { validationState: "warning" as const } : {})}
                >
                  <SecretInput
                    value={secret}
                    onChange={(_, d) => setSecret(d.value)}
                    onBlur={() => setTouched(true)}
                    disabled={run?.running === true}
                  />
                </Field>
              )}
              {run && !run.running && run.problem?.code === "credentials_invalid" && (
                <MessageBar intent="error" layout="multiline">
                  <MessageBarBody>
                    <MessageBarTitle>{en.portal.replaceRefused}</MessageBarTitle>
                  </MessageBarBody>
                </MessageBar>
              )}
              {run && !run.running && run.problem && run.problem.code !== "credentials_invalid" && (
                <MessageBar intent="error">
                  <MessageBarBody>{runProblemText(run.problem, en.errors)}</MessageBarBody>
                </MessageBar>
              )}
              {replaced && (
                <MessageBar intent="success">
                  <MessageBarBody>{en.portal.replaceDone}</MessageBarBody>
                </MessageBar>
              )}
              {run && <ValidationChecklist checks={run.checks} running={run.running} report={run.report} />}
            </DialogContent>
            <DialogActions>
              <DialogTrigger disableButtonEnhancement action="close">
                <Button appearance={replaced ? "primary" : "secondary"}>
                  {replaced ? en.app.close : en.app.cancel}
                </Button>
              </DialogTrigger>
              {!replaced && (
                <Button
                  type="submit"
                  appearance="primary"
                  icon={run?.running ? <Spinner size="tiny" /> : undefined}
                  disabledFocusable={run?.running === true}
                >
                  {en.portal.replaceSubmit}
                </Button>
              )}
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
