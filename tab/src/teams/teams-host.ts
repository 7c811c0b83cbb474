/**
 * The one place that knows about Microsoft Teams. The rest of the tab sees a `TeamsHost`: whether it runs inside
 * Teams, the theme, and the SSO token. Outside Teams (a plain browser tab) it runs standalone.
 *
 * Test seam: when `window.__drTeamsHost` is set (browser tests inject it with Playwright's `addInitScript` before the
 * bundle loads), `getTeamsHost()` returns that object instead of talking to teams-js. It must implement `TeamsHost`.
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
}

/** The host the tab runs in (Teams, or a plain browser). */
export interface TeamsHost {
  /** Initialises the host; resolves within about 3 s whatever happens. */
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
  }
}

/** How long `app.initialize()` may take before the tab gives up on Teams (it hangs 60 s in a foreign iframe). */
export const TEAMS_INIT_TIMEOUT_MS = 3000;

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
      if (cannotBeInTeams()) return standalone;
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const { app } = await load();
        // initialize() rejects at once in a plain tab but hangs for 60 s inside a non-Teams iframe: race it.
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("Teams did not answer")), TEAMS_INIT_TIMEOUT_MS);
        });
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
        };
      } catch {
        return standalone;
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
