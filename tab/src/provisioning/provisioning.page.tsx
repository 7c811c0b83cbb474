/**
 * Automatic App registration in the tab (docs/product.md section 9): route `/provisioning/new` is the operator's
 * form, `/provisioning/{id}` one run followed live (the run view the customer's invitation page shares). A done run
 * continues in the wizard with the run chosen (`/services/new?provisioning=<id>`), which creates the service from
 * it. In sandbox mode the run view has the labelled "Sandbox sign-in". Loaded on demand, like every page.
 */
import type { Customer, ProvisioningRun } from "@dr/contract";
import { Body1, Button, MessageBar, MessageBarBody, makeStyles, Spinner, tokens } from "@fluentui/react-components";
import { ArrowRightRegular } from "@fluentui/react-icons";
import { useEffect, useMemo, useState } from "react";
import { useApp, useCan } from "../app/app.context";
import { navigate, paths } from "../app/router";
import { AppLink } from "../components/app-link";
import { RetryMessage } from "../components/retry-message";
import { useSharedStyles } from "../components/shared.styles";
import { en } from "../i18n/en";
import { operatorProvisioning, sandboxSignIn } from "./provisioning.api";
import { provisioningEn as t } from "./provisioning.en";
import { ProvisioningForm } from "./provisioning.form";
import { RunView } from "./run-view";
import { useProvisioningRun } from "./use-provisioning-run.hook";

const useStyles = makeStyles({
  page: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, minWidth: 0 },
  h1: { margin: 0, fontSize: tokens.fontSizeBase600, lineHeight: tokens.lineHeightBase600 },
  sub: { color: tokens.colorNeutralForeground2, overflowWrap: "anywhere" },
});

/** Props of the page: the run to follow, or none for the form. */
export interface ProvisioningPageProps {
  id?: string;
}

/** The page (default export for React.lazy). */
export default function ProvisioningPage({ id }: ProvisioningPageProps) {
  const styles = useStyles();
  const shared = useSharedStyles();
  const can = useCan();

  useEffect(() => {
    document.title = `${t.title} – ${en.app.productName}`;
  }, []);

  return (
    <div className={styles.page}>
      <div>
        <AppLink href={paths.services()}>{en.app.backToServices}</AppLink>
      </div>
      <h1 className={styles.h1}>{t.title}</h1>
      {!can("operate") ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>{t.notAllowed}</MessageBarBody>
        </MessageBar>
      ) : id ? (
        <FollowRun id={id} />
      ) : (
        <>
          <Body1 className={styles.sub}>{t.intro}</Body1>
          <div className={shared.surface}>
            <ProvisioningForm />
          </div>
        </>
      )}
    </div>
  );
}

/** One run, live. */
function FollowRun({ id }: { id: string }) {
  const styles = useStyles();
  const shared = useSharedStyles();
  const { api, settings } = useApp();
  const port = useMemo(() => operatorProvisioning(api), [api]);
  const sandbox = useMemo(() => (settings?.mode === "sandbox" ? sandboxSignIn(api) : undefined), [api, settings?.mode]);
  const followed = useProvisioningRun(port, id);
  const { run, problem } = followed;
  const [customers, setCustomers] = useState<Customer[] | undefined>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    api.listCustomers({ signal: controller.signal }).then(
      (body) => setCustomers(body.items),
      () => undefined, // only the customer's name is missing then
    );
    return () => controller.abort();
  }, [api]);

  if (problem) {
    const gone = problem.status === 404 || problem.status === 400;
    return (
      <RetryMessage {...(gone ? {} : { onRetry: followed.retry })}>
        {gone ? t.runNotFound : problem.detail}
      </RetryMessage>
    );
  }
  if (!run) return <Spinner label={t.loadingRun} />;

  const customer = customers?.find((c) => c.id === run.customerId)?.name;
  return (
    <>
      <Body1 className={styles.sub}>{t.runFor(run.appName, customer)}</Body1>
      <div className={shared.surface}>
        <RunView
          run={run}
          port={port}
          onRun={followed.apply}
          reconnecting={followed.reconnecting}
          sandbox={sandbox}
          onStartAgain={() => navigate(paths.provisioningNew(run.customerId))}
          doneContent={<DoneActions run={run} />}
        />
      </div>
    </>
  );
}

/** What follows a done run: the wizard with the run chosen, or the service already made from it. */
function DoneActions({ run }: { run: ProvisioningRun }) {
  const shared = useSharedStyles();
  if (run.serviceId) {
    return (
      <div className={shared.actions}>
        <Body1>{t.serviceMade}</Body1>
        <AppLink href={paths.portal(run.serviceId)}>{t.openService}</AppLink>
      </div>
    );
  }
  return (
    <div className={shared.actions}>
      <Button
        appearance="primary"
        icon={<ArrowRightRegular />}
        iconPosition="after"
        onClick={() => navigate(paths.wizardFromProvisioning(run.id))}
      >
        {t.continueToService}
      </Button>
    </div>
  );
}
