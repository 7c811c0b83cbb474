/**
 * The onboarding wizard as a hook: the state (wizard.reducer.ts), its persistence, the live checks of the short name
 * and the SBC sub-domain, the customers list, the validation run (useValidationRun) and the transitions of Back,
 * Next, Create and Start over. The wizard page only renders what this returns.
 */
import type { CreateServiceBody, Invitation, ProvisioningRun, ValidationReport } from "@dr/contract";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { ApiProblem, type ServiceFromInvitationBody, type ServiceFromProvisioningBody } from "../api/api.client";
import { useApp } from "../app/app.context";
import { setFlash } from "../app/flash";
import { navigate, paths, setQueryParam, useLocation } from "../app/router";
import { type RunState, useValidationRun } from "../components/use-validation-run.hook";
import { type CertificateInput, credentialBody } from "../format/certificate-input";
import { parseUsers } from "../format/field-rules";
import { en } from "../i18n/en";
import { completedOf } from "../invitations/invitation.format";
import { invitationsEn } from "../invitations/invitations.en";
import { operatorProvisioning } from "../provisioning/provisioning.api";
import { provisioningEn } from "../provisioning/provisioning.en";
import { checkNameNow, useNameCheck } from "./name-check";
import { checkSubdomainNow, effectiveLabel, useSubdomainCheck } from "./subdomain-check";
import { initialWizardState, isSubmitted, stepIdOf, type WizardState, wizardReducer } from "./wizard.reducer";
import {
  CREDENTIALS_STEP,
  clearDraft,
  credentialsKey,
  emptyDraft,
  loadDraft,
  newIdempotencyKey,
  saveDraft,
  WIZARD_STEPS,
  type WizardDraft,
  type WizardStepId,
} from "./wizard.state";
import { credentialsErrors, isClean, newCustomerErrors, serviceErrors, subdomainError } from "./wizard.validation";

/** What the wizard page renders from, and what its controls call. */
export interface Wizard {
  state: WizardState;
  step: number;
  stepId: WizardStepId;
  /** Next was refused on this step: show every message. */
  submitted: boolean;
  /** The latest validation run, whichever values it was for (the credentials step tells). */
  run: RunState | undefined;
  /** The report of a passed run for the values on screen; the steps after the credentials need it (or an invitation). */
  okReport: ValidationReport | undefined;
  /** The completed invitations of the chosen customer (undefined while loading). */
  customerInvitations: Invitation[] | undefined;
  /** The completed invitation whose credentials Create uses ("Pending invitation"), when one is chosen. */
  invitation: Invitation | undefined;
  /**
   * The chosen provisioning run as last read (undefined while loading or when none is chosen); the credentials
   * step shows it, usable or not.
   */
  provisioningRun: ProvisioningRun | undefined;
  /** The finished run whose App registration Create uses ("From automatic registration"), when it can be used. */
  provisioning: ProvisioningRun | undefined;
  /** Next is not available now (something in flight, or the credentials have no passed run). */
  blocked: boolean;
  isLast: boolean;
  update(patch: Partial<WizardDraft>): void;
  setSecret(value: string): void;
  /** The certificate in place of the secret (memory only). */
  setCertificate(value: CertificateInput): void;
  goTo(step: number): void;
  /** Next (Create on the last step): checks the step, asks the server where needed, moves on. */
  next(): Promise<void>;
  /** Forgets the draft, the secret and the run. */
  startOver(): void;
  retryValidation(): void;
  reloadCustomers(): void;
}

