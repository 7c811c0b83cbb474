/**
 * The provisioning runs table (migration 0010) over Kysely, on SQLite and PostgreSQL. The provisioning feature
 * (api/src/provisioning/) declares what it needs as `ProvisioningStore`; this is its implementation. Every change is
 * a compare-and-set on the row's status (`transition`), so of two requests that race (a cancel and the sign-in, two
 * server copies sweeping an expiry, two creates from one run) exactly one changes the row.
 */
import type {
  Cloud,
  Problem,
  ProvisionedObject,
  ProvisioningResult,
  ProvisioningStatus,
  ProvisioningStep,
} from "@dr/contract";
import type { Kysely } from "kysely";
import type { SealedSecret } from "../secrets/secret-store.types.js";
import type { Database, ProvisioningRunsTable } from "./database.types.js";
import { createKyselyRepository } from "./kysely.repository.js";
import type { Repository } from "./repository.types.js";

/** The options a run was started with. */
export interface ProvisioningOptions {
  assignTeamsAdministrator: boolean;
  allowSelfRotation: boolean;
  secretLifetimeDays: number;
  reuseExistingApp: boolean;
}

/** A provisioning run row. Never the admin's token; the client secret only sealed. */
export interface ProvisioningRecord {
  id: string;
  origin: "operator" | "invitation";
  customerId: string;
  invitationId: string | null;
  cloud: Cloud;
  appName: string;
  options: ProvisioningOptions;
  status: ProvisioningStatus;
  userCode: string | null;
  verificationUri: string | null;
  signInMessage: string | null;
  expiresAt: string;
  tenantId: string | null;
  signedInAs: string | null;
  steps: ProvisioningStep[];
  created: ProvisionedObject[];
  result: ProvisioningResult | null;
  problem: Problem | null;
  /** The client secret the run added, sealed with associated data `provisioning:<id>`. */
  sealed: SealedSecret | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  usedByServiceId: string | null;
  usedAt: string | null;
}

/** The columns a change may set. */
export type ProvisioningPatch = Partial<
  Pick<
    ProvisioningRecord,
    | "status"
    | "userCode"
    | "verificationUri"
    | "signInMessage"
    | "expiresAt"
    | "tenantId"
    | "signedInAs"
    | "steps"
    | "created"
    | "result"
    | "problem"
    | "sealed"
    | "updatedAt"
    | "usedByServiceId"
    | "usedAt"
  >
>;

/** Extra conditions of a compare-and-set. */
export interface TransitionConditions {
  /** Only while no service used the run. */
  unused?: boolean;
  /** Only while the run still holds its sealed secret. */
  sealedPresent?: boolean;
  /** Only while the row's `updated_at` is still this (nobody else changed it since it was read). */
  updatedAt?: string;
}

/** What the provisioning feature stores. */
export interface ProvisioningStore {
  insert(record: ProvisioningRecord): Promise<void>;
  get(id: string): Promise<ProvisioningRecord | undefined>;
  /** The run a service was made from. */
  getByServiceId(serviceId: string): Promise<ProvisioningRecord | undefined>;
  /**
   * Compare-and-set: applies `patch` only while the row's status is one of `from` (and the conditions hold). True
   * when this call changed the row.
   */
  transition(
    id: string,
    from: readonly ProvisioningStatus[],
    patch: ProvisioningPatch,
    conditions?: TransitionConditions,
  ): Promise<boolean>;
  /**
   * Runs `fn` in one transaction with the onboarding repository and this store both bound to it, so a service
   * created from a run and the run's consumption commit together or not at all.
   */
  transaction<T>(fn: (repo: Repository, store: ProvisioningStore) => Promise<T>): Promise<T>;
}

