/**
 * The host's locale for the formatters in format.ts, in a module of its own: main.tsx sets it at start-up, and must
 * not pull format.ts's text table into the tab's initial JavaScript (docs/architecture.md, "Tab bundle budget").
 */

let locale: string | undefined;

/** Sets the locale used by the formatters (from the Teams context; undefined: the browser's). */
export function setFormatLocale(value: string | undefined): void {
  locale = value;
}

/** The locale the formatters use. */
export function formatLocale(): string | undefined {
  return locale;
}