/** The wizard's state and transitions. */
export function useWizard(): Wizard {
  const { api } = useApp();
  const [state, dispatch] = useReducer(wizardReducer, undefined, () => initialWizardState(loadDraft(), emptyDraft));
  const validation = useValidationRun();
  // After Create the draft is cleared and must not be written back.
  const finished = useRef(false);

  const { draft, secret, certificate, busy, customers, nameCheck, subdomainCheck } = state;
  const step = draft.step;
  const stepId = stepIdOf(draft);
  const key = credentialsKey(draft, secret, certificate);
  // The secret or the certificate, whichever the operator chose: what validation, readiness and Create send.
  const credential = credentialBody(draft.credentialType, secret, certificate);
  const run = validation.run;
  const currentRun = run?.key === key ? run : undefined;
  const okReport = currentRun?.report?.ok ? currentRun.report : undefined;
  const { search } = useLocation();
  const deepInvitation = search.get("invitation") ?? undefined;
  // Completed invitations (all customers; the step shows the chosen customer's). Reloaded when the customer changes.
  const [invitations, setInvitations] = useState<Invitation[] | undefined>(undefined);
  const customerInvitations = invitations === undefined ? undefined : completedOf(invitations, draft.customerId);
  const invitation = draft.usePendingInvitation
    ? customerInvitations?.find((i) => i.id === draft.invitationId)
    : undefined;
  const provisioningPort = useMemo(() => operatorProvisioning(api), [api]);
  const deepProvisioning = search.get("provisioning") ?? undefined;
  // The chosen run, read from the server (a restored draft keeps only its id).
  const [provisioningRun, setProvisioningRun] = useState<ProvisioningRun | undefined>(undefined);
  const [provisioningFailed, setProvisioningFailed] = useState(false);
  const provisioning = usableRun(provisioningRun, draft);
  const provisioningLoading =
    draft.useProvisioning &&
    draft.provisioningId !== undefined &&
    provisioningRun?.id !== draft.provisioningId &&
    !provisioningFailed;
  const ready = okReport !== undefined || invitation !== undefined || provisioning !== undefined;

  const update = useCallback((patch: Partial<WizardDraft>) => dispatch({ type: "update", patch }), []);
  const setSecret = useCallback((value: string) => dispatch({ type: "secret", value }), []);
  const setCertificate = useCallback((value: CertificateInput) => dispatch({ type: "certificate", value }), []);
  const goTo = useCallback((index: number) => dispatch({ type: "goTo", step: index }), []);
  const refuse = () => dispatch({ type: "refuse" });
  const setBusy = (value: WizardState["busy"]) => dispatch({ type: "busy", busy: value });

  useSubdomainCheck(api, effectiveLabel(draft), dispatch);

  // Persist every change (the draft type has no secret field); not after Create, which cleared it.
  useEffect(() => {
    if (!finished.current) saveDraft(draft);
  }, [draft]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `customersRequest` is the Retry trigger
  useEffect(() => {
    const controller = new AbortController();
    dispatch({ type: "customersLoading" });
    api.listCustomers({ signal: controller.signal }).then(
      (body) => dispatch({ type: "customersLoaded", items: body.items }),
      () => {
        if (!controller.signal.aborted) dispatch({ type: "customersFailed" });
      },
    );
    return () => controller.abort();
  }, [api, state.customersRequest]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reloaded when the customer changes
  useEffect(() => {
    const controller = new AbortController();
    api.listInvitations("completed", { signal: controller.signal }).then(
      (body) => setInvitations(body.items),
      () => {
        // A server without invitations (or a failure): the wizard offers the known App registration only.
        if (!controller.signal.aborted) setInvitations((prev) => prev ?? []);
      },
    );
    return () => controller.abort();
  }, [api, draft.customerId]);

  // The deep link ?invitation=<id> (the bot's "Continue onboarding", the services page): a fresh draft with that
  // completed invitation's customer and the invitation chosen, on the service step. Then the link is dropped from
  // the address, so a reload keeps what the operator typed since.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per deep link (validation.reset is not a trigger)
  useEffect(() => {
    if (!deepInvitation) return;
    const controller = new AbortController();
    api.getInvitation(deepInvitation, { signal: controller.signal }).then(
      (found) => {
        setQueryParam("invitation", undefined);
        if (found.status !== "completed") {
          dispatch({
            type: "stepProblem",
            problem: new ApiProblem({
              status: 409,
              code: "invitation_not_completed",
              detail: invitationsEn.invitationNotUsable,
            }),
          });
          return;
        }
        validation.reset();
        setInvitations((prev) => [...(prev ?? []).filter((i) => i.id !== found.id), found]);
        dispatch({
          type: "startOver",
          draft: {
            ...emptyDraft(),
            customerMode: "existing",
            customerId: found.customerId,
            customerName: found.customerName,
            usePendingInvitation: true,
            invitationId: found.id,
            cloud: found.cloud,
            step: 1,
          },
        });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setQueryParam("invitation", undefined);
        dispatch({ type: "stepProblem", problem: error instanceof ApiProblem ? error : undefined });
      },
    );
    return () => controller.abort();
  }, [api, deepInvitation]);

  // The deep link ?provisioning=<id> ("Continue to the service details" of a done run): a fresh draft with the run's
  // customer and the run chosen, on the service step. The link is then dropped from the address, as for invitations.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per deep link (validation.reset is not a trigger)
  useEffect(() => {
    if (!deepProvisioning) return;
    const controller = new AbortController();
    provisioningPort.get(deepProvisioning, { signal: controller.signal }).then(
      (found) => {
        setQueryParam("provisioning", undefined);
        setProvisioningRun(found);
        setProvisioningFailed(false);
        if (!usableRun(found, { useProvisioning: true, provisioningId: found.id, customerId: found.customerId })) {
          dispatch({
            type: "stepProblem",
            problem: new ApiProblem({
              status: 409,
              code: "provisioning_not_usable",
              detail: provisioningEn.provisioningNotUsable,
            }),
          });
          return;
        }
        validation.reset();
        dispatch({
          type: "startOver",
          draft: {
            ...emptyDraft(),
            customerMode: "existing",
            customerId: found.customerId,
            customerName: customers?.find((c) => c.id === found.customerId)?.name,
            useProvisioning: true,
            provisioningId: found.id,
            cloud: found.cloud,
            step: 1,
          },
        });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setQueryParam("provisioning", undefined);
        dispatch({ type: "stepProblem", problem: error instanceof ApiProblem ? error : undefined });
      },
    );
    return () => controller.abort();
  }, [provisioningPort, deepProvisioning]);

  // A chosen run not read yet (a restored draft): read it.
  useEffect(() => {
    const runId = draft.provisioningId;
    if (!draft.useProvisioning || !runId || provisioningRun?.id === runId || deepProvisioning) return;
    const controller = new AbortController();
    setProvisioningFailed(false);
    provisioningPort.get(runId, { signal: controller.signal }).then(setProvisioningRun, (error: unknown) => {
      if (controller.signal.aborted) return;
      setProvisioningFailed(true);
      dispatch({ type: "stepProblem", problem: error instanceof ApiProblem ? error : undefined });
    });
    return () => controller.abort();
  }, [provisioningPort, draft.useProvisioning, draft.provisioningId, provisioningRun?.id, deepProvisioning]);

  // The customer's name for the summary, once the customers are known (a deep link may arrive before them).
  useEffect(() => {
    if (!draft.customerId || draft.customerName || !customers) return;
    const name = customers.find((c) => c.id === draft.customerId)?.name;
    if (name) update({ customerName: name });
  }, [customers, draft.customerId, draft.customerName, update]);

  // Live uniqueness check of the short name, debounced; only for names that pass the offline rules.
  useNameCheck(api, draft.shortName, dispatch);

  // Steps after the credentials need an ok report; without one (e.g. the secret was edited), go back there.
  const needsReport =
    step > CREDENTIALS_STEP &&
    !ready &&
    !(draft.usePendingInvitation && invitations === undefined) &&
    !provisioningLoading;
  useEffect(() => {
    if (needsReport) update({ step: CREDENTIALS_STEP });
  }, [needsReport, update]);

  const startValidation = () =>
    validation.start(
      (onCheck, signal) =>
        api.validate(
          { tenantId: draft.tenantId, clientId: draft.clientId, ...credential, cloud: draft.cloud },
          onCheck,
          { signal },
        ),
      key,
    );

  const create = async (idempotencyKey = draft.idempotencyKey, retried = false): Promise<void> => {
    if (!ready || !draft.customerId || !draft.licenseType) return;
    const label = draft.subdomainLabel;
    const common = {
      customerId: draft.customerId,
      shortName: draft.shortName,
      ...(draft.fullName.trim() ? { fullName: draft.fullName.trim() } : {}),
      licenseType: draft.licenseType,
      licensedUsers: parseUsers(draft.licensedUsers),
    };
    const directRouting = {
      ...(!invitation && draft.m365Domain ? { m365Domain: draft.m365Domain } : {}),
      ...(draft.sbcRegion ? { sbcRegion: draft.sbcRegion } : {}),
      ...(label !== undefined ? { subdomainLabel: label } : {}),
    };
    // From an invitation or a provisioning run: its id in place of the credentials, `m365` with the cloud only
    // (docs/api.md). A run's report read the tenant's domains, so its M365 domain is the one the operator chose.
    const body: CreateServiceBody | ServiceFromInvitationBody | ServiceFromProvisioningBody = provisioning
      ? {
          ...common,
          provisioningId: provisioning.id,
          m365: { cloud: provisioning.cloud },
          directRouting: { ...directRouting, ...(draft.m365Domain ? { m365Domain: draft.m365Domain } : {}) },
        }
      : invitation
        ? { ...common, invitationId: invitation.id, m365: { cloud: invitation.cloud }, directRouting }
        : {
            ...common,
            m365: { tenantId: draft.tenantId, clientId: draft.clientId, ...credential, cloud: draft.cloud },
            directRouting,
          };
    setBusy("create");
    dispatch({ type: "createProblem", problem: undefined });
    try {
      const service = await api.createService(body, idempotencyKey);
      finished.current = true;
      clearDraft();
      setFlash(en.services.created(service.shortName));
      // From a provisioning run the operator lands on the new service, whose connection the run made.
      navigate(provisioning ? paths.portal(service.id) : paths.services());
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
        const message =
          problem.errors.find((e) => e.path === "directRouting.subdomainLabel")?.message ?? en.wizard.subdomainTaken;
        dispatch({ type: "subdomainCheck", check: { state: "taken", label: effectiveLabel(draft), message } });
        dispatch({ type: "sendBack", step: WIZARD_STEPS.indexOf("directRouting") });
        return;
      }
      if (problem.status === 409) {
        const message = problem.errors.find((e) => e.path === "shortName")?.message ?? en.wizard.nameTakenBack;
        dispatch({ type: "nameCheck", check: { state: "taken", name: draft.shortName, message } });
        dispatch({ type: "sendBack", step: WIZARD_STEPS.indexOf("service") });
        return;
      }
      dispatch({ type: "createProblem", problem });
    }
  };

  const next = async (): Promise<void> => {
    // Enter in a field submits the form even while the Next button is only aria-disabled.
    if (busy !== undefined) return;
    dispatch({ type: "stepProblem", problem: undefined });
    switch (stepId) {
      case "customer": {
        const known = customers ?? [];
        const newMode = draft.customerMode === "new" || known.length === 0;
        if (!newMode) {
          if (!known.some((c) => c.id === draft.customerId)) return refuse();
          return goTo(step + 1);
        }
        if (!isClean(newCustomerErrors(draft))) return refuse();
        setBusy("customer");
        try {
          const c = draft.newCustomer;
          const customer = await api.createCustomer({
            name: c.name.trim(),
            ...(c.contactEmail.trim() ? { contactEmail: c.contactEmail.trim() } : {}),
            ...(c.note.trim() ? { note: c.note } : {}),
          });
          dispatch({ type: "customerCreated", customer });
        } catch (error) {
          dispatch({ type: "stepProblem", problem: error instanceof ApiProblem ? error : undefined });
        } finally {
          setBusy(undefined);
        }
        return;
      }
      case "service": {
        if (!isClean(serviceErrors(draft))) return refuse();
        if (nameCheck.state === "taken" && nameCheck.name === draft.shortName) return refuse();
        if (!(nameCheck.state === "ok" && nameCheck.name === draft.shortName)) {
          // The debounced check has not answered yet: ask now rather than let the operator past a taken name.
          setBusy("name");
          try {
            const check = await checkNameNow(api, draft.shortName);
            dispatch({ type: "nameCheck", check });
            if (check.state === "taken") return refuse();
          } catch {
            // The server checks again on Create; do not block the operator on a flaky check.
          } finally {
            setBusy(undefined);
          }
        }
        return goTo(step + 1);
      }
      case "credentials": {
        if (draft.useProvisioning) return provisioning ? goTo(step + 1) : refuse();
        if (draft.usePendingInvitation) return invitation ? goTo(step + 1) : refuse();
        if (!draft.useKnownApp || !isClean(credentialsErrors(draft, secret, certificate))) return refuse();
        if (okReport) return goTo(step + 1);
        if (currentRun?.running) return;
        await startValidation();
        return;
      }
      case "m365":
        return goTo(step + 1);
      case "directRouting": {
        const label = effectiveLabel(draft);
        if (subdomainError(label)) return refuse();
        if (subdomainCheck.state === "taken" && subdomainCheck.label === label) return refuse();
        if (!(subdomainCheck.state === "ok" && subdomainCheck.label === label)) {
          // Not answered yet: ask now rather than let the operator reach Create with a taken sub-domain.
          setBusy("name");
          try {
            const check = await checkSubdomainNow(api, label);
            dispatch({ type: "subdomainCheck", check });
            if (check.state === "taken") return refuse();
          } catch {
            // The server checks again on Create.
          } finally {
            setBusy(undefined);
          }
        }
        return goTo(step + 1);
      }
      // Readiness informs; it never holds the operator back (docs/product.md section 10).
      case "readiness":
        return goTo(step + 1);
      case "summary":
        return create();
    }
  };

  const startOver = () => {
    validation.reset();
    clearDraft();
    dispatch({ type: "startOver", draft: emptyDraft() });
  };

  return {
    state,
    step,
    stepId,
    submitted: isSubmitted(state),
    run,
    okReport,
    customerInvitations,
    invitation,
    provisioningRun:
      draft.useProvisioning && provisioningRun?.id === draft.provisioningId ? provisioningRun : undefined,
    provisioning,
    blocked:
      busy !== undefined ||
      (stepId === "credentials" &&
        !draft.usePendingInvitation &&
        !draft.useProvisioning &&
        currentRun !== undefined &&
        (currentRun.running || !currentRun.report?.ok)),
    isLast: stepId === "summary",
    update,
    setSecret,
    setCertificate,
    goTo,
    next,
    startOver,
    retryValidation: () => void startValidation(),
    reloadCustomers: () => dispatch({ type: "reloadCustomers" }),
  };
}

/**
 * The chosen run when Create can use it: "From automatic registration" ticked, this run chosen, done with a result,
 * of the draft's customer and not used by a service yet.
 */
export function usableRun(
  run: ProvisioningRun | undefined,
  draft: Pick<WizardDraft, "useProvisioning" | "provisioningId" | "customerId">,
): ProvisioningRun | undefined {
  if (!run || !draft.useProvisioning || run.id !== draft.provisioningId) return undefined;
  if (run.status !== "done" || !run.result || run.serviceId || run.customerId !== draft.customerId) return undefined;
  return run;
}
