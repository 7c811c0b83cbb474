/**
 * "Direct Routing readiness" on the service's Microsoft 365 page (docs/product.md section 10): the last report (GET
 * /api/services/{id}/readiness; 404 until the first), and "Check readiness" (POST …/readiness/check), each check with
 * its remedy. It reports only: the service's credential status is not its business.
 */
import type { ReadinessReport } from "@dr/contract";
import {
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Spinner,
  Subtitle2,
  Text,
  tokens,
} from "@fluentui/react-components";
import { ArrowSyncRegular } from "@fluentui/react-icons";
import { useCallback, useEffect, useState } from "react";
import { ApiProblem } from "../api/api.client";
import { useApp, useCan } from "../app/app.context";
import { useSharedStyles } from "../components/shared.styles";
import { formatDateTime } from "../format/format";
import { readinessEn } from "../wizard/readiness.en";
import { ReadinessList } from "../wizard/readiness.list";

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, minWidth: 0 },
  head: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalM },
});

/** Props of ReadinessSection. */
export interface ReadinessSectionProps {
  serviceId: string;
}

/** The section (default export for React.lazy). */
export default function ReadinessSection({ serviceId }: ReadinessSectionProps) {
  const styles = useStyles();
  const shared = useSharedStyles();
  const { api } = useApp();
  const can = useCan();
  const [report, setReport] = useState<ReadinessReport | undefined>();
  const [loaded, setLoaded] = useState(false);
  const [running, setRunning] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | undefined>();

  useEffect(() => {
    const controller = new AbortController();
    api
      .request<ReadinessReport>("GET", `/api/services/${encodeURIComponent(serviceId)}/readiness`, {
        signal: controller.signal,
      })
      .then(
        (answer) => setReport(answer),
        (error: unknown) => {
          // 404: never checked yet, which the section says; anything else is shown.
          if (error instanceof ApiProblem && error.status !== 404 && !controller.signal.aborted) setProblem(error);
        },
      )
      .finally(() => {
        if (!controller.signal.aborted) setLoaded(true);
      });
    return () => controller.abort();
  }, [api, serviceId]);

  const check = useCallback(async () => {
    setRunning(true);
    setProblem(undefined);
    try {
      setReport(
        await api.request<ReadinessReport>("POST", `/api/services/${encodeURIComponent(serviceId)}/readiness/check`),
      );
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem({ status: 0, code: "network" }));
    } finally {
      setRunning(false);
    }
  }, [api, serviceId]);

  return (
    <section className={`${shared.surface} ${styles.section}`} aria-labelledby="readiness-heading">
      <div className={styles.head}>
        <Subtitle2 as="h2" id="readiness-heading">
          {readinessEn.title}
        </Subtitle2>
        {can("operate") && (
          <Button
            icon={running ? <Spinner size="tiny" /> : <ArrowSyncRegular />}
            disabledFocusable={running}
            onClick={() => void check()}
          >
            {readinessEn.check}
          </Button>
        )}
      </div>
      {!loaded && <Spinner size="tiny" label={readinessEn.running} />}
      {problem && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{readinessEn.failed}</MessageBarTitle>
            {problem.detail}
          </MessageBarBody>
        </MessageBar>
      )}
      {loaded && !report && !running && !problem && <Text>{readinessEn.never}</Text>}
      {report && (
        <>
          <MessageBar intent={report.ok ? "success" : "warning"} layout="multiline">
            <MessageBarBody>{report.ok ? readinessEn.ready : readinessEn.notReady}</MessageBarBody>
          </MessageBar>
          <Caption1>
            {readinessEn.startedAt(formatDateTime(report.startedAt))}
            {report.sbcFqdn ? ` · ${readinessEn.checkedFor(report.sbcFqdn)}` : ""}
          </Caption1>
        </>
      )}
      <div aria-live="polite" className={shared.visuallyHidden}>
        {running ? readinessEn.running : ""}
      </div>
      {(report || running) && <ReadinessList report={running ? undefined : report} running={running} />}
    </section>
  );
}
