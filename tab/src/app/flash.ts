/**
 * A one-shot message handed from one page to the next (e.g. "Service created" after the wizard navigates home).
 * In memory only: a reload drops it, which is what a transient confirmation should do.
 */
import { useEffect, useState } from "react";

let pending: string | undefined;

/** Leaves a message for the next page. */
export function setFlash(message: string): void {
  pending = message;
}

/**
 * The message left for this page, if any. It is read during render but cleared only once the page has mounted:
 * React may render a page that is still loading more than once before it shows it, and a message taken by a
 * render that was thrown away would be lost.
 */
export function useFlash(): string | undefined {
  const [message] = useState(() => pending);
  useEffect(() => {
    if (message !== undefined && pending === message) pending = undefined;
  }, [message]);
  return message;
}
