/**
 * The public calls of the customer's page (docs/api.md, "Invitations", "Provisioning"): the invitation's public
 * facts, the streamed validation, and "Create it for me"'s provisioning runs with the sandbox's sign-in, through the
 * tab's API client (no token: the link is the only key). Every bad token answers
 * the same 404, which the page turns into its one neutral page.
 */
import type {
  Check,
  InvitePublic,
  InviteValidationBody,
  StartInviteProvisioningBody,
  ValidationReport,
} from "@dr/contract";
import { ApiProblem, createApiClient, REQUEST_TIMEOUT_MS } from "../api/api.client";
import {
  inviteProvisioning,
  type ProvisioningPort,
  type SandboxSignInPort,
  sandboxSignIn,
} from "../provisioning/provisioning.api";

/** What loading the invitation gave. */
export type InviteLoad =
  | { kind: "ready"; invite: InvitePublic }
  /** Unknown, used, revoked or expired: one answer for all. */
  | { kind: "gone" }
  | { kind: "failed"; problem: ApiProblem };

const path = (token: string) => `/api/invite/${encodeURIComponent(token)}`;

/** GET /api/invite/{token}. */
export async function loadInvite(token: string, signal?: AbortSignal): Promise<InviteLoad> {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch(path(token), {
      headers: { accept: "application/json" },
      credentials: "omit",
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (response.status === 404) return { kind: "gone" };
    if (!response.ok) {
      const code = response.status === 429 ? "rate_limited" : `http_${response.status}`;
      return { kind: "failed", problem: new ApiProblem({ status: response.status, code }) };
    }
    return { kind: "ready", invite: (await response.json()) as InvitePublic };
  } catch {
    const code = timeout.aborted ? "timeout" : "network";
    return { kind: "failed", problem: new ApiProblem({ status: 0, code }) };
  }
}

const client = createApiClient({ getToken: async () => undefined });

/** POST /api/invite/{token}/validation as an event stream; each finished check goes to `onCheck`. */
export function validateInvite(
  token: string,
  body: InviteValidationBody,
  onCheck: (check: Check) => void,
  signal: AbortSignal,
): Promise<ValidationReport> {
  return client.streamValidation("POST", `${path(token)}/validation`, body, onCheck, { signal });
}

/** The invitation's provisioning runs ("Create it for me"): POST, GET (+ event stream), DELETE and clean-up by token. */
export function inviteRuns(token: string): ProvisioningPort<StartInviteProvisioningBody> {
  return inviteProvisioning(client, token);
}

/** The sandbox's stand-in for the admin's sign-in (public; 404 in live mode, and then the page shows none). */
export const inviteSandbox: SandboxSignInPort = sandboxSignIn(client);
