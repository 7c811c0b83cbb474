/**
 * The onboarding wizard (route `/services/new`): a controlled stepper over seven steps with Back and Next. The state
 * and the transitions live in useWizard() (use-wizard.ts); this page renders them, moves focus to each new step's
 * heading and loads steps 3 to 7 on demand.
 */

import {
  Button,
  Caption1,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  makeStyles,
  Spinner,
  tokens,
} from "@fluentui/react-components";
import { ArrowLeftRegular, ArrowResetRegular, ArrowRightRegular, CheckmarkRegular } from "@fluentui/react-icons";
import { type FormEvent, lazy, type ReactNode, Suspense, useEffect, useRef } from "react";
import { useCan } from "../app/app.context";
import { paths } from "../app/router";
import { AppLink } from "../components/app-link";
import { useSharedStyles } from "../components/shared.styles";
import { en } from "../i18n/en";
import { tenantLabel } from "../invitations/invitation.format";
import { invitationsEn } from "../invitations/invitations.en";
import { CustomerStep } from "./customer.step";
import { readinessEn } from "./readiness.en";
import { ServiceStep } from "./service.step";
import { useWizard } from "./use-wizard";
import { WIZARD_STEPS, type WizardStepId } from "./wizard.state";
import { WizardStepper } from "./wizard-stepper";

const loadCredentials = () => import("./credentials.step");
const loadM365 = () => import("./m365-settings.step");
const loadDirectRouting = () => import("./direct-routing.step");
const loadReadiness = () => import("./readiness.step");
const loadSummary = () => import("./summary.step");
const CredentialsStep = lazy(loadCredentials);
const M365SettingsStep = lazy(loadM365);
const DirectRoutingStep = lazy(loadDirectRouting);
const ReadinessStep = lazy(loadReadiness);
const SummaryStep = lazy(loadSummary);

const useStyles = makeStyles({
  page: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, minWidth: 0 },
  h1: { margin: 0, fontSize: tokens.fontSizeBase600, lineHeight: tokens.lineHeightBase600 },
  h2: {
    margin: 0,
    fontSize: tokens.fontSizeBase500,
    lineHeight: tokens.lineHeightBase500,
    fontWeight: tokens.fontWeightSemibold,
  },
  stepHead: { display: "flex", flexDirection: "column", marginBottom: tokens.spacingVerticalL },
  nav: {
    display: "flex",
    flexWrap: "wrap",
    gap: tokens.spacingHorizontalS,
    justifyContent: "space-between",
    marginTop: tokens.spacingVerticalXL,
  },
  navMain: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS },
});

/** A step's name: the wizard's words, and readiness's own. */
const stepName = (id: WizardStepId): string => (id === "readiness" ? readinessEn.step : en.wizard.steps[id]);
const STEP_NAMES = WIZARD_STEPS.map(stepName);

