/**
 * Builds the one Fastify app: /api/* now, the tab and /api/messages as later parts arrive.
 */
import type { OutboxMessage, SandboxCredentials, TabSettings } from "@dr/contract";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Authenticator } from "../auth/operator-auth.js";
import { isLoopbackHost } from "../config.js";
import type { FleetRunner } from "../fleet/fleet.runner.js";
import type { FleetSummaryService } from "../fleet/fleet.summary.js";
import type { InvitationsService } from "../invitations/invitations.service.js";
import type { OnboardingService } from "../onboarding/onboarding.service.js";
import type { ProvisioningService } from "../provisioning/provisioning.service.js";
import type { ReadinessService } from "../readiness/readiness.service.js";
import type { SecretRotation } from "../rotation/secret-rotation.js";
import { contentSecurityPolicy } from "./csp.js";
import { registerCustomerRoutes } from "./customers.routes.js";
import { registerDocsRoutes } from "./docs.routes.js";
import { registerFleetRoutes } from "./fleet.routes.js";
import { registerFleetRunRoutes } from "./fleet-runs.routes.js";
import { registerHealthRoutes } from "./health.routes.js";
import { registerInvitationRoutes } from "./invitations.routes.js";
import { registerInviteRoutes } from "./invite.routes.js";
import { type MetricsRouteDeps, registerMetricsRoutes } from "./metrics.routes.js";
import { registerOutboxRoutes } from "./outbox.routes.js";
import { installProblemHandler, sendProblem } from "./problem.handler.js";
import { problemOf } from "./problem.js";
import { registerProvisioningRoutes } from "./provisioning.routes.js";
import { registerReadinessRoutes } from "./readiness.routes.js";
import { registerSandboxRoutes, type SandboxSignIn } from "./sandbox.routes.js";
import { registerServiceRoutes, type ServiceCreatedHook } from "./services.routes.js";
import { registerSettingsRoutes } from "./settings.routes.js";
import { registerStaticRoutes } from "./static.routes.js";
import { registerValidationRoutes } from "./validation.routes.js";

/** True when a Host header names a loopback host (any port); a missing header counts as not loopback. */
export function isLoopbackHostHeader(header: string | undefined): boolean {
  if (!header) return false;
  const value = header.trim();
  // [v6]:port, v6 alone has several colons, name:port or name.
  const host = value.startsWith("[")
    ? value.slice(0, value.indexOf("]") + 1)
    : value.split(":").length > 2
      ? value
      : (value.split(":")[0] ?? "");
  return isLoopbackHost(host);
}

/**
 * A request URL as the request log writes it: the invitation token of `/invite/{token}` and `/api/invite/{token}/…`
 * is a key to the customer's page, so it is replaced; the rest of the URL stays.
 */
