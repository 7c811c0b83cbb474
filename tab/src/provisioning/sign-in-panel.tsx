/**
 * While a run waits for the admin: the verification page as a link, the user code big and copyable, who must sign
 * in, Microsoft's own sentence, the code's countdown (a timer, not announced every second) and Cancel.
 */
import type { ProvisioningRun } from "@dr/contract";
import { Body1, Button, Caption1, Link, makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import { CopyRegular, DismissRegular } from "@fluentui/react-icons";
import { useEffect, useState } from "react";
import { copyText } from "../invitations/copy-text";
import { provisioningEn as t } from "./provisioning.en";
import { countdown } from "./provisioning.format";

const useStyles = makeStyles({
  panel: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, minWidth: 0 },
  steps: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalXL,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
  },
  codeRow: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: tokens.spacingHorizontalM,
    marginTop: tokens.spacingVerticalXS,
  },
  code: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeHero800,
    lineHeight: tokens.lineHeightHero800,
    fontWeight: tokens.fontWeightSemibold,
    letterSpacing: "0.08em",
    overflowWrap: "anywhere",
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    backgroundColor: tokens.colorNeutralBackground3,
    color: tokens.colorNeutralForeground1,
    userSelect: "all",
  },
  link: { overflowWrap: "anywhere" },
  quote: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalM,
    borderLeft: `${tokens.strokeWidthThick} solid ${tokens.colorNeutralStroke1}`,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXXS,
  },
  blockquote: { margin: 0, overflowWrap: "anywhere" },
  quiet: { color: tokens.colorNeutralForeground2 },
});

/** Re-renders every second while `active`, for the countdown. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** Props of SignInPanel. */
export interface SignInPanelProps {
  run: ProvisioningRun;
  onCancel(): void;
  cancelling: boolean;
}

/** The sign-in instructions of a waiting run. */
export function SignInPanel({ run, onCancel, cancelling }: SignInPanelProps) {
  const styles = useStyles();
  const [copied, setCopied] = useState("");
  const now = useNow(true);
  const left = countdown(run.expiresAt, now);
  const code = run.userCode ?? "";
  const uri = run.verificationUri ?? "";

  return (
    <div className={styles.panel}>
      <ol className={styles.steps} aria-label={t.signInSteps}>
        {uri && (
          <li>
            <Body1>
              {t.signInOpen}{" "}
              <Link href={uri} target="_blank" rel="noreferrer noopener" className={styles.link}>
                {uri}
              </Link>
            </Body1>
          </li>
        )}
        <li>
          <Body1>{t.signInEnter}</Body1>
          <div className={styles.codeRow}>
            <span className={styles.code} data-testid="user-code">
              {code}
            </span>
            <Button
              icon={<CopyRegular />}
              onClick={() => void copyText(code).then((ok) => setCopied(ok ? t.copied : t.copyFailed))}
            >
              {t.copyCode}
            </Button>
          </div>
        </li>
        <li>
          <Body1>{t.signInAs}</Body1>
        </li>
      </ol>
      {run.signInMessage && (
        <div className={styles.quote}>
          <Caption1 className={styles.quiet}>{t.microsoftSays}</Caption1>
          <blockquote className={styles.blockquote}>
            <Text>{run.signInMessage}</Text>
          </blockquote>
        </div>
      )}
      <Text role="timer" data-testid="code-countdown">
        {left ? t.expiresIn(left) : t.expiredNow}
      </Text>
      <div>
        <Button
          icon={cancelling ? <Spinner size="tiny" /> : <DismissRegular />}
          disabledFocusable={cancelling}
          onClick={onCancel}
        >
          {cancelling ? t.cancelling : t.cancel}
        </Button>
      </div>
      <div role="status" aria-live="polite">
        {copied}
      </div>
    </div>
  );
}
