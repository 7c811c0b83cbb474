/**
 * Creating a service: the idempotency replay, the input checks that need storage (customer, region, short name and
 * SBC sub-domain free), the server-side validation, and the one transaction that writes the service, its sealed
 * secret, the first history line, the audit row and the idempotency record.
 */
import { createHash, randomUUID } from "node:crypto";
import {
  type Cloud,
  type CreateServiceInput,
  type CreateServiceWithCredentials,
  defaultSubdomainLabel,
  type Service,
  tenantIdForRecord,
} from "@dr/contract";
import { ConflictError, CredentialsInvalidError, InputError } from "../errors.js";
import {
  type CredentialBody,
  credentialSummary,
  readCredential,
  storedCredentialText,
} from "../m365/credentials/credential.js";
import { serviceSecretAad } from "../secrets/associated-data.js";
import { type Repository, type ServiceRecord, UniqueViolationError } from "../storage/repository.types.js";
import { mustGetCustomer, type OnboardingContext } from "./context.js";
import { applyReport, reportDetail, validationRecord } from "./records.js";

/** What an Idempotency-Key is scoped to: the operation, in the domain's words (no HTTP method or path). */
const IDEMPOTENCY_SCOPE = {
  createService: "service.create",
  /** Keys stored before the scope had a domain name said "POST /api/services": they replay the same operation. */
  sameAsCreateService: (scope: string) => scope === "service.create" || scope === "POST /api/services",
} as const;

/** The SBC FQDN is `<label>.<SBC_BASE_DOMAIN>`: two services with one label would share one SBC host name. */
export const subdomainTakenMessage = (label: string) =>
  `SBC sub-domain: "${label}" is already used by another service; choose another label.`;

const subdomainTaken = (label: string) =>
  new ConflictError(
    `The SBC sub-domain "${label}" is already taken.`,
    [{ path: "directRouting.subdomainLabel", code: "subdomain_taken", message: subdomainTakenMessage(label) }],
    "subdomain_taken",
  );

/** A create with typed credentials (neither an invitation's nor a provisioning run's). */
const withCredentials = (input: CreateServiceInput): input is CreateServiceWithCredentials =>
  input.invitationId === undefined && input.provisioningId === undefined;

/** The credentials without the secret or the certificate (what the idempotency fingerprint may hold). */
const withoutSecret = ({
  clientSecret: _secret,
  clientCertificate: _certificate,
  ...rest
}: CredentialBody & Record<string, unknown>) => rest;

