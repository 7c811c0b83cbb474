/**
 * The one root FluentProvider. Its theme follows the host: the initial theme from `init()`, then live changes.
 */

import type { OperatorSettings } from "@dr/contract";
import { FluentProvider, makeStyles, type Theme, tokens } from "@fluentui/react-components";
import { useEffect, useMemo, useState } from "react";
import type { ApiClient } from "../api/api.client";
import type { HostContext, HostTheme, TeamsHost } from "../teams/teams-host";
import { App } from "./app";
import { AppContext, type AppServices } from "./app.context";
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

/** Props of Root. */
export interface RootProps {
  host: TeamsHost;
  hostContext: HostContext;
  /** The Fluent theme of `hostContext.theme`, loaded before the first render. */
  initialTheme: Theme;
  api: ApiClient;
  /** /api/settings as answered before the first render; undefined when it did not answer in time (asked again). */
  initialSettings: OperatorSettings | undefined;
}

/** The themed root with the shared services. */
export function Root({ host, hostContext, initialTheme, api, initialSettings }: RootProps) {
  const styles = useStyles();
  const [theme, setTheme] = useState<{ name: HostTheme; fluent: Theme }>({
    name: hostContext.theme,
    fluent: initialTheme,
  });
  const [settings, setSettings] = useState<OperatorSettings | undefined>(initialSettings);

  useEffect(() => {
    host.onThemeChange((next) => {
      void loadFluentTheme(next).then((fluent) => {
        applyDocumentTheme(next);
        setTheme({ name: next, fluent });
      });
    });
  }, [host]);

  useEffect(() => {
    if (initialSettings) return;
    const controller = new AbortController();
    api.getSettings({ signal: controller.signal }).then(setSettings, () => {
      // Without settings the tab still works: no sandbox banner, and the server picks SBC defaults.
    });
    return () => controller.abort();
  }, [api, initialSettings]);

  const services = useMemo<AppServices>(
    () => ({ api, host, hostContext, settings }),
    [api, host, hostContext, settings],
  );

  return (
    <FluentProvider theme={theme.fluent} data-theme={theme.name}>
      <div className={styles.page}>
        <AppContext.Provider value={services}>
          <App />
        </AppContext.Provider>
      </div>
    </FluentProvider>
  );
}
