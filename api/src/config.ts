/**
 * The only reader of process.env: one zod schema with units in the names and defaults (README.md,
 * "Configuration"). A bad value stops start-up with a message naming the variable.
 */
import { SANDBOX_PROVISIONING_CLIENT_ID } from "@dr/contract";
import { z } from "zod";

const httpsUrl = (name: string) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        const url = new URL(v);
        return url.protocol === "https:" && url.search === "" && url.hash === "";
      } catch {
        return false;
      }
    }, `${name} must be an https:// URL without query, e.g. https://127.0.0.1:8443`)
    .transform((v) => v.replace(/\/+$/, ""));

const positiveInt = (name: string, max: number) =>
  z.coerce
    .number({ message: `${name} must be a whole number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1`)
    .max(max, `${name} must be at most ${max}`);

/** True when `value` parses as a URL that satisfies `accept`. */
function urlWhere(value: string, accept: (url: URL) => boolean): boolean {
  try {
    return accept(new URL(value));
  } catch {
    return false;
  }
}

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const schema = z
  .object({
    NODE_ENV: z.string().optional(),
    /** TCP port of the one server (tab, API, bot). Default 3978. */
    PORT: z.preprocess(
      emptyToUndefined,
      z.coerce.number({ message: "PORT must be a whole number" }).int().min(0).max(65535).default(3978),
    ),
    /** Interface the server listens on. Default 127.0.0.1. */
    HOST: z.preprocess(emptyToUndefined, z.string().min(1).default("127.0.0.1")),
    /** Folder for the embedded database, the generated key file and the sandbox CA. Default ./data. */
    DATA_DIR: z.preprocess(emptyToUndefined, z.string().min(1).default("./data")),
    /** postgres://... selects PostgreSQL; unset selects SQLite in DATA_DIR. */
    DATABASE_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://")
        .optional(),
    ),
    /** sandbox (built-in emulator) or live (Microsoft, or the override URLs). */
    M365_MODE: z.preprocess(
      emptyToUndefined,
      z.enum(["sandbox", "live"], { message: "M365_MODE must be sandbox or live" }).optional(),
    ),
    /** Replaces the cloud's login base URL. */
    M365_LOGIN_URL: z.preprocess(emptyToUndefined, httpsUrl("M365_LOGIN_URL").optional()),
    /** Replaces the cloud's Graph base URL. */
    M365_GRAPH_URL: z.preprocess(emptyToUndefined, httpsUrl("M365_GRAPH_URL").optional()),
    /** Timeout of each outbound request, ms. Default 10000. */
    M365_TIMEOUT_MS: z.preprocess(emptyToUndefined, positiveInt("M365_TIMEOUT_MS", 120_000).default(10_000)),
    /** Most ms one outbound request may wait on Retry-After (429/503) before reporting throttling. Default 5000. */
    M365_RETRY_BUDGET_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(60_000).default(5_000)),
    /** Comma-separated application permissions the permissions check requires. */
    M365_REQUIRED_PERMISSIONS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default("Organization.Read.All,Application.Read.All")
        .transform((v) =>
          v
            .split(",")
            .map((p) => p.trim())
            .filter(Boolean),
        )
        .refine((list) => list.every((p) => /^[A-Za-z0-9.]+$/.test(p)), {
          message: "M365_REQUIRED_PERMISSIONS must be comma-separated names like Organization.Read.All",
        }),
    ),
    /** Outbound proxy for Microsoft calls (HTTPS_PROXY). */
    HTTPS_PROXY: z.preprocess(emptyToUndefined, z.url({ message: "HTTPS_PROXY must be a URL" }).optional()),
    /** dev (x-dev-user header / DEV_OPERATOR) or entra (Teams SSO tokens). Default dev. */
    AUTH_MODE: z.preprocess(emptyToUndefined, z.enum(["dev", "entra"]).default("dev")),
    /** Operator name in dev auth mode when no x-dev-user header is sent. */
    DEV_OPERATOR: z.preprocess(emptyToUndefined, z.string().max(256).default("dev.operator@provider.example")),
    /** The provider's own tenant GUID (entra mode). */
    AUTH_TENANT_ID: z.preprocess(
      emptyToUndefined,
      z.uuid({ message: "AUTH_TENANT_ID must be a tenant GUID" }).optional(),
    ),
    /** The tab's Entra app (client) id, the token audience (entra mode). */
    AUTH_CLIENT_ID: z.preprocess(
      emptyToUndefined,
      z.uuid({ message: "AUTH_CLIENT_ID must be an app (client) GUID" }).optional(),
    ),
    /**
     * The Teams app's id (the manifest `id`, TEAMS_APP_ID of the Agents Toolkit env files). Optional: with it, bot
     * cards link into the tab (Continue onboarding opens the tab's wizard with the invitation chosen); without it,
     * they continue in the bot's own dialog.
     */
    TEAMS_APP_ID: z.preprocess(
      emptyToUndefined,
      z.uuid({ message: "TEAMS_APP_ID must be the Teams app's id (the manifest id, a GUID)" }).optional(),
    ),
    /** Bearer token of GET /metrics (docs/operations.md); unset: no metrics endpoint (404). At least 32 characters. */
    METRICS_TOKEN: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .min(32, "METRICS_TOKEN must be at least 32 characters; generate one with: openssl rand -base64 32")
        .optional(),
    ),
    MicrosoftAppId: z.preprocess(emptyToUndefined, z.string().optional()),
    MicrosoftAppPassword: z.preprocess(emptyToUndefined, z.string().optional()),
    MicrosoftAppTenantId: z.preprocess(emptyToUndefined, z.string().optional()),
    MicrosoftAppType: z.preprocess(
      emptyToUndefined,
      z.enum(["SingleTenant", "MultiTenant", "UserAssignedMSI"]).optional(),
    ),
    /** Bot reminders: each service is re-validated once per this interval, ms; 0 turns the timer off. Default 24 h. */
    REVALIDATION_INTERVAL_MS: z.preprocess(
      emptyToUndefined,
      z.coerce.number().int().min(0).max(2_592_000_000).default(86_400_000),
    ),
    /**
     * The fleet runner (docs/api.md, "Fleet re-validation"): tenants validated at once by this copy, one service at a
     * time per tenant, for the schedule and Validate all. Default 4.
     */
    REVALIDATION_CONCURRENCY: z.preprocess(emptyToUndefined, positiveInt("REVALIDATION_CONCURRENCY", 64).default(4)),
    /** Bot reminders: delay before a throttled or unanswered validation is tried again, ms. Default 1 h. */
    REVALIDATION_RETRY_MS: z.preprocess(
      emptyToUndefined,
      positiveInt("REVALIDATION_RETRY_MS", 86_400_000).default(3_600_000),
    ),
    /** Validations per minute per operator and per target tenant. Default 20. */
    VALIDATION_RATE_LIMIT: z.preprocess(emptyToUndefined, positiveInt("VALIDATION_RATE_LIMIT", 100_000).default(20)),
    /** base64 256-bit key for stored secrets; unset: a 0600 key file in DATA_DIR (refused in production or with DATABASE_URL). */
    SECRET_KEY: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .refine((v) => Buffer.from(v, "base64").length === 32, "SECRET_KEY must be 32 bytes, base64-encoded")
        .optional(),
    ),
    /** Comma-separated older SECRET_KEY values: envelopes under them open and are re-wrapped at start-up. */
    SECRET_KEY_PREVIOUS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .optional()
        .transform((v) =>
          (v ?? "")
            .split(",")
            .map((k) => k.trim())
            .filter(Boolean),
        )
        .refine((keys) => keys.every((k) => Buffer.from(k, "base64").length === 32), {
          message: "SECRET_KEY_PREVIOUS must be comma-separated base64 32-byte keys",
        }),
    ),
    /** Abandoned bot dialogs (and the sealed secrets in them) are dropped after this many hours. Default 24. */
    BOT_DIALOG_TTL_HOURS: z.preprocess(emptyToUndefined, positiveInt("BOT_DIALOG_TTL_HOURS", 24 * 30).default(24)),
    /**
     * The Teams cloud the bot is registered in: its replies go only to that cloud's Bot Connector hosts
     * (docs/teams.md, "Connector hosts"). Default commercial.
     */
    BOT_CLOUD: z.preprocess(
      emptyToUndefined,
      z
        .enum(["commercial", "gcc", "gcc-high", "dod"], {
          message: "BOT_CLOUD must be commercial, gcc, gcc-high or dod",
        })
        .default("commercial"),
    ),
    /** Set by Azure App Service on every site (its presence means we run there). */
    WEBSITE_SITE_NAME: z.preprocess(emptyToUndefined, z.string().optional()),
    /** The provider's SBC base domain. */
    SBC_BASE_DOMAIN: z.preprocess(emptyToUndefined, z.string().default("sbc.sandbox.provider.example")),
    /** Comma-separated SBC regions. */
    SBC_REGIONS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default("eu-west,eu-north,us-east")
        .transform((v) =>
          v
            .split(",")
            .map((r) => r.trim())
            .filter(Boolean),
        ),
    ),
    /**
     * The externally reachable base URL of this server, used in invitation links (`${PUBLIC_URL}/invite/<token>`;
     * docs/deploy.md, "Invitations and mail"). An absolute http(s) URL without query; required, and https, in
     * production. Default elsewhere http://127.0.0.1:$PORT.
     */
    PUBLIC_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .refine(
          (v) =>
            urlWhere(
              v,
              (url) =>
                (url.protocol === "https:" || url.protocol === "http:") &&
                url.search === "" &&
                url.hash === "" &&
                url.username === "" &&
                url.password === "",
            ),
          "PUBLIC_URL must be an absolute http:// or https:// URL without query or credentials, e.g. https://onboarding.provider.example",
        )
        .transform((v) => v.replace(/\/+$/, ""))
        .optional(),
    ),
    /**
     * Outgoing mail: smtp://user:pass@host:587 (STARTTLS when the server offers it) or smtps://host:465 (TLS from the
     * start). Unset: mail goes to the built-in outbox (GET /api/outbox, sandbox mode only).
     */
    SMTP_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .refine(
          (v) => urlWhere(v, (url) => (url.protocol === "smtp:" || url.protocol === "smtps:") && url.hostname !== ""),
          "SMTP_URL must be an smtp:// or smtps:// URL with a host, e.g. smtps://user:password@mail.provider.example:465",
        )
        .optional(),
    ),
    /** The From of invitation mails, e.g. "Provider Onboarding <onboarding@provider.example>"; required with SMTP_URL. */
    MAIL_FROM: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .max(320, "MAIL_FROM must be at most 320 characters")
        .refine(
          (v) => /^[^\s@<>]+@[^\s@<>]+$/.test(v) || /^[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>$/.test(v),
          "MAIL_FROM must be an address, or a name and an address: Provider Onboarding <onboarding@provider.example>",
        )
        .optional(),
    ),
    /** The provider's name on the customer's page and in mails. Default "Sandbox Voice Provider". */
    PROVIDER_NAME: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .min(1)
        .max(200, "PROVIDER_NAME must be at most 200 characters")
        .default("Sandbox Voice Provider"),
    ),
    /** The provider's support address on the customer's page and in mails. Default support@provider.example. */
    PROVIDER_SUPPORT_EMAIL: z.preprocess(
      emptyToUndefined,
      z
        .email({ message: "PROVIDER_SUPPORT_EMAIL must be an e-mail address" })
        .max(254)
        .default("support@provider.example"),
    ),
    /**
     * The provider's multi-tenant public client app (its Application ID) through which a customer's admin signs in
     * with a device code for automatic App registration (docs/api.md, "Provisioning"). Sandbox mode: the emulator's
     * sandbox app when unset. Live mode: unset turns provisioning off (its routes answer 409 naming this variable).
     */
    PROVISIONING_CLIENT_ID: z.preprocess(
      emptyToUndefined,
      z.uuid({ message: "PROVISIONING_CLIENT_ID must be an app (client) GUID" }).optional(),
    ),
    /** How long a provisioning run waits for Entra to accept a new app or secret, ms. Default 300 000 (5 min). */
    PROVISIONING_REPLICATION_TIMEOUT_MS: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ message: "PROVISIONING_REPLICATION_TIMEOUT_MS must be a number of milliseconds, 1000 to 3600000" })
        .int({ message: "PROVISIONING_REPLICATION_TIMEOUT_MS must be a whole number of milliseconds" })
        .min(1000, { message: "PROVISIONING_REPLICATION_TIMEOUT_MS must be at least 1000 (1 s)" })
        .max(3_600_000, { message: "PROVISIONING_REPLICATION_TIMEOUT_MS must be at most 3600000 (1 h)" })
        .default(300_000),
    ),
    /** Rotate a self-rotating secret this many days before it expires; 0 = never rotate on the schedule. Default 30. */
    ROTATE_BEFORE_DAYS: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ message: "ROTATE_BEFORE_DAYS must be a number of days, 0 to 365" })
        .int({ message: "ROTATE_BEFORE_DAYS must be a whole number of days, 0 to 365" })
        .min(0, { message: "ROTATE_BEFORE_DAYS must be a number of days, 0 to 365" })
        .max(365, { message: "ROTATE_BEFORE_DAYS must be a number of days, 0 to 365" })
        .default(30),
    ),
    /** Requests per minute per invitation token and per client address on the customer's page. Default 30. */
    INVITE_RATE_LIMIT: z.preprocess(emptyToUndefined, positiveInt("INVITE_RATE_LIMIT", 100_000).default(30)),
    /**
     * How many reverse proxies in front of the server to trust for the client's address (X-Forwarded-For), e.g. 1
     * on Azure App Service. Default 0: the connection's own address (a header anyone can send is not believed). The
     * per-address invitation limit counts by this address.
     */
    TRUST_PROXY: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ message: "TRUST_PROXY must be a number of proxy hops, 0 to 5" })
        .int({ message: "TRUST_PROXY must be a whole number of proxy hops, 0 to 5" })
        .min(0, { message: "TRUST_PROXY must be a number of proxy hops, 0 to 5" })
        .max(5, { message: "TRUST_PROXY must be a number of proxy hops, 0 to 5" })
        .default(0),
    ),
    /** pino level. Default info (silent in tests when set so). */
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    ),
  })
  .superRefine((env, ctx) => {
    const production = env.NODE_ENV === "production";
    const loopback = isLoopbackHost(env.HOST);
    // Fail closed: dev sign-in names the operator from a header, so only this machine may reach it.
    if (env.AUTH_MODE === "dev" && !loopback) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_MODE"],
        message: `AUTH_MODE=dev is accepted only when HOST is a loopback address (HOST is ${env.HOST}); set AUTH_MODE=entra with AUTH_TENANT_ID and AUTH_CLIENT_ID, or HOST=127.0.0.1`,
      });
    }
    // Fail closed: an empty MicrosoftAppId turns off the Bot Framework's JWT check.
    if (!env.MicrosoftAppId && (production || !loopback)) {
      ctx.addIssue({
        code: "custom",
        path: ["MicrosoftAppId"],
        message: `MicrosoftAppId is empty, which would accept unsigned bot activities; it is allowed only on a loopback HOST outside production. Set MicrosoftAppId, MicrosoftAppTenantId and MicrosoftAppPassword (or MicrosoftAppType=UserAssignedMSI)`,
      });
    }
    if (env.MicrosoftAppId) {
      if (!env.MicrosoftAppTenantId) {
        ctx.addIssue({
          code: "custom",
          path: ["MicrosoftAppTenantId"],
          message: "MicrosoftAppTenantId must be set with MicrosoftAppId (the bot's single tenant)",
        });
      }
      if (!env.MicrosoftAppPassword && env.MicrosoftAppType !== "UserAssignedMSI") {
        ctx.addIssue({
          code: "custom",
          path: ["MicrosoftAppPassword"],
          message:
            "MicrosoftAppPassword must be set with MicrosoftAppId (or MicrosoftAppType=UserAssignedMSI with a managed identity)",
        });
      }
    }
    // Fail closed: every copy must open what the others sealed, and a production key must not live on local disk.
    if (!env.SECRET_KEY && (production || env.DATABASE_URL)) {
      ctx.addIssue({
        code: "custom",
        path: ["SECRET_KEY"],
        message: `SECRET_KEY must be set when ${production ? "NODE_ENV=production" : "DATABASE_URL is set"} (every copy must share it); generate one with: openssl rand -base64 32`,
      });
    }
    // SQLite's locks do not hold on App Service's /home network share (docs/deploy.md).
    if (env.WEBSITE_SITE_NAME && !env.DATABASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_URL"],
        message:
          "DATABASE_URL must be set on Azure App Service: SQLite on its /home network share is not safe; use Azure Database for PostgreSQL",
      });
    }
    if (production && env.M365_MODE === undefined) {
      ctx.addIssue({ code: "custom", path: ["M365_MODE"], message: "M365_MODE must be set when NODE_ENV=production" });
    }
    if (production && env.AUTH_MODE === "dev") {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_MODE"],
        message: "AUTH_MODE=dev is refused when NODE_ENV=production; use entra",
      });
    }
    if (production && env.M365_MODE === "sandbox") {
      ctx.addIssue({
        code: "custom",
        path: ["M365_MODE"],
        message: "M365_MODE=sandbox is refused when NODE_ENV=production",
      });
    }
    if ((env.M365_MODE ?? "sandbox") === "sandbox" && (env.M365_LOGIN_URL || env.M365_GRAPH_URL)) {
      ctx.addIssue({
        code: "custom",
        path: ["M365_MODE"],
        message: "M365_LOGIN_URL / M365_GRAPH_URL apply to live mode; set M365_MODE=live to use them",
      });
    }
    // Fail closed: an invitation link over plain http would carry its token in clear text, and without PUBLIC_URL a
    // production server would mail links to its own loopback address (docs/deploy.md).
    if (production && (env.PUBLIC_URL === undefined || !env.PUBLIC_URL.startsWith("https://"))) {
      ctx.addIssue({
        code: "custom",
        path: ["PUBLIC_URL"],
        message:
          "PUBLIC_URL must be an https:// URL when NODE_ENV=production (invitation links carry a token), e.g. https://onboarding.provider.example",
      });
    }
    if (env.SMTP_URL && !env.MAIL_FROM) {
      ctx.addIssue({
        code: "custom",
        path: ["MAIL_FROM"],
        message: "MAIL_FROM must be set with SMTP_URL (the From of invitation mails), e.g. onboarding@provider.example",
      });
    }
    if (env.AUTH_MODE === "entra" && (!env.AUTH_TENANT_ID || !env.AUTH_CLIENT_ID)) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_MODE"],
        message: "AUTH_MODE=entra needs AUTH_TENANT_ID and AUTH_CLIENT_ID",
      });
    }
  });

