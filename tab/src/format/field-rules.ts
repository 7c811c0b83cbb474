/**
 * Glue between the operator's typing and the shared zod schemas: the field messages themselves come from the
 * contract's `fieldMessage`, the same text the bot shows; this holds what only a text box needs.
 */

import { clientSecretWarnings } from "@dr/contract";

/**
 * The warning to show under a client secret that is accepted but looks like the Secret ID (a GUID; legacy az CLI
 * and PowerShell secrets were GUIDs too): the contract's text, the same code the validation report gives.
 */
export function secretWarning(secret: string): string | undefined {
  return clientSecretWarnings(secret)[0]?.message;
}

/** Reads a whole-number text as a number (NaN when it is not a whole number as typed). */
export function parseUsers(raw: string): number {
  return /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
}
