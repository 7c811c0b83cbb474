/**
 * The composition root: wires configuration, the validator (with the sandbox emulator in sandbox mode) and the
 * HTTP server. `main.ts` calls it; tests call it too, so they drive the same server the product runs.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { createDevAuthenticator, createEntraAuthenticator } from "./auth/operator-auth.js";
import { createOperatorDirectory } from "./auth/operator-directory.js";
import { type BotModule, createBotModule } from "./bot/bot.wiring.js";
import type { Config } from "./config.js";
import { createFleetRunner, type FleetRunner } from "./fleet/fleet.runner.js";
import { createFleetSummary } from "./fleet/fleet.summary.js";
import { buildServer } from "./http/server.js";
import { createInvitationCredentials } from "./invitations/invitation-credentials.js";
import {
  createInvitationsService,
  type InvitationsService,
  UNKNOWN_LINK_MESSAGE,
} from "./invitations/invitations.service.js";
import { CLOUDS } from "./m365/clouds.js";
import { MICROSOFT_HOST_NAMES } from "./m365/emulator/emulator.clouds.js";
import { createEmulator, type Emulator } from "./m365/emulator/emulator.core.js";
import { SANDBOX, SANDBOX_ADMINS, sandboxTenants } from "./m365/emulator/emulator.fixtures.js";
import { createEmulatorTls, startEmulatorServer } from "./m365/emulator/emulator.server.js";
import { createUndiciDispatch } from "./m365/http/undici.dispatch.js";
import { createValidator } from "./m365/validator.js";
import { createMailer, type Mailer } from "./mail/mailer.js";
import {
  countedDispatch,
  countedValidator,
  createMetrics,
  fleetObserver,
  schedulerObserver,
} from "./metrics/metrics.js";
import { createOnboardingService } from "./onboarding/onboarding.service.js";
import { createProvisioningService, type ProvisioningService } from "./provisioning/provisioning.service.js";
import { createProvisioningCredentials } from "./provisioning/provisioning-credentials.js";
import { createReadinessChecker } from "./readiness/readiness.checker.js";
import { createReadinessService, type ReadinessService } from "./readiness/readiness.service.js";
import { createSecretRotation } from "./rotation/secret-rotation.js";
import { reconcileSecretKeys } from "./secrets/key-rotation.js";
import { createLocalSecretStore } from "./secrets/local-secret-store.js";
import type { SecretStore } from "./secrets/secret-store.types.js";
import { createBotStateRepository } from "./storage/bot-state.repository.js";
import { DEFAULT_POOL_MAX, openDatabase } from "./storage/database.js";
import { createFleetRunsRepository } from "./storage/fleet-runs.repository.js";
import { createFleetSummaryRepository } from "./storage/fleet-summary.repository.js";
import { createInvitationsRepository } from "./storage/invitations.repository.js";
import { createKyselyRepository } from "./storage/kysely.repository.js";
import { createOperatorRolesRepository } from "./storage/operator-roles.repository.js";
import { createProvisioningRepository } from "./storage/provisioning.repository.js";
import { createRateLimitRepository } from "./storage/rate-limit.repository.js";
import { createReadinessRepository } from "./storage/readiness.repository.js";
import { createSealedEnvelopesRepository } from "./storage/sealed-envelopes.repository.js";
import { createSecretRotationsRepository } from "./storage/secret-rotations.repository.js";

/** The product's version, from the root package.json. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** A started product. */
export interface RunningApp {
  app: FastifyInstance;
  /** http://host:port the server listens on. */
  url: string;
  /** In sandbox mode: the emulator and its HTTPS URL. */
  sandbox?: { emulator: Emulator; url: string; credentials: typeof SANDBOX };
  /** The Teams bot (POST /api/messages) and its reminder scheduler. */
  bot: BotModule;
  /** Invitations of customers' admins (docs/api.md, "Invitations"). */
  invitations: InvitationsService;
  /** Outgoing mail (SMTP, or the built-in outbox). */
  mailer: Mailer;
  /** Automatic App registration runs (docs/api.md, "Provisioning"). */
  provisioning: ProvisioningService;
  /** Direct Routing readiness (docs/api.md, "Readiness"). */
  readiness: ReadinessService;
  /** The fleet re-validation runner (docs/api.md, "Fleet re-validation"). */
  fleetRunner: FleetRunner;
  close(): Promise<void>;
}

