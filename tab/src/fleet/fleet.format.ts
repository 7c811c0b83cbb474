/**
 * The fleet page's shared words and orders: statuses in the order the page shows them (attention first) and a
 * week's first day as a short date in the host's locale (the API's dates are UTC days, so formatted in UTC).
 */
import type { ServiceStatus } from "@dr/contract";
import { formatLocale } from "../format/locale";

/** Statuses as the page lists them: the worst first, as the services list sorts. */
export const FLEET_STATUSES: readonly ServiceStatus[] = ["auth_failed", "expiring", "not_validated", "connected"];

/** "Mar 10" for `2026-03-10` (a UTC day), in the host's locale. */
export function weekLabel(isoDay: string): string {
  const date = new Date(`${isoDay}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDay;
  const options: Intl.DateTimeFormatOptions = { month: "short", day: "numeric", timeZone: "UTC" };
  try {
    return new Intl.DateTimeFormat(formatLocale(), options).format(date);
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(date);
  }
}
