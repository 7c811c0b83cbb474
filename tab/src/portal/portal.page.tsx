/**
 * The service portal (route `/services/:id`, `?tab=general|m365|audit`): the service's name and status, and its
 * sections as tabs. Loaded on demand, as is its Audit tab.
 */

import type { Service } from "@dr/contract";
import {
  Body1,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  Tab,
  TabList,
  tokens,
} from "@fluentui/react-components";
import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import type { ApiProblem } from "../api/api.client";
import { useApp } from "../app/app.context";
import { useFlash } from "../app/flash";
import { paths, setQueryParam, useLocation } from "../app/router";
import { AppLink } from "../components/app-link";
import { RetryMessage } from "../components/retry-message";
import { StatusBadge } from "../components/status-badge";
import { en } from "../i18n/en";
import { GeneralTab } from "./general.tab";
import { M365Tab } from "./m365.tab";

const AuditTab = lazy(() => import("./audit.tab"));

/** The portal's sections, in tab order. */
export const PORTAL_TABS = ["general", "m365", "audit"] as const;
/** One section. */
export type PortalTab = (typeof PORTAL_TABS)[number];

const TAB_LABELS: Record<PortalTab, string> = {
  general: en.portal.tabGeneral,
  m365: en.portal.tabM365,
  audit: en.portal.tabAudit,
};

const useStyles = makeStyles({
  page: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, minWidth: 0 },
  header: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalM },
  h1: {
    margin: 0,
    fontSize: tokens.fontSizeBase600,
    lineHeight: tokens.lineHeightBase600,
    overflowWrap: "anywhere",
  },
  sub: { color: tokens.colorNeutralForeground2 },
  tabs: { overflowX: "auto", maxWidth: "100%" },
});

/** Props of PortalPage. */
export interface PortalPageProps {
  id: string;
}

/** The portal page (default export for React.lazy). */
export default function PortalPage({ id }: PortalPageProps) {
  const styles = useStyles();
  const { api } = useApp();
  const { search } = useLocation();
  const tabParam = search.get("tab");
  const tab: PortalTab = (PORTAL_TABS as readonly string[]).includes(tabParam ?? "")
    ? (tabParam as PortalTab)
    : "general";
  const [service, setService] = useState<Service | undefined>(undefined);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const [reload, setReload] = useState(0);
  // "Service X created." when the wizard ended here (a service made from a provisioning run).
  const flash = useFlash();

  // biome-ignore lint/correctness/useExhaustiveDependencies: `reload` is the Retry trigger
  useEffect(() => {
    const controller = new AbortController();
    setProblem(undefined);
    api.getService(id, { signal: controller.signal }).then(setService, (p: ApiProblem) => {
      if (!controller.signal.aborted) setProblem(p);
    });
    return () => controller.abort();
  }, [api, id, reload]);

  useEffect(() => {
    document.title = `${service?.shortName ?? en.portal.loading} – ${en.app.productName}`;
  }, [service?.shortName]);

  /** Re-reads the service after a change elsewhere on the page (status, expiry). */
  const refresh = useCallback(() => {
    api.getService(id).then(setService, () => {
      // The section that changed shows its own outcome; a failed header refresh is not worth an error.
    });
  }, [api, id]);

  if (problem) {
    return (
      <div className={styles.page}>
        <div>
          <AppLink href={paths.services()}>{en.app.backToServices}</AppLink>
        </div>
        <h1 className={styles.h1}>
          {problem.status === 404 || problem.status === 400 ? en.app.notFoundTitle : en.portal.loadError}
        </h1>
        <RetryMessage
          {...(problem.status !== 404 && problem.status !== 400 ? { onRetry: () => setReload((n) => n + 1) } : {})}
        >
          {problem.detail}
        </RetryMessage>
      </div>
    );
  }
  if (!service || service.id !== id) {
    return (
      <div className={styles.page}>
        <h1 className={styles.h1}>{en.portal.loading}</h1>
        <Spinner />
      </div>
    );
  }

  return (
    <div className={styles.page}>
      <div>
        <AppLink href={paths.services()}>{en.app.backToServices}</AppLink>
      </div>
      <div className={styles.header}>
        <h1 className={styles.h1}>{service.shortName}</h1>
        <StatusBadge status={service.status} daysUntilExpire={service.m365.daysUntilExpire} />
      </div>
      <Body1 className={styles.sub}>{[service.fullName, service.customerName].filter(Boolean).join(" · ")}</Body1>
      {flash && (
        <MessageBar intent="success">
          <MessageBarBody>{flash}</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.tabs}>
        <TabList
          aria-label={en.portal.tabsLabel}
          selectedValue={tab}
          onTabSelect={(_, data) => setQueryParam("tab", data.value === "general" ? undefined : String(data.value))}
        >
          {PORTAL_TABS.map((t) => (
            <Tab key={t} id={`portal-tab-${t}`} value={t} aria-controls={`portal-panel-${t}`}>
              {TAB_LABELS[t]}
            </Tab>
          ))}
        </TabList>
      </div>
      <div role="tabpanel" id={`portal-panel-${tab}`} aria-labelledby={`portal-tab-${tab}`}>
        {tab === "general" && <GeneralTab service={service} onSaved={setService} />}
        {tab === "m365" && <M365Tab service={service} onChanged={refresh} />}
        {tab === "audit" && (
          <Suspense fallback={<Spinner label={en.portal.auditLoading} />}>
            <AuditTab serviceId={service.id} />
          </Suspense>
        )}
      </div>
    </div>
  );
}
