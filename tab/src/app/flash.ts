/**
 * A one-shot message handed from one page to the next (e.g. "Service created" after the wizard navigates home).
 * In memory only: a reload drops it, which is what a transient confirmation should do.
 */
let pending: string | undefined;

/** Leaves a message for the next page. */
export function setFlash(message: string): void {
  pending = message;
}

/** Takes the pending message, if any, and clears it. */
export function takeFlash(): string | undefined {
  const message = pending;
  pending = undefined;
  return message;
}
