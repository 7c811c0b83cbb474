/**
 * The operator directory's rules over its real store (storage/operator-roles.repository.ts) on both engines
 * (api/test/engines.ts): permissions from the app roles, rewritten at once when they change, "unknown" once stale,
 * tenant and object ids compared whatever their case.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, type EngineDatabase } from "../../test/engines.js";
import type { DatabaseHandle } from "../storage/database.js";
import { createOperatorRolesRepository } from "../storage/operator-roles.repository.js";
import { createOperatorDirectory } from "./operator-directory.js";

describe.each(ENGINES)("the operator directory on $name", (engine) => {
  let database: EngineDatabase;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    database = engine.setup("dr-directory-");
    handle = await database.open();
  });
  afterAll(async () => {
    await handle?.close();
    await database?.cleanup();
  });

  it("remembers operators' permissions for the bot, rewriting them when they change, forgetting them when stale", async () => {
    const directory = createOperatorDirectory(createOperatorRolesRepository(handle.db), { maxAgeMs: 60_000 });
    const t0 = new Date("2026-01-01T00:00:00.000Z");
    const oid = randomUUID();
    const tenantId = randomUUID();
    expect(await directory.permissionsOf(tenantId, oid, t0)).toBe("unknown");
    await directory.record({ name: "pat", objectId: oid.toUpperCase(), tenantId, roles: ["Onboarding.Operator"] }, t0);
    expect(await directory.permissionsOf(tenantId.toUpperCase(), oid, t0)).toEqual(["read", "operate"]);
    // A changed role is written at once (the upsert), however recently the operator was seen.
    await directory.record({ name: "pat", objectId: oid, tenantId, roles: ["Onboarding.Reader"] }, t0);
    expect(await directory.permissionsOf(tenantId, oid, t0)).toEqual(["read"]);
    await directory.record({ name: "pat", objectId: oid, tenantId, roles: [] }, t0);
    expect(await directory.permissionsOf(tenantId, oid, t0)).toEqual([]);
    expect(await directory.permissionsOf(tenantId, oid, new Date(t0.getTime() + 61_000))).toBe("unknown");
  });
});
