/**
 * The one place that knows about Microsoft Teams. The rest of the tab sees a `TeamsHost`: whether it runs inside
 * Teams, the theme, and the SSO token. Outside Teams (a plain browser tab) it runs standalone.
 *
 * Test seam: when `window.__drTeamsHost` is set (browser tests inject it with Playwright's `addInitScript` before the
 * bundle loads), `getTeamsHost()` returns that object instead of talking to teams-js. It must implement `TeamsHost`.
 * Test-only too: `window.__drTeamsInitWaitMs` shortens the wait for Teams (`TEAMS_INIT_TIMEOUT_MS`), so a browser
 * test of a host that never answers does not wait 15 s. Nothing in the product sets either.
 */

/** The Teams themes the tab renders (`glass` is shown as `default`). */
export type HostTheme = "default" | "dark" | "contrast";

/** What the host told the tab at start-up. */
export interface HostContext {
  inTeams: boolean;
  theme: HostTheme;
  locale?: string;
  /** The user's login hint from the Teams context: a display hint only, never proof of identity. */
  userHint?: string;
  /** The Teams app id from the context (`app.appId`), when the host gives one; links back to the app use it. */
  appId?: string;
  /**
   * The sub-page a deep link opened the tab on (`page.subPageId`, the link's `context.subEntityId`): the bot's
   * Continue onboarding names an invitation this way (docs/teams.md section 2).
   */
  subPageId?: string;
  /**
   * True when the page can only be meant for Teams (framed, or in Teams mobile's native host) but Teams did not
   * start it within `TEAMS_INIT_TIMEOUT_MS`: the tab then says so and offers Reload, rather than running standalone
   * without an SSO token (every call would answer 401 in entra mode).
   */
  teamsUnanswered?: boolean;
}

/** The host the tab runs in (Teams, or a plain browser). */
export interface TeamsHost {
  /**
   * Initialises the host; never rejects. Resolves at once in a plain browser tab; inside a frame within
   * `TEAMS_INIT_TIMEOUT_MS` (15 s), with `teamsUnanswered` when Teams did not answer.
   */
  init(): Promise<HostContext>;
  /** Registers a listener for live theme changes (Teams only; standalone never calls it). */
  onThemeChange(cb: (t: HostTheme) => void): void;
  /** The Teams SSO token for our API, or undefined when there is none (outside Teams, SSO not set up). */
  getAuthToken(): Promise<string | undefined>;
  /**
   * On a configurable tab's settings page: enables Save and, when the user saves, stores the tab's content URL
   * (docs/teams.md section 2, pages.config). Resolves false outside Teams.
   */
  enableTabConfiguration(config: TabConfiguration): Promise<boolean>;
  /** True once `init()` found Teams. */
  readonly inTeams: boolean;
}

/** What a team tab saves on its configuration page. */
export interface TabConfiguration {
  entityId: string;
  contentUrl: string;
  websiteUrl: string;
  suggestedDisplayName: string;
}

declare global {
  interface Window {
    /** Browser tests' replacement host; see the file comment. */
    __drTeamsHost?: TeamsHost;
    /** Test-only: how long to wait for Teams instead of `TEAMS_INIT_TIMEOUT_MS`; see the file comment. */
    __drTeamsInitWaitMs?: number;
  }
}

/**
 * How long a framed page waits for `app.initialize()` and `app.getContext()` before it says Teams did not answer.
 * teams-js itself waits 60 s (2.31+); Teams on mobile, on virtual desktops and at a cold desktop start has been seen
 * to take well over 5 s (docs/teams.md section 2), so 3 s sent slow clients into standalone mode without SSO.
 */
export const TEAMS_INIT_TIMEOUT_MS = 15_000;
/**
 * A page that is only opened by another window (no frame, no native bridge) is most likely a browser tab opened from
 * some other page: it waits this long, then runs standalone as before.
 */
export const OPENER_INIT_TIMEOUT_MS = 3000;

/** Reads a theme word, mapping Teams' `glass` and anything unknown to `default`. */
export function toHostTheme(value: string | null | undefined): HostTheme {
  return value === "dark" || value === "contrast" ? value : "default";
}

/** localStorage key of the last theme shown; index.html's inline script reads the same key. */
export const THEME_STORAGE_KEY = "dr.theme";

/**
 * The theme a standalone page shows: `?theme=default|dark|contrast`, else the last theme shown (so a reload after
 * client-side navigation, which drops the query, keeps it), else default. index.html's first paint uses the same rule.
 */
export function standaloneTheme(search: string = window.location.search): HostTheme {
  const fromQuery = new URLSearchParams(search).get("theme");
  if (fromQuery) return toHostTheme(fromQuery);
  try {
    return toHostTheme(localStorage.getItem(THEME_STORAGE_KEY));
  } catch {
    return "default";
  }
}