/** Creates the store over `db` (the server's database or a transaction). */
export function createProvisioningRepository(db: Kysely<Database>, engine: "sqlite" | "postgres"): ProvisioningStore {
  const store: ProvisioningStore = {
    async insert(r) {
      await db
        .insertInto("provisioning_runs")
        .values({
          id: r.id,
          origin: r.origin,
          customer_id: r.customerId,
          invitation_id: r.invitationId,
          cloud: r.cloud,
          app_name: r.appName,
          options: JSON.stringify(r.options),
          status: r.status,
          user_code: r.userCode,
          verification_uri: r.verificationUri,
          sign_in_message: r.signInMessage,
          expires_at: r.expiresAt,
          tenant_id: r.tenantId,
          signed_in_as: r.signedInAs,
          steps: JSON.stringify(r.steps),
          created: JSON.stringify(r.created),
          result: r.result ? JSON.stringify(r.result) : null,
          problem: r.problem ? JSON.stringify(r.problem) : null,
          kek_id: r.sealed?.kekId ?? null,
          sealed: r.sealed ? JSON.stringify(r.sealed) : null,
          created_by: r.createdBy,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
          used_by_service_id: r.usedByServiceId,
          used_at: r.usedAt,
        })
        .execute();
    },

    async get(id) {
      const row = await db.selectFrom("provisioning_runs").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async getByServiceId(serviceId) {
      const row = await db
        .selectFrom("provisioning_runs")
        .selectAll()
        .where("used_by_service_id", "=", serviceId)
        .executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async transition(id, from, patch, conditions = {}) {
      let query = db
        .updateTable("provisioning_runs")
        .set(toColumns(patch))
        .where("id", "=", id)
        .where("status", "in", [...from]);
      if (conditions.unused) query = query.where("used_by_service_id", "is", null);
      if (conditions.sealedPresent) query = query.where("sealed", "is not", null);
      if (conditions.updatedAt !== undefined) query = query.where("updated_at", "=", conditions.updatedAt);
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async transaction(fn) {
      if (db.isTransaction) return fn(createKyselyRepository(db, engine), store);
      return db
        .transaction()
        .execute((trx) => fn(createKyselyRepository(trx, engine), createProvisioningRepository(trx, engine)));
    },
  };
  return store;
}

function parse<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function toRecord(row: ProvisioningRunsTable): ProvisioningRecord {
  return {
    id: row.id,
    origin: row.origin === "invitation" ? "invitation" : "operator",
    customerId: row.customer_id,
    invitationId: row.invitation_id,
    cloud: row.cloud as Cloud,
    appName: row.app_name,
    options: JSON.parse(row.options) as ProvisioningOptions,
    status: row.status as ProvisioningStatus,
    userCode: row.user_code,
    verificationUri: row.verification_uri,
    signInMessage: row.sign_in_message,
    expiresAt: row.expires_at,
    tenantId: row.tenant_id,
    signedInAs: row.signed_in_as,
    steps: JSON.parse(row.steps) as ProvisioningStep[],
    created: JSON.parse(row.created) as ProvisionedObject[],
    result: parse<ProvisioningResult>(row.result),
    problem: parse<Problem>(row.problem),
    sealed: parse<SealedSecret>(row.sealed),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    usedByServiceId: row.used_by_service_id,
    usedAt: row.used_at,
  };
}

function toColumns(p: ProvisioningPatch): Partial<ProvisioningRunsTable> {
  const c: Partial<ProvisioningRunsTable> = {};
  if (p.status !== undefined) c.status = p.status;
  if (p.userCode !== undefined) c.user_code = p.userCode;
  if (p.verificationUri !== undefined) c.verification_uri = p.verificationUri;
  if (p.signInMessage !== undefined) c.sign_in_message = p.signInMessage;
  if (p.expiresAt !== undefined) c.expires_at = p.expiresAt;
  if (p.tenantId !== undefined) c.tenant_id = p.tenantId;
  if (p.signedInAs !== undefined) c.signed_in_as = p.signedInAs;
  if (p.steps !== undefined) c.steps = JSON.stringify(p.steps);
  if (p.created !== undefined) c.created = JSON.stringify(p.created);
  if (p.result !== undefined) c.result = p.result ? JSON.stringify(p.result) : null;
  if (p.problem !== undefined) c.problem = p.problem ? JSON.stringify(p.problem) : null;
  if (p.sealed !== undefined) {
    c.sealed = p.sealed ? JSON.stringify(p.sealed) : null;
    c.kek_id = p.sealed?.kekId ?? null;
  }
  if (p.updatedAt !== undefined) c.updated_at = p.updatedAt;
  if (p.usedByServiceId !== undefined) c.used_by_service_id = p.usedByServiceId;
  if (p.usedAt !== undefined) c.used_at = p.usedAt;
  return c;
}
