/**
 * Invitation mail through a real SMTP server on loopback (the smtp-server package, read back with mailparser): the
 * link, the names and the expiry are in it, no secret is, From/To/Subject are right; a server that refuses leaves
 * the invitation sent with emailSent false and a reason without credentials, and Resend then mails it. Also the
 * outbox's absence outside the sandbox (live mode keeps no mail and says mail is not configured).
 */
import type { AddressInfo } from "node:net";
import type { Customer, InvitationWithUrl, Problem } from "@dr/contract";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { ENGINES, type EngineDatabase } from "./engines.js";
import { apiCaller, startTestApp, type TestApp } from "./helpers.js";
import { tokenOf } from "./invitations.support.js";

const valid = SANDBOX.valid;
if (!valid) throw new Error("sandbox scenario missing");

describe.each(ENGINES)("invitation mail over SMTP on $name", (engine) => {
  let app: TestApp;
  let database: EngineDatabase;
  let smtp: SMTPServer;
  let refuse = false;
  const received: { mail: ParsedMail; raw: string; from: string; to: string[]; user?: string }[] = [];
  const call = apiCaller(() => app.url);

  beforeAll(async () => {
    smtp = new SMTPServer({
      // Plain SMTP on loopback with sign-in (nodemailer upgrades with STARTTLS only when offered).
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      authOptional: true,
      onAuth(auth, _session, callback) {
        if (auth.username === "mailer" && auth.password === "smtp-p4ss") return callback(null, { user: "mailer" });
        return callback(new Error("bad sign-in"));
      },
      onMailFrom(_address, _session, callback) {
        if (refuse) {
          const error = new Error("mailbox unavailable smtp-p4ss") as Error & { responseCode: number };
          error.responseCode = 550;
          return callback(error);
        }
        return callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then(
            (mail) => {
              received.push({
                mail,
                raw: raw.toString("utf8"),
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
                to: session.envelope.rcptTo.map((r) => r.address),
                ...(typeof session.user === "string" ? { user: session.user } : {}),
              });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
    const port = (smtp.server.address() as AddressInfo).port;
    database = engine.setup(`dr-invmail-${engine.name}-`);
    app = await startTestApp(
      {
        ...database.env,
        SMTP_URL: `smtp://mailer:smtp-p4ss@127.0.0.1:${port}`,
        MAIL_FROM: "Fabrikam Onboarding <onboarding@fabrikam.example>",
        PROVIDER_NAME: "Fabrikam Voice",
        PROVIDER_SUPPORT_EMAIL: "help@fabrikam.example",
        PUBLIC_URL: "https://onboarding.fabrikam.example/",
      },
      database.appOptions,
    );
  });

  afterAll(async () => {
    await app?.close();
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
    await database?.cleanup();
  });

  it("mails the link with the right headers and no secret", async () => {
    const customer = (await call("POST", "/api/customers", { name: "Contoso & Sons" })).json as Customer;
    const created = await call("POST", "/api/invitations", {
      customerId: customer.id,
      email: "admin@contoso.example",
      expiresInDays: 10,
    });
    expect(created.status, created.text).toBe(201);
    const invitation = created.json as InvitationWithUrl;
    expect(invitation.emailSent).toBe(true);
    expect(invitation.url).toMatch(/^https:\/\/onboarding\.fabrikam\.example\/invite\/[A-Za-z0-9_-]{43}$/);
    const got = received.at(-1);
    expect(got).toBeDefined();
    if (!got) return;
    expect(got.user).toBe("mailer");
    expect(got.from).toBe("onboarding@fabrikam.example");
    expect(got.to).toEqual(["admin@contoso.example"]);
    expect(got.mail.from?.value[0]).toMatchObject({
      address: "onboarding@fabrikam.example",
      name: "Fabrikam Onboarding",
    });
    const to = Array.isArray(got.mail.to) ? got.mail.to[0] : got.mail.to;
    expect(to?.value[0]?.address).toBe("admin@contoso.example");
    expect(got.mail.subject).toBe(
      "Fabrikam Voice: connect Contoso & Sons's Microsoft 365 tenant for Teams Direct Routing",
    );
    expect(got.mail.text).toContain(invitation.url);
    expect(got.mail.text).toContain("Contoso & Sons");
    expect(got.mail.text).toContain("help@fabrikam.example");
    expect(got.mail.text).toMatch(/expires on \d{1,2} \w+ \d{4}, \d{2}:\d{2} UTC/);
    expect(got.mail.html).toContain(`href="${invitation.url}"`);
    expect(got.mail.html).toContain("Contoso &amp; Sons");

    // The customer completes it: the secret never travels in a mail, and no mail repeats it.
    const done = await fetch(`${app.url}/api/invite/${tokenOf(invitation.url)}/validation`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tenantId: valid.tenantId, clientId: valid.clientId, clientSecret: valid.clientSecret }),
    });
    expect(done.status).toBe(200);
    for (const r of received) expect(r.raw).not.toContain(valid.clientSecret);
    expect(app.logs.join("\n")).not.toContain("smtp-p4ss");
  });

  it("leaves the invitation sent with emailSent false when the server refuses, and Resend mails it", async () => {
    const customer = (await call("POST", "/api/customers", { name: "Northwind" })).json as Customer;
    refuse = true;
    const before = received.length;
    const created = await call("POST", "/api/invitations", { customerId: customer.id, email: "it@northwind.example" });
    expect(created.status).toBe(201);
    const invitation = created.json as InvitationWithUrl;
    expect(invitation.status).toBe("sent");
    expect(invitation.emailSent).toBe(false);
    expect(invitation.emailError).toMatch(/mail server/);
    expect(invitation.emailError).not.toContain("smtp-p4ss");
    expect(invitation.emailError).not.toContain("mailer");
    expect(received.length).toBe(before);
    const read = (await call("GET", `/api/invitations/${invitation.id}`)).json as InvitationWithUrl;
    expect(read).toMatchObject({ status: "sent", emailSent: false });

    refuse = false;
    const resent = await call("POST", `/api/invitations/${invitation.id}/resend`);
    expect(resent.status, resent.text).toBe(200);
    const again = resent.json as InvitationWithUrl;
    expect(again.emailSent).toBe(true);
    expect(again.emailError).toBeUndefined();
    expect(received.at(-1)?.mail.text).toContain(again.url);
    expect(received.at(-1)?.mail.text).not.toContain(tokenOf(invitation.url));
    const old = await fetch(`${app.url}/api/invite/${tokenOf(invitation.url)}`);
    expect(old.status).toBe(404);
    expect((await fetch(`${app.url}/api/invite/${tokenOf(again.url)}`)).status).toBe(200);
  });

  it("has no outbox when mail goes out over SMTP", async () => {
    const outbox = await call("GET", "/api/outbox");
    expect(outbox.status).toBe(404);
    expect((outbox.json as Problem).code).toBe("not_found");
  });
});

describe("invitation mail that cannot go out", () => {
  it("fails an unreachable SMTP server within the timeout, keeping the invitation sent", async () => {
    const dead = new SMTPServer({ authOptional: true, disabledCommands: ["STARTTLS"] });
    await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", () => resolve()));
    const port = (dead.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const app = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: "onboarding@provider.example" });
    try {
      const call = apiCaller(() => app.url);
      const customer = (await call("POST", "/api/customers", { name: "Tailspin" })).json as Customer;
      const created = await call("POST", "/api/invitations", { customerId: customer.id, email: "a@tailspin.example" });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ status: "sent", emailSent: false });
      expect((created.json as InvitationWithUrl).emailError).toMatch(/could not be reached/);
    } finally {
      await app.close();
    }
  });

  it("upgrades smtp:// with STARTTLS when the server offers it, and sends nothing in clear when TLS fails", async () => {
    // smtp-server offers STARTTLS with a self-signed certificate this process does not trust.
    let clear = 0;
    let secured = 0;
    const tls = new SMTPServer({
      authOptional: true,
      onConnect(_session, callback) {
        callback();
      },
      onMailFrom(_address, session, callback) {
        if (session.secure) secured++;
        else clear++;
        callback();
      },
    });
    await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", () => resolve()));
    const port = (tls.server.address() as AddressInfo).port;
    const app = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: "onboarding@provider.example" });
    try {
      const call = apiCaller(() => app.url);
      const customer = (await call("POST", "/api/customers", { name: "Woodgrove" })).json as Customer;
      const created = await call("POST", "/api/invitations", { customerId: customer.id, email: "a@woodgrove.example" });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ status: "sent", emailSent: false });
      expect((created.json as InvitationWithUrl).emailError).toMatch(/TLS/);
      expect(clear).toBe(0);
      expect(secured).toBe(0);
    } finally {
      await app.close();
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    }
  });

  it("in live mode keeps no mail: the send fails saying mail is not configured, and there is no outbox", async () => {
    const app = await startTestApp({ M365_MODE: "live" });
    try {
      const call = apiCaller(() => app.url);
      const customer = (await call("POST", "/api/customers", { name: "Litware" })).json as Customer;
      const created = await call("POST", "/api/invitations", { customerId: customer.id, email: "a@litware.example" });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ status: "sent", emailSent: false });
      expect((created.json as InvitationWithUrl).emailError).toMatch(/SMTP_URL is unset/);
      expect((await call("GET", "/api/outbox")).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
