/**
 * A tiny router over the History API: the tab has three pages, which does not justify react-router.
 * `navigate()` pushes a URL and notifies subscribers; `useLocation()` re-renders on push and on back/forward.
 */
import { invitationIdOfSubPage } from "@dr/contract";
import { useSyncExternalStore } from "react";

/** The routes of the tab. */
export type Route =
  | { name: "services" }
  | { name: "wizard" }
  | { name: "portal"; id: string }
  | { name: "config" }
  | { name: "outbox" }
  /** The fleet at a glance (tab/src/fleet/). */
  | { name: "fleet" }
  /** Automatic App registration: the form (no id), or one run followed live. */
  | { name: "provisioning"; id?: string }
  | { name: "not-found" };

const NAVIGATE_EVENT = "dr:navigate";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

// A string snapshot keeps useSyncExternalStore stable (same value, no re-render).
const snapshot = () => window.location.pathname + window.location.search;

/** The current path and query, re-rendering on every navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams };
}

/** Moves to a path inside the tab without reloading; `replace` edits the current history entry instead. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** Replaces one query parameter of the current URL (undefined removes it), keeping the path. */
export function setQueryParam(name: string, value: string | undefined): void {
  const url = new URL(window.location.href);
  if (value === undefined) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  navigate(url.pathname + url.search, { replace: true });
}

/** Matches a pathname to a route. */
export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, "") || "/";
  if (path === "/") return { name: "services" };
  if (path === "/services/new") return { name: "wizard" };
  if (path === "/config") return { name: "config" };
  if (path === "/outbox") return { name: "outbox" };
  if (path === "/fleet") return { name: "fleet" };
  if (path === "/provisioning/new") return { name: "provisioning" };
  const run = /^\/provisioning\/([^/]+)$/.exec(path);
  if (run?.[1]) return { name: "provisioning", id: decodeURIComponent(run[1]) };
  const portal = /^\/services\/([^/]+)$/.exec(path);
  if (portal?.[1]) return { name: "portal", id: decodeURIComponent(portal[1]) };
  return { name: "not-found" };
}

/** Paths of the routes, so links are built in one place. */
export const paths = {
  services: (status?: string) => (status ? `/?status=${encodeURIComponent(status)}` : "/"),
  /** The wizard; with an invitation id, opened with that completed invitation chosen (the bot's card links it). */
  wizard: (invitationId?: string) =>
    invitationId ? `/services/new?invitation=${encodeURIComponent(invitationId)}` : "/services/new",
  /** The wizard opened with a finished provisioning run chosen ("Continue to the service details"). */
  wizardFromProvisioning: (runId: string) => `/services/new?provisioning=${encodeURIComponent(runId)}`,
  /** Automatic App registration's form; with a customer id, that customer chosen ("Start again"). */
  provisioningNew: (customerId?: string) =>
    customerId ? `/provisioning/new?customer=${encodeURIComponent(customerId)}` : "/provisioning/new",
  /** One provisioning run, followed live. */
  provisioning: (runId: string) => `/provisioning/${encodeURIComponent(runId)}`,
  /** Sandbox mode: the mails the built-in outbox kept. */
  outbox: () => "/outbox",
  /** The fleet page. */
  fleet: () => "/fleet",
  portal: (id: string, tab?: string) => `/services/${encodeURIComponent(id)}${tab ? `?tab=${tab}` : ""}`,
};

/**
 * Where the tab starts when Teams opened it on a sub-page: the wizard with the invitation chosen for the bot's
 * Continue onboarding deep link; undefined for anything else (the tab starts where its URL says).
 */
export function startPathOf(subPageId: string | undefined): string | undefined {
  const invitationId = invitationIdOfSubPage(subPageId);
  return invitationId ? paths.wizard(invitationId) : undefined;
}
