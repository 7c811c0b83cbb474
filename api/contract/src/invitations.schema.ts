/**
 * Invitations (docs/api.md, "Invitations"; docs/product.md section 8): the operator invites the customer's admin,
 * who enters and validates the App registration values on a page outside Teams. The request bodies and the shapes
 * the API answers, shared by the API, the tab, the customer's page and the bot.
 */
import { z } from "zod";
import { CLOUDS, credentialsShape } from "./inputs.schema.js";
import { idSchema } from "./onboarding.schema.js";

/** An invitation's states: sent -> opened -> completed -> used; or expired, revoked. */
export const INVITATION_STATUSES = ["sent", "opened", "completed", "expired", "revoked", "used"] as const;
/** One state. */
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** Default and longest lifetime of an invitation link, days. */
export const INVITATION_DEFAULT_DAYS = 7;
export const INVITATION_MAX_DAYS = 30;

/** A cloud field with no default: left out, the invitation's cloud applies. */
const optionalCloudSchema = z
  .enum(CLOUDS, { message: "Cloud: choose global, usgov-gcchigh, usgov-dod or china." })
  .optional();

/** Body of POST /api/invitations. */
export const createInvitationSchema = z.strictObject({
  customerId: idSchema,
  email: z
    .email({
      message: "E-mail: enter the admin's address such as admin@contoso.com, or leave it empty to copy the link.",
    })
    .max(254, { message: "E-mail: at most 254 characters." })
    .optional(),
  cloud: optionalCloudSchema,
  expiresInDays: z.coerce
    .number({ message: `Expires in: a number of days from 1 to ${INVITATION_MAX_DAYS}.` })
    .int({ message: `Expires in: a whole number of days from 1 to ${INVITATION_MAX_DAYS}.` })
    .min(1, { message: `Expires in: at least 1 day.` })
    .max(INVITATION_MAX_DAYS, { message: `Expires in: at most ${INVITATION_MAX_DAYS} days.` })
    .default(INVITATION_DEFAULT_DAYS),
  note: z.string({ message: "Note: text." }).max(2000, { message: "Note: at most 2000 characters." }).optional(),
});
/** Parsed body of POST /api/invitations. */
export type CreateInvitationInput = z.infer<typeof createInvitationSchema>;
/** Body of POST /api/invitations as a client sends it. */
export type CreateInvitationBody = z.input<typeof createInvitationSchema>;

/** Query of GET /api/invitations. */
export const invitationListQuerySchema = z.strictObject({
  status: z.enum(INVITATION_STATUSES, { message: `status: one of ${INVITATION_STATUSES.join(", ")}.` }).optional(),
});

/** Body of POST /api/invite/{token}/validation: the three values (the cloud comes from the invitation if left out). */
export const inviteValidationSchema = z.strictObject({ ...credentialsShape, cloud: optionalCloudSchema });
/** Body of POST /api/invite/{token}/validation as the customer's page sends it. */
export type InviteValidationBody = z.input<typeof inviteValidationSchema>;

// The answers (Invitation, InvitationWithUrl, InvitePublic, OutboxMessage) are zod schemas in answers.schema.ts.
