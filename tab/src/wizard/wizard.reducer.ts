/**
 * The onboarding wizard's state as a pure reducer: the draft (which holds the step), the client secret (in memory
 * only), the step whose Next was refused (`submittedStep`: its fields show every message), the live checks of the
 * short name and the SBC sub-domain, the customers to choose from, what is in flight and the problems to show.
 * use-wizard.ts makes the requests and runs the effects; this file only says how the state moves.
 */
import type { Customer } from "@dr/contract";
import type { ApiProblem } from "../api/api.client";
import { type CertificateInput, emptyCertificate } from "../format/certificate-input";
import { type NameCheckAction, type NameCheckState, nameChecking } from "./name-check";
import { type SubdomainCheckAction, type SubdomainCheckState, subdomainChecking } from "./subdomain-check";
import { draftHasInput, WIZARD_STEPS, type WizardDraft, type WizardStepId } from "./wizard.state";

/** What is in flight: creating the new customer, asking about a name or sub-domain on Next, or Create. */
export type WizardBusy = "customer" | "name" | "create";

/** Everything the wizard page shows, except the validation run (useValidationRun keeps that). */
export interface WizardState {
  /** What the operator entered, persisted on every change. */
  draft: WizardDraft;
  /** The client secret: never in the draft, never stored. */
  secret: string;
  /** The certificate in place of the secret (draft.credentialType "certificate"): never stored either. */
  certificate: CertificateInput;
  /** The draft came back from storage with input in it: the page offers Start over. */
  restored: boolean;
  /** The step whose Next was refused: its fields show their messages without being left first. */
  submittedStep: number | undefined;
  nameCheck: NameCheckState;
  subdomainCheck: SubdomainCheckState;
  /** Undefined while loading. */
  customers: Customer[] | undefined;
  customersFailed: boolean;
  /** Bumped by Retry of the customers list, so the loading effect runs again. */
  customersRequest: number;
  busy: WizardBusy | undefined;
  /** A request of the current step failed (e.g. creating the customer). */
  stepProblem: ApiProblem | undefined;
  /** Create failed for a reason that does not send the operator back to a step. */
  createProblem: ApiProblem | undefined;
}

/** How the state moves. */
export type WizardAction =
  /** Merge a change into the draft. */
  | { type: "update"; patch: Partial<WizardDraft> }
  | { type: "secret"; value: string }
  | { type: "certificate"; value: CertificateInput }
  /** Back or Next: show the step fresh, without the previous step's problem or messages. */
  | { type: "goTo"; step: number }
  /** Next was refused on the current step. */
  | { type: "refuse" }
  /** Create was refused because of a step's value (a taken name or sub-domain): back there, messages shown. */
  | { type: "sendBack"; step: number }
  | { type: "busy"; busy: WizardBusy | undefined }
  | { type: "stepProblem"; problem: ApiProblem | undefined }
  | { type: "createProblem"; problem: ApiProblem | undefined }
  | { type: "customersLoading" }
  | { type: "customersLoaded"; items: Customer[] }
  | { type: "customersFailed" }
  | { type: "reloadCustomers" }
  /** The inline new customer was created: choose it, clear the form and move on. */
  | { type: "customerCreated"; customer: Customer }
  /** Start over with a fresh draft (the caller forgets the stored one and the validation run). */
  | { type: "startOver"; draft: WizardDraft }
  | NameCheckAction
  | SubdomainCheckAction;

/** The first state: the stored draft when there is one (then `restored` if it holds input), else a fresh one. */
export function initialWizardState(stored: WizardDraft | undefined, fresh: () => WizardDraft): WizardState {
  return {
    draft: stored ?? fresh(),
    secret: "",
    certificate: emptyCertificate(),
    restored: stored !== undefined && draftHasInput(stored),
    submittedStep: undefined,
    nameCheck: { state: "idle" },
    subdomainCheck: { state: "idle" },
    customers: undefined,
    customersFailed: false,
    customersRequest: 0,
    busy: undefined,
    stepProblem: undefined,
    createProblem: undefined,
  };
}

/** An empty inline new-customer form. */
export function emptyCustomerForm(): WizardDraft["newCustomer"] {
  return { name: "", contactEmail: "", note: "" };
}

/** The id of the draft's step (the first one for an index out of range). */
export function stepIdOf(draft: Pick<WizardDraft, "step">): WizardStepId {
  return WIZARD_STEPS[draft.step] ?? "customer";
}

/** Whether the current step's Next was refused, so its fields show every message. */
export function isSubmitted(state: WizardState): boolean {
  return state.submittedStep === state.draft.step;
}

/** The next state. Pure: no request, no storage, no clock. */
export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case "update":
      return { ...state, draft: { ...state.draft, ...action.patch } };
    case "secret":
      return { ...state, secret: action.value };
    case "certificate":
      return { ...state, certificate: action.value };
    case "goTo":
      return {
        ...state,
        submittedStep: undefined,
        stepProblem: undefined,
        draft: { ...state.draft, step: action.step },
      };
    case "refuse":
      return { ...state, submittedStep: state.draft.step };
    case "sendBack":
      return { ...state, submittedStep: action.step, draft: { ...state.draft, step: action.step } };
    case "busy":
      return { ...state, busy: action.busy };
    case "stepProblem":
      return { ...state, stepProblem: action.problem };
    case "createProblem":
      return { ...state, createProblem: action.problem };
    case "customersLoading":
      return { ...state, customersFailed: false };
    case "customersLoaded":
      return { ...state, customers: action.items };
    case "customersFailed":
      return { ...state, customersFailed: true };
    case "reloadCustomers":
      return { ...state, customersRequest: state.customersRequest + 1 };
    case "customerCreated": {
      const { customer } = action;
      return {
        ...state,
        customers: [...(state.customers ?? []), customer],
        submittedStep: undefined,
        stepProblem: undefined,
        draft: {
          ...state.draft,
          customerId: customer.id,
          customerName: customer.name,
          customerMode: "existing",
          newCustomer: emptyCustomerForm(),
          step: state.draft.step + 1,
        },
      };
    }
    case "startOver":
      return {
        ...state,
        draft: action.draft,
        secret: "",
        certificate: emptyCertificate(),
        submittedStep: undefined,
        stepProblem: undefined,
        createProblem: undefined,
        restored: false,
        nameCheck: { state: "idle" },
      };
    case "nameCheck":
      return { ...state, nameCheck: action.check };
    case "nameChecking":
      return { ...state, nameCheck: nameChecking(state.nameCheck, action.name) };
    case "subdomainCheck":
      return { ...state, subdomainCheck: action.check };
    case "subdomainChecking":
      return { ...state, subdomainCheck: subdomainChecking(state.subdomainCheck, action.label) };
  }
}
