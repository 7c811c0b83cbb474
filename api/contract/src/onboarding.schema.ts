/**
 * Request bodies of the onboarding endpoints (docs/api.md), built from the field schemas of inputs.schema.ts so the
 * tab, the bot and the API refuse the same values with the same messages.
 */
import { z } from "zod";
import {
  clientIdSchema,
  clientSecretSchema,
  cloudSchema,
  fullNameSchema,
  licensedUsersSchema,
  licenseTypeSchema,
  shortNameSchema,
  tenantIdSchema,
} from "./inputs.schema.js";

/** A DNS label: 1-63 of a-z, 0-9 and `-`, no leading or trailing `-`. */
export const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The customer's SBC sub-domain label (docs/product.md section 2). */
export const subdomainLabelSchema = z.string({ message: "SBC sub-domain: enter a DNS label." }).regex(DNS_LABEL, {
  message: "SBC sub-domain: use 1 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen.",
});

/** Derives a default sub-domain label from a short name: lower case, other characters as hyphens. */
export function defaultSubdomainLabel(shortName: string): string {
  const label = shortName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/g, "");
  return label.length > 0 ? label : "customer";
}

/** A resource id in a path: a UUID. */
export const idSchema = z.uuid({ message: "id: use the UUID the API returned." });

/** Body of POST /api/customers. */
export const createCustomerSchema = z.strictObject({
  name: z
    .string({ message: "Customer name: required." })
    .trim()
    .min(1, { message: "Customer name: required." })
    .max(200, { message: "Customer name: at most 200 characters." }),
  contactEmail: z
    .email({ message: "Contact e-mail: enter an address such as admin@contoso.com, or leave it empty." })
    .max(254, { message: "Contact e-mail: at most 254 characters." })
    .optional(),
  note: z.string({ message: "Note: text." }).max(2000, { message: "Note: at most 2000 characters." }).optional(),
});
/** Parsed body of POST /api/customers. */
export type CreateCustomerInput = z.infer<typeof createCustomerSchema>;
/** Body of POST /api/customers as a client sends it. */
export type CreateCustomerBody = z.input<typeof createCustomerSchema>;

/** The Microsoft 365 credentials of a new service, every rule applied. */
export const m365CredentialsSchema = z.strictObject({
  cloud: cloudSchema,
  tenantId: tenantIdSchema,
  clientId: clientIdSchema,
  clientSecret: clientSecretSchema,
});

/** Body of POST /api/services. */
export const createServiceSchema = z.strictObject({
  customerId: idSchema,
  shortName: shortNameSchema,
  fullName: fullNameSchema.optional(),
  licenseType: licenseTypeSchema,
  licensedUsers: licensedUsersSchema,
  m365: m365CredentialsSchema,
  directRouting: z
    .strictObject({
      m365Domain: z
        .string({ message: "M365 domain: choose one of the tenant's verified domains." })
        .max(253)
        .optional(),
      sbcRegion: z.string({ message: "SBC region: choose one of the listed regions." }).max(64).optional(),
      subdomainLabel: subdomainLabelSchema.optional(),
    })
    .optional(),
});
/** Parsed body of POST /api/services. */
export type CreateServiceInput = z.infer<typeof createServiceSchema>;
/** Body of POST /api/services as a client sends it (`m365.cloud` may be left out: `global`). */
export type CreateServiceBody = z.input<typeof createServiceSchema>;

/** Body of PATCH /api/services/{id}. */
export const updateServiceSchema = z
  .strictObject({
    fullName: fullNameSchema.optional(),
    licenseType: licenseTypeSchema.optional(),
    licensedUsers: licensedUsersSchema.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, {
    message: "Send at least one of fullName, licenseType, licensedUsers.",
  });
/** Parsed body of PATCH /api/services/{id}. */
export type UpdateServiceInput = z.infer<typeof updateServiceSchema>;
/** Body of PATCH /api/services/{id} as a client sends it (at least one field). */
export type UpdateServiceBody = z.input<typeof updateServiceSchema>;

/** Body of PUT /api/services/{id}/m365/secret. */
export const replaceSecretSchema = z.strictObject({ clientSecret: clientSecretSchema });
/** Body of PUT /api/services/{id}/m365/secret as a client sends it. */
export type ReplaceSecretBody = z.input<typeof replaceSecretSchema>;

/** Query of GET /api/services. */
export const serviceListQuerySchema = z.strictObject({
  status: z
    .enum(["connected", "expiring", "auth_failed", "not_validated"], {
      message: "status: one of connected, expiring, auth_failed, not_validated.",
    })
    .optional(),
});

/** Query of GET /api/services/name-check. */
export const nameCheckQuerySchema = z.strictObject({
  name: z.string({ message: "name: the short name to check." }).max(1024),
});

/** Query of GET /api/services/subdomain-check. */
export const subdomainCheckQuerySchema = z.strictObject({
  label: z.string({ message: "label: the SBC sub-domain label to check." }).max(1024),
});