export function redactLoggedUrl(url: string): string {
  return url.replace(/^(\/+(?:api\/+)?invite\/+)[^/?#]+/i, "$1[redacted]");
}

/** The request as log lines show it: Fastify's own fields, the URL through redactLoggedUrl. */
function loggedRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactLoggedUrl(request.url),
    version: request.headers?.["accept-version"],
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** Largest accepted JSON body, bytes. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** What the app needs from the composition root. */
export interface ServerDeps {
  logger: FastifyBaseLogger;
  onboarding: OnboardingService;
  auth: Authenticator;
  mode: "sandbox" | "live";
  version: string;
  /** What the tab reads from GET /api/settings. */
  settings: TabSettings;
  /** Sandbox mode: the demo credentials for the banner. */
  sandbox?: Readonly<Record<string, SandboxCredentials>>;
  /** Folder of the built tab (tab/dist). */
  tabDistDir: string;
  /** Production adds HSTS. */
  production: boolean;
  /** Reverse proxies trusted for the client's address (TRUST_PROXY); 0 or absent: the connection's address. */
  trustProxyHops?: number;
  /**
   * Dev sign-in (AUTH_MODE=dev) trusts a header for the operator's name, so the server is bound to loopback (config
   * refuses anything else) and answers only requests addressed to a loopback name: a web page that points its own
   * domain at 127.0.0.1 (DNS rebinding) sends its own Host and gets 421.
   */
  loopbackHostsOnly?: boolean;
  /** The bot's POST /api/messages handler (Bot Framework activities); absent: no bot route. */
  botMessages?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Told of each service created through the API, with the signed-in operator who created it. */
  onServiceCreated?: ServiceCreatedHook;
  /** Invitations (docs/api.md, "Invitations"): the operator's routes and the customer's public ones. */
  invitations?: InvitationsService;
  /** Sandbox mode without SMTP_URL: the built-in outbox's mails (GET /api/outbox); absent: 404. */
  outbox?: () => readonly OutboxMessage[];
  /** Automatic App registration (docs/api.md, "Provisioning"): the operator's and the customer's run routes. */
  provisioning?: ProvisioningService;
  /** Sandbox mode: the stand-in for Microsoft's device-code sign-in page (/api/sandbox/…); absent: 404. */
  sandboxSignIn?: SandboxSignIn;
  /** Zero-touch secret rotation: POST /api/services/{id}/m365/rotate (docs/api.md, "Secret rotation"). */
  rotation?: SecretRotation;
  /** Direct Routing readiness (docs/api.md, "Readiness"); absent: no readiness routes. */
  readiness?: ReadinessService;
  /** GET /metrics behind METRICS_TOKEN (docs/operations.md); absent: no metrics route (404). */
  metrics?: MetricsRouteDeps;
  /** Fleet re-validation runs (docs/api.md, "Fleet re-validation"); absent: no run routes. */
  fleetRuns?: FleetRunner;
  /** GET /api/fleet, the fleet at a glance (docs/api.md, "Fleet"); absent: no route. */
  fleetSummary?: FleetSummaryService;
}

/** A route as registered: its method and its Fastify URL (`:id` parameters, `*` wildcards). */
export interface RegisteredRoute {
  method: string;
  url: string;
}

const registered = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every route a built app registered (HEAD included), for the OpenAPI coverage test (api/test/openapi.test.ts). */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return registered.get(app) ?? [];
}

/** Creates the app with every route registered; the caller listens. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: 120_000,
    // request.ip: the address the last `trustProxyHops` proxies saw (X-Forwarded-For), else the connection's.
    trustProxy: (_address: string, hop: number) => hop < (deps.trustProxyHops ?? 0),
    // Every request's logger writes the request with its URL redacted (an invitation token never reaches the log).
    childLoggerFactory: (logger, bindings, options) =>
      logger.child(bindings, { ...options, serializers: { ...options.serializers, req: loggedRequest } }),
  });
  const routes: RegisteredRoute[] = [];
  registered.set(app, routes);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  installProblemHandler(app);
  const csp = { value: contentSecurityPolicy([]) };
  // JSON only: any other body type is answered 415 rather than parsed as a string.
  app.removeContentTypeParser("text/plain");
  // Many clients send `content-type: application/json` on every request; an empty body is then "no body" (the
  // routes that need one say so by field), not malformed JSON. Anything else goes through Fastify's own parser,
  // with its prototype-poisoning protection.
  const jsonParser = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text.trim() === "") return done(null, undefined);
    return jsonParser(request, text, done);
  });
  if (deps.loopbackHostsOnly) {
    app.addHook("onRequest", async (request, reply) => {
      if (!isLoopbackHostHeader(request.headers.host)) {
        return sendProblem(
          reply,
          problemOf(
            421,
            "misdirected_request",
            "Wrong host",
            "This server runs with AUTH_MODE=dev and answers only requests addressed to localhost or 127.0.0.1.",
          ),
        );
      }
    });
  }
  app.addHook("onSend", async (_request, reply) => {
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "strict-origin-when-cross-origin");
    reply.header("content-security-policy", csp.value);
    if (deps.production) reply.header("strict-transport-security", "max-age=31536000; includeSubDomains");
    reply.removeHeader("x-powered-by");
  });
  registerHealthRoutes(app, { mode: deps.mode, version: deps.version });
  registerMetricsRoutes(app, deps.metrics);
  registerDocsRoutes(app, { version: deps.version, authMode: deps.settings.authMode });
  registerValidationRoutes(app, { onboarding: deps.onboarding, auth: deps.auth });
  registerCustomerRoutes(app, { onboarding: deps.onboarding, auth: deps.auth });
  registerServiceRoutes(app, {
    onboarding: deps.onboarding,
    auth: deps.auth,
    ...(deps.onServiceCreated ? { onServiceCreated: deps.onServiceCreated } : {}),
    ...(deps.rotation ? { rotation: deps.rotation } : {}),
  });
  registerSettingsRoutes(app, {
    settings: deps.settings,
    auth: deps.auth,
    ...(deps.sandbox ? { sandbox: deps.sandbox } : {}),
  });
  if (deps.invitations) {
    registerInvitationRoutes(app, { invitations: deps.invitations, auth: deps.auth });
    registerInviteRoutes(app, { invitations: deps.invitations });
  }
  registerOutboxRoutes(app, { auth: deps.auth, outbox: deps.outbox });
  if (deps.provisioning) registerProvisioningRoutes(app, { provisioning: deps.provisioning, auth: deps.auth });
  if (deps.readiness) registerReadinessRoutes(app, { readiness: deps.readiness, auth: deps.auth });
  if (deps.fleetRuns) registerFleetRunRoutes(app, { runner: deps.fleetRuns, auth: deps.auth });
  if (deps.fleetSummary) registerFleetRoutes(app, { fleet: deps.fleetSummary, auth: deps.auth });
  registerSandboxRoutes(app, { ...(deps.sandboxSignIn ? { sandbox: deps.sandboxSignIn } : {}) });
  if (deps.botMessages) {
    // botbuilder validates the Bot Framework JWT itself (or runs anonymously without MicrosoftAppId).
    // Teams activities (entities, card data) can pass the API's 64 KiB limit; this route alone allows 256 KiB.
    app.post("/api/messages", { bodyLimit: 256 * 1024 }, deps.botMessages);
  }
  const built = registerStaticRoutes(app, deps.tabDistDir, (hashes) => {
    csp.value = contentSecurityPolicy(hashes);
  });
  if (!built) deps.logger.warn({ dir: deps.tabDistDir }, "the tab is not built; run npm run build");
  await app.ready();
  return app;
}
