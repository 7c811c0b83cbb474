/**
 * The validation history of a service (newest first): time, by whom, trigger and result. A table inside its own
 * horizontal scroller, so the page never scrolls sideways on a phone.
 */

import type { ValidationSummary } from "@dr/contract";
import { Body1, makeStyles, tokens } from "@fluentui/react-components";
import { CheckmarkCircle16Filled, DismissCircle16Filled } from "@fluentui/react-icons";
import { ScrollingTable } from "../components/scrolling-table";
import { formatDateTime } from "../format/format";
import { en } from "../i18n/en";

const useStyles = makeStyles({
  table: { minWidth: "420px" },
  result: { display: "inline-flex", alignItems: "center", gap: tokens.spacingHorizontalXS },
  pass: { color: tokens.colorPaletteGreenForeground1 },
  fail: { color: tokens.colorPaletteRedForeground1 },
});

/** Props of ValidationHistory. */
export interface ValidationHistoryProps {
  items: readonly ValidationSummary[];
}

/** The history table. */
export function ValidationHistory({ items }: ValidationHistoryProps) {
  const styles = useStyles();
  if (items.length === 0) return <Body1>{en.portal.historyEmpty}</Body1>;
  return (
    <ScrollingTable
      label={en.portal.historyTable}
      tableClassName={styles.table}
      columns={[en.portal.historyTime, en.portal.historyBy, en.portal.historyTrigger, en.portal.historyResult]}
      rows={items.map((h) => ({
        key: h.id,
        cells: [
          formatDateTime(h.at),
          h.actor,
          en.portal.triggers[h.trigger] ?? h.trigger,
          <span key="result" className={styles.result}>
            {h.ok ? (
              <CheckmarkCircle16Filled className={styles.pass} aria-hidden="true" />
            ) : (
              <DismissCircle16Filled className={styles.fail} aria-hidden="true" />
            )}
            {h.ok ? en.portal.resultPass : en.portal.resultFail}
          </span>,
        ],
      }))}
    />
  );
}
