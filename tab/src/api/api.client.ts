/**
 * Typed client of the API (docs/api.md) plus /api/settings and /api/sandbox. Same origin, JSON in and out, the
 * Teams SSO token as a bearer when the host has one. Every non-2xx answer becomes an `ApiProblem`; every request has
 * a timeout so the UI never waits forever.
 */
import type {
  AuditEvent,
  Check,
  Cloud,
  CreateCustomerBody,
  CreateInvitationBody,
  CreateServiceBody,
  CredentialsBody,
  Customer,
  InputProblem,
  Invitation,
  InvitationStatus,
  InvitationWithUrl,
  ItemList,
  M365Settings,
  NameCheck,
  OperatorSettings,
  OutboxMessage,
  Problem,
  ProvisioningRun,
  ReplaceSecretBody,
  SandboxTenants,
  Service,
  ServiceStatus,
  SubdomainCheck,
  UpdateServiceBody,
  ValidationEvent,
  ValidationReport,
} from "@dr/contract";
import { createEventStreamParser } from "./event-stream.parser";

/**
 * Body of POST /api/services made from a completed invitation: `invitationId` in place of the credentials, and `m365`
 * carrying at most `cloud` (docs/api.md, "Invitations").
 */
export type ServiceFromInvitationBody = Omit<CreateServiceBody, "m365"> & {
  invitationId: string;
  m365?: { cloud?: Cloud };
};

/**
 * Body of POST /api/services made from a finished provisioning run: `provisioningId` in place of the credentials,
 * and `m365` carrying at most `cloud` (docs/api.md, "Provisioning").
 */
export type ServiceFromProvisioningBody = Omit<CreateServiceBody, "m365"> & {
  provisioningId: string;
  m365?: { cloud?: Cloud };
};

/** Timeout of ordinary requests. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** Timeout of validations (six checks, each with its own bounded retries on the server). */
export const VALIDATION_TIMEOUT_MS = 60_000;
/**
 * Timeout of "Rotate secret now": the server adds a password and waits until Entra ID accepts it (replication can
 * take minutes) before it validates and switches.
 */
export const ROTATION_TIMEOUT_MS = 300_000;

/**
 * A failed request. `status` 0 means no HTTP answer: `code` is then `network` or `timeout` (or `aborted` when the
 * caller cancelled). `report` is set for `credentials_invalid`.
 */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: InputProblem[];
  readonly report: ValidationReport | undefined;

  constructor(init: {
    status: number;
    code: string;
    title?: string;
    detail?: string;
    errors?: InputProblem[];
    report?: ValidationReport;
  }) {
    super(init.detail ?? init.title ?? init.code);
    this.name = "ApiProblem";
    this.status = init.status;
    this.code = init.code;
    this.title = init.title ?? init.code;
    this.detail = init.detail ?? init.title ?? init.code;
    this.errors = init.errors ?? [];
    this.report = init.report;
  }
}

/** Options of one call. */
export interface CallOptions {
  /** Cancels the call (e.g. the component unmounted); the timeout still applies. */
  signal?: AbortSignal;
  /** Replaces the call's timeout, ms (default REQUEST_TIMEOUT_MS; VALIDATION_TIMEOUT_MS for validations). */
  timeoutMs?: number;
}

