/**
 * The live uniqueness check of the service short name (wizard step 2): debounced, only for names that pass the
 * offline rules, answered by GET /api/services/name-check. The server refuses a taken name again on Create (409
 * name_taken); this only tells the operator as they type. The state lives in the wizard's reducer.
 */
import { fieldMessage, shortNameSchema } from "@dr/contract";
import { useEffect } from "react";
import type { ApiClient } from "../api/api.client";
import { en } from "../i18n/en";

/** Where the uniqueness check of the short name stands. */
export type NameCheckState =
  | { state: "idle" }
  | { state: "checking"; name: string }
  | { state: "ok"; name: string }
  | { state: "taken"; name: string; message: string }
  | { state: "error"; name: string };

/** How the check moves the wizard's state: an answer, or "asking about `name`" (which keeps a known refusal). */
export type NameCheckAction = { type: "nameCheck"; check: NameCheckState } | { type: "nameChecking"; name: string };

/** Wait after the last keystroke before asking the server, ms. */
export const NAME_CHECK_DELAY_MS = 300;

/** The check once the server is being asked about `name`: a refusal of that very name stays on screen meanwhile. */
export function nameChecking(prev: NameCheckState, name: string): NameCheckState {
  return prev.state === "taken" && prev.name === name ? prev : { state: "checking", name };
}

/** Asks the server once; a refusal becomes "taken" with the server's message. */
export async function checkNameNow(api: ApiClient, name: string, signal?: AbortSignal): Promise<NameCheckState> {
  const result = await api.checkName(name, signal ? { signal } : {});
  return result.ok
    ? { state: "ok", name }
    : { state: "taken", name, message: result.problems[0]?.message ?? en.wizard.nameTakenBack };
}

/** Keeps the check of `name` current: idle for a name the offline rules refuse, else asks after a pause. */
export function useNameCheck(api: ApiClient, name: string, dispatch: (action: NameCheckAction) => void): void {
  useEffect(() => {
    if (fieldMessage(shortNameSchema, name) !== undefined) {
      dispatch({ type: "nameCheck", check: { state: "idle" } });
      return;
    }
    dispatch({ type: "nameChecking", name });
    const controller = new AbortController();
    const timer = setTimeout(() => {
      checkNameNow(api, name, controller.signal).then(
        (check) => dispatch({ type: "nameCheck", check }),
        () => {
          if (!controller.signal.aborted) dispatch({ type: "nameCheck", check: { state: "error", name } });
        },
      );
    }, NAME_CHECK_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, name, dispatch]);
}
