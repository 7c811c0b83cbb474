/**
 * The Direct Routing readiness report (docs/product.md section 10, docs/validation.md "Direct Routing readiness"):
 * the checks under checks/, run by the validator's check runner. Round trips: the Graph token and the Teams Tenant
 * Admin API token side by side, then the Graph reads (domain, licences, users) side by side; only a domain that is
 * not verified costs one more (its TXT record). Readiness reports; it never changes the credential status.
 */

import { randomUUID } from "node:crypto";
import {
  type Cloud,
  clientIdForRecord,
  type ReadinessCheckId,
  type ReadinessCode,
  type ReadinessReport,
  SKIPPED_CODE,
} from "@dr/contract";
import { createCheckRunner } from "../m365/check-runner.js";
import type { ValidatorLogger } from "../m365/checks/check.types.js";
import { type EndpointOverrides, resolveEndpoints } from "../m365/clouds.js";
import { type AppCredential, credentialSecrets } from "../m365/credentials/credential.js";
import { createGraphClient, type GraphAnswer } from "../m365/graph/graph.client.js";
import type { Dispatch } from "../m365/http/dispatch.types.js";
import { createTransport } from "../m365/http/transport.js";
import { redactDeep } from "../m365/redact.js";
import { activationUserCheck } from "./checks/activation-user.check.js";
import { phoneLicencesCheck } from "./checks/phone-licences.check.js";
import type {
  ReadinessCheckDefinition,
  ReadinessContext,
  ReadinessFacts,
  ReadinessReads,
} from "./checks/readiness.types.js";
import { sbcDomainCheck } from "./checks/sbc-domain.check.js";
import { teamsAdminApiCheck } from "./checks/teams-admin-api.check.js";
import { teamsAdminRoleCheck } from "./checks/teams-admin-role.check.js";
import { acquireReadinessToken, TEAMS_ADMIN_API_APP_ID } from "./readiness.token.js";

/** The checks in the order they are shown (READINESS_CHECK_IDS). */
export const READINESS_CHECKS: readonly ReadinessCheckDefinition[] = [
  teamsAdminRoleCheck,
  teamsAdminApiCheck,
  sbcDomainCheck,
  phoneLicencesCheck,
  activationUserCheck,
];

const runner = createCheckRunner<ReadinessCheckId, ReadinessCode, ReadinessContext, ReadinessFacts>(
  READINESS_CHECKS,
  SKIPPED_CODE,
);

/** What one readiness run needs: parsed credentials and the SBC FQDN. */
export interface ReadinessInput {
  /** The parsed tenant: its GUID or a verified domain. */
  tenantId: string;
  /** The parsed client id. */
  clientId: string;
  /** The client secret, or a certificate with its key (docs/entra.md section 13). */
  credential: AppCredential;
  cloud: Cloud;
  /** `<label>.<SBC_BASE_DOMAIN>`; undefined when the service has no sub-domain. */
  sbcFqdn?: string;
}

/** Options of {@link createReadinessChecker}. */
export interface ReadinessCheckerOptions {
  dispatch: Dispatch;
  /** Timeout of each outbound request, ms (M365_TIMEOUT_MS). */
  timeoutMs: number;
  retryBudgetMs?: number;
  overrides?: EndpointOverrides;
  now?: () => Date;
  logger?: ValidatorLogger;
}

/** Runs readiness reports. */
export interface ReadinessChecker {
  /** Runs every check; never throws for Microsoft's or the network's answer. */
  check(input: ReadinessInput): Promise<ReadinessReport>;
}

/** Creates the checker; each run has its own transport and msal instances. */
export function createReadinessChecker(options: ReadinessCheckerOptions): ReadinessChecker {
  const now = options.now ?? (() => new Date());
  return {
    async check(input) {
      const startedAt = now();
      const started = performance.now();
      const secrets = credentialSecrets({}, input.credential);
      const correlationId = randomUUID();
      const endpoints = resolveEndpoints(input.cloud, options.overrides);
      const transport = createTransport({
        dispatch: options.dispatch,
        timeoutMs: options.timeoutMs,
        ...(options.retryBudgetMs !== undefined ? { retryBudgetMs: options.retryBudgetMs } : {}),
      });
      const tokenRequest = {
        transport,
        endpoints,
        tenant: input.tenantId,
        clientId: input.clientId,
        clientSecret: input.credential,
        correlationId,
        ...(options.logger ? { logger: options.logger } : {}),
      };
      // Round trip 1: both tokens side by side.
      const [graphToken, teamsToken] = await Promise.all([
        acquireReadinessToken({ ...tokenRequest, scope: `${endpoints.graphResource}/.default` }),
        acquireReadinessToken({ ...tokenRequest, scope: `${TEAMS_ADMIN_API_APP_ID}/.default` }),
      ]);
      let reads: ReadinessReads | undefined;
      if (graphToken.ok) {
        const graph = createGraphClient({
          transport,
          graphUrl: endpoints.graphUrl,
          accessToken: graphToken.accessToken,
          correlationId,
        });
        const once = (read: () => Promise<GraphAnswer>) => {
          let started: Promise<GraphAnswer> | undefined;
          return () => {
            started ??= read();
            return started;
          };
        };
        const fqdn = input.sbcFqdn;
        const none = async (): Promise<GraphAnswer> => {
          throw new Error("no SBC FQDN to read");
        };
        reads = {
          domain: once(() =>
            fqdn
              ? graph.get(`/v1.0/domains/${encodeURIComponent(fqdn)}?$select=id,isVerified,supportedServices`)
              : none(),
          ),
          verificationRecords: once(() =>
            fqdn ? graph.get(`/v1.0/domains/${encodeURIComponent(fqdn)}/verificationDnsRecords`) : none(),
          ),
          skus: once(() => graph.get("/v1.0/subscribedSkus")),
          users: once(() =>
            fqdn
              ? graph.get(
                  // The FQDN passed the DNS-label rules, so it holds no quote; the filter is an advanced query.
                  `/v1.0/users?$filter=${encodeURIComponent(`endswith(userPrincipalName,'@${fqdn}')`)}&$count=true&$select=id,userPrincipalName,assignedLicenses`,
                  { consistencylevel: "eventual" },
                )
              : none(),
          ),
        };
        // Round trip 2: every read the checks need, started together before any check awaits one.
        if (fqdn) {
          void reads.domain();
          void reads.users();
        }
        void reads.skus();
      }
      const context: ReadinessContext = {
        graphToken,
        teamsToken,
        ...(input.sbcFqdn ? { sbcFqdn: input.sbcFqdn } : {}),
        ...(reads ? { reads } : {}),
      };
      const { checks } = await runner.run(context, { secrets });
      const report: ReadinessReport = {
        ok: checks.every((c) => c.status !== "fail" && c.status !== "unknown"),
        checks,
        ...(input.sbcFqdn ? { sbcFqdn: input.sbcFqdn } : {}),
        startedAt: startedAt.toISOString(),
        durationMs: Math.round(performance.now() - started),
      };
      options.logger?.info(
        {
          event: "readiness",
          tenant: input.tenantId,
          client: clientIdForRecord(input.clientId),
          correlationId,
          ok: report.ok,
          checks: checks.map((c) => `${c.id}:${c.status}${c.code ? `:${c.code}` : ""}`),
          durationMs: report.durationMs,
        },
        "direct routing readiness finished",
      );
      return redactDeep(report, secrets);
    },
  };
}
