/**
 * The live checklist of a validation run: the six checks in order, each pending (spinner while running) until its
 * event arrives, then an icon and a word for its status, the message and the remedy. A polite live region announces
 * progress so screen-reader users hear the run advance without losing their place.
 */

import { CHECK_IDS, type Check, type CheckId, type ValidationReport } from "@dr/contract";
import { Body1, Caption1, Link, makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import {
  CheckmarkCircle20Filled,
  CircleRegular,
  DismissCircle20Filled,
  QuestionCircle20Filled,
  SubtractCircle20Regular,
  Warning20Filled,
} from "@fluentui/react-icons";
import type { ReactElement } from "react";
import { en } from "../i18n/en";
import { useSharedStyles } from "./shared.styles";

const useStyles = makeStyles({
  list: {
    listStyleType: "none",
    margin: 0,
    padding: 0,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
  },
  item: { display: "grid", gridTemplateColumns: "24px minmax(0, 1fr)", columnGap: tokens.spacingHorizontalS },
  icon: { display: "flex", alignItems: "flex-start", paddingTop: "2px" },
  body: { display: "flex", flexDirection: "column", minWidth: 0, overflowWrap: "anywhere" },
  head: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalS, alignItems: "baseline" },
  pass: { color: tokens.colorPaletteGreenForeground1 },
  warn: { color: tokens.colorPaletteDarkOrangeForeground1 },
  fail: { color: tokens.colorPaletteRedForeground1 },
  muted: { color: tokens.colorNeutralForeground3 },
  remedy: { color: tokens.colorNeutralForeground2 },
});

/** Props of ValidationChecklist. */
export interface ValidationChecklistProps {
  /** Checks received so far (in any order). */
  checks: readonly Check[];
  /** True while the run is in progress (pending checks show a spinner). */
  running: boolean;
  /** The final report, when it came (adds the admin-consent link). */
  report?: ValidationReport;
  /** Accessible name of the list. */
  label?: string;
}

/** The checklist. */
export function ValidationChecklist({ checks, running, report, label = en.checks.title }: ValidationChecklistProps) {
  const styles = useStyles();
  const shared = useSharedStyles();
  const byId = new Map<CheckId, Check>(checks.map((c) => [c.id, c]));
  const done = byId.size;

  const icon = (check: Check | undefined): ReactElement => {
    if (!check) return running ? <Spinner size="extra-tiny" /> : <CircleRegular className={styles.muted} />;
    switch (check.status) {
      case "pass":
        return <CheckmarkCircle20Filled className={styles.pass} />;
      case "warn":
        return <Warning20Filled className={styles.warn} />;
      case "fail":
        return <DismissCircle20Filled className={styles.fail} />;
      case "skipped":
        return <SubtractCircle20Regular className={styles.muted} />;
      default:
        return <QuestionCircle20Filled className={styles.warn} />;
    }
  };

  let announcement = "";
  if (running) announcement = en.checks.progress(done, CHECK_IDS.length);
  else if (report)
    announcement = !report.ok
      ? en.checks.finishedFail
      : report.checks.some((c) => c.status === "warn")
        ? en.checks.finishedWarn
        : en.checks.finishedOk;

  return (
    <div>
      <ol className={styles.list} aria-label={label} aria-busy={running}>
        {CHECK_IDS.map((id) => {
          const check = byId.get(id);
          const statusWord = check
            ? en.checks.statuses[check.status]
            : running
              ? en.checks.statuses.running
              : en.checks.statuses.pending;
          const consentUrl =
            id === "permissions" && check?.status !== "pass" ? report?.permissions?.adminConsentUrl : undefined;
          return (
            <li key={id} className={styles.item} data-check={id} data-status={check?.status ?? "pending"}>
              <span className={styles.icon} aria-hidden="true">
                {icon(check)}
              </span>
              <div className={styles.body}>
                <div className={styles.head}>
                  <Text weight="semibold">{en.checks.names[id]}</Text>
                  <Caption1>{statusWord}</Caption1>
                </div>
                {check && check.status !== "pass" && <Body1>{check.message}</Body1>}
                {check && check.status === "pass" && <Caption1 className={styles.remedy}>{check.message}</Caption1>}
                {check?.remedy && check.status !== "pass" && (
                  <Caption1 className={styles.remedy}>
                    {en.checks.remedy}: {check.remedy}
                  </Caption1>
                )}
                {consentUrl && (
                  <Link href={consentUrl} target="_blank" rel="noreferrer">
                    {en.checks.adminConsent}
                  </Link>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      <div aria-live="polite" className={shared.visuallyHidden}>
        {announcement}
      </div>
    </div>
  );
}