/**
 * True for a name or address that only this machine can reach: localhost, 127.0.0.0/8, ::1 (also written
 * [::1] or as the IPv4-mapped ::ffff:127.x). "0.0.0.0", "::" and every other name listen on the network.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** The validated configuration, in the product's own names. */
export interface Config {
  production: boolean;
  /** Bearer token of GET /metrics (METRICS_TOKEN); undefined: no metrics endpoint. */
  metricsToken: string | undefined;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  m365: {
    mode: "sandbox" | "live";
    loginUrl: string | undefined;
    graphUrl: string | undefined;
    timeoutMs: number;
    retryBudgetMs: number;
    requiredPermissions: string[];
    proxyUrl: string | undefined;
  };
  auth: {
    mode: "dev" | "entra";
    devOperator: string;
    tenantId: string | undefined;
    clientId: string | undefined;
  };
  bot: {
    appId: string | undefined;
    appPassword: string | undefined;
    appTenantId: string | undefined;
    appType: string | undefined;
    /** 0 = no timer (the scheduler still runs when called). */
    revalidationIntervalMs: number;
    revalidationConcurrency: number;
    revalidationRetryMs: number;
    /** Abandoned dialogs are dropped after this, ms (BOT_DIALOG_TTL_HOURS). */
    dialogTtlMs: number;
    /** The Teams cloud whose Bot Connector hosts the bot may call (BOT_CLOUD). */
    cloud: "commercial" | "gcc" | "gcc-high" | "dod";
    /** True when the bot may run without Bot Framework authentication (empty app id on a loopback host). */
    anonymous: boolean;
    /** The Teams app's manifest id (TEAMS_APP_ID), for deep links into the tab; undefined when not set. */
    teamsAppId: string | undefined;
  };
  validationRateLimitPerMinute: number;
  secretKeyBase64: string | undefined;
  /** Older keys (SECRET_KEY_PREVIOUS), still opened; start-up re-wraps what they sealed under the current key. */
  previousSecretKeysBase64: string[];
  sbc: { baseDomain: string; regions: string[] };
  /**
   * Base of invitation links (PUBLIC_URL, no trailing slash); undefined when unset: then http://127.0.0.1:<the port
   * the server listens on> (app.ts), which is PORT unless PORT=0 asked for a free one.
   */
  publicUrl: string | undefined;
  /** Outgoing mail; without `smtpUrl` the built-in outbox keeps it (sandbox mode shows it at GET /api/outbox). */
  mail: { smtpUrl: string | undefined; from: string | undefined; sendTimeoutMs: number };
  /** Shown on the customer's page and in mails. */
  provider: { name: string; supportEmail: string };
  /** INVITE_RATE_LIMIT: requests per minute per invitation token and per client address. */
  inviteRateLimitPerMinute: number;
  /** TRUST_PROXY: proxy hops trusted for the client's address (0: the connection's address). */
  trustProxyHops: number;
  /**
   * Automatic App registration: the provider's public client (PROVISIONING_CLIENT_ID; undefined in live mode when
   * unset, which turns provisioning off) and how long to wait for Entra to accept a new app or secret.
   */
  provisioning: { clientId: string | undefined; replicationTimeoutMs: number };
  /** ROTATE_BEFORE_DAYS: self-rotating secrets are rotated this many days before expiry (0: never on the schedule). */
  rotateBeforeDays: number;
  logLevel: string;
}

