/**
 * The texts of the operator's side of invitations (services page, invite dialog, wizard, outbox), kept apart from
 * i18n/en.ts so that the feature's words live in one place. Browser tests import this file too.
 */
import type { InvitationStatus } from "@dr/contract";

/** The English texts. */
export const invitationsEn = {
  invite: "Invite the customer's admin",
  dialogTitle: "Invite the customer's admin",
  dialogIntro:
    "The admin gets a single-use link to a secure page where they create the App registration, enter its values and validate them. The secret never travels through you.",
  customer: "Customer",
  customerPlaceholder: "Choose a customer",
  customerRequired: "Customer: choose one of the list.",
  noCustomers: "There is no customer yet: onboard one first, or add the customer in the wizard.",
  email: "Admin's e-mail (optional)",
  emailHint: "Leave it empty to copy the link and send it another way.",
  expires: "Expires in (days)",
  expiresHint: "From 1 to 30 days.",
  note: "Note (optional)",
  create: "Create invitation",
  creating: "Creating…",
  close: "Close",
  cancel: "Cancel",
  linkTitle: "The invitation link",
  linkOnce:
    "This link is shown only now. Whoever has it can enter this customer's credentials: send it only to their admin.",
  copyLink: "Copy link",
  copied: "Link copied",
  copyFailed: "Could not copy; select the link and copy it.",
  mailed: (to: string) => `Mailed to ${to}.`,
  notMailed: (to: string, why: string | undefined) =>
    `Not mailed to ${to}${why ? `: ${why}` : ""}. Send the link another way, or Resend later.`,
  noAddress: "No e-mail address was given: send the link to the customer's admin yourself.",
  pendingTitle: "Pending invitations",
  pendingEmpty: "No invitations yet.",
  pendingLoading: "Loading the invitations…",
  pendingFailed: "Could not load the invitations.",
  colCustomer: "Customer",
  colEmail: "E-mail",
  colState: "State",
  colExpires: "Expires",
  colTenant: "Tenant",
  colActions: "Actions",
  resend: "Resend",
  resendTitle: "New invitation link",
  revoke: "Revoke",
  revokeTitle: "Revoke the invitation?",
  revokeBody: (customer: string) =>
    `The link for ${customer} stops working at once, and any credentials their admin entered are discarded.`,
  revokeConfirm: "Revoke",
  revoked: "Invitation revoked.",
  continueOnboarding: "Continue onboarding",
  actionFor: (action: string, customer: string) => `${action}: ${customer}`,
  states: {
    sent: "Sent",
    opened: "Opened",
    completed: "Completed",
    expired: "Expired",
    revoked: "Revoked",
    used: "Used",
  } satisfies Record<InvitationStatus, string>,
  // Wizard
  pendingInvitation: "Pending invitation",
  pendingInvitationHint: "Use the App registration the customer's admin entered and validated through an invitation.",
  invitationsLabel: "Completed invitations of this customer",
  chooseInvitation: "Choose one of the completed invitations to continue.",
  noneCompleted: "This customer has no completed invitation.",
  invitationChosen: (tenant: string) =>
    `Tenant ${tenant}. The customer's admin validated it; no secret is needed here. The credentials are validated again when the service is created, and the invitation is then used up.`,
  invitationTenant: "Tenant",
  fromInvitation: "From the invitation: entered and validated by the customer's admin",
  credentials: "Credentials",
  initialDomain:
    "With an invitation the service uses the tenant's initial domain; the credentials are read again on Create.",
  invitationNotUsable:
    "That invitation cannot be used: it is not completed, or was used, revoked or dropped. Choose another or enter the App registration.",
  validatedOn: (day: string) => `validated ${day}`,
  // Outbox
  outboxLink: "Open the outbox (mails of the demo)",
  outboxTitle: "Outbox",
  outboxIntro:
    "Sandbox mode sends no mail: the invitation mails are kept here instead. Open the link in a mail to act as the customer's admin.",
  outboxEmpty: "No mail yet. Invite a customer's admin from the services page.",
  outboxLoading: "Loading the mails…",
  outboxFailed: "Could not load the outbox.",
  outboxLive: "The outbox exists in sandbox mode only: this server sends mail through SMTP.",
  to: "To",
  sentAt: "Sent",
  openLink: (url: string) => `Open ${url}`,
} as const;
