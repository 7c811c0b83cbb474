import type { Customer } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { ApiProblem } from "../api/api.client";
import {
  emptyCustomerForm,
  initialWizardState,
  isSubmitted,
  stepIdOf,
  type WizardAction,
  type WizardState,
  wizardReducer,
} from "./wizard.reducer";
import { emptyDraft, type WizardDraft } from "./wizard.state";

const customer: Customer = { id: "c1", name: "Contoso", createdAt: "2026-01-01T00:00:00.000Z" };

function draft(patch: Partial<WizardDraft> = {}): WizardDraft {
  return { ...emptyDraft(), idempotencyKey: "key-1", ...patch };
}

function fresh(patch: Partial<WizardDraft> = {}): WizardState {
  return initialWizardState(undefined, () => draft(patch));
}

function run(state: WizardState, ...actions: WizardAction[]): WizardState {
  return actions.reduce(wizardReducer, state);
}

describe("initialWizardState", () => {
  it("starts from a fresh draft on step 1 with nothing checked, loaded or in flight", () => {
    const state = fresh();
    expect(state.draft.step).toBe(0);
    expect(state).toMatchObject({
      secret: "",
      restored: false,
      submittedStep: undefined,
      nameCheck: { state: "idle" },
      subdomainCheck: { state: "idle" },
      customers: undefined,
      customersFailed: false,
      busy: undefined,
      stepProblem: undefined,
      createProblem: undefined,
    });
  });

  it("takes a stored draft, and says it was restored only when it holds input", () => {
    const stored = draft({ step: 2, shortName: "contoso" });
    const state = initialWizardState(stored, () => draft());
    expect(state.draft).toBe(stored);
    expect(state.restored).toBe(true);
    expect(initialWizardState(draft({ step: 1 }), () => draft()).restored).toBe(false);
  });

  it("does not make a fresh draft when a stored one is there", () => {
    let made = 0;
    initialWizardState(draft(), () => {
      made += 1;
      return draft();
    });
    expect(made).toBe(0);
  });
});

describe("wizardReducer", () => {
  it("merges a change into the draft and keeps the rest", () => {
    const state = run(fresh({ shortName: "a" }), { type: "update", patch: { fullName: "Contoso Ltd" } });
    expect(state.draft.shortName).toBe("a");
    expect(state.draft.fullName).toBe("Contoso Ltd");
  });

  it("keeps the secret outside the draft", () => {
    const state = run(fresh(), { type: "secret", value: "s3cr3t~value" });
    expect(state.secret).toBe("s3cr3t~value");
    expect(JSON.stringify(state.draft)).not.toContain("s3cr3t");
  });

  it("returns a new object and leaves the old state alone", () => {
    const before = fresh();
    const frozen = structuredClone(before);
    const after = wizardReducer(before, { type: "update", patch: { shortName: "x" } });
    expect(after).not.toBe(before);
    expect(before).toEqual(frozen);
  });

  it("refuse marks the current step as submitted; moving on or back clears it and the step's problem", () => {
    const problem = new ApiProblem({ status: 500, code: "internal" });
    let state = run(fresh({ step: 1 }), { type: "refuse" }, { type: "stepProblem", problem });
    expect(state.submittedStep).toBe(1);
    expect(isSubmitted(state)).toBe(true);
    expect(state.stepProblem).toBe(problem);
    state = run(state, { type: "goTo", step: 2 });
    expect(state.draft.step).toBe(2);
    expect(state.submittedStep).toBeUndefined();
    expect(isSubmitted(state)).toBe(false);
    expect(state.stepProblem).toBeUndefined();
  });

  it("a refusal on one step does not mark another", () => {
    const state = run(fresh({ step: 1 }), { type: "refuse" }, { type: "update", patch: { step: 2 } });
    expect(isSubmitted(state)).toBe(false);
  });

  it("sendBack moves to a step with its messages shown (a 409 on Create)", () => {
    const state = run(fresh({ step: 5 }), { type: "sendBack", step: 4 });
    expect(state.draft.step).toBe(4);
    expect(isSubmitted(state)).toBe(true);
  });

  it("customerCreated chooses the new customer, clears the form and moves to the next step", () => {
    let state = run(
      fresh({ customerMode: "new", newCustomer: { name: "Contoso", contactEmail: "a@contoso.com", note: "n" } }),
      { type: "customersLoaded", items: [] },
      { type: "refuse" },
    );
    state = run(state, { type: "customerCreated", customer });
    expect(state.customers).toEqual([customer]);
    expect(state.draft).toMatchObject({
      step: 1,
      customerId: "c1",
      customerName: "Contoso",
      customerMode: "existing",
      newCustomer: emptyCustomerForm(),
    });
    expect(state.submittedStep).toBeUndefined();
  });

  it("customerCreated adds to a list that had not loaded yet", () => {
    expect(run(fresh(), { type: "customerCreated", customer }).customers).toEqual([customer]);
  });

  it("tracks the customers list: loading clears a failure, Retry bumps the request", () => {
    let state = run(fresh(), { type: "customersFailed" });
    expect(state.customersFailed).toBe(true);
    state = run(state, { type: "reloadCustomers" });
    expect(state.customersRequest).toBe(1);
    state = run(state, { type: "customersLoading" });
    expect(state.customersFailed).toBe(false);
    state = run(state, { type: "customersLoaded", items: [customer] });
    expect(state.customers).toEqual([customer]);
  });

  it("busy and the Create problem are set and cleared", () => {
    const problem = new ApiProblem({ status: 0, code: "network" });
    let state = run(fresh(), { type: "busy", busy: "create" }, { type: "createProblem", problem });
    expect(state.busy).toBe("create");
    expect(state.createProblem).toBe(problem);
    state = run(state, { type: "busy", busy: undefined }, { type: "createProblem", problem: undefined });
    expect(state.busy).toBeUndefined();
    expect(state.createProblem).toBeUndefined();
  });

  it("startOver takes the fresh draft and forgets the secret, the problems, the name check and the restored note", () => {
    const problem = new ApiProblem({ status: 0, code: "network" });
    const before = run(
      initialWizardState(draft({ step: 2, shortName: "contoso" }), () => draft()),
      { type: "secret", value: "secret" },
      { type: "certificate", value: { pem: "PEM", pfx: "", password: "pw", files: [{ name: "c.pem", size: 3 }] } },
      { type: "refuse" },
      { type: "stepProblem", problem },
      { type: "createProblem", problem },
      { type: "nameCheck", check: { state: "ok", name: "contoso" } },
      { type: "customersLoaded", items: [customer] },
    );
    const next = draft({ idempotencyKey: "key-2" });
    const state = run(before, { type: "startOver", draft: next });
    expect(state.draft).toBe(next);
    expect(before.certificate.pem).toBe("PEM");
    expect(state).toMatchObject({
      secret: "",
      certificate: { pem: "", pfx: "", password: "", files: [] },
      restored: false,
      submittedStep: undefined,
      stepProblem: undefined,
      createProblem: undefined,
      nameCheck: { state: "idle" },
    });
    // The customers are still the provider's customers.
    expect(state.customers).toEqual([customer]);
  });
});

