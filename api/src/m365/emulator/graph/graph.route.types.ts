/**
 * The shape of one emulated Graph route: which paths it answers, which application permissions allow it, and the
 * answer. graph.routes.ts lists them; adding a Graph call to the emulator is one handler file, one line there and
 * its name in `FaultRoute` (so fixtures can inject faults on it).
 */
import type { GraphContext, Response } from "../emulator.responses.js";
import type { EmulatorState } from "../emulator.state.js";
import type { FaultRoute } from "../emulator.types.js";
import type { GraphCaller } from "./graph.auth.js";

/** One request as a Graph route handler sees it, the caller already authenticated. */
export interface GraphRequest {
  state: EmulatorState;
  g: GraphContext;
  caller: GraphCaller;
  /** The route's `path` matched against the path after `/v1.0` (its groups hold ids such as an appId). */
  match: RegExpExecArray;
  query: URLSearchParams;
}

/** One Graph route. */
export interface GraphRoute {
  /** The route's name for faults in the fixtures. */
  name: FaultRoute;
  /** Matches the path after `/v1.0`. */
  path: RegExp;
  /** Application permissions any one of which allows the call (least privilege first, docs/entra.md section 9). */
  roles: readonly string[];
  /** The answer once authentication, method, faults and roles have passed. */
  answer(request: GraphRequest): Response;
}

/** Picks the listed properties when `$select` is given; unknown names are ignored, as Graph's are not (loosely). */
export function select(entity: Record<string, unknown>, query: URLSearchParams): Record<string, unknown> {
  const raw = query.get("$select");
  if (raw === null || raw.trim() === "") return entity;
  const wanted = new Set(raw.split(",").map((s) => s.trim().toLowerCase()));
  return Object.fromEntries(Object.entries(entity).filter(([k]) => wanted.has(k.toLowerCase())));
}
