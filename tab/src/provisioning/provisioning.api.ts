/**
 * The calls of a provisioning run, as one port over the API client, for the two places a run is started from: the
 * operator's tab (`/api/provisioning`, with the Teams token) and the customer's invitation page
 * (`/api/invite/{token}/provisioning`, public; the link is the key). The run view only sees the port, so it is
 * the same component on both. Also the sandbox's stand-in for the admin's browser sign-in (docs/api.md).
 */
import type {
  ItemList,
  ProvisioningRun,
  SandboxAdmin,
  SandboxDeviceSignInBody,
  StartInviteProvisioningBody,
  StartProvisioningBody,
} from "@dr/contract";
import type { ApiClient, CallOptions } from "../api/api.client";

/** What a run view and its page ask of the server about runs. */
export interface ProvisioningPort<Body> {
  /** POST: starts a run (201, waiting for sign-in). */
  start(body: Body, o?: CallOptions): Promise<ProvisioningRun>;
  /** GET as JSON. */
  get(id: string, o?: CallOptions): Promise<ProvisioningRun>;
  /** GET as an event stream: each change to `onRun` until the server ends the stream; the last run answered. */
  watch(id: string, onRun: (run: ProvisioningRun) => void, o?: CallOptions): Promise<ProvisioningRun | undefined>;
  /** DELETE: cancels a run that waits for sign-in; answers the cancelled run (undefined if the server sent none). */
  cancel(id: string, o?: CallOptions): Promise<ProvisioningRun | undefined>;
  /** POST …/cleanup: removes what the run created; 409 `sign_in_again` when the admin's sign-in is gone. */
  cleanup(id: string, o?: CallOptions): Promise<ProvisioningRun>;
}

function port<Body>(client: ApiClient, base: string): ProvisioningPort<Body> {
  const at = (id: string) => `${base}/${encodeURIComponent(id)}`;
  return {
    start: (body, o) => client.request("POST", base, { ...o, body }),
    get: (id, o) => client.request("GET", at(id), o),
    watch: (id, onRun, o) => client.streamRun(at(id), onRun, o),
    cancel: (id, o) => client.request("DELETE", at(id), o),
    cleanup: (id, o) => client.request("POST", `${at(id)}/cleanup`, o),
  };
}

/** The operator's runs (Teams token, operate role). */
export function operatorProvisioning(client: ApiClient): ProvisioningPort<StartProvisioningBody> {
  return port(client, "/api/provisioning");
}

/** The runs of one invitation, by its token (public). */
export function inviteProvisioning(client: ApiClient, token: string): ProvisioningPort<StartInviteProvisioningBody> {
  return port(client, `/api/invite/${encodeURIComponent(token)}/provisioning`);
}

/** The sandbox's stand-in for the admin's sign-in at the verification page (sandbox mode only; 404 in live mode). */
export interface SandboxSignInPort {
  admins(o?: CallOptions): Promise<SandboxAdmin[]>;
  signIn(body: SandboxDeviceSignInBody, o?: CallOptions): Promise<void>;
}

/** The sandbox port over the client. */
export function sandboxSignIn(client: ApiClient): SandboxSignInPort {
  return {
    admins: async (o) => (await client.request<ItemList<SandboxAdmin>>("GET", "/api/sandbox/admins", o)).items,
    signIn: async (body, o) => {
      await client.request("POST", "/api/sandbox/device-sign-in", { ...o, body });
    },
  };
}
