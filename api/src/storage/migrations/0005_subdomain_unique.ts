/** Migration 0005_subdomain_unique. Never edit it: databases that applied it keep its DDL. */
import { randomUUID } from "node:crypto";
import { type Kysely, type Migration, sql } from "kysely";
import { CONSTRAINTS } from "../constraints.js";

/**
 * One SBC FQDN per service. Labels are lower case (the contract's DNS-label rule and the derived default), and every
 * service of a deployment shares SBC_BASE_DOMAIN, so a unique label is a unique FQDN. Rows written before this
 * index could already share a label (`acme-dr` and `ACME_DR` both derived `acme-dr`): the older service keeps it and
 * each later one gets the first free `-2`, `-3`... suffix, so the index can be built; the audit trail records it.
 */
export const m0005_subdomain_unique: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const rows = await sql<{ id: string; label: string; created_at: string }>`
      select id, dr_subdomain_label as label, created_at from services
      where dr_subdomain_label is not null order by created_at, id`.execute(db);
    // Every label in use stays reserved for its oldest holder, so a new suffix never takes a later service's label.
    const used = new Set(rows.rows.map((r) => r.label));
    const kept = new Set<string>();
    const renames: { id: string; from: string; to: string }[] = [];
    for (const row of rows.rows) {
      if (!kept.has(row.label)) {
        kept.add(row.label);
        continue;
      }
      let n = 2;
      let next = "";
      do {
        const suffix = `-${n++}`;
        next = `${row.label.slice(0, 63 - suffix.length).replace(/-+$/, "")}${suffix}`;
      } while (used.has(next));
      used.add(next);
      renames.push({ id: row.id, from: row.label, to: next });
    }
    const at = new Date().toISOString();
    for (const r of renames) {
      await sql`update services set dr_subdomain_label = ${r.to} where id = ${r.id}`.execute(db);
      const detail = JSON.stringify({ from: r.from, to: r.to, reason: "subdomain label shared with an older service" });
      await sql`insert into audit_events (id, at, actor, action, service_id, outcome, detail)
        values (${randomUUID()}, ${at}, ${"migration"}, ${"service.subdomain_relabel"}, ${r.id}, ${"success"}, ${detail})`.execute(
        db,
      );
    }
    await db.schema
      .createIndex(CONSTRAINTS.serviceSubdomainLabel)
      .on("services")
      .column("dr_subdomain_label")
      .unique()
      .execute();
  },
};