/** Everything the tab asks of the API. */
export interface ApiClient {
  getSettings(o?: CallOptions): Promise<OperatorSettings>;
  getSandbox(o?: CallOptions): Promise<SandboxTenants>;
  listCustomers(o?: CallOptions): Promise<ItemList<Customer>>;
  createCustomer(body: CreateCustomerBody, o?: CallOptions): Promise<Customer>;
  checkName(name: string, o?: CallOptions): Promise<NameCheck>;
  /** GET /api/services/subdomain-check: is this SBC sub-domain label free? */
  checkSubdomain(label: string, o?: CallOptions): Promise<SubdomainCheck>;
  /** POST /api/validation, streaming each finished check to `onCheck`. */
  validate(body: CredentialsBody, onCheck: (c: Check) => void, o?: CallOptions): Promise<ValidationReport>;
  listServices(status?: ServiceStatus, o?: CallOptions): Promise<ItemList<Service>>;
  createService(
    body: CreateServiceBody | ServiceFromInvitationBody | ServiceFromProvisioningBody,
    idempotencyKey: string,
    o?: CallOptions,
  ): Promise<Service>;
  getService(id: string, o?: CallOptions): Promise<Service>;
  updateService(id: string, body: UpdateServiceBody, o?: CallOptions): Promise<Service>;
  deleteService(id: string, o?: CallOptions): Promise<void>;
  getM365(id: string, o?: CallOptions): Promise<M365Settings>;
  /** POST /api/services/{id}/m365/validate (Validate Authentication), streamed. */
  validateService(id: string, onCheck: (c: Check) => void, o?: CallOptions): Promise<ValidationReport>;
  /**
   * PUT /api/services/{id}/m365/secret with the new secret or a certificate (`{clientSecret}` or
   * `{clientCertificate}`), streamed; 422 throws an ApiProblem carrying the report.
   */
  replaceSecret(
    id: string,
    body: ReplaceSecretBody,
    onCheck: (c: Check) => void,
    o?: CallOptions,
  ): Promise<ValidationReport>;
  getAudit(id: string, o?: CallOptions): Promise<ItemList<AuditEvent>>;
  /** GET /api/invitations (never a link, never a secret). */
  listInvitations(status?: InvitationStatus, o?: CallOptions): Promise<ItemList<Invitation>>;
  getInvitation(id: string, o?: CallOptions): Promise<Invitation>;
  /** POST /api/invitations: the answer carries the link, shown only here. */
  createInvitation(body: CreateInvitationBody, o?: CallOptions): Promise<InvitationWithUrl>;
  /** POST /api/invitations/{id}/resend: a new link replaces the old one. */
  resendInvitation(id: string, o?: CallOptions): Promise<InvitationWithUrl>;
  /** DELETE /api/invitations/{id}: revoked. */
  revokeInvitation(id: string, o?: CallOptions): Promise<void>;
  /** GET /api/outbox (sandbox only): the mails the built-in outbox kept. */
  listOutbox(o?: CallOptions): Promise<ItemList<OutboxMessage>>;
  /**
   * POST /api/services/{id}/m365/rotate ("Rotate secret now"), streamed when the server streams; a 409
   * (`rotation_not_permitted`, `rotation_in_progress`) throws an ApiProblem whose detail is the remedy.
   */
  rotateSecret(id: string, onCheck: (c: Check) => void, o?: CallOptions): Promise<ValidationReport>;
  /** Any JSON call on the API (the provisioning and sandbox ports are built on it; see provisioning.api.ts). */
  request<T>(method: string, path: string, init?: { body?: unknown } & CallOptions): Promise<T>;
  /**
   * GET `path` as an event stream of a run's state after every change until the server ends it: each event but
   * `problem` (a provisioning run's `run`, a fleet run's `progress` and `end`) goes to `onRun`, and the last one is
   * answered (undefined when none came). A JSON answer counts as one run. Only the answer's headers are under the
   * request timeout: the stream itself may last as long as the run (it is ended by `signal`).
   */
  streamRun<T = ProvisioningRun>(path: string, onRun: (run: T) => void, o?: CallOptions): Promise<T | undefined>;
  /** The streaming primitive behind the three validations. */
  streamValidation(
    method: "POST" | "PUT",
    url: string,
    body: unknown,
    onCheck: (c: Check) => void,
    o?: CallOptions,
  ): Promise<ValidationReport>;
}

/** Dependencies of the client. */
export interface ApiClientDeps {
  /** Bearer token source (Teams SSO); undefined = send none. */
  getToken(): Promise<string | undefined>;
  /** Base URL; empty = same origin. */
  baseUrl?: string;
}

/** Reads a problem+json (or any) error body into an ApiProblem. */
async function problemFromResponse(response: Response): Promise<ApiProblem> {
  let body: Partial<Problem> = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // A proxy's HTML error page: keep the status only.
  }
  return new ApiProblem({
    status: response.status,
    code: typeof body.code === "string" ? body.code : `http_${response.status}`,
    title: body.title ?? response.statusText,
    detail: body.detail ?? body.title ?? response.statusText,
    errors: Array.isArray(body.errors) ? body.errors : [],
    report: body.report,
  });
}