/** Options for tests. */
export interface StartOptions {
  /** Where log lines go (default stdout). */
  logDestination?: { write(line: string): void };
  /** PostgreSQL schema to use (test isolation); default public. */
  databaseSchema?: string;
  /** Injectable clock for the onboarding rules and invitations. */
  now?: () => Date;
  /** How often the invitation expiry sweep runs, ms (default 60 000; it also runs at start-up and on each read). */
  invitationSweepMs?: number;
  /**
   * Extra CA certificates (PEM) trusted for outbound calls, for in-process tests against an HTTPS emulator;
   * a deployed server uses NODE_EXTRA_CA_CERTS instead.
   */
  extraCaPem?: string[];
  /** Bot reminders: start the scheduler's timer (default: when REVALIDATION_INTERVAL_MS > 0). Tests run passes by hand. */
  botScheduler?: boolean;
  /**
   * The fleet runner's settings (tests): this copy's lease name, how long a claimed tenant stays this copy's without
   * a renewal, how often it looks for a running run, retries within a run, and whether its timer runs (default on).
   */
  fleet?: {
    copyId?: string;
    leaseMs?: number;
    pollMs?: number;
    retry?: { maxAttempts?: number; maxDeferMs?: number };
    watch?: boolean;
  };
  /**
   * How long a bot turn that asks Microsoft waits before it answers with a working card, ms (default 800). Tests of
   * other things set it long, so their invokes answer with the result whatever the machine's load.
   */
  botAnswerBudgetMs?: number;
  /**
   * The sandbox emulator's device-code timing (docs/entra.md section 14): how often a run polls (`interval`, default
   * 5 s) and how long a code lives (`expires_in`, default 900 s). Tests poll every second.
   */
  sandboxEmulator?: { deviceCodeIntervalSeconds?: number; deviceCodeLifetimeSeconds?: number };
}

