/**
 * Every mail the server sends, in one file: plain text and HTML, each value HTML-escaped in the HTML body. The
 * provider's name and support address come from the configuration (PROVIDER_NAME, PROVIDER_SUPPORT_EMAIL). A mail
 * carries the link, names and dates; never a secret.
 */
import type { MailMessage } from "./mailer.js";

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Control characters (line breaks included) as single spaces. */
function oneLine(value: string): string {
  return value.replace(/[\p{Cc}\u2028\u2029]+/gu, " ").trim();
}

/** A date as the mail shows it: `12 March 2026, 14:05 UTC` (the reader's zone is unknown). */
export function formatExpiry(iso: string): string {
  const d = new Date(iso);
  const date = d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const time = d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
  return `${date}, ${time} UTC`;
}

/** What the invitation mail says. */
export interface InvitationMailValues {
  to: string;
  url: string;
  customerName: string;
  providerName: string;
  providerSupportEmail: string;
  expiresAt: string;
  /** The operator's note, if any (shown as written, escaped). */
  note?: string;
}

/** The invitation to the customer's admin (docs/product.md section 8). */
export function invitationMail(v: InvitationMailValues): MailMessage {
  const expiry = formatExpiry(v.expiresAt);
  // Header values on one line: a name with a line break must not start a header of its own.
  const subject = oneLine(
    `${v.providerName}: connect ${v.customerName}'s Microsoft 365 tenant for Teams Direct Routing`,
  );
  const text = [
    "Hello,",
    "",
    `${v.providerName} is setting up Microsoft Teams Direct Routing for ${v.customerName}. To connect your Microsoft 365 tenant, please create an App registration in the Microsoft Entra admin centre and enter its values on this secure page:`,
    "",
    v.url,
    "",
    "The page guides you step by step: the permissions to grant, admin consent, and the client secret's Value. The values are checked with Microsoft while you wait; you never need to send a secret by e-mail.",
    "",
    `The link works once and expires on ${expiry}.`,
    ...(v.note ? ["", `Note from ${v.providerName}: ${v.note}`] : []),
    "",
    `Questions: ${v.providerSupportEmail}`,
    "",
    `${v.providerName}`,
  ].join("\n");
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en"><body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#242424">
<p>Hello,</p>
<p>${e(v.providerName)} is setting up Microsoft Teams Direct Routing for <strong>${e(v.customerName)}</strong>. To connect your Microsoft 365 tenant, please create an App registration in the Microsoft Entra admin centre and enter its values on this secure page:</p>
<p><a href="${e(v.url)}" style="display:inline-block;padding:8px 16px;background:#5b5fc7;color:#ffffff;text-decoration:none;border-radius:4px">Open the secure page</a></p>
<p style="word-break:break-all">${e(v.url)}</p>
<p>The page guides you step by step: the permissions to grant, admin consent, and the client secret's <em>Value</em>. The values are checked with Microsoft while you wait; you never need to send a secret by e-mail.</p>
<p>The link works once and expires on <strong>${e(expiry)}</strong>.</p>
${v.note ? `<p>Note from ${e(v.providerName)}: ${e(v.note)}</p>\n` : ""}<p>Questions: <a href="mailto:${e(v.providerSupportEmail)}">${e(v.providerSupportEmail)}</a></p>
<p>${e(v.providerName)}</p>
</body></html>
`;
  return { to: v.to, subject, text, html };
}
