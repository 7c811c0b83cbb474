/**
 * Display formats for dates and masked secrets, in the host's locale (Teams gives one; else the browser's).
 */
import { en } from "../i18n/en";
import { formatLocale } from "./locale";

function safeFormat(iso: string | undefined, options: Intl.DateTimeFormatOptions): string {
  if (!iso) return en.app.none;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(formatLocale(), options).format(date);
  } catch {
    // An unknown locale tag from the host: fall back to the browser's.
    return new Intl.DateTimeFormat(undefined, options).format(date);
  }
}

/** A date and time such as "12 Mar 2026, 14:05". */
export function formatDateTime(iso: string | undefined): string {
  return safeFormat(iso, { dateStyle: "medium", timeStyle: "short" });
}

/** A date such as "12 Mar 2026". */
export function formatDate(iso: string | undefined): string {
  return safeFormat(iso, { dateStyle: "medium" });
}

/** A secret shown as its three-character hint and dots; never more of it. */
export function maskSecret(hintOrSecret: string): string {
  return en.secret.masked(hintOrSecret.slice(0, 3));
}
