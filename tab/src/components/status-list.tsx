/**
 * A list of items that each stand in a status: an icon and a word for the status, the title, the message and, for
 * the statuses that need attention, the remedy, then whatever detail the item brings (a link, say). `pending` items
 * show an empty circle, `running` ones a spinner. The validation checklist (checks), the provisioning run (steps)
 * render through it. It announces nothing itself: a caller that runs live keeps its own polite live region, so it
 * decides what is said and when.
 */
import { Body1, Caption1, makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import {
  CheckmarkCircle20Filled,
  CircleRegular,
  DismissCircle20Filled,
  QuestionCircle20Filled,
  SubtractCircle20Regular,
  Warning20Filled,
} from "@fluentui/react-icons";
import type { ReactElement, ReactNode } from "react";

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

/** How an item stands: a check's outcomes (pass, warn, fail, skipped, unknown), plus not reached yet and under way. */
export type StatusListStatus = "pending" | "running" | "pass" | "warn" | "fail" | "skipped" | "unknown";

/** One item of the list. */
export interface StatusListItem {
  /** Stable id: the React key and the value of the item's data attribute. */
  id: string;
  /** What the item is ("Tenant", "Create the App registration"). */
  title: string;
  status: StatusListStatus;
  /** What happened; shown as body text when the status needs attention, else quietly. Empty: nothing shown. */
  message?: string | undefined;
  /** What to do about it; shown only when the status needs attention. */
  remedy?: string | undefined;
  /** Anything the item adds below its text (a link, facts). */
  detail?: ReactNode;
}

/** The statuses that need attention unless a list says otherwise. */
export const ATTENTION_STATUSES: readonly StatusListStatus[] = ["warn", "fail", "unknown"];

/** Props of StatusList. */
export interface StatusListProps {
  items: readonly StatusListItem[];
  /** Accessible name of the list. */
  label: string;
  /** The list is still changing (aria-busy). */
  busy?: boolean;
  /** The word shown for each status. */
  statusLabels: Readonly<Record<StatusListStatus, string>>;
  /** The word before a remedy ("What to do"). */
  remedyLabel: string;
  /** Statuses whose message is body text and whose remedy shows (default: warn, fail, unknown). */
  attention?: readonly StatusListStatus[];
  /** The data attribute that carries each item's id (default `data-item`); its status is always `data-status`. */
  itemAttribute?: `data-${string}`;
}

/** The list. */
export function StatusList({
  items,
  label,
  busy = false,
  statusLabels,
  remedyLabel,
  attention = ATTENTION_STATUSES,
  itemAttribute = "data-item",
}: StatusListProps) {
  const styles = useStyles();
  const icon = (status: StatusListStatus): ReactElement => {
    switch (status) {
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
  return (
    <ol className={styles.list} aria-label={label} aria-busy={busy}>
      {items.map((item) => {
        const needsAttention = attention.includes(item.status);
        return (
          <li key={item.id} className={styles.item} {...{ [itemAttribute]: item.id }} data-status={item.status}>
            <span className={styles.icon} aria-hidden="true">
              {icon(item.status)}
            </span>
            <div className={styles.body}>
              <div className={styles.head}>
                <Text weight="semibold">{item.title}</Text>
                <Caption1>{statusLabels[item.status]}</Caption1>
              </div>
              {item.message &&
                (needsAttention ? (
                  <Body1>{item.message}</Body1>
                ) : (
                  <Caption1 className={styles.quiet}>{item.message}</Caption1>
                ))}
              {item.remedy && needsAttention && (
                <Caption1 className={styles.quiet}>
                  {remedyLabel}: {item.remedy}
                </Caption1>
              )}
              {item.detail}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
