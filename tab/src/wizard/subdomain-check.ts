/**
 * The live check of the SBC sub-domain label (wizard step 5): debounced, only for labels that pass the offline DNS
 * rule, answered by GET /api/services/subdomain-check. The server refuses a taken label again on Create (409
 * subdomain_taken); this only tells the operator as they type. The state lives in the wizard's reducer.
 */
import { defaultSubdomainLabel } from "@dr/contract";
import { useEffect } from "react";
import type { ApiClient } from "../api/api.client";
import { en } from "../i18n/en";
import type { WizardDraft } from "./wizard.state";
import { subdomainError } from "./wizard.validation";

/** The label the draft stands for: the typed one, else the one derived from the short name. */
export function effectiveLabel(draft: Pick<WizardDraft, "subdomainLabel" | "shortName">): string {
  return draft.subdomainLabel ?? defaultSubdomainLabel(draft.shortName);
}

/** What the wizard knows about one label. */
export type SubdomainCheckState =
  | { state: "idle" }
  | { state: "checking" | "ok" | "error"; label: string }
  | { state: "taken"; label: string; message: string };

/** How the check moves the wizard's state: an answer, or "asking about `label`" (which keeps a known refusal). */
export type SubdomainCheckAction =
  | { type: "subdomainCheck"; check: SubdomainCheckState }
  | { type: "subdomainChecking"; label: string };

/** Wait after the last keystroke before asking the server, ms. */
export const SUBDOMAIN_CHECK_DELAY_MS = 300;

/** The check once the server is being asked about `label`: a refusal of that very label stays on screen meanwhile. */
export function subdomainChecking(prev: SubdomainCheckState, label: string): SubdomainCheckState {
  return prev.state === "taken" && prev.label === label ? prev : { state: "checking", label };
}

/** Asks the server once; a refusal becomes "taken" with the server's message. */
export async function checkSubdomainNow(api: ApiClient, label: string, signal?: AbortSignal) {
  const result = await api.checkSubdomain(label, signal ? { signal } : {});
  return result.ok
    ? ({ state: "ok", label } as const)
    : ({ state: "taken", label, message: result.problems[0]?.message ?? en.wizard.subdomainTaken } as const);
}

/**
 * Keeps the check of `label` current: idle for a label the DNS rule refuses, else asks after a pause. Answers learnt
 * elsewhere (Next, or a 409 on Create) go to the same reducer.
 */
export function useSubdomainCheck(
  api: ApiClient,
  label: string,
  dispatch: (action: SubdomainCheckAction) => void,
): void {
  useEffect(() => {
    if (subdomainError(label) !== undefined) {
      dispatch({ type: "subdomainCheck", check: { state: "idle" } });
      return;
    }
    dispatch({ type: "subdomainChecking", label });
    const controller = new AbortController();
    const timer = setTimeout(() => {
      checkSubdomainNow(api, label, controller.signal).then(
        (check) => dispatch({ type: "subdomainCheck", check }),
        () => {
          if (!controller.signal.aborted) dispatch({ type: "subdomainCheck", check: { state: "error", label } });
        },
      );
    }, SUBDOMAIN_CHECK_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, label, dispatch]);
}
