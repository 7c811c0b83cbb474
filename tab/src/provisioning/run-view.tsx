/**
 * One provisioning run as the operator (tab) and the customer's admin (invitation page) both see it: while it waits,
 * the sign-in code, the verification page, Microsoft's sentence, the countdown and Cancel, and in sandbox mode the
 * labelled "Sandbox sign-in"; then the nine steps live, who signed in, "What was created", and the ending: on
 * failure the remedy and "Remove what was created" while the admin's sign-in is held; on done what the page puts
 * there (Continue, or the invitation's next steps). A polite live region says how far it got, and focus moves to
 * the heading when the run ends. The component only knows the port it is given, so it never needs the tab's shell.
 */
import type { ProvisioningRun } from "@dr/contract";
import {
  Body1,
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
import { ArrowClockwiseRegular, DeleteRegular } from "@fluentui/react-icons";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { ApiProblem } from "../api/api.client";
import { useSharedStyles } from "../components/shared.styles";
import { CreatedObjects } from "./created-objects";
import type { ProvisioningPort, SandboxSignInPort } from "./provisioning.api";
import { provisioningEn as t } from "./provisioning.en";
import { failedStep, isFinal, stepsFinished, stepsInOrder } from "./provisioning.format";
import { RunSteps } from "./run-steps";
import { SandboxSignIn } from "./sandbox-sign-in";
import { SignInPanel } from "./sign-in-panel";

const useStyles = makeStyles({
  run: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, minWidth: 0, outlineStyle: "none" },
  heading: { margin: 0 },
  title: {
    margin: 0,
    fontSize: tokens.fontSizeBase500,
    lineHeight: tokens.lineHeightBase500,
    fontWeight: tokens.fontWeightSemibold,
    outlineStyle: "none",
  },
  part: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, minWidth: 0 },
});

/** Props of RunView. */
export interface RunViewProps {
  run: ProvisioningRun;
  /** Cancel and clean-up (and a read after Cancel) of the run's origin. */
  port: Pick<ProvisioningPort<unknown>, "cancel" | "cleanup" | "get">;
  /** A newer copy of the run arrived through an action's answer. */
  onRun(run: ProvisioningRun): void;
  /** The live connection dropped and is being tried again. */
  reconnecting?: ApiProblem | undefined;
  /** The sandbox's sign-in stand-in; the section shows only where the server has sandbox admins. */
  sandbox?: SandboxSignInPort | undefined;
  /** The heading when the run is done (default "The App registration is ready"). */
  doneTitle?: string;
  /** What follows a done run: the page's next step. */
  doneContent?: ReactNode;
  /** "Start again" after a run that ended without result; absent, none is offered. */
  onStartAgain?: () => void;
  /** Put focus on the run's heading when it first shows (it replaced the form that started it). */
  focusOnMount?: boolean;
}

