/**
 * The live check of the SBC sub-domain label (wizard step 5): debounced, only for labels that pass the offline DNS
 * rule, answered by GET /api/services/subdomain-check. The server refuses a taken label again on Create (409
 * subdomain_taken); this only tells the operator as they type.
 */
import { defaultSubdomainLabel } from "@dr/contract";
import { useEffect, useState } from "react";
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

/** Wait after the last keystroke before asking the server, ms. */
export const SUBDOMAIN_CHECK_DELAY_MS = 300;

/** Asks the server once; a refusal becomes "taken" with the server's message. */
export async function checkSubdomainNow(api: ApiClient, label: string, signal?: AbortSignal) {
  const result = await api.checkSubdomain(label, signal ? { signal } : {});
  return result.ok
    ? ({ state: "ok", label } as const)
    : ({ state: "taken", label, message: result.problems[0]?.message ?? en.wizard.subdomainTaken } as const);
}

/** The live state of `label`, with a setter for answers learnt elsewhere (Next, or a 409 on Create). */
export function useSubdomainCheck(api: ApiClient, label: string) {
  const [check, setCheck] = useState<SubdomainCheckState>({ state: "idle" });
  useEffect(() => {
    if (subdomainError(label) !== undefined) {
      setCheck({ state: "idle" });
      return;
    }
    setCheck((prev) => (prev.state === "taken" && prev.label === label ? prev : { state: "checking", label }));
    const controller = new AbortController();
    const timer = setTimeout(() => {
      checkSubdomainNow(api, label, controller.signal).then(setCheck, () => {
        if (!controller.signal.aborted) setCheck({ state: "error", label });
      });
    }, SUBDOMAIN_CHECK_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, label]);
  return [check, setCheck] as const;
}
