/**
 * Migration 0013_certificate_credentials: a service or an invitation may hold a certificate in place of a client
 * secret (docs/api.md, "Credentials"; docs/entra.md section 13). `credential_type` says which the sealed text is
 * (`secret`: the secret itself; `certificate`: the certificate and its private key as one PEM text), existing rows
 * are secrets. A service also keeps the certificate's SHA-1 thumbprint and subject (never the key) for display.
 */
import { type Kysely, type Migration, sql } from "kysely";

const TYPE_CHECK = sql`m365_credential_type in ('secret', 'certificate')`;

/** Migration 0013_certificate_credentials. */
export const m0013_certificate_credentials: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable("services")
      .addColumn("m365_credential_type", "text", (c) => c.notNull().defaultTo("secret").check(TYPE_CHECK))
      .execute();
    await db.schema.alterTable("services").addColumn("m365_certificate_thumbprint", "text").execute();
    await db.schema.alterTable("services").addColumn("m365_certificate_subject", "text").execute();
    await db.schema
      .alterTable("invitations")
      .addColumn("credential_type", "text", (c) =>
        c.notNull().defaultTo("secret").check(sql`credential_type in ('secret', 'certificate')`),
      )
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("invitations").dropColumn("credential_type").execute();
    for (const column of ["m365_certificate_subject", "m365_certificate_thumbprint", "m365_credential_type"]) {
      await db.schema.alterTable("services").dropColumn(column).execute();
    }
  },
};
