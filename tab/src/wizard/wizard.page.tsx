/**
 * The onboarding wizard (route `/services/new`): a controlled stepper over six steps with Back and Next.
 * The page owns the state (the persisted draft, the in-memory secret, the validation run, the name check) and the
 * transitions; the steps render fields. Steps 3 to 6 load on demand.
 */

import { type CreateServiceBody, type Customer, fieldMessage, shortNameSchema } from "@dr/contract";
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
import { type FormEvent, lazy, type ReactNode, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { ApiProblem } from "../api/api.client";
import { useApp, useCan } from "../app/app.context";
import { setFlash } from "../app/flash";
import { navigate, paths } from "../app/router";
import { AppLink } from "../components/app-link";
import { useSharedStyles } from "../components/shared.styles";
import { parseUsers } from "../format/field-rules";
import { en } from "../i18n/en";
import { CustomerStep } from "./customer.step";
import { type NameCheckState, ServiceStep } from "./service.step";
import { checkSubdomainNow, effectiveLabel, useSubdomainCheck } from "./subdomain-check";
import {
  CREDENTIALS_STEP,
  clearDraft,
  credentialsKey,
  draftHasInput,
  emptyDraft,
  loadDraft,
  newIdempotencyKey,
  saveDraft,
  WIZARD_STEPS,
  type WizardDraft,
} from "./wizard.state";
import type { ValidationRun } from "./wizard.types";
import { credentialsErrors, isClean, newCustomerErrors, serviceErrors, subdomainError } from "./wizard.validation";
import { WizardStepper } from "./wizard-stepper";

const loadCredentials = () => import("./credentials.step");
const loadM365 = () => import("./m365-settings.step");
const loadDirectRouting = () => import("./direct-routing.step");
const loadSummary = () => import("./summary.step");
const CredentialsStep = lazy(loadCredentials);
const M365SettingsStep = lazy(loadM365);
const DirectRoutingStep = lazy(loadDirectRouting);
const SummaryStep = lazy(loadSummary);

/** Debounce of the live short-name uniqueness check. */
const NAME_CHECK_DELAY_MS = 300;

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

const STEP_NAMES = WIZARD_STEPS.map((id) => en.wizard.steps[id]);

function emptyCustomerForm(): WizardDraft["newCustomer"] {
  return { name: "", contactEmail: "", note: "" };
}

/** The wizard page (default export for React.lazy). */
export default function WizardPage() {
  const styles = useStyles();
  const shared = useSharedStyles();
  const { api } = useApp();
  const can = useCan();

  const [initial] = useState(loadDraft);
  const [draft, setDraft] = useState<WizardDraft>(() => initial ?? emptyDraft());
  const [restored, setRestored] = useState(() => initial !== undefined && draftHasInput(initial));
  const [secret, setSecret] = useState("");
  const [submittedStep, setSubmittedStep] = useState<number | undefined>(undefined);
  const [run, setRun] = useState<ValidationRun | undefined>(undefined);
  const [nameCheck, setNameCheck] = useState<NameCheckState>({ state: "idle" });
  const [subdomainCheck, setSubdomainCheck] = useSubdomainCheck(api, effectiveLabel(draft));
  const [customers, setCustomers] = useState<Customer[] | undefined>(undefined);
  const [customersFailed, setCustomersFailed] = useState(false);
  const [customersReload, setCustomersReload] = useState(0);
  const [busy, setBusy] = useState<"customer" | "name" | "create" | undefined>(undefined);
  const [stepProblem, setStepProblem] = useState<ApiProblem | undefined>(undefined);
  const [createProblem, setCreateProblem] = useState<ApiProblem | undefined>(undefined);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const validationAbort = useRef<AbortController | undefined>(undefined);
  const finished = useRef(false);
  const firstStepRender = useRef(true);

  const step = draft.step;
  const stepId = WIZARD_STEPS[step] ?? "customer";
  const key = credentialsKey(draft, secret);
  const currentRun = run?.key === key ? run : undefined;
  const okReport = currentRun?.report?.ok ? currentRun.report : undefined;

  const update = useCallback((patch: Partial<WizardDraft>) => setDraft((d) => ({ ...d, ...patch })), []);

  useEffect(() => {
    document.title = `${en.wizard.title} – ${en.app.productName}`;
    return () => validationAbort.current?.abort();
  }, []);

  // Persist every change (the draft type has no secret field); not after Create, which cleared it.
  useEffect(() => {
    if (!finished.current) saveDraft(draft);
  }, [draft]);

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
      void loadSummary();
    }
  }, [step]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `customersReload` is the Retry trigger
  useEffect(() => {
    const controller = new AbortController();
    setCustomersFailed(false);
    api.listCustomers({ signal: controller.signal }).then(
      (body) => setCustomers(body.items),
      () => {
        if (!controller.signal.aborted) setCustomersFailed(true);
      },
    );
    return () => controller.abort();
  }, [api, customersReload]);

  // Live uniqueness check of the short name, debounced; only for names that pass the offline rules.
  useEffect(() => {
    const name = draft.shortName;
    if (fieldMessage(shortNameSchema, name) !== undefined) {
      setNameCheck({ state: "idle" });
      return;
    }
    setNameCheck((prev) => (prev.state === "taken" && prev.name === name ? prev : { state: "checking", name }));
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api.checkName(name, { signal: controller.signal }).then(
        (result) =>
          setNameCheck(
            result.ok
              ? { state: "ok", name }
              : { state: "taken", name, message: result.problems[0]?.message ?? en.wizard.nameTakenBack },
          ),
        () => {
          if (!controller.signal.aborted) setNameCheck({ state: "error", name });
        },
      );
    }, NAME_CHECK_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, draft.shortName]);

  const goTo = (index: number) => {
    setSubmittedStep(undefined);
    setStepProblem(undefined);
    update({ step: index });
  };

  const startValidation = async () => {
    validationAbort.current?.abort();
    const controller = new AbortController();
    validationAbort.current = controller;
    const runKey = key;
    setRun({ running: true, checks: [], key: runKey });
    try {
      const report = await api.validate(
        { tenantId: draft.tenantId, clientId: draft.clientId, clientSecret: secret, cloud: draft.cloud },
        (check) =>
          setRun((r) =>
            r && r.key === runKey ? { ...r, checks: [...r.checks.filter((c) => c.id !== check.id), check] } : r,
          ),
        { signal: controller.signal },
      );
      setRun({ running: false, checks: report.checks, report, key: runKey });
    } catch (error) {
      if (controller.signal.aborted) return;
      const problem = error instanceof ApiProblem ? error : new ApiProblem({ status: 0, code: "network" });
      setRun((r) => ({
        running: false,
        checks: problem.report?.checks ?? r?.checks ?? [],
        report: problem.report,
        problem,
        key: runKey,
      }));
    }
  };

  const create = async (idempotencyKey = draft.idempotencyKey, retried = false): Promise<void> => {
    if (!okReport || !draft.customerId || !draft.licenseType) return;
    const label = draft.subdomainLabel;
    const body: CreateServiceBody = {
      customerId: draft.customerId,
      shortName: draft.shortName,
      ...(draft.fullName.trim() ? { fullName: draft.fullName.trim() } : {}),
      licenseType: draft.licenseType,
      licensedUsers: parseUsers(draft.licensedUsers),
      m365: { tenantId: draft.tenantId, clientId: draft.clientId, clientSecret: secret, cloud: draft.cloud },
      directRouting: {
        ...(draft.m365Domain ? { m365Domain: draft.m365Domain } : {}),
        ...(draft.sbcRegion ? { sbcRegion: draft.sbcRegion } : {}),
        ...(label !== undefined ? { subdomainLabel: label } : {}),
      },
    };
    setBusy("create");
    setCreateProblem(undefined);
    try {
      const service = await api.createService(body, idempotencyKey);
      finished.current = true;
      clearDraft();
      setFlash(en.services.created(service.shortName));
      navigate(paths.services());
    } catch (error) {
      const problem = error instanceof ApiProblem ? error : new ApiProblem({ status: 0, code: "network" });
      setBusy(undefined);
      // A definitive refusal means the next attempt sends another body: it needs a new key. Network trouble and
      // 5xx keep the key, so a retry of a request that did land answers the first 201 again.
      const definitive = problem.status >= 400 && problem.status < 500 && problem.status !== 429;
      const freshKey = newIdempotencyKey();
      if (definitive) update({ idempotencyKey: freshKey });
      if (problem.errors.some((e) => e.code === "idempotency_key_reused") && !retried) {
        return create(freshKey, true);
      }
      if (problem.status === 409 && problem.code === "subdomain_taken") {
        const label = effectiveLabel(draft);
        const message =
          problem.errors.find((e) => e.path === "directRouting.subdomainLabel")?.message ?? en.wizard.subdomainTaken;
        setSubdomainCheck({ state: "taken", label, message });
        const back = WIZARD_STEPS.indexOf("directRouting");
        setSubmittedStep(back);
        update({ step: back });
        return;
      }
      if (problem.status === 409) {
        const message = problem.errors.find((e) => e.path === "shortName")?.message ?? en.wizard.nameTakenBack;
        setNameCheck({ state: "taken", name: draft.shortName, message });
        setSubmittedStep(1);
        update({ step: 1 });
        return;
      }
      setCreateProblem(problem);
    }
  };

  const next = async () => {
    // Enter in a field submits the form even while the Next button is only aria-disabled.
    if (busy !== undefined) return;
    setStepProblem(undefined);
    switch (stepId) {
      case "customer": {
        const known = customers ?? [];
        const newMode = draft.customerMode === "new" || known.length === 0;
        if (!newMode) {
          if (!known.some((c) => c.id === draft.customerId)) return setSubmittedStep(step);
          return goTo(step + 1);
        }
        if (!isClean(newCustomerErrors(draft))) return setSubmittedStep(step);
        setBusy("customer");
        try {
          const c = draft.newCustomer;
          const customer = await api.createCustomer({
            name: c.name.trim(),
            ...(c.contactEmail.trim() ? { contactEmail: c.contactEmail.trim() } : {}),
            ...(c.note.trim() ? { note: c.note } : {}),
          });
          setCustomers([...known, customer]);
          update({
            customerId: customer.id,
            customerName: customer.name,
            customerMode: "existing",
            newCustomer: emptyCustomerForm(),
          });
          goTo(step + 1);
        } catch (error) {
          setStepProblem(error instanceof ApiProblem ? error : undefined);
        } finally {
          setBusy(undefined);
        }
        return;
      }
      case "service": {
        if (!isClean(serviceErrors(draft))) return setSubmittedStep(step);
        if (nameCheck.state === "taken" && nameCheck.name === draft.shortName) return setSubmittedStep(step);
        if (!(nameCheck.state === "ok" && nameCheck.name === draft.shortName)) {
          // The debounced check has not answered yet: ask now rather than let the operator past a taken name.
          setBusy("name");
          try {
            const result = await api.checkName(draft.shortName);
            if (!result.ok) {
              setNameCheck({
                state: "taken",
                name: draft.shortName,
                message: result.problems[0]?.message ?? en.wizard.nameTakenBack,
              });
              return setSubmittedStep(step);
            }
            setNameCheck({ state: "ok", name: draft.shortName });
          } catch {
            // The server checks again on Create; do not block the operator on a flaky check.
          } finally {
            setBusy(undefined);
          }
        }
        return goTo(step + 1);
      }
      case "credentials": {
        if (!draft.useKnownApp || !isClean(credentialsErrors(draft, secret))) return setSubmittedStep(step);
        if (okReport) return goTo(step + 1);
        if (currentRun?.running) return;
        return startValidation();
      }
      case "m365":
        return goTo(step + 1);
      case "directRouting": {
        const label = effectiveLabel(draft);
        if (subdomainError(label)) return setSubmittedStep(step);
        if (subdomainCheck.state === "taken" && subdomainCheck.label === label) return setSubmittedStep(step);
        if (!(subdomainCheck.state === "ok" && subdomainCheck.label === label)) {
          // Not answered yet: ask now rather than let the operator reach Create with a taken sub-domain.
          setBusy("name");
          try {
            const result = await checkSubdomainNow(api, label);
            setSubdomainCheck(result);
            if (result.state === "taken") return setSubmittedStep(step);
          } catch {
            // The server checks again on Create.
          } finally {
            setBusy(undefined);
          }
        }
        return goTo(step + 1);
      }
      case "summary":
        return create();
    }
  };

  const startOver = () => {
    validationAbort.current?.abort();
    clearDraft();
    setDraft(emptyDraft());
    setSecret("");
    setRun(undefined);
    setSubmittedStep(undefined);
    setStepProblem(undefined);
    setCreateProblem(undefined);
    setRestored(false);
    setNameCheck({ state: "idle" });
    headingRef.current?.focus();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void next();
  };

  const submitted = submittedStep === step;
  const stepProps = { draft, update, submitted };
  // Steps after the credentials need an ok report; without one (e.g. the secret was edited), go back there.
  const needsReport = step > CREDENTIALS_STEP && !okReport;
  useEffect(() => {
    if (needsReport) update({ step: CREDENTIALS_STEP });
  }, [needsReport, update]);

  const blocked =
    busy !== undefined ||
    (stepId === "credentials" && currentRun !== undefined && (currentRun.running || !currentRun.report?.ok));
  const isLast = stepId === "summary";

  let body: ReactNode;
  if (stepId === "customer")
    body = (
      <CustomerStep
        {...stepProps}
        customers={customers}
        customersFailed={customersFailed}
        reloadCustomers={() => setCustomersReload((n) => n + 1)}
        creating={busy === "customer"}
      />
    );
  else if (stepId === "service") body = <ServiceStep {...stepProps} nameCheck={nameCheck} />;
  else if (stepId === "credentials")
    body = (
      <CredentialsStep
        {...stepProps}
        secret={secret}
        setSecret={setSecret}
        run={run}
        onRetry={() => void startValidation()}
      />
    );
  else if (okReport && stepId === "m365") body = <M365SettingsStep {...stepProps} report={okReport} />;
  else if (okReport && stepId === "directRouting")
    body = <DirectRoutingStep {...stepProps} subdomainCheck={subdomainCheck} />;
  else if (okReport && stepId === "summary")
    body = <SummaryStep {...stepProps} secret={secret} report={okReport} createProblem={createProblem} />;

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
      {restored && (
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
            {en.wizard.steps[stepId]}
          </h2>
        </div>
        {stepProblem && (
          <MessageBar intent="error">
            <MessageBarBody>{stepProblem.detail}</MessageBarBody>
          </MessageBar>
        )}
        <Suspense fallback={<Spinner label={en.wizard.loadingStep} />}>{body}</Suspense>
        <div className={styles.nav}>
          <div className={styles.navMain}>
            <Button
              icon={<ArrowLeftRegular />}
              disabled={step === 0 || busy !== undefined}
              onClick={() => goTo(step - 1)}
            >
              {en.wizard.back}
            </Button>
            <Button
              type="submit"
              appearance="primary"
              icon={busy === "create" ? <Spinner size="tiny" /> : isLast ? <CheckmarkRegular /> : <ArrowRightRegular />}
              iconPosition={isLast ? "before" : "after"}
              disabledFocusable={blocked}
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
