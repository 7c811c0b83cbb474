/**
 * The one way the server sends mail (docs/architecture.md, "Where new features go"): a `Mailer` port with two
 * implementations, nodemailer over SMTP (SMTP_URL, MAIL_FROM) or, without SMTP_URL, a built-in outbox that keeps the
 * messages in memory (GET /api/outbox shows them in sandbox mode). `createMailer` picks one from the configuration.
 */
import { randomUUID } from "node:crypto";
import type { OutboxMessage } from "@dr/contract";
import { createTransport } from "nodemailer";

/** One message to send; the From comes from the configuration. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Why a send failed, in words safe to store and show (no server credentials, no message content). */
export class MailError extends Error {
  override readonly name = "MailError";
}

/** The port. */
export interface Mailer {
  /** Sends or keeps the message; throws MailError when it could not. */
  send(message: MailMessage): Promise<void>;
  /** The built-in outbox's messages, newest first; undefined for SMTP. */
  outbox?(): readonly OutboxMessage[];
  close(): Promise<void>;
}

/** Options of {@link createMailer}. */
export interface MailerOptions {
  /** smtp:// or smtps:// (config.ts checked it); undefined: the outbox. */
  smtpUrl: string | undefined;
  from: string | undefined;
  /** Longest a send may take (connection, greeting and the whole exchange), ms. */
  sendTimeoutMs: number;
  /** Outbox only: whether the messages are kept (sandbox mode); otherwise a send fails with a clear reason. */
  keepOutbox: boolean;
  now?: () => Date;
  /** Most messages the outbox keeps; the oldest go first. Default 200. */
  outboxSize?: number;
}

/** Creates the configured mailer. */
export function createMailer(options: MailerOptions): Mailer {
  if (options.smtpUrl) return createSmtpMailer(options.smtpUrl, options.from ?? "", options.sendTimeoutMs);
  return createOutboxMailer(options);
}

/** nodemailer over SMTP: smtps:// is TLS from the start; smtp:// upgrades with STARTTLS when the server offers it. */
export function createSmtpMailer(smtpUrl: string, from: string, sendTimeoutMs: number): Mailer {
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  const transport = createTransport({
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    // smtps: TLS from the start. smtp: nodemailer upgrades with STARTTLS whenever the server offers it.
    secure,
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    connectionTimeout: sendTimeoutMs,
    greetingTimeout: sendTimeoutMs,
    socketTimeout: sendTimeoutMs,
  });
  return {
    async send(message) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new MailError(`The mail server did not accept the message within ${sendTimeoutMs} ms.`)),
          sendTimeoutMs,
        );
      });
      try {
        await Promise.race([
          transport.sendMail({
            from,
            to: message.to,
            subject: message.subject,
            text: message.text,
            html: message.html,
          }),
          timeout,
        ]);
      } catch (error) {
        throw error instanceof MailError ? error : new MailError(describeSmtpError(error));
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      transport.close();
    },
  };
}

/**
 * The failure in a few safe words: nodemailer's and the socket's error codes and the SMTP reply code, never a
 * message (which can quote the server's answer, the envelope or the connection URL).
 */
export function describeSmtpError(error: unknown): string {
  const e = (error ?? {}) as { code?: unknown; originalCode?: unknown; responseCode?: unknown; command?: unknown };
  const safe = (v: unknown) => (typeof v === "string" && /^[A-Z0-9_]{1,60}$/.test(v) ? v : undefined);
  const code = safe(e.code);
  // The socket's own error code (Node's: ECONNREFUSED, CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT, ...).
  const cause = safe(e.originalCode);
  const reply = typeof e.responseCode === "number" ? e.responseCode : undefined;
  const command = typeof e.command === "string" && /^[A-Z ]{1,20}$/.test(e.command) ? e.command : undefined;
  const tls = code === "ETLS" || /CERT|TLS|SSL|SIGNATURE|ISSUER/.test(cause ?? "");
  const what = tls
    ? "The mail server's TLS (STARTTLS or smtps) failed or its certificate is not trusted"
    : code === "ECONNECTION" || code === "ESOCKET" || code === "ETIMEDOUT" || code === "EDNS"
      ? "The mail server could not be reached"
      : code === "EAUTH"
        ? "The mail server refused the sign-in"
        : code === "EENVELOPE"
          ? "The mail server refused the sender or recipient"
          : "The mail server did not accept the message";
  const codes = [code, cause, reply ? String(reply) : undefined].filter(Boolean).join(" ");
  const detail = codes ? ` (${codes}${command ? ` at ${command}` : ""})` : "";
  return `${what}${detail}. Check SMTP_URL and MAIL_FROM, then use Resend.`;
}

/** The built-in outbox: messages kept in memory (sandbox), or a refusal to send when mail is not configured. */
export function createOutboxMailer(options: Pick<MailerOptions, "keepOutbox" | "now" | "outboxSize">): Mailer {
  const now = options.now ?? (() => new Date());
  const size = options.outboxSize ?? 200;
  const items: OutboxMessage[] = [];
  return {
    async send(message) {
      if (!options.keepOutbox) {
        throw new MailError("Mail is not configured (SMTP_URL is unset); copy the link and send it yourself.");
      }
      items.unshift({ id: randomUUID(), at: now().toISOString(), ...message });
      items.splice(size);
    },
    outbox: () => items,
    async close() {},
  };
}
