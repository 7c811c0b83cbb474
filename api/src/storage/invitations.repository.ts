/**
 * The invitations table (migration 0009) over Kysely, on SQLite and PostgreSQL. The invitations feature
 * (api/src/invitations/) declares what it needs as `InvitationStore`; this is its implementation. Every state change
 * is a compare-and-set on the row's status (`transition`), so of two requests that race (two completions of one
 * link, a completion and a revoke, two server copies sweeping expiries) exactly one changes the row.
 */
import type { Cloud, InvitationStatus } from "@dr/contract";
import type { Kysely } from "kysely";
import type { SealedSecret } from "../secrets/secret-store.types.js";
import type { Database, InvitationsTable } from "./database.types.js";
import { createKyselyRepository } from "./kysely.repository.js";
import type { Repository } from "./repository.types.js";

/** An invitation row. The link token is never here: only its hash. */
export interface InvitationRecord {
  id: string;
  customerId: string;
  /** Joined from the customer. */
  customerName: string;
  email: string | null;
  cloud: Cloud;
  note: string | null;
  status: InvitationStatus;
  /** Hex SHA-256 of the link token. */
  tokenHash: string;
  createdAt: string;
  createdBy: string;
  /** The creating operator's Entra object id and tenant, when known (entra mode). */
  createdByOid: string | null;
  createdByTenant: string | null;
  expiresAt: string;
  updatedAt: string;
  emailSent: boolean;
  emailError: string | null;
  openedAt: string | null;
  completedAt: string | null;
  tenantId: string | null;
  tenantName: string | null;
  clientId: string | null;
  secretHint: string | null;
  /** What `sealed` holds: a client secret, or a certificate with its key as PEM (docs/entra.md section 13). */
  credentialType: "secret" | "certificate";
  /** The client secret, sealed with associated data `invitation:<id>`; null unless completed. */
  sealed: SealedSecret | null;
  serviceId: string | null;
  usedAt: string | null;
}

/** The columns a state change may set. */
export type InvitationPatch = Partial<
  Pick<
    InvitationRecord,
    | "status"
    | "tokenHash"
    | "expiresAt"
    | "updatedAt"
    | "emailSent"
    | "emailError"
    | "openedAt"
    | "completedAt"
    | "tenantId"
    | "tenantName"
    | "clientId"
    | "secretHint"
    | "credentialType"
    | "sealed"
    | "serviceId"
    | "usedAt"
  >
>;

/** What the invitations feature stores. */
export interface InvitationStore {
  insert(record: InvitationRecord): Promise<void>;
  get(id: string): Promise<InvitationRecord | undefined>;
  getByTokenHash(tokenHash: string): Promise<InvitationRecord | undefined>;
  /** Newest first. */
  list(status?: InvitationStatus): Promise<InvitationRecord[]>;
  /**
   * Compare-and-set: applies `patch` only while the row's status is one of `from` (and, when given, its token hash
   * is still `tokenHash` and it expires after `notExpiredAt`). True when this call changed the row.
   */
  transition(
    id: string,
    from: readonly InvitationStatus[],
    patch: InvitationPatch,
    options?: { tokenHash?: string; notExpiredAt?: string },
  ): Promise<boolean>;
  /** Invitations still live (sent, opened, completed) whose expiry is at or before `at`. */
  listExpired(at: string, limit: number): Promise<InvitationRecord[]>;
  /**
   * Runs `fn` in one transaction with the onboarding repository and this store both bound to it, so a service
   * created from an invitation and the invitation's consumption commit together or not at all.
   */
  transaction<T>(fn: (repo: Repository, invitations: InvitationStore) => Promise<T>): Promise<T>;
}

const LIVE: InvitationStatus[] = ["sent", "opened", "completed"];

