/**
 * The fleet page (route `/fleet`, docs/product.md section 11): the services by status, each count a link to the
 * services list filtered by it; the credentials expiring in each of the next 13 weeks, as a chart (loaded on
 * demand: expiry-chart.tsx) or as a table with the same numbers; the services needing attention, the worst first
 * (the services list's rows); and for operators "Validate all" with live progress and Cancel.
 */
import type { FleetRun, FleetSummary } from "@dr/contract";
import {
  Body1,
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  makeStyles,
  ProgressBar,
  Spinner,
  Subtitle2,
  Text,
  tokens,
} from "@fluentui/react-components";
import { ArrowSyncRegular, DismissRegular } from "@fluentui/react-icons";
import { Component, lazy, type ReactNode, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import type { ApiProblem } from "../api/api.client";
import { useApp, useCan } from "../app/app.context";
import { paths } from "../app/router";
import { AppLink } from "../components/app-link";
import { RetryMessage } from "../components/retry-message";
import { ScrollingTable } from "../components/scrolling-table";
import { useSharedStyles } from "../components/shared.styles";
import { StatusBadge, statusLabel } from "../components/status-badge";
import { en } from "../i18n/en";
import ServicesList from "../pages/services-list";
import { fleetApi } from "./fleet.api";
import { FLEET_STATUSES, weekLabel } from "./fleet.format";
import { useFleetRun } from "./use-fleet-run.hook";

const loadChart = () => import("./expiry-chart");
const ExpiryChart = lazy(loadChart);

const useStyles = makeStyles({
  page: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, minWidth: 0 },
  header: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    justifyContent: "space-between",
    gap: tokens.spacingHorizontalM,
  },
  h1: { margin: 0, fontSize: tokens.fontSizeBase600, lineHeight: tokens.lineHeightBase600 },
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  sectionHeader: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    justifyContent: "space-between",
    gap: tokens.spacingHorizontalM,
  },
  counts: {
    listStyleType: "none",
    margin: 0,
    padding: 0,
    display: "grid",
    gridTemplateColumns: "repeat(auto-fit, minmax(200px, 1fr))",
    gap: tokens.spacingHorizontalM,
  },
  count: { display: "flex", flexDirection: "column", alignItems: "flex-start", gap: tokens.spacingVerticalXS },
  number: { fontSize: tokens.fontSizeHero700, lineHeight: tokens.lineHeightHero700, fontWeight: 600 },
  numbers: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalL },
  table: { minWidth: "560px" },
});

/** Counts by status, each a link to the services list filtered by it. */
function Counts({ counts }: { counts: FleetSummary["counts"] }) {
  const styles = useStyles();
  const shared = useSharedStyles();
  return (
    <ul className={styles.counts} aria-label={en.fleet.countsLabel}>
      {FLEET_STATUSES.map((status) => (
        <li key={status} className={`${shared.surface} ${styles.count}`} data-count={status}>
          <StatusBadge status={status} size="medium" />
          <AppLink href={paths.services(status)}>
            <span className={styles.number} aria-hidden="true">
              {counts[status]}
            </span>
            <span className={shared.visuallyHidden}>{en.fleet.countLink(counts[status], statusLabel(status))}</span>
          </AppLink>
        </li>
      ))}
    </ul>
  );
}

/** The expiry weeks as a table: the chart's numbers, for screen readers and anyone who prefers them. */
function ExpiryTable({ weeks }: { weeks: FleetSummary["expiries"] }) {
  const styles = useStyles();
  return (
    <ScrollingTable
      label={en.fleet.tableCaption}
      tableClassName={styles.table}
      columns={[en.fleet.tableWeek, ...FLEET_STATUSES.map((s) => statusLabel(s)), en.fleet.tableTotal]}
      rows={weeks.map((w) => ({
        key: w.weekStart,
        cells: [weekLabel(w.weekStart), ...FLEET_STATUSES.map((s) => w.byStatus[s]), w.count],
      }))}
    />
  );
}

