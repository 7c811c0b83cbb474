/**
 * The server's tab settings, asked for before the first render so that what depends on them (the sandbox banner at
 * the top of every page) is there in the first frame: a banner that arrived later would push the page down under
 * the operator's pointer. The wait is bounded; past it the root asks again and the banner appears when it can.
 */
import type { OperatorSettings } from "@dr/contract";
import type { ApiClient } from "../api/api.client";
import { sandboxBanner } from "./app";

/** How long the first render waits for /api/settings (it usually answers in a few milliseconds). */
export const SETTINGS_WAIT_MS = 1500;

/** The settings, with the sandbox banner's code loaded when it will show; undefined when not answered in time. */
export async function loadBootSettings(
  api: ApiClient,
  waitMs = SETTINGS_WAIT_MS,
): Promise<OperatorSettings | undefined> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), waitMs);
  try {
    const settings = await api.getSettings({ signal: controller.signal });
    if (settings.mode === "sandbox") await sandboxBanner.preload();
    return settings;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
