/**
 * Entry of the customer's invitation page (tab/invite.html, served at /invite/{token}): a page outside Teams, so no
 * teams-js and nothing of the tab's Teams host or app shell. Fluent's web light theme, or its dark theme (loaded
 * on demand) when the browser prefers dark; the preference is followed live.
 */
import { FluentProvider, type Theme, webLightTheme } from "@fluentui/react-components";
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { InvitePage } from "./invite.page";
import { tokenFromPath } from "./invite-token";

const darkQuery = window.matchMedia?.("(prefers-color-scheme: dark)");

/** The Fluent theme for a colour-scheme preference. */
async function loadTheme(dark: boolean): Promise<Theme> {
  return dark ? (await import("./dark.theme")).theme : webLightTheme;
}

function Root({ token, initialTheme }: { token: string | undefined; initialTheme: Theme }) {
  const [theme, setTheme] = useState(initialTheme);
  useEffect(() => {
    if (!darkQuery) return;
    const onChange = (event: MediaQueryListEvent) => void loadTheme(event.matches).then(setTheme);
    darkQuery.addEventListener("change", onChange);
    return () => darkQuery.removeEventListener("change", onChange);
  }, []);
  return (
    <FluentProvider theme={theme}>
      <InvitePage token={token} />
    </FluentProvider>
  );
}

async function start(): Promise<void> {
  const container = document.getElementById("root");
  if (!container) throw new Error("invite.html lacks #root");
  // The first render has the right theme, so nothing flashes (invite.html painted the background already).
  const theme = await loadTheme(darkQuery?.matches ?? false).catch(() => webLightTheme);
  createRoot(container).render(
    <StrictMode>
      <Root token={tokenFromPath(window.location.pathname)} initialTheme={theme} />
    </StrictMode>,
  );
}

void start();