/** Thrown when the environment is invalid; the message lists every bad variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Reads and validates the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "environment"}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    production: e.NODE_ENV === "production",
    metricsToken: e.METRICS_TOKEN,
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    m365: {
      mode: e.M365_MODE ?? "sandbox",
      loginUrl: e.M365_LOGIN_URL,
      graphUrl: e.M365_GRAPH_URL,
      timeoutMs: e.M365_TIMEOUT_MS,
      retryBudgetMs: e.M365_RETRY_BUDGET_MS,
      requiredPermissions: e.M365_REQUIRED_PERMISSIONS,
      proxyUrl: e.HTTPS_PROXY,
    },
    auth: { mode: e.AUTH_MODE, devOperator: e.DEV_OPERATOR, tenantId: e.AUTH_TENANT_ID, clientId: e.AUTH_CLIENT_ID },
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appTenantId: e.MicrosoftAppTenantId,
      appType: e.MicrosoftAppType,
      revalidationIntervalMs: e.REVALIDATION_INTERVAL_MS,
      revalidationConcurrency: e.REVALIDATION_CONCURRENCY,
      revalidationRetryMs: e.REVALIDATION_RETRY_MS,
      dialogTtlMs: e.BOT_DIALOG_TTL_HOURS * 3_600_000,
      cloud: e.BOT_CLOUD,
      anonymous: !e.MicrosoftAppId,
      teamsAppId: e.TEAMS_APP_ID?.toLowerCase(),
    },
    validationRateLimitPerMinute: e.VALIDATION_RATE_LIMIT,
    secretKeyBase64: e.SECRET_KEY,
    previousSecretKeysBase64: e.SECRET_KEY_PREVIOUS,
    sbc: { baseDomain: e.SBC_BASE_DOMAIN, regions: e.SBC_REGIONS },
    publicUrl: e.PUBLIC_URL,
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, sendTimeoutMs: 15_000 },
    provider: { name: e.PROVIDER_NAME, supportEmail: e.PROVIDER_SUPPORT_EMAIL },
    inviteRateLimitPerMinute: e.INVITE_RATE_LIMIT,
    trustProxyHops: e.TRUST_PROXY,
    provisioning: {
      clientId:
        e.PROVISIONING_CLIENT_ID?.toLowerCase() ??
        ((e.M365_MODE ?? "sandbox") === "sandbox" ? SANDBOX_PROVISIONING_CLIENT_ID : undefined),
      replicationTimeoutMs: e.PROVISIONING_REPLICATION_TIMEOUT_MS,
    },
    rotateBeforeDays: e.ROTATE_BEFORE_DAYS,
    logLevel: e.LOG_LEVEL,
  };
}