/** The wizard page (default export for React.lazy). */
export default function WizardPage() {
  const styles = useStyles();
  const shared = useSharedStyles();
  const can = useCan();
  const wizard = useWizard();
  const { state, step, stepId, invitation, provisioning } = wizard;
  // A provisioning run's own validation report reads the tenant's domains for the M365 settings step.
  const okReport = provisioning?.result?.report ?? wizard.okReport;
  const busy = state.busy;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstStepRender = useRef(true);

  useEffect(() => {
    document.title = `${en.wizard.title} – ${en.app.productName}`;
  }, []);

  // Move focus to the new step's heading, as a page change would, so keyboard and screen-reader users follow.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on purpose whenever the step changes
  useEffect(() => {
    if (firstStepRender.current) {
      firstStepRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  // Warm the later steps' chunk once the operator is past the first step, so Next never waits for it.
  useEffect(() => {
    if (step >= 1) {
      void loadCredentials();
      void loadM365();
      void loadDirectRouting();
      void loadReadiness();
      void loadSummary();
    }
  }, [step]);

  const startOver = () => {
    wizard.startOver();
    headingRef.current?.focus();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void wizard.next();
  };

  const stepProps = { draft: state.draft, update: wizard.update, submitted: wizard.submitted };
  const isLast = wizard.isLast;

  let body: ReactNode;
  if (stepId === "customer")
    body = (
      <CustomerStep
        {...stepProps}
        customers={state.customers}
        customersFailed={state.customersFailed}
        reloadCustomers={wizard.reloadCustomers}
        creating={busy === "customer"}
      />
    );
  else if (stepId === "service") body = <ServiceStep {...stepProps} nameCheck={state.nameCheck} />;
  else if (stepId === "credentials")
    body = (
      <CredentialsStep
        {...stepProps}
        secret={state.secret}
        setSecret={wizard.setSecret}
        certificate={state.certificate}
        setCertificate={wizard.setCertificate}
        run={wizard.run}
        onRetry={wizard.retryValidation}
        invitations={wizard.customerInvitations}
        provisioningRun={wizard.provisioningRun}
        provisioning={provisioning}
      />
    );
  else if (invitation && !provisioning && stepId === "m365")
    // From an invitation there is no report here (the server validates on Create): the tenant and its initial domain.
    body = (
      <MessageBar intent="info" layout="multiline">
        <MessageBarBody>
          {invitationsEn.invitationTenant}: {tenantLabel(invitation.tenant)}. {invitationsEn.initialDomain}
        </MessageBarBody>
      </MessageBar>
    );
  else if (okReport && stepId === "m365") body = <M365SettingsStep {...stepProps} report={okReport} />;
  else if ((okReport || invitation) && stepId === "directRouting")
    body = <DirectRoutingStep {...stepProps} subdomainCheck={state.subdomainCheck} />;
  else if ((okReport || invitation) && stepId === "readiness")
    body = (
      <ReadinessStep
        {...stepProps}
        secret={state.secret}
        certificate={state.certificate}
        typedCredentials={!invitation && !provisioning && okReport !== undefined}
      />
    );
  else if ((okReport || invitation) && stepId === "summary")
    body = (
      <SummaryStep
        {...stepProps}
        secret={state.secret}
        report={invitation && !provisioning ? undefined : okReport}
        invitation={provisioning ? undefined : invitation}
        provisioning={provisioning}
        createProblem={state.createProblem}
      />
    );

  const heading = (
    <>
      <div>
        <AppLink href={paths.services()}>{en.app.backToServices}</AppLink>
      </div>
      <h1 className={styles.h1}>{en.wizard.title}</h1>
    </>
  );
  if (!can("operate")) {
    return (
      <div className={styles.page}>
        {heading}
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>{en.wizard.notAllowed}</MessageBarBody>
        </MessageBar>
      </div>
    );
  }

  return (
    <div className={styles.page}>
      {heading}
      {state.restored && (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>{en.wizard.restored}</MessageBarBody>
          <MessageBarActions>
            <Button onClick={startOver}>{en.wizard.startOver}</Button>
          </MessageBarActions>
        </MessageBar>
      )}
      <WizardStepper steps={STEP_NAMES} current={step} />
      <form className={shared.surface} onSubmit={onSubmit} noValidate aria-labelledby="wizard-step-heading">
        <div className={styles.stepHead}>
          <Caption1>{en.wizard.stepOf(step + 1, WIZARD_STEPS.length)}</Caption1>
          <h2 id="wizard-step-heading" ref={headingRef} tabIndex={-1} className={styles.h2}>
            {stepName(stepId)}
          </h2>
        </div>
        {state.stepProblem && (
          <MessageBar intent="error">
            <MessageBarBody>{state.stepProblem.detail}</MessageBarBody>
          </MessageBar>
        )}
        <Suspense fallback={<Spinner label={en.wizard.loadingStep} />}>{body}</Suspense>
        <div className={styles.nav}>
          <div className={styles.navMain}>
            <Button
              icon={<ArrowLeftRegular />}
              disabled={step === 0 || busy !== undefined}
              onClick={() => wizard.goTo(step - 1)}
            >
              {en.wizard.back}
            </Button>
            <Button
              type="submit"
              appearance="primary"
              icon={busy === "create" ? <Spinner size="tiny" /> : isLast ? <CheckmarkRegular /> : <ArrowRightRegular />}
              iconPosition={isLast ? "before" : "after"}
              disabledFocusable={wizard.blocked}
            >
              {isLast ? en.wizard.create : en.wizard.next}
            </Button>
          </div>
          <Button appearance="subtle" icon={<ArrowResetRegular />} onClick={startOver} disabled={busy !== undefined}>
            {en.wizard.startOver}
          </Button>
        </div>
      </form>
    </div>
  );
}
