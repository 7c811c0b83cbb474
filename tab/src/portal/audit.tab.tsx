/**
 * Audit section of the portal: the service's audit events, newest first (never a secret: the API keeps hints only).
 * Loaded on demand.
 */

import type { AuditEvent } from "@dr/contract";
import { Body1, makeStyles, Spinner } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import type { ApiProblem } from "../api/api.client";
import { useApp } from "../app/app.context";
import { RetryMessage } from "../components/retry-message";
import { ScrollingTable } from "../components/scrolling-table";
import { useSharedStyles } from "../components/shared.styles";
import { formatDateTime } from "../format/format";
import { en } from "../i18n/en";

const useStyles = makeStyles({ table: { minWidth: "480px" } });

/** Props of AuditTab. */
export interface AuditTabProps {
  serviceId: string;
}

/** The Audit section (default export for React.lazy). */
export default function AuditTab({ serviceId }: AuditTabProps) {
  const styles = useStyles();
  const shared = useSharedStyles();
  const { api } = useApp();
  const [items, setItems] = useState<AuditEvent[] | undefined>(undefined);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const [reload, setReload] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `reload` is the Retry trigger
  useEffect(() => {
    const controller = new AbortController();
    setProblem(undefined);
    api.getAudit(serviceId, { signal: controller.signal }).then(
      (body) => setItems(body.items),
      (p: ApiProblem) => {
        if (!controller.signal.aborted) setProblem(p);
      },
    );
    return () => controller.abort();
  }, [api, serviceId, reload]);

  if (problem) {
    return <RetryMessage onRetry={() => setReload((n) => n + 1)}>{problem.detail}</RetryMessage>;
  }
  if (!items) return <Spinner label={en.portal.auditLoading} />;
  if (items.length === 0) return <Body1>{en.portal.auditEmpty}</Body1>;
  return (
    <div className={shared.surface}>
      <ScrollingTable
        label={en.portal.auditLabel}
        tableClassName={styles.table}
        columns={[en.portal.auditTime, en.portal.auditActor, en.portal.auditAction, en.portal.auditOutcome]}
        rows={items.map((e) => ({ key: e.id, cells: [formatDateTime(e.at), e.actor, e.action, e.outcome] }))}
      />
    </div>
  );
}
