/**
 * The validation history of a service (newest first): time, by whom, trigger and result. A table inside its own
 * horizontal scroller, so the page never scrolls sideways on a phone.
 */

import type { ValidationSummary } from "@dr/contract";
import {
  Body1,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from "@fluentui/react-components";
import { CheckmarkCircle16Filled, DismissCircle16Filled } from "@fluentui/react-icons";
import { useSharedStyles } from "../components/shared.styles";
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
  const shared = useSharedStyles();
  if (items.length === 0) return <Body1>{en.portal.historyEmpty}</Body1>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it
    <section className={shared.tableScroller} aria-label={en.portal.historyTable} tabIndex={0}>
      <Table className={styles.table} size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{en.portal.historyTime}</TableHeaderCell>
            <TableHeaderCell>{en.portal.historyBy}</TableHeaderCell>
            <TableHeaderCell>{en.portal.historyTrigger}</TableHeaderCell>
            <TableHeaderCell>{en.portal.historyResult}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {items.map((h) => (
            <TableRow key={h.id}>
              <TableCell>{formatDateTime(h.at)}</TableCell>
              <TableCell>{h.actor}</TableCell>
              <TableCell>{en.portal.triggers[h.trigger] ?? h.trigger}</TableCell>
              <TableCell>
                <span className={styles.result}>
                  {h.ok ? (
                    <CheckmarkCircle16Filled className={styles.pass} aria-hidden="true" />
                  ) : (
                    <DismissCircle16Filled className={styles.fail} aria-hidden="true" />
                  )}
                  {h.ok ? en.portal.resultPass : en.portal.resultFail}
                </span>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}
