/**
 * Invitations over the real HTTP server (docs/api.md, "Invitations"), on SQLite and (with TEST_DATABASE_URL) on
 * PostgreSQL: create, list, read, revoke, resend, expiry with an injected clock, the neutral 404 for every link that
 * does not work, the rate limit, completion with the sandbox's valid tenant and failure with the consent scenarios,
 * two concurrent completions, POST /api/services from an invitation, the outbox, the notifier, and the canary
 * search (no client secret in answers, logs, mail or database; no link token in the database).
 */
import type {
  AuditEvent,
  Customer,
  Invitation,
  InvitationWithUrl,
  InvitePublic,
  OutboxMessage,
  Problem,
  Service,
  ValidationReport,
} from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InvitationCompletedNotice, InvitationDroppedNotice } from "../src/invitations/invitation-notifier.js";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { ENGINES, type EngineDatabase } from "./engines.js";
import { apiCaller, startTestApp, type TestApp } from "./helpers.js";
import { dumpDatabase, parseEvents, tokenOf } from "./invitations.support.js";

const valid = SANDBOX.valid;
const partial = SANDBOX["partial-consent"];
const missing = SANDBOX["missing-consent"];
if (!valid || !partial || !missing) throw new Error("sandbox scenarios missing");
const DAY = 86_400_000;

