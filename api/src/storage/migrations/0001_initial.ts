/**
 * Migration 0001_initial: customers, services (with their Microsoft 365 connection), sealed service secrets,
 * validation runs, the audit trail and idempotency keys. Never edit it: databases that applied it keep its DDL.
 */
import { type Kysely, type Migration, sql } from "kysely";
import { CONSTRAINTS } from "../constraints.js";

/**
 * Migrations see the schema as it was when they were written, not today's `Database` type, hence `Kysely<unknown>`:
 * the schema builder needs no table types.
 */
export const m0001_initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("customers")
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("contact_email", "text")
      .addColumn("note", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("customers_pk", ["id"])
      .execute();

    await db.schema
      .createTable("services")
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("customer_id", "text", (c) => c.notNull())
      .addColumn("short_name", "text", (c) => c.notNull())
      .addColumn("short_name_norm", "text", (c) => c.notNull())
      .addColumn("full_name", "text")
      .addColumn("license_type", "text", (c) => c.notNull())
      .addColumn("licensed_users", "integer", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("m365_cloud", "text", (c) => c.notNull())
      .addColumn("m365_tenant_id", "text", (c) => c.notNull())
      .addColumn("m365_tenant_name", "text")
      .addColumn("m365_tenant_domains", "text", (c) => c.notNull())
      .addColumn("m365_client_id", "text", (c) => c.notNull())
      .addColumn("m365_secret_hint", "text", (c) => c.notNull())
      .addColumn("m365_secret_key_id", "text")
      .addColumn("m365_secret_expires_at", "text")
      .addColumn("m365_secret_checked_at", "text")
      .addColumn("m365_user_name", "text", (c) => c.notNull())
      .addColumn("m365_last_validated_at", "text")
      .addColumn("m365_last_validation_ok", "integer", (c) => c.check(sql`m365_last_validation_ok in (0, 1)`))
      .addColumn("m365_last_validated_by", "text")
      .addColumn("m365_permissions", "text")
      .addColumn("dr_m365_domain", "text")
      .addColumn("dr_sbc_region", "text")
      .addColumn("dr_subdomain_label", "text")
      .addPrimaryKeyConstraint("services_pk", ["id"])
      .addForeignKeyConstraint("services_customer_fk", ["customer_id"], "customers", ["id"])
      .execute();
    // The only thing that makes short names unique: the domain's earlier check only gives a friendlier message and
    // loses the race between two concurrent creates.
    await db.schema
      .createIndex(CONSTRAINTS.serviceShortName)
      .on("services")
      .column("short_name_norm")
      .unique()
      .execute();
    await db.schema.createIndex("services_customer_idx").on("services").column("customer_id").execute();

    await db.schema
      .createTable("service_secrets")
      .addColumn("service_id", "text", (c) => c.notNull())
      .addColumn("kek_id", "text", (c) => c.notNull())
      .addColumn("envelope", "text", (c) => c.notNull())
      .addColumn("sealed_at_version", "integer", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("service_secrets_pk", ["service_id"])
      .addForeignKeyConstraint("service_secrets_service_fk", ["service_id"], "services", ["id"], (fk) =>
        fk.onDelete("cascade"),
      )
      .execute();

    await db.schema
      .createTable("validations")
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("service_id", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("trigger", "text", (c) => c.notNull())
      .addColumn("ok", "integer", (c) => c.notNull().check(sql`ok in (0, 1)`))
      .addColumn("checks", "text", (c) => c.notNull())
      .addColumn("duration_ms", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("validations_pk", ["id"])
      .addForeignKeyConstraint("validations_service_fk", ["service_id"], "services", ["id"], (fk) =>
        fk.onDelete("cascade"),
      )
      .execute();
    await db.schema.createIndex("validations_service_at_idx").on("validations").columns(["service_id", "at"]).execute();

    // No foreign key on service_id: the audit trail must outlive the service it describes.
    await db.schema
      .createTable("audit_events")
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("service_id", "text")
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("detail", "text")
      .addPrimaryKeyConstraint("audit_events_pk", ["id"])
      .execute();
    await db.schema
      .createIndex("audit_events_service_at_idx")
      .on("audit_events")
      .columns(["service_id", "at"])
      .execute();
    await db.schema.createIndex("audit_events_at_idx").on("audit_events").column("at").execute();

    await db.schema
      .createTable("idempotency_keys")
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("scope", "text", (c) => c.notNull())
      .addColumn("request_hash", "text", (c) => c.notNull())
      .addColumn("status", "integer", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint(CONSTRAINTS.idempotencyKey, ["actor", "key"])
      .execute();
  },
};
