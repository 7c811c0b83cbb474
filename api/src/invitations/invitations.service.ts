/**
 * Invitations (docs/api.md, "Invitations"; docs/product.md section 8): the operator invites the customer's admin, who
 * opens a single-use link outside Teams, enters the App registration values and validates them; a valid report seals
 * the credentials on the invitation, and the operator continues the onboarding from it.
 *
 * - The link token has 256 random bits (base64url); only its SHA-256 is stored. A resend replaces it.
 * - States: sent -> opened (the page read it) -> completed (validated, sealed) -> used (a service made from it); or
 *   expired, revoked. Every change is a compare-and-set on the state, so of two racing requests one wins.
 * - Unknown, used, revoked, expired and completed tokens get the same NotFoundError (no oracle for guessing).
 * - The customer's requests are limited per token and per client address (INVITE_RATE_LIMIT per minute).
 * - Expired invitations drop their sealed credentials (also completed ones never used): a sweep at start-up, on a
 *   timer, and lazily whenever one is read.
 * - Every change goes to the audit trail, never with a secret.
 */

import { randomUUID } from "node:crypto";
import {
  type CreateInvitationInput,
  clientIdForRecord,
  INVITATION_DEFAULT_DAYS,
  INVITATION_MAX_DAYS,
  type Invitation,
  type InvitationStatus,
  type InvitationWithUrl,
  type InvitePublic,
  tenantIdForRecord,
  type ValidationReport,
  type ValidationRequest,
} from "@dr/contract";
import { InputError, NotFoundError, RateLimitedError } from "../errors.js";
import {
  type AppCredential,
  credentialSummary,
  readCredential,
  secretCredential,
  storedCredentialText,
} from "../m365/credentials/credential.js";
import { MailError, type Mailer } from "../mail/mailer.js";
import { invitationMail } from "../mail/templates.js";
import { mustGetCustomer, type StreamOptions } from "../onboarding/context.js";
import type { RateLimiter } from "../onboarding/rate-limiter.js";
import { auditRecord } from "../onboarding/records.js";
import type { SecretStore } from "../secrets/secret-store.types.js";
import type { InvitationRecord, InvitationStore } from "../storage/invitations.repository.js";
import type { AuditRecord } from "../storage/repository.types.js";
import type { InvitationNotifier } from "./invitation-notifier.js";
import {
  hashLinkToken,
  invitationSecretAad,
  isTokenShaped,
  newLinkToken,
  operatorOf,
  toInvitation,
  toInvitePublic,
} from "./invitation-records.js";

/** The one answer for every link that does not work, whatever the reason (no oracle). */
export const UNKNOWN_LINK_MESSAGE =
  "This invitation link does not work: it may have expired, been used, replaced or withdrawn. Ask your provider for a new link.";

const DAY_MS = 86_400_000;
const LIVE: InvitationStatus[] = ["sent", "opened", "completed"];

/** The operator who invites: the audit name, and the Entra identity the bot can reach them by, when known. */
export interface InvitingOperator {
  name: string;
  objectId?: string | undefined;
  tenantId?: string | undefined;
}

/** The customer's validation body, parsed (the cloud left out means the invitation's). */
export type InviteValidationInput = Omit<ValidationRequest, "cloud"> & {
  cloud?: ValidationRequest["cloud"] | undefined;
};

/** What the service needs. */
export interface InvitationsDeps {
  store: InvitationStore;
  /** The audit trail and the customers. */
  repo: {
    getCustomer(id: string): Promise<{ id: string; name: string } | undefined>;
    insertAudit(event: AuditRecord): Promise<void>;
  };
  secrets: SecretStore;
  mailer: Mailer;
  /** The validator as POST /api/validation runs it (rate limit per actor and tenant, audit). */
  validateCredentials(input: ValidationRequest, actor: string, options?: StreamOptions): Promise<ValidationReport>;
  /** INVITE_RATE_LIMIT: per token and per client address. */
  rateLimiter: RateLimiter;
  /** Base of links (PUBLIC_URL, or this server's address). */
  publicUrl: () => string;
  provider: { name: string; supportEmail: string };
  /** Late-bound: the bot is created after this service. */
  notifier: () => InvitationNotifier | undefined;
  log: { info(o: object, m?: string): void; warn(o: object, m?: string): void };
  now?: () => Date;
}

