/**
 * A stored service's Microsoft 365 side: its settings with the history, Validate Authentication with the stored
 * secret (a run overtaken by a replacement goes to the history only), and the secret replacement (the new secret is
 * stored only when it validates).
 */
import type { M365Settings, ValidationReport } from "@dr/contract";
import { CredentialsInvalidError, NotFoundError } from "../errors.js";
import {
  type CredentialBody,
  credentialBody,
  credentialFromStored,
  credentialSummary,
  readCredential,
  storedCredentialText,
} from "../m365/credentials/credential.js";
import { serviceSecretAad } from "../secrets/associated-data.js";
import type { Repository, ServiceRecord, ServiceSecretRecord } from "../storage/repository.types.js";
import type { OnboardingContext, RecordedValidation, StreamOptions } from "./context.js";
import { applyReport, assertVersion, type IfVersion, reportDetail, toSummary, validationRecord } from "./records.js";

/** The service with its stored secret: one read where the repository offers it, else two. */
async function withSecret(
  repo: Repository,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<{ service: ServiceRecord; secret?: ServiceSecretRecord } | undefined> {
  if (repo.getServiceWithSecret) return repo.getServiceWithSecret(id, options);
  const service = await repo.getService(id, options);
  if (!service) return undefined;
  const secret = await repo.getServiceSecret(id);
  return { service, ...(secret ? { secret } : {}) };
}

/** Creates the M365 commands over the shared parts. */
export function createM365Commands(ctx: OnboardingContext) {
  const { deps, now, audit, mustGetService, runValidation, toService } = ctx;
  const historyLength = deps.historyLength ?? 20;
  return {
    async getM365SettingsVersioned(id: string): Promise<{ settings: M365Settings; version: number }> {
      const record = await mustGetService(id);
      const history = await deps.repo.listValidations(id, historyLength);
      const lastRotatedAt = await deps.rotations?.lastRotatedAt(id);
      const m = record.m365;
      const settings: M365Settings = {
        ...toService(record, now()).m365,
        tenantDomains: m.tenantDomains,
        ...(m.secretKeyId ? { secretKeyId: m.secretKeyId } : {}),
        ...(m.lastValidatedBy ? { lastValidatedBy: m.lastValidatedBy } : {}),
        permissions: m.permissions ?? { granted: [], missing: [], directoryRoles: [] },
        history: history.map(toSummary),
        ...(lastRotatedAt ? { lastRotatedAt } : {}),
      };
      return { settings, version: record.version };
    },

    async validateService(
      id: string,
      actor: string,
      options: StreamOptions & { scheduled?: boolean; onRecorded?: (recorded: RecordedValidation) => void } = {},
    ): Promise<ValidationReport> {
      const read = await withSecret(deps.repo, id);
      if (!read) throw new NotFoundError(`No service with id ${id}.`);
      const { service: record, secret: stored } = read;
      if (!stored) throw new NotFoundError(`The service ${id} has no stored secret.`);
      const text = deps.secrets.open(stored.sealed, serviceSecretAad(id, stored.sealedAtVersion));
      // The stored secret, or the stored certificate with its key (docs/entra.md section 13).
      const credential = credentialFromStored(record.m365.credentialType, text);
      const report = await runValidation(
        actor,
        {
          tenantId: record.m365.tenantId,
          clientId: record.m365.clientId,
          ...credentialBody(credential),
          cloud: record.m365.cloud,
        },
        options.onCheck ? { onCheck: options.onCheck } : {},
        { unmetered: options.scheduled === true },
      );
      const at = now().toISOString();
      const recorded = await deps.repo.transaction(async (tx): Promise<ServiceRecord> => {
        const locked = await withSecret(tx, id, { forUpdate: true });
        if (!locked) throw new NotFoundError(`No service with id ${id}.`);
        const { service: current, secret: still } = locked;
        // A slow run can be overtaken by a secret replacement: its result describes a secret that is no longer
        // stored, so it goes to the history only and never touches the new secret's status or expiry.
        const superseded = still?.sealedAtVersion !== stored.sealedAtVersion;
        // A run Microsoft could not answer (throttled, unreachable: no check failed) says nothing about the
        // credential: it goes to the history and the service keeps its status, so an Entra outage never turns a
        // service to auth_failed (docs/api.md, "Fleet re-validation").
        const answered = report.ok || report.checks.some((c) => c.status === "fail");
        const after =
          !superseded && answered
            ? {
                ...current,
                m365: applyReport(current.m365, report, actor, at),
                version: current.version + 1,
                updatedAt: at,
              }
            : current;
        if (after !== current) await tx.updateService(after);
        await tx.insertValidation(validationRecord(id, actor, superseded ? "superseded" : "manual", report));
        await audit(tx, actor, "service.validate", report.ok ? "success" : "failure", id, {
          ...reportDetail(report),
          ...(superseded ? { superseded: true } : {}),
        });
        return after;
      });
      options.onRecorded?.({
        service: toService(recorded, now()),
        ...(recorded.m365.secretKeyId ? { secretKeyId: recorded.m365.secretKeyId } : {}),
      });
      return report;
    },

    async replaceSecret(
      id: string,
      body: CredentialBody,
      actor: string,
      options: StreamOptions & { ifVersion?: IfVersion } = {},
    ): Promise<ValidationReport> {
      const record = await mustGetService(id);
      assertVersion(record, options.ifVersion);
      const credentialFields =
        body.clientSecret !== undefined
          ? { clientSecret: body.clientSecret }
          : body.clientCertificate !== undefined
            ? { clientCertificate: body.clientCertificate }
            : {};
      const report = await runValidation(
        actor,
        {
          tenantId: record.m365.tenantId,
          clientId: record.m365.clientId,
          ...credentialFields,
          cloud: record.m365.cloud,
        },
        options,
      );
      const at = now().toISOString();
      // The validator read the same credential; read again for what is sealed (a certificate: its normalised PEM).
      const read = readCredential(body, now());
      const fresh = read.ok ? credentialSummary(read.credential) : undefined;
      const newCredential = {
        newSecretHint: fresh?.secretHint ?? body.clientSecret?.slice(0, 3) ?? "",
        ...(fresh?.certificateThumbprint ? { newCertificateThumbprint: fresh.certificateThumbprint } : {}),
      };
      if (!report.ok || !read.ok || !fresh) {
        await deps.repo.transaction(async (tx) => {
          await tx.insertValidation(validationRecord(id, actor, "secret_replace", report));
          await audit(tx, actor, "service.secret_replace", "failure", id, {
            ...newCredential,
            ...reportDetail(report),
          });
        });
        throw new CredentialsInvalidError(
          "The new secret did not validate; the old secret was kept and still works as before.",
          report,
        );
      }
      await deps.repo.transaction(async (tx) => {
        const current = await tx.getService(id, { forUpdate: true });
        if (!current) throw new NotFoundError(`No service with id ${id}.`);
        assertVersion(current, options.ifVersion);
        const version = current.version + 1;
        const next: ServiceRecord = {
          ...current,
          version,
          updatedAt: at,
          m365: {
            ...applyReport(current.m365, report, actor, at, { newCredential: fresh }),
            userName: actor,
          },
        };
        await tx.updateService(next);
        await tx.putServiceSecret({
          serviceId: id,
          sealed: deps.secrets.seal(storedCredentialText(read.credential), serviceSecretAad(id, version)),
          sealedAtVersion: version,
        });
        await tx.insertValidation(validationRecord(id, actor, "secret_replace", report));
        await audit(tx, actor, "service.secret_replace", "success", id, {
          oldSecretHint: current.m365.secretHint,
          ...(current.m365.certificateThumbprint
            ? { oldCertificateThumbprint: current.m365.certificateThumbprint }
            : {}),
          ...newCredential,
        });
      });
      return report;
    },
  };
}
