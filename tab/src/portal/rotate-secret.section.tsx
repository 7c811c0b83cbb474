/**
 * "Rotate secret now" on the M365 Configuration section, for an App registration that may rotate its own secret
 * (made by automatic registration with self-rotation): a confirmation, then POST .../m365/rotate with the live
 * checks of the new secret. The server keeps the old secret unless the new one works; a refusal (409
 * `rotation_not_permitted` with its remedy, `rotation_in_progress`) is shown as the server words it.
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Spinner,
  Subtitle2,
  Text,
  tokens,
} from "@fluentui/react-components";
import { KeyResetRegular } from "@fluentui/react-icons";
import { useState } from "react";
import { useApp } from "../app/app.context";
import { useSharedStyles } from "../components/shared.styles";
import { runProblemText, useValidationRun } from "../components/use-validation-run.hook";
import { ValidationChecklist } from "../components/validation-checklist";
import { en } from "../i18n/en";
import { provisioningEn as t } from "../provisioning/provisioning.en";

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, minWidth: 0 },
  surface: { maxWidth: "min(560px, calc(100vw - 24px))" },
});

/** Props of RotateSecretSection. */
export interface RotateSecretSectionProps {
  serviceId: string;
  /** Called after a rotation that changed the stored secret. */
  onRotated(): void;
}

/** The section (default export for React.lazy: it brings the Dialog code, which only these services need). */
export default function RotateSecretSection({ serviceId, onRotated }: RotateSecretSectionProps) {
  const styles = useStyles();
  const shared = useSharedStyles();
  const { api } = useApp();
  const [confirming, setConfirming] = useState(false);
  const { run, start } = useValidationRun();

  const rotate = async () => {
    setConfirming(false);
    const report = await start((onCheck, signal) => api.rotateSecret(serviceId, onCheck, { signal }));
    if (report?.ok) onRotated();
  };

  const refused = run && !run.running ? run.problem : undefined;
  return (
    <section className={`${shared.surface} ${styles.section}`} aria-labelledby="m365-rotate-heading">
      <Subtitle2 as="h2" id="m365-rotate-heading">
        {t.rotateTitle}
      </Subtitle2>
      <div className={shared.actions}>
        <Button
          icon={run?.running ? <Spinner size="tiny" /> : <KeyResetRegular />}
          disabledFocusable={run?.running === true}
          onClick={() => setConfirming(true)}
        >
          {run?.running ? t.rotating : t.rotate}
        </Button>
      </div>
      {refused && (
        <MessageBar intent={refused.status === 409 ? "warning" : "error"} layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{t.rotateRefused}</MessageBarTitle>
            {runProblemText(refused, en.errors)}
          </MessageBarBody>
        </MessageBar>
      )}
      {run && !run.running && run.report && !refused && (
        <MessageBar intent={run.report.ok ? "success" : "error"}>
          <MessageBarBody>{run.report.ok ? t.rotateDone : t.rotateFailed}</MessageBarBody>
        </MessageBar>
      )}
      {run && (run.running || run.checks.length > 0) && (
        <ValidationChecklist checks={run.checks} running={run.running} report={run.report} />
      )}
      <Dialog open={confirming} onOpenChange={(_, data) => setConfirming(data.open)} modalType="alert">
        <DialogSurface className={styles.surface}>
          <DialogBody>
            <DialogTitle>{t.rotateConfirmTitle}</DialogTitle>
            <DialogContent>
              <Text>{t.rotateConfirmBody}</Text>
            </DialogContent>
            <DialogActions>
              <DialogTrigger disableButtonEnhancement action="close">
                <Button>{en.app.cancel}</Button>
              </DialogTrigger>
              <Button appearance="primary" onClick={() => void rotate()}>
                {t.rotateConfirm}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </section>
  );
}
