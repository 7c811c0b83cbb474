/**
 * Migration 0010_provisioning_runs: the provisioning runs of docs/api.md, "Provisioning" (automatic App
 * registration, docs/product.md section 9). One row per run: who started it (an operator for a customer, or the
 * customer's admin from an invitation), the options, the device-code sign-in it waits for, the steps and the objects
 * it created (JSON), the result (never a secret) and, once the run added a password, that client secret sealed in
 * `sealed` (JSON of one SealedSecret, associated data `provisioning:<id>`, `kek_id` equal to the envelope's), set
 * back to null when the run failed, was cleaned up, or its credentials were used (a service, or the invitation it
 * completed). The admin's access token is never stored.
 */
import type { Kysely, Migration } from "kysely";

/** Migration 0010_provisioning_runs. */
export const m0010_provisioning_runs: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("provisioning_runs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("origin", "text", (c) => c.notNull())
      .addColumn("customer_id", "text", (c) => c.notNull().references("customers.id"))
      .addColumn("invitation_id", "text")
      .addColumn("cloud", "text", (c) => c.notNull())
      .addColumn("app_name", "text", (c) => c.notNull())
      .addColumn("options", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("user_code", "text")
      .addColumn("verification_uri", "text")
      .addColumn("sign_in_message", "text")
      .addColumn("expires_at", "text", (c) => c.notNull())
      .addColumn("tenant_id", "text")
      .addColumn("signed_in_as", "text")
      .addColumn("steps", "text", (c) => c.notNull())
      .addColumn("created", "text", (c) => c.notNull())
      .addColumn("result", "text")
      .addColumn("problem", "text")
      .addColumn("kek_id", "text")
      .addColumn("sealed", "text")
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("used_by_service_id", "text")
      .addColumn("used_at", "text")
      .execute();
    // The expiry sweep of runs waiting for sign-in, and the interrupted-run sweep.
    await db.schema
      .createIndex("provisioning_runs_status_idx")
      .on("provisioning_runs")
      .columns(["status", "expires_at"])
      .execute();
    // One run makes at most one service.
    await db.schema
      .createIndex("provisioning_runs_service_uq")
      .on("provisioning_runs")
      .column("used_by_service_id")
      .unique()
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("provisioning_runs").execute();
  },
};