/** Around the chart: when its code cannot load (network, or a newer build), the table takes its place. */
class ChartBoundary extends Component<{ children: ReactNode; fallback: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override render(): ReactNode {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

/**
 * "Validate all": the button, then the run's progress with Cancel, then how it ended. Without `operate` (a Reader),
 * the progress of a run going on only.
 */
function ValidateAll({ state, operate }: { state: ReturnType<typeof useFleetRun>; operate: boolean }) {
  const shared = useSharedStyles();
  const styles = useStyles();
  const { run, problem, starting, cancelling } = state;
  const running = run?.status === "running";
  if (!operate && !run) return null;
  return (
    <section className={styles.section} aria-label={en.fleet.progressLabel}>
      {operate && (
        <div className={shared.actions}>
          <Button
            appearance="primary"
            icon={<ArrowSyncRegular />}
            disabled={starting || running}
            onClick={state.start}
            title={en.fleet.validateAllHint}
          >
            {starting ? en.fleet.starting : en.fleet.validateAll}
          </Button>
          {running && (
            <Button icon={<DismissRegular />} disabled={cancelling} onClick={state.cancel}>
              {cancelling ? en.fleet.cancelling : en.fleet.cancel}
            </Button>
          )}
        </div>
      )}
      {run && (
        <ProgressBar
          value={run.total === 0 ? (running ? 0 : 1) : run.done / run.total}
          thickness="large"
          aria-label={en.fleet.progressLabel}
          aria-valuetext={en.fleet.progress(run.done, run.total)}
        />
      )}
      <div aria-live="polite" className={styles.numbers} data-run={run?.status}>
        {run && (
          <>
            <Text weight="semibold" data-progress={`${run.done}/${run.total}`}>
              {running
                ? en.fleet.progress(run.done, run.total)
                : en.fleet.runEnded(en.fleet.runStatus[run.status], run.done, run.total, run.failed, run.unknown)}
            </Text>
            {running && <Text>{en.fleet.failed(run.failed)}</Text>}
            {running && <Text>{en.fleet.unknown(run.unknown)}</Text>}
          </>
        )}
      </div>
      {problem && (
        <MessageBar intent="error">
          <MessageBarBody>
            {en.fleet.runError} {problem.detail}
          </MessageBarBody>
        </MessageBar>
      )}
    </section>
  );
}

/** The fleet page (default export for React.lazy). */
export default function FleetPage() {
  const styles = useStyles();
  const { api } = useApp();
  const can = useCan();
  const fleet = useMemo(() => fleetApi(api), [api]);
  const [summary, setSummary] = useState<FleetSummary | undefined>(undefined);
  const [error, setError] = useState<ApiProblem | undefined>(undefined);
  const [reload, setReload] = useState(0);
  const [asTable, setAsTable] = useState(false);

  useEffect(() => {
    document.title = `${en.fleet.title} – ${en.app.productName}`;
    // The chart's code, in parallel with the data.
    void loadChart();
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `reload` is the Retry (and run ended) trigger
  useEffect(() => {
    const controller = new AbortController();
    setError(undefined);
    fleet.summary({ signal: controller.signal }).then(setSummary, (problem: ApiProblem) => {
      if (!controller.signal.aborted) setError(problem);
    });
    return () => controller.abort();
  }, [fleet, reload]);

  const refresh = useCallback((_run: FleetRun) => setReload((n) => n + 1), []);
  const retry = useCallback(() => setReload((n) => n + 1), []);
  const run = useFleetRun(fleet, refresh);
  // A run going on when the page opened (another operator's, the schedule's) is followed at once.
  const { attach } = run;
  const going = summary?.run;
  useEffect(() => {
    if (going?.status === "running") attach(going);
  }, [going, attach]);
  const needing = summary ? summary.counts.auth_failed + summary.counts.expiring + summary.counts.not_validated : 0;

  return (
    <div className={styles.page}>
      <div className={styles.header}>
        <h1 className={styles.h1}>{en.fleet.title}</h1>
        <AppLink href={paths.services()}>{en.app.backToServices}</AppLink>
      </div>

      <ValidateAll state={run} operate={can("operate")} />

      {error && (
        <RetryMessage onRetry={retry}>
          {en.fleet.loadError} {error.detail}
        </RetryMessage>
      )}
      {!error && summary === undefined && <Spinner label={en.fleet.loading} />}

      {summary && (
        <>
          <Counts counts={summary.counts} />

          <section className={styles.section} aria-labelledby="fleet-timeline">
            <div className={styles.sectionHeader}>
              <Subtitle2 as="h2" id="fleet-timeline">
                {en.fleet.timelineTitle}
              </Subtitle2>
              <Button aria-pressed={asTable} onClick={() => setAsTable((t) => !t)}>
                {en.fleet.showTable}
              </Button>
            </div>
            <Caption1>{en.fleet.timelineIntro}</Caption1>
            {asTable ? (
              <ExpiryTable weeks={summary.expiries} />
            ) : (
              <ChartBoundary
                fallback={
                  <>
                    <MessageBar intent="warning">
                      <MessageBarBody>{en.fleet.chartLoadError}</MessageBarBody>
                    </MessageBar>
                    <ExpiryTable weeks={summary.expiries} />
                  </>
                }
              >
                <Suspense fallback={<Spinner size="small" label={en.fleet.chartLoading} />}>
                  <ExpiryChart weeks={summary.expiries} />
                </Suspense>
              </ChartBoundary>
            )}
          </section>

          <section className={styles.section} aria-labelledby="fleet-attention">
            <Subtitle2 as="h2" id="fleet-attention">
              {en.fleet.attentionTitle}
            </Subtitle2>
            {summary.attention.length === 0 ? (
              <Body1>{en.fleet.attentionEmpty}</Body1>
            ) : (
              <>
                <ServicesList items={summary.attention} status={undefined} label={en.fleet.attentionLabel} />
                {needing > summary.attention.length && (
                  <Caption1>{en.fleet.attentionMore(summary.attention.length)}</Caption1>
                )}
              </>
            )}
          </section>
        </>
      )}
    </div>
  );
}