/** Creates the create-service command over the shared parts. */
export function createServiceCommand(ctx: OnboardingContext) {
  const { deps, now, audit, runValidation } = ctx;
  const toService = ctx.toService;

  /**
   * Refuses a create whose short name or SBC sub-domain is taken; the short name first, since the operator chose it
   * and it usually implies the label. Two creates of one name race on both unique indexes, and a winner can commit
   * between two reads, so the name is read again whenever the label is found taken.
   */
  const refuseTaken = async (shortName: string, label: string, labelTakenKnown: boolean): Promise<void> => {
    const labelTaken = labelTakenKnown || (await deps.repo.subdomainLabelTaken(label));
    if (await deps.repo.shortNameTaken(shortName)) {
      throw new ConflictError(`The short name "${shortName}" is already taken.`, [
        {
          path: "shortName",
          code: "name_taken",
          message: "Short name: already used by another service; choose another.",
        },
      ]);
    }
    if (labelTaken) throw subdomainTaken(label);
  };

  return async (
    input: CreateServiceInput,
    actor: string,
    idempotencyKey?: string,
  ): Promise<{ service: Service; replayed: boolean }> => {
    const scope = IDEMPOTENCY_SCOPE.createService;
    // The hash binds the key to the request; it leaves the secret out so no function of it is stored.
    const requestHash = createHash("sha256")
      .update(JSON.stringify(withCredentials(input) ? { ...input, m365: withoutSecret(input.m365) } : input))
      .digest("hex");
    const replay = async (): Promise<{ service: Service; replayed: boolean } | undefined> => {
      if (!idempotencyKey) return undefined;
      const previous = await deps.repo.getIdempotency(actor, idempotencyKey);
      if (!previous) return undefined;
      if (!IDEMPOTENCY_SCOPE.sameAsCreateService(previous.scope) || previous.requestHash !== requestHash) {
        throw new InputError("This Idempotency-Key was already used with another request; send a new key.", [
          { path: "Idempotency-Key", code: "idempotency_key_reused", message: "Use a new Idempotency-Key." },
        ]);
      }
      return { service: previous.body as Service, replayed: true };
    };
    const earlier = await replay();
    if (earlier) return earlier;

    const customer = await mustGetCustomer(deps.repo, input.customerId);
    const dr = input.directRouting ?? {};
    if (dr.sbcRegion !== undefined && !deps.sbc.regions.includes(dr.sbcRegion)) {
      throw new InputError("Unknown SBC region.", [
        {
          path: "directRouting.sbcRegion",
          code: "unknown_region",
          message: `SBC region: choose one of ${deps.sbc.regions.join(", ")}.`,
        },
      ]);
    }
    const subdomainLabel = dr.subdomainLabel ?? defaultSubdomainLabel(input.shortName);
    await refuseTaken(input.shortName, subdomainLabel, false);

    // From an invitation: the credentials the customer's admin validated, opened from their envelope and validated
    // again here like typed ones (docs/api.md, "Invitations"). From a provisioning run: the App registration it
    // made, likewise (docs/api.md, "Provisioning").
    const invitationId = input.invitationId;
    const provisioningId = input.provisioningId;
    const invitations = deps.invitations;
    const provisioning = deps.provisioning;
    let credentials: { tenantId: string; clientId: string; cloud: Cloud } & CredentialBody;
    if (withCredentials(input)) {
      credentials = input.m365;
    } else if (provisioningId !== undefined) {
      if (!provisioning) {
        throw new InputError("Automatic App registration is not available on this server.", [
          { path: "provisioningId", code: "not_found", message: "provisioningId: send the credentials instead." },
        ]);
      }
      const opened = await provisioning.open(provisioningId);
      if (opened.customerId !== customer.id) {
        throw new InputError("The provisioning run belongs to another customer.", [
          {
            path: "provisioningId",
            code: "provisioning_customer_mismatch",
            message: "provisioningId: choose a run of this customer, or this run's customer.",
          },
        ]);
      }
      credentials = { ...opened, cloud: input.m365?.cloud ?? opened.cloud };
    } else if (invitationId === undefined) {
      throw new InputError("Send the credentials, an invitationId or a provisioningId.", [
        { path: "m365", code: "invalid_type", message: "m365: enter the tenant ID, client ID and client secret." },
      ]);
    } else {
      if (!invitations) {
        throw new InputError("Invitations are not available on this server.", [
          { path: "invitationId", code: "not_found", message: "invitationId: send the credentials instead." },
        ]);
      }
      const opened = await invitations.open(invitationId);
      if (opened.customerId !== customer.id) {
        throw new InputError("The invitation belongs to another customer.", [
          {
            path: "invitationId",
            code: "invitation_customer_mismatch",
            message: "invitationId: choose an invitation of this customer, or this invitation's customer.",
          },
        ]);
      }
      credentials = { ...opened, cloud: input.m365?.cloud ?? opened.cloud };
    }
    const { clientSecret, clientCertificate } = credentials;
    const report = await runValidation(actor, {
      tenantId: credentials.tenantId,
      clientId: credentials.clientId,
      ...(clientSecret !== undefined ? { clientSecret } : { clientCertificate }),
      cloud: credentials.cloud,
    });
    // The validator read the same credential; read again for what is sealed (a certificate: its normalised PEM).
    const read = readCredential(credentials, now());
    if (!report.ok || !report.tenant || !read.ok) {
      await audit(deps.repo, actor, "service.create", "failure", null, {
        shortName: input.shortName,
        tenantId: tenantIdForRecord(credentials.tenantId),
        ...(invitationId ? { invitationId } : {}),
        ...(provisioningId ? { provisioningId } : {}),
        reason: "credentials_invalid",
        ...reportDetail(report),
      });
      throw new CredentialsInvalidError(
        "The credentials did not validate against the customer tenant; fix them and try again.",
        report,
      );
    }
    if (dr.m365Domain !== undefined && !report.tenant.domains.includes(dr.m365Domain.toLowerCase())) {
      throw new InputError("The M365 domain is not a verified domain of the tenant.", [
        {
          path: "directRouting.m365Domain",
          code: "unknown_domain",
          message: `M365 domain: choose one of ${report.tenant.domains.join(", ")}.`,
        },
      ]);
    }

    const at = now().toISOString();
    const id = randomUUID();
    const record: ServiceRecord = {
      id,
      customerId: customer.id,
      customerName: customer.name,
      shortName: input.shortName,
      fullName: input.fullName ?? null,
      licenseType: input.licenseType,
      licensedUsers: input.licensedUsers,
      createdAt: at,
      createdBy: actor,
      updatedAt: at,
      version: 1,
      m365: applyReport(
        {
          cloud: credentials.cloud,
          tenantId: report.tenant.id,
          tenantName: null,
          tenantDomains: [],
          clientId: credentials.clientId,
          ...credentialSummary(read.credential),
          secretKeyId: null,
          secretExpiresAt: null,
          secretCheckedAt: null,
          userName: actor,
          lastValidatedAt: null,
          lastValidationOk: null,
          lastValidatedBy: null,
          permissions: null,
        },
        report,
        actor,
        at,
      ),
      directRouting: {
        m365Domain: dr.m365Domain?.toLowerCase() ?? report.tenant.initialDomain ?? null,
        sbcRegion: dr.sbcRegion ?? deps.sbc.regions[0] ?? null,
        subdomainLabel,
      },
    };
    const body = toService(record, now());
    try {
      const write = async (
        tx: Repository,
        consume?: (invitationId: string, serviceId: string, actor: string) => Promise<void>,
      ) => {
        await tx.insertService(record);
        await tx.putServiceSecret({
          serviceId: id,
          sealed: deps.secrets.seal(storedCredentialText(read.credential), serviceSecretAad(id, record.version)),
          sealedAtVersion: record.version,
        });
        await tx.insertValidation(validationRecord(id, actor, "create", report));
        await audit(tx, actor, "service.create", "success", id, {
          shortName: record.shortName,
          tenantId: record.m365.tenantId,
          clientId: record.m365.clientId,
          secretHint: record.m365.secretHint,
          credentialType: record.m365.credentialType,
          ...(record.m365.certificateThumbprint ? { certificateThumbprint: record.m365.certificateThumbprint } : {}),
          ...(invitationId ? { invitationId } : {}),
          ...(provisioningId ? { provisioningId } : {}),
        });
        if (invitationId && consume) await consume(invitationId, id, actor);
        if (provisioningId && consume) await consume(provisioningId, id, actor);
        if (idempotencyKey) {
          await tx.insertIdempotency({
            actor,
            key: idempotencyKey,
            scope,
            requestHash,
            status: 201,
            body,
            createdAt: at,
          });
        }
      };
      if (invitationId !== undefined && invitations) await invitations.transaction(write);
      else if (provisioningId !== undefined && provisioning) await provisioning.transaction(write);
      else await deps.repo.transaction((tx) => write(tx));
    } catch (error) {
      if (error instanceof UniqueViolationError) {
        // A concurrent request with the same key may have won; answer as it did.
        const again = await replay();
        if (again) return again;
        if (error.constraint === "service_short_name" || error.constraint === "service_subdomain_label") {
          await refuseTaken(input.shortName, subdomainLabel, error.constraint === "service_subdomain_label");
        }
      }
      throw error;
    }
    return { service: body, replayed: false };
  };
}
