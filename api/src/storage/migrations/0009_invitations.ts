/**
 * Migration 0009_invitations: the invitations of docs/api.md, "Invitations" (docs/product.md section 8). One row per
 * invitation. The link token is never stored: `token_hash` holds the hex SHA-256 of it (unique, the lookup key of
 * the customer's page), and a resend replaces it. Once the customer's admin validated the App registration, the
 * client secret is sealed in `envelope` (JSON of one SealedSecret, associated data `invitation:<id>`, `kek_id` equal
 * to the envelope's) beside the tenant and client ids; expiry, revocation and use set both back to null. The
 * creating operator's Entra object id and tenant (when known) say whom the bot tells of a completion.
 */
import type { Kysely, Migration } from "kysely";

/** Migration 0009_invitations. */
export const m0009_invitations: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("invitations")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("customer_id", "text", (c) => c.notNull().references("customers.id"))
      .addColumn("email", "text")
      .addColumn("cloud", "text", (c) => c.notNull())
      .addColumn("note", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("token_hash", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("created_by_oid", "text")
      .addColumn("created_by_tenant", "text")
      .addColumn("expires_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("email_sent", "integer", (c) => c.notNull())
      .addColumn("email_error", "text")
      .addColumn("opened_at", "text")
      .addColumn("completed_at", "text")
      .addColumn("tenant_id", "text")
      .addColumn("tenant_name", "text")
      .addColumn("client_id", "text")
      .addColumn("secret_hint", "text")
      .addColumn("kek_id", "text")
      .addColumn("envelope", "text")
      .addColumn("service_id", "text")
      .addColumn("used_at", "text")
      .execute();
    await db.schema.createIndex("invitations_token_hash_uq").on("invitations").column("token_hash").unique().execute();
    // The list by state and the expiry sweep.
    await db.schema.createIndex("invitations_status_idx").on("invitations").columns(["status", "expires_at"]).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("invitations").execute();
  },
};
