/**
 * The server's tab settings, asked for before the first render so that what depends on them (the sandbox banner at
 * the top of every page) is there in the first frame: a banner that arrived later would push the page down under
 * the operator's pointer. The wait is bounded; past it the root asks again and the banner appears when it can.
 */
import type { OperatorSettings } from "@dr/contract";
import { type ApiClient, ApiProblem } from "../api/api.client";
import { sandboxBanner } from "./app";

/** How long the first render waits for /api/settings (it usually answers in a few milliseconds). */
export const SETTINGS_WAIT_MS = 1500;

/**
 * What the first render knows: the settings (undefined when not answered in time), or that the server asks for a
 * sign-in. Only AUTH_MODE=entra answers /api/settings with 401 (dev mode names the operator itself), and the
 * settings, authMode included, are behind that sign-in: the 401 is how a page without a Teams token learns it.
 */
export interface BootSettings {
  settings?: OperatorSettings;
  signInRequired?: true;
}

/** True for the API's "sign-in required" answer. */
export function isSignInRequired(error: unknown): boolean {
  return error instanceof ApiProblem && error.status === 401;
}

/** The settings, with the sandbox banner's code loaded when it will show. */
export async function loadBootSettings(api: ApiClient, waitMs = SETTINGS_WAIT_MS): Promise<BootSettings> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), waitMs);
  try {
    const settings = await api.getSettings({ signal: controller.signal });
    if (settings.mode === "sandbox") await sandboxBanner.preload();
    return { settings };
  } catch (error) {
    return isSignInRequired(error) ? { signInRequired: true } : {};
  } finally {
    clearTimeout(timer);
  }
}