/**
 * True when the page cannot be inside Teams: not framed, not opened by another window, and without the native
 * bridge Teams mobile injects. teams-js would reject at once here (see its communication.ts), but merely importing
 * it fetches its valid-origins list from a CDN, so the plain-browser case skips loading it at all.
 */
export function cannotBeInTeams(w: Window = window): boolean {
  return w.parent === w.self && !w.opener && !("nativeInterface" in w);
}

/**
 * How the page waits for Teams: `none` in a plain browser tab (no wait at all); `teams` when framed or in Teams
 * mobile's native host, where failing to start means Teams is slow or broken (the tab shows a Reload message);
 * `opener` when only opened by another window (short wait, then standalone).
 */
export type HostWait = { kind: "none" } | { kind: "teams" | "opener"; ms: number };

/** The wait for this window; `__drTeamsInitWaitMs` (test-only, a positive number) replaces the 15 s. */
export function hostWait(w: Window = window): HostWait {
  if (cannotBeInTeams(w)) return { kind: "none" };
  if (w.parent !== w.self || "nativeInterface" in w) {
    const override = w.__drTeamsInitWaitMs;
    const ms = typeof override === "number" && override > 0 ? override : TEAMS_INIT_TIMEOUT_MS;
    return { kind: "teams", ms };
  }
  return { kind: "opener", ms: OPENER_INIT_TIMEOUT_MS };
}

/** Error names/messages teams-js uses when the user must consent before a token can be issued. */
const CONSENT_HINTS = ["resourcerequiresconsent", "consent_required", "interaction_required", "invalid_grant"];

function needsConsent(error: unknown): boolean {
  const text = (error instanceof Error ? `${error.name} ${error.message}` : String(error)).toLowerCase();
  return CONSENT_HINTS.some((hint) => text.includes(hint));
}

/**
 * The real host over @microsoft/teams-js. The library is imported on demand so it stays out of the first chunk;
 * the tab waits for `init()` before its first render anyway.
 */
export function createTeamsJsHost(): TeamsHost {
  let inTeams = false;
  let consentTried = false;
  const listeners: ((t: HostTheme) => void)[] = [];
  const load = () => import("@microsoft/teams-js");

  return {
    get inTeams() {
      return inTeams;
    },
    async init() {
      const standalone: HostContext = { inTeams: false, theme: standaloneTheme() };
      const wait = hostWait();
      if (wait.kind === "none") return standalone;
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        // The wait starts before the library loads: a slow network counts against it too.
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("Teams did not answer")), wait.ms);
        });
        const { app } = await Promise.race([load(), timeout]);
        // initialize() rejects at once in a plain tab but hangs for 60 s inside a non-Teams iframe: race it.
        await Promise.race([app.initialize(), timeout]);
        const context = await Promise.race([app.getContext(), timeout]);
        inTeams = true;
        app.registerOnThemeChangeHandler((theme) => {
          for (const cb of listeners) cb(toHostTheme(theme));
        });
        return {
          inTeams: true,
          theme: toHostTheme(context.app.theme),
          locale: context.app.locale,
          userHint: context.user?.loginHint ?? context.user?.userPrincipalName,
          appId: context.app.appId?.toString(),
          ...(context.page?.subPageId ? { subPageId: context.page.subPageId } : {}),
        };
      } catch {
        // Framed: never fall silently into standalone mode (no SSO token, 401 on every call in entra mode).
        return wait.kind === "teams" ? { ...standalone, teamsUnanswered: true } : standalone;
      } finally {
        clearTimeout(timer);
      }
    },
    onThemeChange(cb) {
      listeners.push(cb);
    },
    async enableTabConfiguration(config) {
      if (!inTeams) return false;
      const { pages } = await load();
      pages.config.registerOnSaveHandler((event) => {
        pages.config.setConfig(config).then(
          () => event.notifySuccess(),
          (error: unknown) => event.notifyFailure(error instanceof Error ? error.message : String(error)),
        );
      });
      pages.config.setValidityState(true);
      return true;
    },
    async getAuthToken() {
      if (!inTeams) return undefined;
      const { authentication } = await load();
      try {
        return await authentication.getAuthToken();
      } catch (error) {
        // Consent needs a visible prompt once; asking on every request would open a popup per call.
        if (!consentTried && needsConsent(error)) {
          consentTried = true;
          try {
            return await authentication.getAuthToken({ silent: false });
          } catch {
            return undefined;
          }
        }
        // No SSO configured (dev auth mode): the API names the operator itself.
        return undefined;
      }
    },
  };
}

/** The host to use: the test seam when present, else teams-js. */
export function getTeamsHost(): TeamsHost {
  return window.__drTeamsHost ?? createTeamsJsHost();
}
