/**
 * "Create it for me" on the customer's invitation page: which administrator must sign in, the app name ("<provider>
 * Direct Routing"), the self-rotation check box, then the run view the tab uses (sign-in code, the sandbox's sign-in
 * in sandbox mode, the nine steps live). A done run completed the invitation on the server: the page then says
 * "Application Registration is valid" and what happens next, as after typed values. A 404 at any point (the link was
 * revoked, used or expired meanwhile) gives the page's neutral page.
 */
import {
  Body1,
  Button,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Spinner,
  Subtitle1,
  tokens,
} from "@fluentui/react-components";
import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { ApiProblem } from "../api/api.client";
import { useSharedStyles } from "../components/shared.styles";
import { runProblemText } from "../components/use-validation-run.hook";
import { en } from "../i18n/en";
import { provisioningEn } from "../provisioning/provisioning.en";
import { defaultAppName, inviteAppNameError, inviteStartBody } from "../provisioning/provisioning.format";
import { RunView } from "../provisioning/run-view";
import { useProvisioningRun } from "../provisioning/use-provisioning-run.hook";
import { inviteRuns, inviteSandbox } from "./invite.api";
import { inviteTexts as t } from "./invite.texts";

const useStyles = makeStyles({
  heading: { margin: 0 },
  part: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, minWidth: 0 },
  roles: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

/** Props of InviteProvisioning. */
export interface InviteProvisioningProps {
  token: string;
  providerName: string;
  /** The link stopped working (404): the page shows its neutral page. */
  onGone(): void;
  /** The run is done and the invitation completed: the page keeps only the outcome. */
  onValid(): void;
}

/** "Create it for me" (default export for React.lazy: the page loads it when the admin may choose it). */
export default function InviteProvisioning({ token, providerName, onGone, onValid }: InviteProvisioningProps) {
  const styles = useStyles();
  const shared = useSharedStyles();
  const port = useMemo(() => inviteRuns(token), [token]);
  const [appName, setAppName] = useState(() => defaultAppName(providerName));
  const [selfRotation, setSelfRotation] = useState(true);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const [runId, setRunId] = useState<string | undefined>(undefined);
  const followed = useProvisioningRun(port, runId);
  const { run } = followed;
  const input = useRef<HTMLInputElement>(null);
  const nameError = inviteAppNameError(appName);
  const done = run?.status === "done";

  useEffect(() => {
    if (followed.problem?.status === 404) onGone();
  }, [followed.problem, onGone]);

  useEffect(() => {
    if (done) onValid();
  }, [done, onValid]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setTouched(true);
    setProblem(undefined);
    if (nameError) {
      input.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const started = await port.start(inviteStartBody({ appName, allowSelfRotation: selfRotation }));
      followed.apply(started);
      setRunId(started.id);
    } catch (error) {
      const p = error instanceof ApiProblem ? error : new ApiProblem({ status: 0, code: "network" });
      if (p.status === 404) onGone();
      else setProblem(p);
    } finally {
      setBusy(false);
    }
  };

  if (runId) {
    if (followed.problem && followed.problem.status !== 404) {
      return (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{provisioningEn.streamFailed}</MessageBarTitle>
            {runProblemText(followed.problem, en.errors)}
          </MessageBarBody>
        </MessageBar>
      );
    }
    if (!run) return <Spinner label={provisioningEn.loadingRun} />;
    return (
      <RunView
        run={run}
        port={port}
        onRun={followed.apply}
        reconnecting={followed.reconnecting}
        sandbox={inviteSandbox}
        doneTitle={t.validTitle}
        doneContent={
          <MessageBar intent="success" layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>{t.nextTitle}</MessageBarTitle>
              {t.next(providerName)}
            </MessageBarBody>
          </MessageBar>
        }
        onStartAgain={() => setRunId(undefined)}
        focusOnMount
      />
    );
  }

  const serverMessage = problem?.errors.find((e) => e.path === "appName")?.message;
  return (
    <section aria-labelledby="invite-create-title" className={styles.part}>
      <Subtitle1 as="h2" id="invite-create-title" className={styles.heading}>
        {t.createTitle}
      </Subtitle1>
      <Body1>{t.createIntro(providerName)}</Body1>
      <div className={styles.part}>
        <Body1 as="p" className={styles.heading}>
          <strong>{t.rolesTitle}</strong>
        </Body1>
        <ul className={styles.roles}>
          {t.roles.map((line) => (
            <li key={line}>
              <Body1>{line}</Body1>
            </li>
          ))}
        </ul>
      </div>
      {problem && !serverMessage && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{runProblemText(problem, en.errors)}</MessageBarBody>
        </MessageBar>
      )}
      <form className={shared.form} onSubmit={submit} noValidate aria-label={t.createTitle}>
        <Field
          label={t.appName}
          hint={t.appNameHint}
          required
          validationMessage={serverMessage ?? (touched ? nameError : undefined)}
        >
          <Input
            ref={input}
            name="appName"
            value={appName}
            onChange={(_, d) => setAppName(d.value)}
            onBlur={() => setTouched(true)}
            autoComplete="off"
          />
        </Field>
        <Field hint={t.selfRotationHint}>
          <Checkbox
            label={t.selfRotation}
            checked={selfRotation}
            onChange={(_, d) => setSelfRotation(d.checked === true)}
          />
        </Field>
        <div className={shared.actions}>
          <Button
            type="submit"
            appearance="primary"
            icon={busy ? <Spinner size="tiny" /> : undefined}
            disabledFocusable={busy}
          >
            {busy ? t.starting : t.startCreate}
          </Button>
        </div>
      </form>
    </section>
  );
}
