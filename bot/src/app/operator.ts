/**
 * Who acts in a turn. Teams display names are not unique (two "Alex Smith"s share one), so they are only ever shown;
 * the operator is known by their Entra object id (`from.aadObjectId`), resolved to the name the API's own sign-in
 * uses for them (api/src/auth/operator-auth.ts: upn, else preferred_username, email or object id). A turn without an
 * object id cannot act at all.
 */
import type { InboundTurn } from "../turn.types.js";

/** The operator behind a turn. */
export interface TurnOperator {
  /**
   * The API's name for them: the upn remembered from their verified sign-in to the tab, else `aad:<object id>`. The
   * audit actor, createdBy, and the key of the rate limit and of the idempotency scope.
   */
  actor: string;
  /** Entra object id, lower case. */
  aadObjectId: string;
  /** Teams display name: shown, never used as an identity. */
  displayName?: string;
}

/** The sender's Entra object id, lower case; undefined when the turn has none (it may then not act). */
export function objectIdOf(turn: InboundTurn): string | undefined {
  const oid = turn.from.aadObjectId?.trim().toLowerCase();
  return oid ? oid : undefined;
}

/** The stable identity used when no upn is known (dev mode, or a directory that has not seen them). */
export function objectIdActor(aadObjectId: string): string {
  return `aad:${aadObjectId.toLowerCase()}`;
}

/** The answer to a turn that would act but names no Entra object id. */
export const NO_IDENTITY =
  "I cannot tell who you are: this conversation does not carry your Microsoft Entra identity. Use the Direct Routing app in Microsoft Teams, signed in with your work account.";
