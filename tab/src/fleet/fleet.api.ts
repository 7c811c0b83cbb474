/**
 * The fleet's calls (docs/api.md, "Fleet"): the summary, and a re-validation run started, read, followed as an
 * event stream (`progress` events, then one `end`) and cancelled.
 */
import type { FleetRun, FleetRunStarted, FleetSummary } from "@dr/contract";
import type { ApiClient, CallOptions } from "../api/api.client";

/** What the fleet page asks of the server. */
export interface FleetApi {
  summary(o?: CallOptions): Promise<FleetSummary>;
  /** POST: 202 with the new run's id, or the running run's when one runs already. */
  start(o?: CallOptions): Promise<FleetRunStarted>;
  get(runId: string, o?: CallOptions): Promise<FleetRun>;
  /** Each state of the run to `onRun` until the server ends the stream; answers the last one. */
  watch(runId: string, onRun: (run: FleetRun) => void, o?: CallOptions): Promise<FleetRun | undefined>;
  cancel(runId: string, o?: CallOptions): Promise<FleetRun>;
}

/** The fleet calls over the API client. */
export function fleetApi(client: ApiClient): FleetApi {
  const run = (id: string) => `/api/fleet/revalidation/${encodeURIComponent(id)}`;
  return {
    summary: (o) => client.request("GET", "/api/fleet", o),
    start: (o) => client.request("POST", "/api/fleet/revalidation", o),
    get: (id, o) => client.request("GET", run(id), o),
    watch: (id, onRun, o) => client.streamRun<FleetRun>(run(id), onRun, o),
    cancel: (id, o) => client.request("POST", `${run(id)}/cancel`, o),
  };
}