describe("the live checks in the reducer", () => {
  it("asking about a name shows it as checking", () => {
    const state = run(fresh(), { type: "nameChecking", name: "contoso" });
    expect(state.nameCheck).toEqual({ state: "checking", name: "contoso" });
  });

  it("a refusal of the same name stays on screen while it is asked again; another name replaces it", () => {
    const taken = { state: "taken", name: "contoso", message: "Short name: taken." } as const;
    let state = run(fresh(), { type: "nameCheck", check: taken }, { type: "nameChecking", name: "contoso" });
    expect(state.nameCheck).toBe(taken);
    state = run(state, { type: "nameChecking", name: "contoso2" });
    expect(state.nameCheck).toEqual({ state: "checking", name: "contoso2" });
  });

  it("an ok answer does not survive a new question about the same name", () => {
    const state = run(
      fresh(),
      { type: "nameCheck", check: { state: "ok", name: "contoso" } },
      { type: "nameChecking", name: "contoso" },
    );
    expect(state.nameCheck).toEqual({ state: "checking", name: "contoso" });
  });

  it("the sub-domain check behaves the same way", () => {
    const taken = { state: "taken", label: "contoso", message: "SBC sub-domain: taken." } as const;
    let state = run(fresh(), { type: "subdomainChecking", label: "contoso" });
    expect(state.subdomainCheck).toEqual({ state: "checking", label: "contoso" });
    state = run(state, { type: "subdomainCheck", check: taken }, { type: "subdomainChecking", label: "contoso" });
    expect(state.subdomainCheck).toBe(taken);
    state = run(state, { type: "subdomainChecking", label: "fabrikam" });
    expect(state.subdomainCheck).toEqual({ state: "checking", label: "fabrikam" });
    state = run(state, { type: "subdomainCheck", check: { state: "idle" } });
    expect(state.subdomainCheck).toEqual({ state: "idle" });
  });
});

describe("stepIdOf", () => {
  it("names the step, and the first one for an index out of range", () => {
    expect(stepIdOf({ step: 0 })).toBe("customer");
    expect(stepIdOf({ step: 2 })).toBe("credentials");
    expect(stepIdOf({ step: 5 })).toBe("readiness");
    expect(stepIdOf({ step: 6 })).toBe("summary");
    expect(stepIdOf({ step: 9 })).toBe("customer");
  });
});
