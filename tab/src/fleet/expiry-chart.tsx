/**
 * The expiry timeline as a stacked bar chart (Fluent's @fluentui/react-charts): one bar per week, stacked by the
 * services' status. A chunk of its own that the fleet page imports on demand, so neither the tab's first chunk nor
 * the other pages carry the chart code (docs/architecture.md). The bars' colours are the theme's status colours,
 * read from the FluentProvider's tokens, so the chart follows the Teams theme (light, dark, contrast) as the badges
 * do; the page offers the same numbers as a table.
 */
import type { FleetExpiryWeek, ServiceStatus } from "@dr/contract";
import { VerticalStackedBarChart, type VerticalStackedChartProps } from "@fluentui/react-charts";
import { makeStyles, tokens } from "@fluentui/react-components";
import { useLayoutEffect, useRef, useState } from "react";
import { statusLabel } from "../components/status-badge";
import { en } from "../i18n/en";
import { FLEET_STATUSES, weekLabel } from "./fleet.format";

/** The theme token of each status's bars (the status badges' colours). */
const TOKENS: Record<ServiceStatus, string> = {
  auth_failed: tokens.colorStatusDangerForeground1,
  expiring: tokens.colorStatusWarningForeground1,
  not_validated: tokens.colorNeutralForeground3,
  connected: tokens.colorStatusSuccessForeground1,
};

/** `var(--name)` → the value the element's theme gives `--name` (SVG fill attributes cannot hold var()). */
function resolve(element: Element, token: string): string {
  const name = /var\((--[\w-]+)/.exec(token)?.[1];
  return (name && getComputedStyle(element).getPropertyValue(name).trim()) || token;
}

const useStyles = makeStyles({
  chart: { minWidth: 0, color: tokens.colorNeutralForeground1 },
});

/** Props of ExpiryChart. */
export interface ExpiryChartProps {
  weeks: readonly FleetExpiryWeek[];
}

/** The chart (default export for React.lazy). */
export default function ExpiryChart({ weeks }: ExpiryChartProps) {
  const styles = useStyles();
  const ref = useRef<HTMLDivElement>(null);
  const [colors, setColors] = useState<Record<ServiceStatus, string> | undefined>(undefined);

  // After every render (a theme change re-renders the page): the theme's colours, set again only when they changed.
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const next = Object.fromEntries(FLEET_STATUSES.map((s) => [s, resolve(element, TOKENS[s])])) as Record<
      ServiceStatus,
      string
    >;
    setColors((current) => (current && FLEET_STATUSES.every((s) => current[s] === next[s]) ? current : next));
  });

  const data: VerticalStackedChartProps[] = weeks.map((week) => ({
    xAxisPoint: weekLabel(week.weekStart),
    xAxisCalloutData: en.fleet.weekOf(weekLabel(week.weekStart)),
    chartData: FLEET_STATUSES.map((status) => ({
      legend: statusLabel(status),
      data: week.byStatus[status],
      ...(colors ? { color: colors[status] } : {}),
    })),
  }));

  return (
    <div ref={ref} className={styles.chart} data-chart="expiries">
      {colors && (
        <VerticalStackedBarChart
          data={data}
          chartTitle={en.fleet.chartLabel}
          height={320}
          barWidth="auto"
          xAxisTitle={en.fleet.xAxis}
          yAxisTitle={en.fleet.yAxis}
          yAxisTickFormat={(n: number) => (Number.isInteger(n) ? String(n) : "")}
          isCalloutForStack
        />
      )}
    </div>
  );
}