describe.each(ENGINES)("invitations API on $name", (engine) => {
  let app: TestApp;
  let database: EngineDatabase;
  let customer: Customer;
  let offsetMs = 0;
  const responses: string[] = [];
  const tokens: string[] = [];
  const completed: InvitationCompletedNotice[] = [];
  const dropped: InvitationDroppedNotice[] = [];
  const call = apiCaller(() => app.url, { seen: (text) => responses.push(text) });
  /** The customer's side: no operator header. */
  const publicCall = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${app.url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    responses.push(text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, headers: response.headers };
  };
  const invite = async (body: Record<string, unknown> = {}): Promise<InvitationWithUrl> => {
    const created = await call("POST", "/api/invitations", { customerId: customer.id, ...body });
    expect(created.status, created.text).toBe(201);
    const invitation = created.json as InvitationWithUrl;
    tokens.push(tokenOf(invitation.url));
    return invitation;
  };
  /** The stored envelope of an invitation, read straight from the database. */
  const sealedOf = async (id: string) => {
    const handle = await database.open();
    try {
      return await handle.db
        .selectFrom("invitations")
        .select(["envelope", "kek_id"])
        .where("id", "=", id)
        .executeTakeFirst();
    } finally {
      await handle.close();
    }
  };
  const creds = (c: typeof valid) => ({ tenantId: c.tenantId, clientId: c.clientId, clientSecret: c.clientSecret });
  const complete = (token: string, c = valid, headers: Record<string, string> = {}) =>
    publicCall("POST", `/api/invite/${token}/validation`, creds(c), headers);

  beforeAll(async () => {
    database = engine.setup(`dr-inv-${engine.name}-`);
    app = await startTestApp(
      { ...database.env, VALIDATION_RATE_LIMIT: "1000", INVITE_RATE_LIMIT: "1000", M365_TIMEOUT_MS: "3000" },
      { ...database.appOptions, now: () => new Date(Date.now() + offsetMs) },
    );
    app.bot.invitationNotifier = {
      invitationCompleted: async (notice) => {
        completed.push(notice);
      },
      invitationDropped: async (notice) => {
        dropped.push(notice);
      },
    };
    const created = await call("POST", "/api/customers", { name: "Contoso <Ltd>" });
    expect(created.status).toBe(201);
    customer = created.json as Customer;
  });

  afterAll(async () => {
    await app?.close();
    await database?.cleanup();
  });

  it("creates an invitation with a link shown once, and lists and reads it without the link", async () => {
    const invitation = await invite({ email: "admin@contoso.example", note: "Hello from the provider" });
    expect(invitation).toMatchObject({
      customerId: customer.id,
      customerName: "Contoso <Ltd>",
      email: "admin@contoso.example",
      cloud: "global",
      status: "sent",
      createdBy: "alice@provider.example",
      emailSent: true,
    });
    expect(invitation.url).toMatch(
      new RegExp(`^${app.url.replace("localhost", "127.0.0.1")}/invite/[A-Za-z0-9_-]{43}$`),
    );
    expect(Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt)).toBe(7 * DAY);

    const list = await call("GET", "/api/invitations");
    expect(list.status).toBe(200);
    const items = (list.json as { items: Invitation[] }).items;
    expect(items.map((i) => i.id)).toContain(invitation.id);
    expect(list.text).not.toContain(tokenOf(invitation.url));
    expect(list.text).not.toContain('"url"');
    const one = await call("GET", `/api/invitations/${invitation.id}`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ id: invitation.id, status: "sent" });
    expect(one.text).not.toContain(tokenOf(invitation.url));
    const sent = await call("GET", "/api/invitations?status=sent");
    expect((sent.json as { items: Invitation[] }).items.every((i) => i.status === "sent")).toBe(true);

    // The sandbox outbox kept the mail: the link, the names and no secret.
    const outbox = await call("GET", "/api/outbox");
    expect(outbox.status).toBe(200);
    const mail = (outbox.json as { items: OutboxMessage[] }).items.find((m) => m.text.includes(invitation.url));
    expect(mail).toBeDefined();
    expect(mail?.to).toBe("admin@contoso.example");
    expect(mail?.html).toContain(invitation.url);
    expect(mail?.html).toContain("Contoso &lt;Ltd&gt;");
    expect(mail?.html).not.toContain("Contoso <Ltd>");
    expect(mail?.text).toContain("Sandbox Voice Provider");
  });

  it("refuses bad input naming the field", async () => {
    const bad = await call("POST", "/api/invitations", { customerId: customer.id, expiresInDays: 31, email: "x" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    const paths = ((bad.json as Problem).errors ?? []).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["expiresInDays", "email"]));
    const unknown = await call("POST", "/api/invitations", { customerId: "5b0b8c3e-7f7c-4a59-9f0e-2c1d7f7a9e11" });
    expect(unknown.status).toBe(400);
    expect((unknown.json as Problem).errors?.[0]?.path).toBe("customerId");
    expect((await call("GET", "/api/invitations?status=nope")).status).toBe(400);
    expect((await call("GET", "/api/invitations/not-a-uuid")).status).toBe(400);
    const absent = await call("GET", "/api/invitations/5b0b8c3e-7f7c-4a59-9f0e-2c1d7f7a9e11");
    expect(absent.status).toBe(404);
  });

  it("opens on the first read, fails with the consent scenarios and stays opened, then completes once", async () => {
    const invitation = await invite({ expiresInDays: 3 });
    const token = tokenOf(invitation.url);
    const read = await publicCall("GET", `/api/invite/${token}`);
    expect(read.status).toBe(200);
    expect(read.json as InvitePublic).toEqual({
      providerName: "Sandbox Voice Provider",
      providerSupportEmail: "support@provider.example",
      customerName: "Contoso <Ltd>",
      expiresAt: invitation.expiresAt,
      cloud: "global",
      status: "opened",
    });
    const opened = (await call("GET", `/api/invitations/${invitation.id}`)).json as Invitation;
    expect(opened.status).toBe("opened");
    expect(opened.openedAt).toBeDefined();

    for (const scenario of [partial, missing]) {
      const failed = await complete(token, scenario);
      expect(failed.status).toBe(200);
      expect((failed.json as ValidationReport).ok).toBe(false);
      expect(((await call("GET", `/api/invitations/${invitation.id}`)).json as Invitation).status).toBe("opened");
    }

    // The valid tenant, as an event stream like POST /api/validation.
    const response = await fetch(`${app.url}/api/invite/${token}/validation`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify(creds(valid)),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    responses.push(text);
    const events = parseEvents(text);
    expect(events.filter((e) => e.event === "check").length).toBeGreaterThan(3);
    const report = events.at(-1);
    expect(report?.event).toBe("report");
    expect((report?.data as ValidationReport | undefined)?.ok).toBe(true);

    const done = (await call("GET", `/api/invitations/${invitation.id}`)).json as Invitation;
    expect(done.status).toBe("completed");
    expect(done.completedAt).toBeDefined();
    expect(done.tenant?.id).toBe(valid.tenantId);
    expect(done.tenant?.displayName).toBeTruthy();
    // Afterwards the token answers as unknown.
    expect((await publicCall("GET", `/api/invite/${token}`)).status).toBe(404);
    expect((await complete(token)).status).toBe(404);
    await app.invitations.drain();
    expect(completed.map((n) => n.invitation.id)).toContain(invitation.id);

    const events2 = (await call("GET", "/api/invitations")).json as { items: Invitation[] };
    expect(events2.items.find((i) => i.id === invitation.id)?.status).toBe("completed");
  });

  it("answers every link that does not work with the same 404", async () => {
    const bodies: string[] = [];
    const status: number[] = [];
    const probe = async (token: string) => {
      const r = await publicCall("GET", `/api/invite/${token}`);
      status.push(r.status);
      bodies.push(r.text);
      const v = await complete(token);
      status.push(v.status);
      bodies.push(v.text);
    };
    // Unknown, and not even token-shaped.
    await probe("A".repeat(43));
    await probe("nonsense");
    // Revoked.
    const revoked = await invite();
    expect((await call("DELETE", `/api/invitations/${revoked.id}`)).status).toBe(204);
    expect(((await call("GET", `/api/invitations/${revoked.id}`)).json as Invitation).status).toBe("revoked");
    expect((await call("DELETE", `/api/invitations/${revoked.id}`)).status).toBe(204);
    await probe(tokenOf(revoked.url));
    // Completed, then used.
    const used = await invite();
    expect((await complete(tokenOf(used.url))).status).toBe(200);
    await probe(tokenOf(used.url));
    // Expired.
    const expired = await invite({ expiresInDays: 1 });
    offsetMs += DAY + 1000;
    await probe(tokenOf(expired.url));
    expect(((await call("GET", `/api/invitations/${expired.id}`)).json as Invitation).status).toBe("expired");
    expect(status.every((s) => s === 404)).toBe(true);
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0] ?? "{}")).toMatchObject({ status: 404, code: "not_found" });
  });

  it("resends: the old link dies, the new one works", async () => {
    const invitation = await invite({ email: "admin@contoso.example" });
    const old = tokenOf(invitation.url);
    expect((await publicCall("GET", `/api/invite/${old}`)).status).toBe(200);
    const resent = await call("POST", `/api/invitations/${invitation.id}/resend`);
    expect(resent.status, resent.text).toBe(200);
    const again = resent.json as InvitationWithUrl;
    tokens.push(tokenOf(again.url));
    expect(again.url).not.toBe(invitation.url);
    expect(again.status).toBe("sent");
    expect((await publicCall("GET", `/api/invite/${old}`)).status).toBe(404);
    expect((await publicCall("GET", `/api/invite/${tokenOf(again.url)}`)).status).toBe(200);
    const outbox = (await call("GET", "/api/outbox")).json as { items: OutboxMessage[] };
    expect(outbox.items.some((m) => m.text.includes(again.url))).toBe(true);
  });

  it("expires a completed invitation that was not used, dropping its sealed credentials, and tells the operator", async () => {
    const invitation = await invite({ expiresInDays: 2 });
    expect((await complete(tokenOf(invitation.url))).status).toBe(200);
    offsetMs += 2 * DAY + 1000;
    expect(await app.invitations.sweep()).toBeGreaterThanOrEqual(1);
    const after = (await call("GET", `/api/invitations/${invitation.id}`)).json as Invitation;
    expect(after.status).toBe("expired");
    await app.invitations.drain();
    expect(dropped.find((d) => d.invitation.id === invitation.id)?.reason).toBe("expired_unused");
    expect(await sealedOf(invitation.id)).toEqual({ envelope: null, kek_id: null });
    const refused = await call("POST", "/api/services", {
      customerId: customer.id,
      shortName: "EXPIRED1",
      licenseType: "hosted-pro",
      licensedUsers: 5,
      invitationId: invitation.id,
    });
    expect(refused.status).toBe(400);
    expect((refused.json as Problem).errors?.[0]).toMatchObject({ path: "invitationId", code: "invitation_expired" });
  });

  it("lets exactly one of two concurrent completions win", async () => {
    const invitation = await invite();
    const token = tokenOf(invitation.url);
    const answers = await Promise.all([complete(token), complete(token)]);
    const sealed = await sealedOf(invitation.id);
    expect(sealed?.envelope).toContain('"kekId"');
    expect(JSON.parse(sealed?.envelope ?? "{}").ciphertext).toBeTruthy();
    // Revoking a completed invitation drops its sealed credentials.
    const other = await invite();
    expect((await complete(tokenOf(other.url))).status).toBe(200);
    expect((await sealedOf(other.id))?.envelope).not.toBeNull();
    expect((await call("DELETE", `/api/invitations/${other.id}`)).status).toBe(204);
    expect(await sealedOf(other.id)).toEqual({ envelope: null, kek_id: null });
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 404]);
    const audit = await call("GET", "/api/invitations");
    expect((audit.json as { items: Invitation[] }).items.find((i) => i.id === invitation.id)?.status).toBe("completed");
  });

  it("creates a service from a completed invitation, consumes it, and refuses a second use", async () => {
    const invitation = await invite();
    expect(((await complete(tokenOf(invitation.url))).json as ValidationReport).ok).toBe(true);
    const body = {
      customerId: customer.id,
      shortName: "FROMINV1",
      licenseType: "hosted-pro",
      licensedUsers: 12,
      invitationId: invitation.id,
    };
    const both = await call("POST", "/api/services", { ...body, m365: creds(valid) });
    expect(both.status).toBe(400);
    expect((both.json as Problem).errors?.[0]?.path).toBe("invitationId");
    const neither = await call("POST", "/api/services", { ...body, invitationId: undefined });
    expect(neither.status).toBe(400);
    expect((neither.json as Problem).errors?.[0]?.path).toBe("m365");

    const created = await call("POST", "/api/services", body, { "idempotency-key": "inv-create-1" });
    expect(created.status, created.text).toBe(201);
    const service = created.json as Service;
    expect(service.status).toBe("connected");
    expect(service.m365.tenantId).toBe(valid.tenantId);
    expect(service.m365.secretHint).toBe(valid.clientSecret.slice(0, 3));
    // The same key replays the first answer.
    const replay = await call("POST", "/api/services", body, { "idempotency-key": "inv-create-1" });
    expect(replay.status).toBe(201);
    expect((replay.json as Service).id).toBe(service.id);

    const used = (await call("GET", `/api/invitations/${invitation.id}`)).json as Invitation;
    expect(used).toMatchObject({ status: "used", serviceId: service.id });
    expect(await sealedOf(invitation.id)).toEqual({ envelope: null, kek_id: null });
    const second = await call("POST", "/api/services", { ...body, shortName: "FROMINV2" });
    expect(second.status).toBe(400);
    expect((second.json as Problem).errors?.[0]).toMatchObject({ path: "invitationId", code: "invitation_used" });
    const audit = (await call("GET", `/api/services/${service.id}/audit`)).json as { items: AuditEvent[] };
    expect(audit.items.map((e) => e.action)).toEqual(expect.arrayContaining(["service.create", "invitation.use"]));
    // A used invitation cannot be revoked.
    expect((await call("DELETE", `/api/invitations/${invitation.id}`)).status).toBe(400);

    // Two creates from one invitation at once: one service, the other refused, nothing half-written.
    const raced = await invite();
    expect((await complete(tokenOf(raced.url))).status).toBe(200);
    const race = await Promise.all(
      ["RACE1", "RACE2"].map((shortName) =>
        call("POST", "/api/services", { ...body, shortName, invitationId: raced.id }),
      ),
    );
    expect(race.map((r) => r.status).sort()).toEqual([201, 400]);
    const names = ((await call("GET", "/api/services")).json as { items: Service[] }).items.map((x) => x.shortName);
    expect(names.filter((n) => n === "RACE1" || n === "RACE2")).toHaveLength(1);

    // Not completed yet.
    const fresh = await invite();
    const early = await call("POST", "/api/services", { ...body, shortName: "FROMINV3", invitationId: fresh.id });
    expect(early.status).toBe(400);
    expect((early.json as Problem).errors?.[0]).toMatchObject({
      path: "invitationId",
      code: "invitation_not_completed",
    });
  });

  it("never shows the client secret, and stores the link token only as its hash", async () => {
    await app.invitations.drain();
    await new Promise((r) => setTimeout(r, 50));
    const outbox = (await call("GET", "/api/outbox")).json as { items: OutboxMessage[] };
    const mails = outbox.items.map((m) => `${m.subject}\n${m.text}\n${m.html}`).join("\n");
    const everything = `${responses.join("\n")}\n${app.logs.join("\n")}\n${mails}`;
    const stored = await dumpDatabase(database);
    expect(app.logs.length).toBeGreaterThan(10);
    for (const c of [valid, partial, missing]) {
      expect(everything).not.toContain(c.clientSecret);
      expect(stored).not.toContain(c.clientSecret);
      expect(stored).not.toContain(Buffer.from(c.clientSecret).toString("base64"));
    }
    expect(tokens.length).toBeGreaterThan(5);
    for (const token of tokens) {
      expect(stored).not.toContain(token);
      expect(app.logs.join("\n")).not.toContain(token);
    }
  });
});

