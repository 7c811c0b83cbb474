/**
 * A small Fluent table inside its own horizontal scroller, so a page never scrolls sideways on a phone; the
 * scroller is a labelled region reachable by keyboard.
 */
import { Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from "@fluentui/react-components";
import type { ReactNode } from "react";
import { useSharedStyles } from "./shared.styles";

/** Props of ScrollingTable. */
export interface ScrollingTableProps {
  /** Accessible name of the region and the table. */
  label: string;
  columns: readonly string[];
  rows: readonly { key: string; cells: readonly ReactNode[] }[];
  /** Class giving the table its minimum width. */
  tableClassName?: string;
}

/** The table. */
export function ScrollingTable({ label, columns, rows, tableClassName }: ScrollingTableProps) {
  const shared = useSharedStyles();
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it
    <section className={shared.tableScroller} aria-label={label} tabIndex={0}>
      <Table className={tableClassName} size="small" aria-label={label}>
        <TableHeader>
          <TableRow>
            {columns.map((c) => (
              <TableHeaderCell key={c}>{c}</TableHeaderCell>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={row.key}>
              {row.cells.map((cell, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional columns
                <TableCell key={i}>{cell}</TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}