/** The run. */
export function RunView({
  run,
  port,
  onRun,
  reconnecting,
  sandbox,
  doneTitle,
  doneContent,
  onStartAgain,
  focusOnMount = false,
}: RunViewProps) {
  const styles = useStyles();
  const shared = useSharedStyles();
  const heading = useRef<HTMLHeadingElement>(null);
  const [cancelling, setCancelling] = useState(false);
  const [actionProblem, setActionProblem] = useState<string | undefined>(undefined);
  const [cleaning, setCleaning] = useState(false);
  const [cleaned, setCleaned] = useState(false);
  const final = isFinal(run.status);
  const wasFinal = useRef(final);

  // biome-ignore lint/correctness/useExhaustiveDependencies: on mount only
  useEffect(() => {
    if (focusOnMount) heading.current?.focus();
  }, []);

  // When the run ends, focus goes to its heading, so keyboard and screen-reader users land on the outcome.
  useEffect(() => {
    if (final && !wasFinal.current) heading.current?.focus();
    wasFinal.current = final;
  }, [final]);

  const cancel = async () => {
    if (cancelling) return;
    setCancelling(true);
    setActionProblem(undefined);
    try {
      onRun((await port.cancel(run.id)) ?? (await port.get(run.id)));
    } catch (error) {
      setActionProblem(error instanceof ApiProblem ? `${t.cancelFailed} ${error.detail}` : t.cancelFailed);
    } finally {
      setCancelling(false);
    }
  };

  const cleanup = async () => {
    if (cleaning) return;
    setCleaning(true);
    setActionProblem(undefined);
    try {
      onRun(await port.cleanup(run.id));
      setCleaned(true);
    } catch (error) {
      const problem = error instanceof ApiProblem ? error : undefined;
      setActionProblem(
        problem?.status === 409 && problem.code === "sign_in_again"
          ? t.signInAgain
          : `${t.cleanupFailed}${problem ? ` ${problem.detail}` : ""}`,
      );
    } finally {
      setCleaning(false);
    }
  };

  const title = run.status === "done" && doneTitle ? doneTitle : t.runTitle[run.status];
  const failed = failedStep(run);
  const progress = stepsFinished(run);
  const total = stepsInOrder(run).length;
  const announcement = run.status === "running" ? `${t.progress(progress, total)}` : t.announce[run.status];
  const tenant = run.tenant?.displayName ?? run.tenant?.id ?? "";
  // A run that ended without result (failed, expired, declined, cancelled) offers the same way back to the form.
  const startAgain = onStartAgain && (
    <MessageBarActions>
      <Button icon={<ArrowClockwiseRegular />} onClick={onStartAgain}>
        {t.backToForm}
      </Button>
    </MessageBarActions>
  );

  return (
    <section className={styles.run} aria-labelledby={`run-${run.id}`} data-run-status={run.status}>
      <h2 id={`run-${run.id}`} ref={heading} tabIndex={-1} className={styles.title}>
        {title}
      </h2>

      {reconnecting && !final && (
        <MessageBar intent="warning">
          <MessageBarBody>{t.reconnecting}</MessageBarBody>
        </MessageBar>
      )}
      {actionProblem && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{actionProblem}</MessageBarBody>
        </MessageBar>
      )}

      {run.status === "waiting_for_sign_in" && (
        <>
          <SignInPanel run={run} onCancel={() => void cancel()} cancelling={cancelling} />
          {sandbox && run.userCode && <SandboxSignIn port={sandbox} userCode={run.userCode} />}
        </>
      )}

      {run.signedInAs && <Body1>{t.signedInAs(run.signedInAs, tenant)}</Body1>}

      {run.status === "failed" && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{t.failedTitle}</MessageBarTitle>
            {run.problem?.detail ?? failed?.message ?? t.failedBody}
            {failed?.remedy ? ` ${t.remedy}: ${failed.remedy}` : ""}
          </MessageBarBody>
          {startAgain}
        </MessageBar>
      )}
      {(run.status === "expired" || run.status === "declined" || run.status === "cancelled") && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>{t.endedBody[run.status]}</MessageBarBody>
          {startAgain}
        </MessageBar>
      )}
      {run.status === "done" && (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>
            {t.doneBody(run.result?.report.tenant?.displayName ?? run.result?.tenantId ?? tenant)}
          </MessageBarBody>
        </MessageBar>
      )}
      {run.status === "done" && doneContent}

      <div className={styles.part}>
        <Subtitle2 as="h3" className={styles.heading}>
          {t.stepsTitle}
        </Subtitle2>
        <RunSteps run={run} />
      </div>

      {(run.created.length > 0 || run.status === "failed") && (
        <div className={styles.part}>
          <Subtitle2 as="h3" className={styles.heading}>
            {t.createdTitle}
          </Subtitle2>
          <CreatedObjects items={run.created} />
          {cleaned && <Text>{t.cleanedUp}</Text>}
          {run.cleanupAvailable && run.status !== "done" && (
            <div className={shared.actions}>
              <Button
                icon={cleaning ? <Spinner size="tiny" /> : <DeleteRegular />}
                disabledFocusable={cleaning}
                onClick={() => void cleanup()}
              >
                {cleaning ? t.cleaning : t.cleanup}
              </Button>
            </div>
          )}
        </div>
      )}

      <div aria-live="polite" className={shared.visuallyHidden}>
        {announcement}
      </div>
    </section>
  );
}
