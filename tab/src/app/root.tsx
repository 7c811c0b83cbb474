/**
 * The one root FluentProvider. Its theme follows the host: the initial theme from `init()`, then live changes.
 * Where the app cannot run (Teams did not answer a framed page; a browser on a server that signs in through Teams
 * only) it shows the host gate instead of the app.
 */

import type { OperatorSettings } from "@dr/contract";
import { FluentProvider, makeStyles, type Theme, tokens } from "@fluentui/react-components";
import { type ReactNode, useEffect, useMemo, useState } from "react";
import type { ApiClient } from "../api/api.client";
import type { HostContext, HostTheme, TeamsHost } from "../teams/teams-host";
import { App } from "./app";
import { AppContext, type AppServices } from "./app.context";
import { isSignInRequired } from "./boot-settings";
import { HostGate } from "./host-gate";
import { hostGateOf } from "./host-gate.rules";
import { applyDocumentTheme, loadFluentTheme } from "./theme";

// On a wrapper inside the provider, not on the provider itself: Fluent copies the provider's classes to the
// portal mount node of popups, which would then cover the page with a full-height background.
const useStyles = makeStyles({
  page: {
    minHeight: "100vh",
    backgroundColor: tokens.colorNeutralBackground3,
    color: tokens.colorNeutralForeground1,
  },
});

/** The provider and the page background, for the app and for what shows before it (main.tsx's wait for Teams). */
export function ThemedPage({ name, theme, children }: { name: HostTheme; theme: Theme; children: ReactNode }) {
  const styles = useStyles();
  return (
    <FluentProvider theme={theme} data-theme={name}>
      <div className={styles.page}>{children}</div>
    </FluentProvider>
  );
}

/** Props of Root. */
export interface RootProps {
  host: TeamsHost;
  hostContext: HostContext;
  /** The Fluent theme of `hostContext.theme`, loaded before the first render. */
  initialTheme: Theme;
  api: ApiClient;
  /** /api/settings as answered before the first render; undefined when it did not answer in time (asked again). */
  initialSettings: OperatorSettings | undefined;
  /** /api/settings answered 401 before the first render (see boot-settings.ts). */
  signInRequired?: boolean;
}

/** The themed root with the shared services. */
export function Root({ host, hostContext, initialTheme, api, initialSettings, signInRequired = false }: RootProps) {
  const [theme, setTheme] = useState<{ name: HostTheme; fluent: Theme }>({
    name: hostContext.theme,
    fluent: initialTheme,
  });
  const [settings, setSettings] = useState<OperatorSettings | undefined>(initialSettings);
  const [signIn, setSignIn] = useState(signInRequired);
  const gate = hostGateOf(hostContext, signIn);

  useEffect(() => {
    host.onThemeChange((next) => {
      void loadFluentTheme(next).then((fluent) => {
        applyDocumentTheme(next);
        setTheme({ name: next, fluent });
      });
    });
  }, [host]);

  useEffect(() => {
    if (initialSettings || signInRequired || hostContext.teamsUnanswered) return;
    const controller = new AbortController();
    api.getSettings({ signal: controller.signal }).then(setSettings, (error: unknown) => {
      // Without settings the tab still works: no sandbox banner, and the server picks SBC defaults.
      if (isSignInRequired(error)) setSignIn(true);
    });
    return () => controller.abort();
  }, [api, initialSettings, signInRequired, hostContext.teamsUnanswered]);

  const services = useMemo<AppServices>(
    () => ({ api, host, hostContext, settings }),
    [api, host, hostContext, settings],
  );

  return (
    <ThemedPage name={theme.name} theme={theme.fluent}>
      {gate ? (
        <HostGate kind={gate} />
      ) : (
        <AppContext.Provider value={services}>
          <App />
        </AppContext.Provider>
      )}
    </ThemedPage>
  );
}