/** Creates the store over `db` (the server's database or a transaction). */
export function createInvitationsRepository(db: Kysely<Database>, engine: "sqlite" | "postgres"): InvitationStore {
  const select = () =>
    db
      .selectFrom("invitations")
      .innerJoin("customers", "customers.id", "invitations.customer_id")
      .selectAll("invitations")
      .select("customers.name as customer_name");

  const store: InvitationStore = {
    async insert(r) {
      await db
        .insertInto("invitations")
        .values({
          id: r.id,
          customer_id: r.customerId,
          email: r.email,
          cloud: r.cloud,
          note: r.note,
          status: r.status,
          token_hash: r.tokenHash,
          created_at: r.createdAt,
          created_by: r.createdBy,
          created_by_oid: r.createdByOid,
          created_by_tenant: r.createdByTenant,
          expires_at: r.expiresAt,
          updated_at: r.updatedAt,
          email_sent: r.emailSent ? 1 : 0,
          email_error: r.emailError,
          opened_at: r.openedAt,
          completed_at: r.completedAt,
          tenant_id: r.tenantId,
          tenant_name: r.tenantName,
          client_id: r.clientId,
          secret_hint: r.secretHint,
          credential_type: r.credentialType,
          kek_id: r.sealed?.kekId ?? null,
          envelope: r.sealed ? JSON.stringify(r.sealed) : null,
          service_id: r.serviceId,
          used_at: r.usedAt,
        })
        .execute();
    },

    async get(id) {
      const row = await select().where("invitations.id", "=", id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async getByTokenHash(tokenHash) {
      const row = await select().where("invitations.token_hash", "=", tokenHash).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async list(status) {
      let query = select().orderBy("invitations.created_at", "desc").orderBy("invitations.id");
      if (status) query = query.where("invitations.status", "=", status);
      return (await query.execute()).map(toRecord);
    },

    async transition(id, from, patch, options = {}) {
      let query = db
        .updateTable("invitations")
        .set(toColumns(patch))
        .where("id", "=", id)
        .where("status", "in", [...from]);
      if (options.tokenHash !== undefined) query = query.where("token_hash", "=", options.tokenHash);
      if (options.notExpiredAt !== undefined) query = query.where("expires_at", ">", options.notExpiredAt);
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async listExpired(at, limit) {
      const rows = await select()
        .where("invitations.status", "in", LIVE)
        .where("invitations.expires_at", "<=", at)
        .orderBy("invitations.expires_at")
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },

    async transaction(fn) {
      if (db.isTransaction) return fn(createKyselyRepository(db, engine), store);
      return db
        .transaction()
        .execute((trx) => fn(createKyselyRepository(trx, engine), createInvitationsRepository(trx, engine)));
    },
  };
  return store;
}

type Row = InvitationsTable & { customer_name: string };

function toRecord(row: Row): InvitationRecord {
  return {
    id: row.id,
    customerId: row.customer_id,
    customerName: row.customer_name,
    email: row.email,
    cloud: row.cloud as Cloud,
    note: row.note,
    status: row.status as InvitationStatus,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    createdBy: row.created_by,
    createdByOid: row.created_by_oid,
    createdByTenant: row.created_by_tenant,
    expiresAt: row.expires_at,
    updatedAt: row.updated_at,
    emailSent: Number(row.email_sent) === 1,
    emailError: row.email_error,
    openedAt: row.opened_at,
    completedAt: row.completed_at,
    tenantId: row.tenant_id,
    tenantName: row.tenant_name,
    clientId: row.client_id,
    secretHint: row.secret_hint,
    credentialType: row.credential_type === "certificate" ? "certificate" : "secret",
    sealed: row.envelope ? (JSON.parse(row.envelope) as SealedSecret) : null,
    serviceId: row.service_id,
    usedAt: row.used_at,
  };
}

function toColumns(p: InvitationPatch): Partial<InvitationsTable> {
  const c: Partial<InvitationsTable> = {};
  if (p.status !== undefined) c.status = p.status;
  if (p.tokenHash !== undefined) c.token_hash = p.tokenHash;
  if (p.expiresAt !== undefined) c.expires_at = p.expiresAt;
  if (p.updatedAt !== undefined) c.updated_at = p.updatedAt;
  if (p.emailSent !== undefined) c.email_sent = p.emailSent ? 1 : 0;
  if (p.emailError !== undefined) c.email_error = p.emailError;
  if (p.openedAt !== undefined) c.opened_at = p.openedAt;
  if (p.completedAt !== undefined) c.completed_at = p.completedAt;
  if (p.tenantId !== undefined) c.tenant_id = p.tenantId;
  if (p.tenantName !== undefined) c.tenant_name = p.tenantName;
  if (p.clientId !== undefined) c.client_id = p.clientId;
  if (p.secretHint !== undefined) c.secret_hint = p.secretHint;
  if (p.credentialType !== undefined) c.credential_type = p.credentialType;
  if (p.sealed !== undefined) {
    c.envelope = p.sealed ? JSON.stringify(p.sealed) : null;
    c.kek_id = p.sealed?.kekId ?? null;
  }
  if (p.serviceId !== undefined) c.service_id = p.serviceId;
  if (p.usedAt !== undefined) c.used_at = p.usedAt;
  return c;
}
