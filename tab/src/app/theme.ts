/**
 * Teams theme -> Fluent UI v9 theme, and the page background the inline script in index.html paints before the
 * bundle loads (keep both colour tables in step).
 *
 * Standalone (outside Teams) uses teamsLightTheme too rather than webLightTheme, so the page and its screenshots
 * look the same in a browser as inside Teams. The dark and high-contrast themes load on demand (each is ~10 kB of
 * tokens); the root waits for the right one before its first render.
 */
import { type Theme, teamsLightTheme } from "@fluentui/react-components";
import { type HostTheme, THEME_STORAGE_KEY } from "../teams/teams-host";

/** colorNeutralBackground3 of teamsLightTheme, teamsDarkTheme and teamsHighContrastTheme: the page colour. */
export const PAGE_BACKGROUNDS: Record<HostTheme, string> = {
  default: "#f5f5f5",
  dark: "#1f1f1f",
  contrast: "#000000",
};

/** The Fluent theme for a Teams theme: default -> teamsLightTheme, dark -> teamsDarkTheme, contrast -> teamsHighContrastTheme. */
export async function loadFluentTheme(theme: HostTheme): Promise<Theme> {
  if (theme === "dark") return (await import("./themes/dark.theme")).theme;
  if (theme === "contrast") return (await import("./themes/contrast.theme")).theme;
  return teamsLightTheme;
}

/** Paints the document in the theme's page colour and remembers the theme for the next load's first paint. */
export function applyDocumentTheme(theme: HostTheme): void {
  const root = document.documentElement;
  root.style.background = PAGE_BACKGROUNDS[theme];
  root.style.colorScheme = theme === "default" ? "light" : "dark";
  try {
    localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Storage can be blocked (private mode, partitioned iframes); the theme still applies for this load.
  }
}