/** What the invitations feature offers the routes and the bot. */
export interface InvitationsService {
  create(input: CreateInvitationInput, operator: InvitingOperator): Promise<InvitationWithUrl>;
  list(status?: InvitationStatus): Promise<Invitation[]>;
  get(id: string): Promise<Invitation>;
  /** A new link replaces the old one (and a new expiry); mails again when the invitation has an address. */
  resend(id: string, actor: string): Promise<InvitationWithUrl>;
  /** Revokes; the sealed credentials are dropped. Revoking a revoked invitation changes nothing. */
  revoke(id: string, actor: string): Promise<void>;
  /** The customer's page reads its invitation: sent -> opened on the first read. */
  readByToken(token: string, clientAddress: string): Promise<InvitePublic>;
  /** The customer's Start authentication: validates; an ok report seals the credentials and completes it. */
  completeByToken(
    token: string,
    input: InviteValidationInput,
    clientAddress: string,
    options?: StreamOptions,
  ): Promise<ValidationReport>;
  /**
   * The customer's page starts or reads a provisioning run (docs/api.md, "Provisioning"): the rate limit, then a
   * live invitation (sent or opened; also completed with `allowCompleted`, to read the run that completed it), or
   * the one neutral NotFoundError.
   */
  admitForProvisioning(
    token: string,
    clientAddress: string,
    options?: { allowCompleted?: boolean },
  ): Promise<{ id: string; customerId: string; cloud: InvitationRecord["cloud"] }>;
  /**
   * A provisioning run of the invitation ended done: the invitation is completed with the run's credentials exactly
   * as a typed validation that passed completes it. False when it was no longer sent or opened.
   */
  completeWithCredentials(
    invitationId: string,
    input: { clientId: string; clientSecret: string; report: ValidationReport; provisioningId: string },
  ): Promise<boolean>;
  /** Expires what is past its time (dropping sealed credentials); answers how many. */
  sweep(): Promise<number>;
  /** Sweeps now and then every `intervalMs` (an unref'd timer); answers the stop. */
  startSweeper(intervalMs: number): () => void;
  /** Waits for notifications still being delivered. */
  drain(): Promise<void>;
}

