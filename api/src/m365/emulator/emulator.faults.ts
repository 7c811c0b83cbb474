/**
 * Faults that act before the service looks at the request (a proxy, the network, an outage), as the fixtures
 * declare them per tenant and route. Both services use it; each passes its own throttling answer.
 */
import { html502, type RetryAnswer } from "./emulator.responses.js";
import type { EmulatorState } from "./emulator.state.js";
import type { EmulatorResponse, FaultRoute, TenantFixture } from "./emulator.types.js";

/**
 * The answer that replaces the normal one, or the extra delay (ms) to add to it. `includeThrottle` is false where
 * throttling comes later in the service's own order (the token endpoint throttles after checking the request,
 * docs/entra.md section 5).
 */
export function preFault(
  state: EmulatorState,
  tenant: TenantFixture,
  route: FaultRoute,
  retryAnswer: RetryAnswer,
  includeThrottle: boolean,
): EmulatorResponse | number {
  const fault = tenant.faults?.[route];
  if (fault === undefined) return 0;
  switch (fault.kind) {
    case "latency":
      return fault.ms;
    case "hang":
      return { kind: "hang" };
    case "reset":
      return { kind: "reset" };
    case "html502":
      return html502();
    case "unavailable":
      return state.consumeFault(tenant, route, fault.times) ? retryAnswer(503, fault.retryAfterSeconds) : 0;
    case "throttle":
      if (!includeThrottle) return 0;
      return state.consumeFault(tenant, route, fault.times) ? retryAnswer(429, fault.retryAfterSeconds) : 0;
  }
}
