/**
 * Entry point: asks the host (Teams or a browser) for its theme first, then renders once, so the first frame
 * already has the right colours (index.html painted the background before this bundle loaded).
 */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createApiClient } from "./api/api.client";
import { Root } from "./app/root";
import { applyDocumentTheme, loadFluentTheme } from "./app/theme";
import { setFormatLocale } from "./format/format";
import { getTeamsHost } from "./teams/teams-host";

async function start(): Promise<void> {
  const host = getTeamsHost();
  const hostContext = await host.init();
  const initialTheme = await loadFluentTheme(hostContext.theme);
  applyDocumentTheme(hostContext.theme);
  setFormatLocale(hostContext.locale);
  const api = createApiClient({ getToken: () => host.getAuthToken() });
  const container = document.getElementById("root");
  if (!container) throw new Error("index.html lacks #root");
  createRoot(container).render(
    <StrictMode>
      <Root host={host} hostContext={hostContext} initialTheme={initialTheme} api={api} />
    </StrictMode>,
  );
}

void start();