/** Creates the service. */
export function createInvitationsService(deps: InvitationsDeps): InvitationsService {
  const now = deps.now ?? (() => new Date());
  const pending = new Set<Promise<void>>();

  const audit = (actor: string, action: string, outcome: "success" | "failure", detail: Record<string, unknown>) =>
    deps.repo.insertAudit(auditRecord(now(), { actor, action, serviceId: null, outcome, detail }));

  /** Tells the bot in the background; a failure is logged and changes nothing. */
  const notify = (invitationId: string, send: (n: InvitationNotifier) => Promise<void> | undefined) => {
    const notifier = deps.notifier();
    if (!notifier) return;
    const task = (async () => {
      try {
        await send(notifier);
      } catch (error) {
        deps.log.warn({ invitationId, err: (error as Error)?.message }, "could not tell the operator of an invitation");
      }
    })();
    pending.add(task);
    void task.finally(() => pending.delete(task));
  };

  const linkOf = (token: string) => `${deps.publicUrl()}/invite/${token}`;

  const mustGet = async (id: string): Promise<InvitationRecord> => {
    const record = await expireIfDue(await deps.store.get(id));
    if (!record) throw new NotFoundError(`No invitation with id ${id}.`);
    return record;
  };

  /** Expires one invitation (compare-and-set from the state it was read in); the winner audits and notifies. */
  const expire = async (record: InvitationRecord): Promise<InvitationRecord> => {
    const at = now().toISOString();
    // Only the invitation as it was read: a resend in between gave it a new link and a new expiry.
    const won = await deps.store.transition(
      record.id,
      [record.status],
      { status: "expired", updatedAt: at, sealed: null },
      { tokenHash: record.tokenHash },
    );
    const current = (await deps.store.get(record.id)) ?? record;
    if (!won) return current;
    const reason = record.status === "completed" ? "expired_unused" : "expired";
    await audit("system", "invitation.expire", "success", {
      invitationId: record.id,
      previousStatus: record.status,
      credentialsDropped: record.sealed !== null,
    });
    deps.log.info({ invitationId: record.id, reason }, "invitation expired");
    const operator = operatorOf(current);
    notify(record.id, (n) =>
      n.invitationDropped?.({ invitation: toInvitation(current), ...(operator ? { operator } : {}), reason }),
    );
    return current;
  };

  /** Lazily: a live invitation past its expiry is expired now. */
  async function expireIfDue(record: InvitationRecord | undefined): Promise<InvitationRecord | undefined> {
    if (!record || !LIVE.includes(record.status)) return record;
    if (new Date(record.expiresAt).getTime() > now().getTime()) return record;
    return expire(record);
  }

  /** Mails the link when the invitation has an address; records whether it went. */
  const mail = async (record: InvitationRecord, token: string, tokenHash: string): Promise<InvitationRecord> => {
    if (!record.email) return record;
    let emailSent = true;
    let emailError: string | null = null;
    try {
      await deps.mailer.send(
        invitationMail({
          to: record.email,
          url: linkOf(token),
          customerName: record.customerName,
          providerName: deps.provider.name,
          providerSupportEmail: deps.provider.supportEmail,
          expiresAt: record.expiresAt,
          ...(record.note ? { note: record.note } : {}),
        }),
      );
    } catch (error) {
      emailSent = false;
      emailError = error instanceof MailError ? error.message : "The mail could not be sent; use Resend.";
      deps.log.warn({ invitationId: record.id, reason: emailError }, "invitation mail not sent");
    }
    // Only while the link is still this one (a resend in between has its own mail).
    await deps.store.transition(
      record.id,
      ["sent", "opened", "completed", "expired", "revoked", "used"],
      { emailSent, emailError, updatedAt: now().toISOString() },
      { tokenHash },
    );
    await audit("system", "invitation.mail", emailSent ? "success" : "failure", {
      invitationId: record.id,
      ...(emailError ? { reason: emailError } : {}),
    });
    return { ...record, emailSent, emailError };
  };

  /** The customer's side: the rate limit first (also for unknown tokens), then a live invitation or the one 404. */
  const admit = async (
    token: string,
    clientAddress: string,
    allowed: readonly InvitationStatus[] = ["sent", "opened"],
  ): Promise<InvitationRecord> => {
    const shaped = isTokenShaped(token);
    const hash = hashLinkToken(shaped ? token : token.slice(0, 200));
    const decision = await deps.rateLimiter.take([`invite-token:${hash}`, `invite-addr:${clientAddress}`]);
    if (!decision.ok) {
      throw new RateLimitedError(
        `Too many requests; wait ${decision.retryAfterSeconds} s and try again.`,
        decision.retryAfterSeconds,
      );
    }
    const record = shaped ? await expireIfDue(await deps.store.getByTokenHash(hash)) : undefined;
    if (!record || !allowed.includes(record.status)) throw new NotFoundError(UNKNOWN_LINK_MESSAGE);
    return record;
  };

  /**
   * Completes an invitation with validated credentials (compare-and-set from sent or opened, while not expired):
   * the secret sealed with the invitation's associated data, the tenant, the audit row, the operator told.
   */
  const complete = async (
    record: InvitationRecord,
    input: { clientId: string; credential: AppCredential; report: ValidationReport; actor: string },
    detail: Record<string, unknown> = {},
  ): Promise<boolean> => {
    const { report, credential } = input;
    const { secretHint, certificateThumbprint } = credentialSummary(credential);
    if (!report.tenant) return false;
    const clientId = clientIdForRecord(input.clientId);
    const at = now().toISOString();
    const completed = await deps.store.transition(
      record.id,
      ["sent", "opened"],
      {
        status: "completed",
        completedAt: at,
        updatedAt: at,
        openedAt: record.openedAt ?? at,
        tenantId: report.tenant.id,
        tenantName: report.tenant.displayName ?? null,
        clientId,
        secretHint,
        credentialType: credential.kind,
        sealed: deps.secrets.seal(storedCredentialText(credential), invitationSecretAad(record.id)),
      },
      { tokenHash: record.tokenHash, notExpiredAt: at },
    );
    if (!completed) return false;
    await audit(input.actor, "invitation.complete", "success", {
      invitationId: record.id,
      tenantId: report.tenant.id,
      clientId,
      secretHint,
      ...(certificateThumbprint ? { certificateThumbprint } : {}),
      ...detail,
    });
    const done = await deps.store.get(record.id);
    if (done) {
      const operator = operatorOf(done);
      notify(done.id, (n) =>
        n.invitationCompleted({ invitation: toInvitation(done), ...(operator ? { operator } : {}) }),
      );
    }
    return true;
  };

  return {
    async create(input, operator) {
      const customer = await mustGetCustomer(deps.repo, input.customerId);
      const at = now();
      const days = Math.min(input.expiresInDays ?? INVITATION_DEFAULT_DAYS, INVITATION_MAX_DAYS);
      const { token, hash } = newLinkToken();
      const record: InvitationRecord = {
        id: randomUUID(),
        customerId: customer.id,
        customerName: customer.name,
        email: input.email ?? null,
        cloud: input.cloud ?? "global",
        note: input.note ?? null,
        status: "sent",
        tokenHash: hash,
        createdAt: at.toISOString(),
        createdBy: operator.name,
        createdByOid: operator.objectId?.toLowerCase() ?? null,
        createdByTenant: operator.tenantId?.toLowerCase() ?? null,
        expiresAt: new Date(at.getTime() + days * DAY_MS).toISOString(),
        updatedAt: at.toISOString(),
        emailSent: false,
        emailError: null,
        openedAt: null,
        completedAt: null,
        tenantId: null,
        tenantName: null,
        clientId: null,
        secretHint: null,
        credentialType: "secret",
        sealed: null,
        serviceId: null,
        usedAt: null,
      };
      await deps.store.insert(record);
      await audit(operator.name, "invitation.create", "success", {
        invitationId: record.id,
        customerId: customer.id,
        expiresInDays: days,
        withEmail: record.email !== null,
      });
      const mailed = await mail(record, token, hash);
      return { ...toInvitation(mailed), url: linkOf(token) };
    },

    async list(status) {
      await this.sweep();
      return (await deps.store.list(status)).map(toInvitation);
    },

    async get(id) {
      return toInvitation(await mustGet(id));
    },

    async resend(id, actor) {
      const current = await mustGet(id);
      if (current.status !== "sent" && current.status !== "opened" && current.status !== "expired") {
        throw new InputError(`A ${current.status} invitation cannot be resent.`, [
          {
            path: "id",
            code: `invitation_${current.status}`,
            message:
              current.status === "completed"
                ? "The customer's admin already completed this invitation; create the service from it."
                : `This invitation is ${current.status}; invite again.`,
          },
        ]);
      }
      const at = now();
      const lifetimeDays = Math.min(
        INVITATION_MAX_DAYS,
        Math.max(1, Math.round((Date.parse(current.expiresAt) - Date.parse(current.createdAt)) / DAY_MS)),
      );
      const { token, hash } = newLinkToken();
      const patch = {
        status: "sent" as const,
        tokenHash: hash,
        expiresAt: new Date(at.getTime() + lifetimeDays * DAY_MS).toISOString(),
        updatedAt: at.toISOString(),
        openedAt: null,
        emailSent: false,
        emailError: null,
      };
      const won = await deps.store.transition(id, [current.status], patch, { tokenHash: current.tokenHash });
      if (!won) {
        throw new InputError("The invitation changed meanwhile; load it again.", [
          { path: "id", code: "invitation_changed", message: "The invitation changed meanwhile; load it again." },
        ]);
      }
      await audit(actor, "invitation.resend", "success", { invitationId: id, previousStatus: current.status });
      const mailed = await mail({ ...current, ...patch }, token, hash);
      return { ...toInvitation(mailed), url: linkOf(token) };
    },

    async revoke(id, actor) {
      const current = await mustGet(id);
      if (current.status === "revoked") return;
      if (current.status === "used") {
        throw new InputError("A used invitation cannot be revoked.", [
          { path: "id", code: "invitation_used", message: "This invitation was already used for a service." },
        ]);
      }
      const won = await deps.store.transition(id, [current.status], {
        status: "revoked",
        sealed: null,
        updatedAt: now().toISOString(),
      });
      if (!won) return this.revoke(id, actor);
      await audit(actor, "invitation.revoke", "success", {
        invitationId: id,
        previousStatus: current.status,
        credentialsDropped: current.sealed !== null,
      });
    },

    async readByToken(token, clientAddress) {
      const record = await admit(token, clientAddress);
      if (record.status === "sent") {
        const at = now().toISOString();
        const opened = await deps.store.transition(
          record.id,
          ["sent"],
          { status: "opened", openedAt: at, updatedAt: at },
          { tokenHash: record.tokenHash },
        );
        if (opened) await audit("customer", "invitation.open", "success", { invitationId: record.id });
      }
      return toInvitePublic(record, deps.provider, "opened");
    },

    async completeByToken(token, input, clientAddress, options = {}) {
      const record = await admit(token, clientAddress);
      const actor = `invitation:${record.id}`;
      const report = await deps.validateCredentials(
        {
          tenantId: input.tenantId,
          clientId: input.clientId,
          ...(input.clientSecret !== undefined
            ? { clientSecret: input.clientSecret }
            : input.clientCertificate !== undefined
              ? { clientCertificate: input.clientCertificate }
              : {}),
          cloud: input.cloud ?? record.cloud,
        },
        actor,
        options,
      );
      const tenantId = report.tenant?.id ?? tenantIdForRecord(input.tenantId);
      const clientId = clientIdForRecord(input.clientId);
      // The validator read the same credential; read again for what is sealed (a certificate: its normalised PEM).
      const read = readCredential(input, now());
      if (!report.ok || !report.tenant || !read.ok) {
        await audit(actor, "invitation.validate", "failure", {
          invitationId: record.id,
          tenantId,
          clientId,
          failed: report.checks.filter((c) => c.status === "fail" || c.status === "unknown").map((c) => c.code ?? c.id),
        });
        return report;
      }
      const completed = await complete(record, {
        clientId: input.clientId,
        credential: read.credential,
        report,
        actor,
      });
      // Another completion (or a revoke, resend or expiry) got there first: this link no longer works.
      if (!completed) throw new NotFoundError(UNKNOWN_LINK_MESSAGE);
      return report;
    },

    async admitForProvisioning(token, clientAddress, options = {}) {
      const record = await admit(
        token,
        clientAddress,
        options.allowCompleted ? ["sent", "opened", "completed"] : ["sent", "opened"],
      );
      return { id: record.id, customerId: record.customerId, cloud: record.cloud };
    },

    async completeWithCredentials(invitationId, input) {
      const record = await expireIfDue(await deps.store.get(invitationId));
      if (!record || (record.status !== "sent" && record.status !== "opened")) return false;
      const { clientSecret, ...rest } = input;
      return complete(
        record,
        { ...rest, credential: secretCredential(clientSecret), actor: `invitation:${record.id}` },
        { provisioningId: input.provisioningId },
      );
    },

    async sweep() {
      let count = 0;
      for (;;) {
        const due = await deps.store.listExpired(now().toISOString(), 100);
        if (due.length === 0) break;
        let changed = 0;
        for (const record of due) {
          const after = await expire(record);
          if (after.status === "expired") changed++;
        }
        count += changed;
        if (due.length < 100 || changed === 0) break;
      }
      return count;
    },

    startSweeper(intervalMs) {
      const run = () => {
        const task = this.sweep().then(
          () => undefined,
          (error: unknown) => deps.log.warn({ err: (error as Error)?.message }, "invitation expiry sweep failed"),
        );
        pending.add(task);
        void task.finally(() => pending.delete(task));
      };
      run();
      const timer = setInterval(run, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },

    async drain() {
      await Promise.allSettled([...pending]);
    },
  };
}
