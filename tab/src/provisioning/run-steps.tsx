/**
 * The nine steps of a run, live: each pending (a spinner while it runs) until the server reports it, then an icon
 * and a word for its status, the message and, when it did not pass, the remedy. Like the validation checklist, and
 * announced by the run view's live region.
 */
import type { ProvisioningRun, ProvisioningStep } from "@dr/contract";
import { Body1, Caption1, makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import {
  CheckmarkCircle20Filled,
  CircleRegular,
  DismissCircle20Filled,
  QuestionCircle20Filled,
  SubtractCircle20Regular,
  Warning20Filled,
} from "@fluentui/react-icons";
import type { ReactElement } from "react";
import { provisioningEn as t } from "./provisioning.en";
import { stepsInOrder } from "./provisioning.format";

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
  quiet: { color: tokens.colorNeutralForeground2 },
});

/** The steps of `run`. */
export function RunSteps({ run }: { run: ProvisioningRun }) {
  const styles = useStyles();
  const icon = (step: ProvisioningStep): ReactElement => {
    switch (step.status) {
      case "pending":
        return <CircleRegular className={styles.muted} />;
      case "running":
        return <Spinner size="extra-tiny" />;
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
  const running = run.status === "running";
  return (
    <ol className={styles.list} aria-label={t.stepsTitle} aria-busy={running}>
      {stepsInOrder(run).map((step) => {
        const troubled = step.status === "fail" || step.status === "warn" || step.status === "unknown";
        return (
          <li key={step.id} className={styles.item} data-step={step.id} data-status={step.status}>
            <span className={styles.icon} aria-hidden="true">
              {icon(step)}
            </span>
            <div className={styles.body}>
              <div className={styles.head}>
                <Text weight="semibold">{t.steps[step.id]}</Text>
                <Caption1>{t.statuses[step.status]}</Caption1>
              </div>
              {step.message &&
                (troubled ? (
                  <Body1>{step.message}</Body1>
                ) : (
                  <Caption1 className={styles.quiet}>{step.message}</Caption1>
                ))}
              {step.remedy && troubled && (
                <Caption1 className={styles.quiet}>
                  {t.remedy}: {step.remedy}
                </Caption1>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
