/**
 * Entry point: asks the host (Teams or a browser) for its theme first, then renders once, so the first frame
 * already has the right colours (index.html painted the background before this bundle loaded).
 */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createApiClient } from "./api/api.client";
import { preloadPage } from "./app/app";
import { loadBootSettings } from "./app/boot-settings";
import { Root } from "./app/root";
import { applyDocumentTheme, loadFluentTheme } from "./app/theme";
import { setFormatLocale } from "./format/format";
import { getTeamsHost } from "./teams/teams-host";

async function start(): Promise<void> {
  // The page's code loads while the host answers and the settings arrive; the first render waits for all three.
  const page = preloadPage(window.location.pathname).catch(() => undefined);
  const host = getTeamsHost();
  const hostContext = await host.init();
  const api = createApiClient({ getToken: () => host.getAuthToken() });
  // The theme and the settings load side by side; the first render has both, so nothing moves after it.
  const [initialTheme, initialSettings] = await Promise.all([
    loadFluentTheme(hostContext.theme),
    loadBootSettings(api),
    page,
  ]);
  applyDocumentTheme(hostContext.theme);
  setFormatLocale(hostContext.locale);
  const container = document.getElementById("root");
  if (!container) throw new Error("index.html lacks #root");
  createRoot(container).render(
    <StrictMode>
      <Root
        host={host}
        hostContext={hostContext}
        initialTheme={initialTheme}
        api={api}
        initialSettings={initialSettings}
      />
    </StrictMode>,
  );
}

void start();
