/**
 * Entry point: asks the host (Teams or a browser) for its theme first, then renders once, so the first frame
 * already has the right colours (index.html painted the background before this bundle loaded). A framed page whose
 * Teams is slow to answer shows a spinner meanwhile (teams-host.ts waits up to 15 s there).
 */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createApiClient } from "./api/api.client";
import { preloadPage } from "./app/app";
import { type BootSettings, loadBootSettings } from "./app/boot-settings";
import { HostWaiting } from "./app/host-gate";
import { Root, ThemedPage } from "./app/root";
import { startPathOf } from "./app/router";
import { applyDocumentTheme, loadFluentTheme } from "./app/theme";
import { setFormatLocale } from "./format/locale";
import { getTeamsHost, standaloneTheme } from "./teams/teams-host";

/** How long the host may take before the page shows that it is waiting for Teams (Teams usually answers sooner). */
const WAITING_SPINNER_AFTER_MS = 1000;

async function start(): Promise<void> {
  const container = document.getElementById("root");
  if (!container) throw new Error("index.html lacks #root");
  const root = createRoot(container);
  // The page's code loads while the host answers and the settings arrive; the first render waits for all three.
  const page = preloadPage(window.location.pathname).catch(() => undefined);
  const host = getTeamsHost();
  let hostAnswered = false;
  const waiting = setTimeout(() => {
    const theme = standaloneTheme();
    void loadFluentTheme(theme).then((fluent) => {
      if (hostAnswered) return;
      root.render(
        <StrictMode>
          <ThemedPage name={theme} theme={fluent}>
            <HostWaiting />
          </ThemedPage>
        </StrictMode>,
      );
    });
  }, WAITING_SPINNER_AFTER_MS);
  const hostContext = await host.init();
  hostAnswered = true;
  // A deep link (the bot's Continue onboarding) names the page to open in Teams' context, not in the URL.
  const start = startPathOf(hostContext.subPageId);
  if (start) window.history.replaceState(null, "", start);
  clearTimeout(waiting);
  const api = createApiClient({ getToken: () => host.getAuthToken() });
  // The theme and the settings load side by side; the first render has both, so nothing moves after it. When Teams
  // did not answer, the page only says so: no API call (it would answer 401 without a Teams token).
  const noSettings: Promise<BootSettings> = Promise.resolve({});
  const [initialTheme, boot] = await Promise.all([
    loadFluentTheme(hostContext.theme),
    hostContext.teamsUnanswered ? noSettings : loadBootSettings(api),
    page,
  ]);
  applyDocumentTheme(hostContext.theme);
  setFormatLocale(hostContext.locale);
  root.render(
    <StrictMode>
      <Root
        host={host}
        hostContext={hostContext}
        initialTheme={initialTheme}
        api={api}
        initialSettings={boot.settings}
        signInRequired={boot.signInRequired === true}
      />
    </StrictMode>,
  );
}

void start();
