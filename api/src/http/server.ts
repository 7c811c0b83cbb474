/**
 * Builds the one Fastify app: /api/* now, the tab and /api/messages as later parts arrive.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { SandboxCredentials } from "../m365/emulator/emulator.fixtures.js";
import type { OnboardingService } from "../onboarding/onboarding.service.js";
import type { ActorResolver } from "./actor.js";
import { registerCustomerRoutes } from "./customers.routes.js";
import { registerHealthRoutes } from "./health.routes.js";
import { installProblemHandler } from "./problem.handler.js";
import { registerServiceRoutes } from "./services.routes.js";
import { registerSettingsRoutes, type TabSettings } from "./settings.routes.js";
import { registerStaticRoutes } from "./static.routes.js";
import { registerValidationRoutes } from "./validation.routes.js";

/** Largest accepted JSON body, bytes. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** What the app needs from the composition root. */
export interface ServerDeps {
  logger: FastifyBaseLogger;
  onboarding: OnboardingService;
  actor: ActorResolver;
  mode: "sandbox" | "live";
  version: string;
  /** What the tab reads from GET /api/settings. */
  settings: TabSettings;
  /** Sandbox mode: the demo credentials for the banner. */
  sandbox?: Readonly<Record<string, SandboxCredentials>>;
  /** Folder of the built tab (tab/dist). */
  tabDistDir: string;
}

/** Creates the app with every route registered; the caller listens. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: 120_000,
  });
  installProblemHandler(app);
  // JSON only: any other body type is answered 415 rather than parsed as a string.
  app.removeContentTypeParser("text/plain");
  app.addHook("onSend", async (_request, reply) => {
    reply.header("x-content-type-options", "nosniff");
    reply.removeHeader("x-powered-by");
  });
  registerHealthRoutes(app, { mode: deps.mode, version: deps.version });
  registerValidationRoutes(app, { onboarding: deps.onboarding, actor: deps.actor });
  registerCustomerRoutes(app, { onboarding: deps.onboarding, actor: deps.actor });
  registerServiceRoutes(app, { onboarding: deps.onboarding, actor: deps.actor });
  registerSettingsRoutes(app, {
    settings: deps.settings,
    actor: deps.actor,
    ...(deps.sandbox ? { sandbox: deps.sandbox } : {}),
  });
  const built = registerStaticRoutes(app, deps.tabDistDir);
  if (!built) deps.logger.warn({ dir: deps.tabDistDir }, "the tab is not built; run npm run build");
  await app.ready();
  return app;
}