/** A signal that aborts on the caller's signal or after `ms`, and tells which one fired. */
function deadline(
  ms: number,
  outer?: AbortSignal,
): { signal: AbortSignal; timedOut: () => boolean; stopTimer: () => void; done: () => void } {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort();
  }, ms);
  const onOuter = () => controller.abort();
  if (outer?.aborted) controller.abort();
  outer?.addEventListener("abort", onOuter, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => expired,
    stopTimer: () => clearTimeout(timer),
    done: () => {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onOuter);
    },
  };
}

/** Turns a fetch failure (no HTTP answer) into an ApiProblem. */
function transportProblem(error: unknown, timedOut: boolean, aborted: boolean): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (timedOut) return new ApiProblem({ status: 0, code: "timeout", detail: "The server took too long to answer." });
  if (aborted) return new ApiProblem({ status: 0, code: "aborted", detail: "Cancelled." });
  return new ApiProblem({ status: 0, code: "network", detail: "The server could not be reached." });
}

/** Builds the client. */
export function createApiClient(deps: ApiClientDeps): ApiClient {
  const base = deps.baseUrl ?? "";

  async function headers(extra: Record<string, string>): Promise<Headers> {
    const h = new Headers(extra);
    const token = await deps.getToken().catch(() => undefined);
    if (token) h.set("authorization", `Bearer ${token}`);
    return h;
  }

  async function call<T>(
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } & CallOptions = {},
  ): Promise<T> {
    const d = deadline(init.timeoutMs ?? REQUEST_TIMEOUT_MS, init.signal);
    try {
      const extra: Record<string, string> = { accept: "application/json", ...init.headers };
      if (init.body !== undefined) extra["content-type"] = "application/json";
      const response = await fetch(base + path, {
        method,
        headers: await headers(extra),
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: d.signal,
        credentials: "same-origin",
      });
      if (!response.ok) throw await problemFromResponse(response);
      if (response.status === 204) return undefined as T;
      return (await response.json()) as T;
    } catch (error) {
      throw transportProblem(error, d.timedOut(), init.signal?.aborted ?? false);
    } finally {
      d.done();
    }
  }

  async function streamValidation(
    method: "POST" | "PUT",
    url: string,
    body: unknown,
    onCheck: (c: Check) => void,
    o: CallOptions = {},
  ): Promise<ValidationReport> {
    const d = deadline(o.timeoutMs ?? VALIDATION_TIMEOUT_MS, o.signal);
    try {
      const extra: Record<string, string> = { accept: "text/event-stream" };
      if (body !== undefined) extra["content-type"] = "application/json";
      const response = await fetch(base + url, {
        method,
        headers: await headers(extra),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: d.signal,
        credentials: "same-origin",
      });
      // Errors before the first check (not found, rate limited, bad input) arrive as ordinary problem+json.
      if (!response.ok) throw await problemFromResponse(response);
      const type = response.headers.get("content-type") ?? "";
      if (!type.includes("text/event-stream") || !response.body) {
        const report = (await response.json()) as ValidationReport;
        for (const check of report.checks) onCheck(check);
        return report;
      }

      let report: ValidationReport | undefined;
      let problem: ApiProblem | undefined;
      const parser = createEventStreamParser(({ event, data }) => {
        const e = { event, data: JSON.parse(data) } as ValidationEvent;
        if (e.event === "check") onCheck(e.data);
        else if (e.event === "report") report = e.data;
        else if (e.event === "problem") {
          const p: Partial<Problem> = e.data;
          problem = new ApiProblem({
            status: p.status ?? 500,
            code: p.code ?? "internal",
            title: p.title,
            detail: p.detail,
            report,
          });
        }
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
      }
      parser.end();
      if (problem) throw problem;
      if (!report) throw new ApiProblem({ status: 0, code: "network", detail: "The validation stream ended early." });
      return report;
    } catch (error) {
      throw transportProblem(error, d.timedOut(), o.signal?.aborted ?? false);
    } finally {
      d.done();
    }
  }

  async function streamRun<T = ProvisioningRun>(
    path: string,
    onRun: (run: T) => void,
    o: CallOptions = {},
  ): Promise<T | undefined> {
    const d = deadline(o.timeoutMs ?? REQUEST_TIMEOUT_MS, o.signal);
    let answered = false;
    try {
      const response = await fetch(base + path, {
        method: "GET",
        headers: await headers({ accept: "text/event-stream" }),
        signal: d.signal,
        credentials: "same-origin",
      });
      if (!response.ok) throw await problemFromResponse(response);
      answered = true;
      // From here the stream lasts as long as the run: only the caller's signal ends it.
      d.stopTimer();
      const type = response.headers.get("content-type") ?? "";
      if (!type.includes("text/event-stream") || !response.body) {
        const run = (await response.json()) as T;
        onRun(run);
        return run;
      }
      let last: T | undefined;
      let problem: ApiProblem | undefined;
      const parser = createEventStreamParser(({ event, data }) => {
        if (event === "problem") {
          const p = JSON.parse(data) as Partial<Problem>;
          problem = new ApiProblem({
            status: p.status ?? 500,
            code: p.code ?? "internal",
            title: p.title,
            detail: p.detail,
          });
        } else {
          last = JSON.parse(data) as T;
          onRun(last);
        }
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
      }
      parser.end();
      if (problem) throw problem;
      return last;
    } catch (error) {
      throw transportProblem(error, !answered && d.timedOut(), o.signal?.aborted ?? false);
    } finally {
      d.done();
    }
  }

  const id = (value: string) => encodeURIComponent(value);

  return {
    getSettings: (o) => call("GET", "/api/settings", o),
    getSandbox: (o) => call("GET", "/api/sandbox", o),
    listCustomers: (o) => call("GET", "/api/customers", o),
    createCustomer: (body, o) => call("POST", "/api/customers", { ...o, body }),
    checkName: (name, o) => call("GET", `/api/services/name-check?name=${encodeURIComponent(name)}`, o),
    checkSubdomain: (label, o) => call("GET", `/api/services/subdomain-check?label=${encodeURIComponent(label)}`, o),
    validate: (body, onCheck, o) => streamValidation("POST", "/api/validation", body, onCheck, o),
    listServices: (status, o) =>
      call("GET", status ? `/api/services?status=${encodeURIComponent(status)}` : "/api/services", o),
    createService: (body, idempotencyKey, o) =>
      // Create validates the credentials again on the server: give it the validation timeout.
      call("POST", "/api/services", {
        ...o,
        body,
        headers: { "idempotency-key": idempotencyKey },
        timeoutMs: VALIDATION_TIMEOUT_MS,
      }),
    getService: (sid, o) => call("GET", `/api/services/${id(sid)}`, o),
    updateService: (sid, body, o) => call("PATCH", `/api/services/${id(sid)}`, { ...o, body }),
    deleteService: (sid, o) => call("DELETE", `/api/services/${id(sid)}`, o),
    getM365: (sid, o) => call("GET", `/api/services/${id(sid)}/m365`, o),
    validateService: (sid, onCheck, o) =>
      streamValidation("POST", `/api/services/${id(sid)}/m365/validate`, undefined, onCheck, o),
    replaceSecret: (sid, body, onCheck, o) =>
      streamValidation("PUT", `/api/services/${id(sid)}/m365/secret`, body, onCheck, o),
    getAudit: (sid, o) => call("GET", `/api/services/${id(sid)}/audit`, o),
    listInvitations: (status, o) =>
      call("GET", status ? `/api/invitations?status=${encodeURIComponent(status)}` : "/api/invitations", o),
    getInvitation: (iid, o) => call("GET", `/api/invitations/${id(iid)}`, o),
    createInvitation: (body, o) => call("POST", "/api/invitations", { ...o, body }),
    resendInvitation: (iid, o) => call("POST", `/api/invitations/${id(iid)}/resend`, o),
    revokeInvitation: (iid, o) => call("DELETE", `/api/invitations/${id(iid)}`, o),
    listOutbox: (o) => call("GET", "/api/outbox", o),
    rotateSecret: (sid, onCheck, o) =>
      streamValidation("POST", `/api/services/${id(sid)}/m365/rotate`, undefined, onCheck, {
        timeoutMs: ROTATION_TIMEOUT_MS,
        ...o,
      }),
    request: (method, path, init) => call(method, path, init),
    streamRun,
    streamValidation,
  };
}
