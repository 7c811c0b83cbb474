/**
 * The shape of one emulated Graph route: its method and path, which permissions let a caller in, and the answer.
 * graph.routes.ts lists them; adding a Graph call to the emulator is one handler, one line there and, for a read,
 * its fault name in `FaultRoute` (every write shares "graphWrite"). Also the permission helpers the write routes
 * share (docs/entra.md sections 11 and 15).
 */
import { randomBytes } from "node:crypto";
import type { AppRecord, TenantDirectory } from "../emulator.directory.js";
import { type GraphContext, graphError, type Response } from "../emulator.responses.js";
import type { EmulatorState } from "../emulator.state.js";
import type { FaultRoute, GraphWriteCall } from "../emulator.types.js";
import type { GraphCaller } from "./graph.auth.js";

export type GraphMethod = "GET" | "POST" | "DELETE";

/** One request as a Graph route handler sees it, the caller already authenticated and let in. */
export interface GraphRequest {
  state: EmulatorState;
  g: GraphContext;
  caller: GraphCaller;
  /** The caller's tenant's directory. */
  dir: TenantDirectory;
  /** The route's `path` matched against the path after `/v1.0` (its groups hold ids such as an appId). */
  match: RegExpExecArray;
  query: URLSearchParams;
  /** The request body as sent. */
  body: string;
  /** The request headers, lower-case names (e.g. `consistencylevel` for advanced queries). */
  headers: Record<string, string>;
}

/** One Graph route. */
export interface GraphRoute {
  /** The route's name for faults in the fixtures ("graphWrite" for every write). */
  name: FaultRoute;
  method: GraphMethod;
  /** Matches the path after `/v1.0`. */
  path: RegExp;
  /** Application permissions any one of which lets an app-only caller in (least privilege first). */
  roles: readonly string[];
  /**
   * Delegated permissions any one of which lets a user in; which directory role the user needs besides is the
   * answer's business (it may depend on the object, e.g. its owners).
   */
  scopes: readonly string[];
  /** For a write: the name it is counted under in the directory snapshot. */
  call?: GraphWriteCall;
  /**
   * An app-only caller may call it on its own application (the path's object id) without any permission, as
   * Microsoft documents for addKey and removeKey (docs/entra.md section 13); other callers need `roles`/`scopes`.
   */
  selfWithoutPermission?: boolean;
  /** The answer once authentication, method, faults and permissions have passed. */
  answer(request: GraphRequest): Response;
}

/** Picks the listed properties when `$select` is given; unknown names are ignored, as Graph's are not (loosely). */
export function select(entity: Record<string, unknown>, query: URLSearchParams): Record<string, unknown> {
  const raw = query.get("$select");
  if (raw === null || raw.trim() === "") return entity;
  const wanted = new Set(raw.split(",").map((s) => s.trim().toLowerCase()));
  return Object.fromEntries(Object.entries(entity).filter(([k]) => wanted.has(k.toLowerCase())));
}

/** Directory role template ids (docs/entra.md section 11). */
export const GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10";
export const PRIVILEGED_ROLE_ADMINISTRATOR = "e8611ab8-c189-46e8-94e1-60213ab1f814";
export const APPLICATION_ADMINISTRATOR = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3";
export const CLOUD_APPLICATION_ADMINISTRATOR = "158c047a-c907-4556-b7ef-446551a6b5f7";

/** Roles that may manage every application (docs/entra.md section 11). */
const APP_ADMIN_ROLES = [
  GLOBAL_ADMINISTRATOR,
  PRIVILEGED_ROLE_ADMINISTRATOR,
  APPLICATION_ADMINISTRATOR,
  CLOUD_APPLICATION_ADMINISTRATOR,
];
/** Roles that may grant Microsoft Graph app roles and assign directory roles (docs/entra.md section 12). */
const PRIVILEGED_ROLES = [GLOBAL_ADMINISTRATOR, PRIVILEGED_ROLE_ADMINISTRATOR];

function holds(caller: GraphCaller, roles: readonly string[]): boolean {
  return caller.kind === "user" && caller.roles.some((r) => roles.includes(r.toLowerCase()));
}

/** True when an app-only caller calls a route on its own application, named by `objectId`. */
export function isOwnApplication(dir: TenantDirectory, caller: GraphCaller, objectId: string | undefined): boolean {
  return caller.kind === "app" && objectId !== undefined && dir.record(caller.app).objectId === objectId.toLowerCase();
}

/** A user holding Global, Privileged Role, Application or Cloud Application Administrator. */
export function isAppAdmin(caller: GraphCaller): boolean {
  return holds(caller, APP_ADMIN_ROLES);
}

/** A user holding Global or Privileged Role Administrator. */
export function isPrivilegedAdmin(caller: GraphCaller): boolean {
  return holds(caller, PRIVILEGED_ROLES);
}

/** The caller's object id: the user's, or the app's service principal's. */
export function callerObjectId(dir: TenantDirectory, caller: GraphCaller): string | undefined {
  return caller.kind === "user" ? caller.user.id.toLowerCase() : dir.record(caller.app).sp?.id;
}

export function isOwner(dir: TenantDirectory, caller: GraphCaller, record: AppRecord): boolean {
  const id = callerObjectId(dir, caller);
  return id !== undefined && record.owners.includes(id);
}

/**
 * May the caller change `record` (its secrets, its service principal, delete it)? App-only:
 * Application.ReadWrite.All, or Application.ReadWrite.OwnedBy on an app it owns (docs/entra.md section 11).
 * Delegated: an application admin role, or an owner of the app.
 */
export function canManage(request: GraphRequest, record: AppRecord): boolean {
  const { caller, dir } = request;
  if (caller.kind === "app") {
    if (caller.roles.includes("Application.ReadWrite.All")) return true;
    return caller.roles.includes("Application.ReadWrite.OwnedBy") && isOwner(dir, caller, record);
  }
  return isAppAdmin(caller) || isOwner(dir, caller, record);
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(text: string): boolean {
  return GUID_RE.test(text);
}

/** 400 for an object id that is not a GUID. */
export function invalidObjectId(g: GraphContext, id: string): Response {
  return graphError(g, 400, "Request_BadRequest", `Invalid object identifier '${id}'.`);
}

/** 400 naming a property whose value is missing or wrong (exact wording (unverified)). */
export function invalidProperty(g: GraphContext, property: string, resource: string): Response {
  return graphError(
    g,
    400,
    "Request_BadRequest",
    `Invalid value specified for property '${property}' of resource '${resource}'.`,
  );
}

/** A write's body: its JSON object, or the answer refusing it. */
export type JsonBody = { json: Record<string, unknown> } | { refused: Response };

/** The JSON object of a write's body, or Graph's 400 for anything else (an empty body is an empty object). */
export function readJson(request: GraphRequest): JsonBody {
  if (request.body.trim() === "") return { json: {} };
  try {
    const parsed: unknown = JSON.parse(request.body);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
      return { json: parsed as Record<string, unknown> };
    }
  } catch {
    // Falls through to the answer below.
  }
  const refused = graphError(
    request.g,
    400,
    "BadRequest",
    "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON " +
      "format.",
  );
  return { refused };
}

/** A Graph object id of the kind appRoleAssignment and roleAssignment ids have (opaque, base64url-like). */
export function opaqueId(): string {
  return randomBytes(32).toString("base64url").slice(0, 43);
}
