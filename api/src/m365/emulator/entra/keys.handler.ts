/**
 * GET /{tenant}/discovery/v2.0/keys: the public signing key, so a client that verifies the emulator's tokens (the
 * operator sign-in tests) finds it where Entra publishes its own.
 */
import { tenantVisible } from "../emulator.clouds.js";
import { ENTRA_JSON, type EntraContext, invalidTenant, json, plain, tenantNotFound } from "../emulator.responses.js";
import type { EmulatorState } from "../emulator.state.js";
import type { EmulatorResponse } from "../emulator.types.js";

export function handleKeys(state: EmulatorState, ctx: EntraContext, method: string, segment: string): EmulatorResponse {
  if (method !== "GET") return plain(405, "Method Not Allowed");
  const found = state.lookupTenant(segment);
  if (found.kind === "invalid") return invalidTenant(ctx, segment);
  if (found.kind === "unknown" || (found.kind === "found" && !tenantVisible(ctx.host, found.tenant))) {
    return tenantNotFound(ctx, segment, "invalid_tenant");
  }
  return json(
    200,
    ENTRA_JSON,
    { keys: [{ ...state.jwk }] },
    { "cache-control": "max-age=86400", "access-control-allow-origin": "*", "x-ms-request-id": ctx.traceId },
  );
}