describe.each(ENGINES)("invitation rate limit on $name", (engine) => {
  let app: TestApp;
  let database: EngineDatabase;
  const call = apiCaller(() => app.url);

  beforeAll(async () => {
    database = engine.setup(`dr-invrl-${engine.name}-`);
    app = await startTestApp({ ...database.env, INVITE_RATE_LIMIT: "3" }, database.appOptions);
  });

  afterAll(async () => {
    await app?.close();
    await database?.cleanup();
  });

  it("answers 429 with Retry-After past INVITE_RATE_LIMIT per token, and per address for unknown tokens", async () => {
    const customer = (await call("POST", "/api/customers", { name: "Fabrikam" })).json as Customer;
    const created = (await call("POST", "/api/invitations", { customerId: customer.id })).json as InvitationWithUrl;
    const token = tokenOf(created.url);
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await fetch(`${app.url}/api/invite/${token}`);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last?.headers.get("content-type")).toContain("application/problem+json");
    expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await last?.json()) as Problem | undefined)?.code).toBe("rate_limited");
    // The address is spent too: guessing other tokens from it is refused the same way, and a forwarded-for
    // header is not believed (TRUST_PROXY defaults to 0).
    const guess = await fetch(`${app.url}/api/invite/${"B".repeat(43)}`, {
      headers: { "x-forwarded-for": "203.0.113.99" },
    });
    expect(guess.status).toBe(429);
  });
});

describe("invitation rate limit behind a trusted proxy (TRUST_PROXY=1)", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ INVITE_RATE_LIMIT: "3", TRUST_PROXY: "1" });
  });

  afterAll(async () => {
    await app?.close();
  });

  it("counts each client address the proxy names, not the proxy's own", async () => {
    const ask = (client: string, i: number) =>
      fetch(`${app.url}/api/invite/${String(i).padStart(43, "C")}`, { headers: { "x-forwarded-for": client } });
    const first: number[] = [];
    for (let i = 0; i < 4; i++) first.push((await ask("203.0.113.7", i)).status);
    expect(first).toEqual([404, 404, 404, 429]);
    // Another customer behind the same proxy still has their own budget.
    expect((await ask("203.0.113.8", 9)).status).toBe(404);
  });
});