/** Starts the product on the configured host and port. */
export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const logger = pino(
    {
      level: config.logLevel,
      redact: {
        paths: [
          "req.headers.authorization",
          "req.headers.cookie",
          "req.body",
          "*.clientSecret",
          "*.client_secret",
          // A certificate credential (docs/api.md, "Credentials"): its PEM, PFX and password, and any key.
          "*.clientCertificate",
          "*.client_assertion",
          "*.privateKey",
          "*.access_token",
        ],
        censor: "[redacted]",
      },
    },
    options.logDestination ?? process.stdout,
  );
  const closers: (() => Promise<void>)[] = [];
  // METRICS_TOKEN set: GET /metrics and the counters that feed it (docs/operations.md); unset: neither.
  const metrics = config.metricsToken ? createMetrics() : undefined;
  const overrides = { loginUrl: config.m365.loginUrl, graphUrl: config.m365.graphUrl };
  const extraCaPem: string[] = [...(options.extraCaPem ?? [])];
  let sandbox: RunningApp["sandbox"];
  /** Sandbox: every Microsoft host name, sent to the emulator (docs/entra.md section 1, "The emulator's clouds"). */
  let hostMap: Record<string, string> | undefined;
  if (config.m365.mode === "sandbox") {
    // Sandbox: the emulator answers over real HTTPS on loopback, trusted through its own generated CA.
    const emulator = await createEmulator({
      tenants: sandboxTenants(),
      // The provider's public client of device-code provisioning is the one this server signs admins in with.
      ...(config.provisioning.clientId ? { provisioningClientId: config.provisioning.clientId } : {}),
      ...options.sandboxEmulator,
    });
    const server = await startEmulatorServer({ emulator, tls: await createEmulatorTls() });
    closers.push(() => server.close());
    // The real URLs of each cloud (M365_LOGIN_URL / M365_GRAPH_URL still win) reach the emulator by host name, so it
    // tells the clouds apart and its certificate is checked against Microsoft's names.
    hostMap = Object.fromEntries(MICROSOFT_HOST_NAMES.map((name) => [name, server.url]));
    extraCaPem.push(server.caPem);
    sandbox = { emulator, url: server.url, credentials: SANDBOX };
  }
  const outbound = createUndiciDispatch({
    extraCaPem,
    ...(config.m365.proxyUrl ? { proxyUrl: config.m365.proxyUrl } : {}),
  });
  closers.push(outbound.close);
  // The customers' Microsoft calls (validation, rotation, provisioning, readiness); in the sandbox they go to the
  // emulator, while the operators' own sign-in keeps the plain outbound dispatch.
  const m365 = hostMap
    ? createUndiciDispatch({ extraCaPem, hostMap, ...(config.m365.proxyUrl ? { proxyUrl: config.m365.proxyUrl } : {}) })
    : outbound;
  if (m365 !== outbound) closers.push(m365.close);
  // Every outbound Microsoft call, counted by host and status when metrics are on.
  const m365Dispatch = metrics ? countedDispatch(m365.dispatch, metrics) : m365.dispatch;
  const outboundDispatch = metrics ? countedDispatch(outbound.dispatch, metrics) : outbound.dispatch;
  // M365_LOGIN_URL / M365_GRAPH_URL: where every Microsoft call of every feature goes instead of the cloud's hosts.
  const endpointOverrides = {
    ...(overrides.loginUrl ? { loginUrl: overrides.loginUrl } : {}),
    ...(overrides.graphUrl ? { graphUrl: overrides.graphUrl } : {}),
  };
  const validator = createValidator({
    dispatch: m365Dispatch,
    timeoutMs: config.m365.timeoutMs,
    retryBudgetMs: config.m365.retryBudgetMs,
    requiredPermissions: config.m365.requiredPermissions,
    overrides: endpointOverrides,
    logger,
  });
  const database = await openDatabase({
    dataDir: config.dataDir,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    ...(options.databaseSchema ? { schema: options.databaseSchema } : {}),
    // One connection per tenant the fleet runner works on at once, and some for the API (storage/database.ts).
    poolMax: Math.max(DEFAULT_POOL_MAX, config.bot.revalidationConcurrency + 8),
    logger,
  });
  closers.push(database.close);
  const repo = createKyselyRepository(database.db, database.engine);
  let secrets: SecretStore;
  try {
    secrets = await createLocalSecretStore({
      dataDir: config.dataDir,
      ...(config.secretKeyBase64 ? { keyBase64: config.secretKeyBase64 } : {}),
      previousKeysBase64: config.previousSecretKeysBase64,
    });
    // Abandoned bot dialogs are past their time to live and hold nothing anyone can use: drop them (and their sealed
    // secrets) first, so an old key that only they needed does not stop the start.
    const cutoff = new Date((options.now ?? (() => new Date()))().getTime() - config.bot.dialogTtlMs).toISOString();
    const swept = await createBotStateRepository(database.db).deleteDialogsUpdatedBefore(cutoff);
    if (swept > 0)
      logger.info({ count: swept, ttlHours: config.bot.dialogTtlMs / 3_600_000 }, "expired bot dialogs deleted");
    // Before the server listens: refuse (naming SECRET_KEY_PREVIOUS) when storage holds envelopes under a key this
    // server lacks, and re-wrap those under SECRET_KEY_PREVIOUS keys under SECRET_KEY (docs/deploy.md).
    await reconcileSecretKeys({
      secrets,
      envelopes: createSealedEnvelopesRepository(database.db, database.engine),
      log: logger,
    });
  } catch (error) {
    for (const close of closers.reverse()) await close();
    throw error;
  }
  const clock = options.now ?? (() => new Date());
  const invitationStore = createInvitationsRepository(database.db, database.engine);
  const provisioningStore = createProvisioningRepository(database.db, database.engine);
  const rotationStore = createSecretRotationsRepository(database.db, database.engine);
  const onboarding = createOnboardingService({
    repo,
    secrets,
    validator: metrics ? countedValidator(validator, metrics, "onboarding") : validator,
    // POST /api/services with invitationId: the sealed credentials of a completed invitation.
    invitations: createInvitationCredentials({ store: invitationStore, secrets, now: clock }),
    // POST /api/services with provisioningId: the sealed credentials of a finished provisioning run.
    provisioning: createProvisioningCredentials({ store: provisioningStore, secrets, now: clock }),
    rateLimiter: createRateLimitRepository({
      db: database.db,
      engine: database.engine,
      limit: config.validationRateLimitPerMinute,
      ...(options.now ? { now: () => (options.now as () => Date)().getTime() } : {}),
    }),
    sbc: config.sbc,
    // The M365 page's last rotation, from the rotation journal.
    rotations: rotationStore,
    ...(options.now ? { now: options.now } : {}),
  });
  const mailer = createMailer({
    smtpUrl: config.mail.smtpUrl,
    from: config.mail.from,
    sendTimeoutMs: config.mail.sendTimeoutMs,
    // Without SMTP_URL the sandbox keeps mail for GET /api/outbox; in live mode a send says mail is not configured.
    keepOutbox: config.m365.mode === "sandbox",
    now: clock,
  });
  closers.push(() => mailer.close());
  // Set once the server listens: PUBLIC_URL, else this server's own address.
  let publicUrl = config.publicUrl ?? `http://127.0.0.1:${config.port}`;
  // The bot is created below; the invitations feature asks it for its notifier when it has something to tell.
  let botModule: BotModule | undefined;
  const invitations = createInvitationsService({
    store: invitationStore,
    // Metrics on: each audited invitation change is counted by event as it is recorded.
    repo: metrics
      ? {
          getCustomer: (id) => repo.getCustomer(id),
          insertAudit: async (event) => {
            await repo.insertAudit(event);
            metrics.invitation(event);
          },
        }
      : repo,
    secrets,
    mailer,
    validateCredentials: (input, actor, streamOptions) => onboarding.validateCredentials(input, actor, streamOptions),
    rateLimiter: createRateLimitRepository({
      db: database.db,
      engine: database.engine,
      limit: config.inviteRateLimitPerMinute,
      ...(options.now ? { now: () => (options.now as () => Date)().getTime() } : {}),
    }),
    publicUrl: () => publicUrl,
    provider: config.provider,
    notifier: () => botModule?.invitationNotifier,
    log: logger,
    ...(options.now ? { now: options.now } : {}),
  });
  // Zero-touch secret rotation (docs/api.md, "Secret rotation"): over the validator's outbound dispatch and endpoints;
  // it tells the bot (built below) how each rotation ended.
  const rotation = createSecretRotation({
    repo,
    store: rotationStore,
    secrets,
    validator: metrics ? countedValidator(validator, metrics, "rotation") : validator,
    dispatch: m365Dispatch,
    timeoutMs: config.m365.timeoutMs,
    retryBudgetMs: config.m365.retryBudgetMs,
    overrides: endpointOverrides,
    replicationTimeoutMs: config.provisioning.replicationTimeoutMs,
    // A rotation by hand counts as a validation for the operator and the tenant.
    rateLimiter: createRateLimitRepository({
      db: database.db,
      engine: database.engine,
      limit: config.validationRateLimitPerMinute,
      ...(options.now ? { now: () => (options.now as () => Date)().getTime() } : {}),
    }),
    // Metrics on: every rotation, scheduled or by hand, is counted by outcome as it is told.
    notifier: () => {
      const told = botModule?.rotationNotifier;
      if (!metrics) return told;
      return {
        async rotationFinished(notice) {
          metrics.rotation(notice.outcome);
          await told?.rotationFinished(notice);
        },
      };
    },
    ...(options.now ? { now: options.now } : {}),
    log: logger,
  });
  // Automatic App registration (docs/api.md, "Provisioning"): device-code sign-in and Graph writes over the
  // validator's outbound dispatch and endpoints (the emulator in sandbox mode); runs from an invitation page complete
  // their invitation.
  const provisioning = createProvisioningService({
    store: provisioningStore,
    repo,
    secrets,
    validate: async (input) => {
      const report = await validator.validate(input);
      metrics?.validation(report, "provisioning");
      return report;
    },
    dispatch: m365Dispatch,
    timeoutMs: config.m365.timeoutMs,
    retryBudgetMs: config.m365.retryBudgetMs,
    overrides: endpointOverrides,
    clientId: config.provisioning.clientId,
    requiredPermissions: config.m365.requiredPermissions,
    replicationTimeoutMs: config.provisioning.replicationTimeoutMs,
    invitations: {
      unknownLinkMessage: UNKNOWN_LINK_MESSAGE,
      admit: (token, address, admitOptions) => invitations.admitForProvisioning(token, address, admitOptions),
      completeWithCredentials: (id, input) => invitations.completeWithCredentials(id, input),
    },
    log: logger,
    ...(options.now ? { now: options.now } : {}),
  });
  // Direct Routing readiness (docs/api.md, "Readiness"): over the validator's outbound dispatch and endpoints; a run
  // counts as a validation for the operator and the tenant.
  const readiness = createReadinessService({
    repo,
    secrets,
    store: createReadinessRepository(database.db),
    checker: createReadinessChecker({
      dispatch: m365Dispatch,
      timeoutMs: config.m365.timeoutMs,
      retryBudgetMs: config.m365.retryBudgetMs,
      overrides: endpointOverrides,
      ...(options.now ? { now: options.now } : {}),
      logger,
    }),
    rateLimiter: createRateLimitRepository({
      db: database.db,
      engine: database.engine,
      limit: config.validationRateLimitPerMinute,
      ...(options.now ? { now: () => (options.now as () => Date)().getTime() } : {}),
    }),
    sbcBaseDomain: config.sbc.baseDomain,
    ...(options.now ? { now: options.now } : {}),
  });
  const sandboxEmulator = sandbox?.emulator;
  const entraAuth = config.auth.mode === "entra" && config.auth.tenantId && config.auth.clientId;
  // Entra mode: each verified sign-in is remembered with its permissions, for the bot's own role checks.
  const directory = entraAuth ? createOperatorDirectory(createOperatorRolesRepository(database.db)) : undefined;
  // The fleet re-validation runner (docs/api.md, "Fleet re-validation") serves the scheduled passes and "Validate
  // all"; its per-service step is the bot scheduler's (rotation when due, validation, reminders), bound below.
  let fleetRunner: FleetRunner | undefined;
  const bot = createBotModule({
    config,
    onboarding,
    invitations,
    rotation,
    readiness,
    secrets,
    db: database.db,
    fleet: {
      async runScheduled(first, more) {
        if (!fleetRunner) return;
        // The later pages of due services are added before the run is released to the workers. A run already
        // running (Validate all, another copy's pass) covers these services too: it is awaited.
        const { runId } = await fleetRunner.start("scheduled", "scheduler", { serviceIds: first, more });
        await fleetRunner.waitFor(runId);
      },
    },
    ...(metrics ? { reminderObserver: schedulerObserver(metrics) } : {}),
    ...(directory ? { directory } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.botAnswerBudgetMs !== undefined ? { answerBudgetMs: options.botAnswerBudgetMs } : {}),
    log: logger,
  });
  botModule = bot;
  const runner = createFleetRunner({
    store: createFleetRunsRepository(database.db, database.engine),
    step: async (serviceId, context) => {
      const result = await bot.scheduler.revalidateService(serviceId, {
        trigger: context.trigger,
        actor: context.actor,
      });
      return {
        outcome: result.outcome,
        ...(result.retryAfterSeconds !== undefined ? { retryAfterMs: result.retryAfterSeconds * 1000 } : {}),
      };
    },
    concurrency: config.bot.revalidationConcurrency,
    // A claimed tenant outlives its slowest service (a validation's timeouts and retries, or a rotation waiting for
    // replication) before another copy may take it over.
    leaseMs:
      options.fleet?.leaseMs ??
      Math.max(
        120_000,
        config.provisioning.replicationTimeoutMs + 4 * (config.m365.timeoutMs + config.m365.retryBudgetMs),
      ),
    ...(options.fleet?.copyId ? { copyId: options.fleet.copyId } : {}),
    ...(options.fleet?.pollMs ? { pollMs: options.fleet.pollMs } : {}),
    ...(options.fleet?.retry ? { retry: options.fleet.retry } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(metrics ? { observer: fleetObserver(metrics) } : {}),
    // A manual run's reminders go out when it ends (a scheduled pass ends with its own delivery step).
    onRunEnded: async (run) => {
      if (run.trigger === "manual") await bot.scheduler.deliverNow();
    },
    log: logger,
  });
  fleetRunner = runner;
  const app = await buildServer({
    logger,
    onboarding,
    botMessages: (request, reply) => bot.handle(request, reply),
    // A service onboarded in the tab is linked to its operator's Entra identity, so the reminders reach them in
    // their personal chat with the bot, as they do for services onboarded in the bot.
    onServiceCreated: async (service, operator) => {
      if (!operator.objectId || !operator.tenantId) return; // dev mode: no Teams identity to reach
      await bot.store.linkServiceOperator(
        {
          serviceId: service.id,
          tenantId: operator.tenantId.toLowerCase(),
          aadObjectId: operator.objectId.toLowerCase(),
        },
        clock().toISOString(),
      );
    },
    auth:
      entraAuth && config.auth.tenantId && config.auth.clientId
        ? createEntraAuthenticator({
            // The provider's own tenant signs in on the global cloud unless M365_LOGIN_URL redirects it.
            loginUrl: config.m365.loginUrl ?? CLOUDS.global.loginUrl,
            tenantId: config.auth.tenantId,
            clientId: config.auth.clientId,
            dispatch: outboundDispatch,
            timeoutMs: config.m365.timeoutMs,
            onSignedIn: async (operator) => {
              try {
                await directory?.record(operator, clock());
              } catch (error) {
                // Remembering is for the bot; a database hiccup must not refuse a valid sign-in.
                logger.warn({ err: (error as Error)?.message }, "could not remember the operator's roles");
              }
            },
          })
        : createDevAuthenticator(config.auth.devOperator),
    production: config.production,
    trustProxyHops: config.trustProxyHops,
    loopbackHostsOnly: config.auth.mode === "dev",
    mode: config.m365.mode,
    version: VERSION,
    settings: {
      mode: config.m365.mode,
      authMode: config.auth.mode,
      sbcBaseDomain: config.sbc.baseDomain,
      sbcRegions: config.sbc.regions,
    },
    ...(sandbox ? { sandbox: sandbox.credentials } : {}),
    invitations,
    rotation,
    ...(config.m365.mode === "sandbox" && mailer.outbox ? { outbox: mailer.outbox } : {}),
    provisioning,
    readiness,
    fleetRuns: runner,
    fleetSummary: createFleetSummary({
      store: createFleetSummaryRepository(database.db),
      clock,
      sbcBaseDomain: config.sbc.baseDomain,
      running: () => runner.running(),
    }),
    ...(metrics && config.metricsToken
      ? { metrics: { token: config.metricsToken, render: () => metrics.render() } }
      : {}),
    // Sandbox mode: the emulator's stand-in for Microsoft's device-code sign-in page.
    ...(sandboxEmulator
      ? {
          sandboxSignIn: {
            admins: SANDBOX_ADMINS,
            signIn: (userCode, action) => sandboxEmulator.signInWithDeviceCode(userCode, action),
          },
        }
      : {}),
    tabDistDir: fileURLToPath(new URL("../../tab/dist", import.meta.url)),
  });
  const address = await app.listen({ port: config.port, host: config.host });
  const listening = app.server.address();
  if (!config.publicUrl && listening && typeof listening === "object") publicUrl = `http://127.0.0.1:${listening.port}`;
  // Expired invitations drop their sealed credentials: now, then every minute (and lazily on each read).
  const stopSweeper = invitations.startSweeper(options.invitationSweepMs ?? 60_000);
  if (options.botScheduler ?? config.bot.revalidationIntervalMs > 0) bot.scheduler.start();
  // Every copy looks for a running run (another copy's, or one left by a copy that stopped) and works on it.
  if (options.fleet?.watch ?? true) runner.watch();
  const url = address.replace("[::1]", "localhost");
  return {
    app,
    url,
    ...(sandbox ? { sandbox } : {}),
    bot,
    invitations,
    mailer,
    provisioning,
    readiness,
    fleetRunner: runner,
    async close() {
      stopSweeper();
      // The runner first: the validations in flight finish, and a pass waiting for its run stops waiting.
      await runner.stop();
      await bot.scheduler.stop();
      // Waiting sign-ins stop polling, running runs stop at their next wait, their event streams end.
      await provisioning.drain();
      await app.close();
      await provisioning.drain();
      await invitations.drain();
      // Late results of bot steps (a validation still running after its invoke was answered) end before the
      // database closes.
      await bot.drain();
      for (const close of closers.reverse()) await close();
    },
  };
}
