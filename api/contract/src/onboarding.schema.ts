/**
 * Request bodies of the onboarding endpoints (docs/api.md), built from the field schemas of inputs.schema.ts so the
 * tab, the bot and the API refuse the same values with the same messages.
 */
import { z } from "zod";
import {
  CLOUDS,
  type Cloud,
  checkedClientCertificateSchema,
  clientIdSchema,
  clientSecretSchema,
  cloudSchema,
  fullNameSchema,
  licensedUsersSchema,
  licenseTypeSchema,
  reportCredentialProblems,
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

/** The Microsoft 365 credentials of a new service, every rule applied: a client secret or a certificate. */
export const m365CredentialsSchema = z
  .strictObject({
    cloud: cloudSchema,
    tenantId: tenantIdSchema,
    clientId: clientIdSchema,
    clientSecret: clientSecretSchema.optional(),
    clientCertificate: checkedClientCertificateSchema.optional(),
  })
  .superRefine((v, ctx) => reportCredentialProblems(v, ctx));

/** Fields every create carries, whichever way the credentials come. */
const createServiceFields = {
  customerId: idSchema,
  shortName: shortNameSchema,
  fullName: fullNameSchema.optional(),
  licenseType: licenseTypeSchema,
  licensedUsers: licensedUsersSchema,
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
};

/** A create with the credentials typed in. */
export type CreateServiceWithCredentials = {
  customerId: string;
  shortName: string;
  fullName?: string | undefined;
  licenseType: z.infer<typeof licenseTypeSchema>;
  licensedUsers: number;
  directRouting?:
    | { m365Domain?: string | undefined; sbcRegion?: string | undefined; subdomainLabel?: string | undefined }
    | undefined;
  m365: z.infer<typeof m365CredentialsSchema>;
  invitationId?: undefined;
  provisioningId?: undefined;
};
/** A create from a completed invitation (docs/api.md, "Invitations"): its sealed credentials are used. */
export type CreateServiceFromInvitation = Omit<
  CreateServiceWithCredentials,
  "m365" | "invitationId" | "provisioningId"
> & {
  invitationId: string;
  provisioningId?: undefined;
  /** At most the cloud; left out, the invitation's. */
  m365?: { cloud?: Cloud | undefined } | undefined;
};
/** A create from a finished provisioning run (docs/api.md, "Provisioning"): the App registration it made is used. */
export type CreateServiceFromProvisioning = Omit<
  CreateServiceWithCredentials,
  "m365" | "invitationId" | "provisioningId"
> & {
  provisioningId: string;
  invitationId?: undefined;
  /** At most the cloud; left out, the run's. */
  m365?: { cloud?: Cloud | undefined } | undefined;
};

const CREDENTIAL_FIELDS = ["tenantId", "clientId", "clientSecret", "clientCertificate"] as const;
const REQUIRED_FIELDS = ["tenantId", "clientId"] as const;
const credentialRequired: Record<(typeof REQUIRED_FIELDS)[number], string> = {
  tenantId: "Tenant ID: enter the Directory (tenant) ID, or send invitationId in place of the credentials.",
  clientId: "Application (client) ID: paste the GUID, or send invitationId in place of the credentials.",
};

/**
 * Body of POST /api/services: the credentials in `m365` (tenantId, clientId, clientSecret, cloud), or `invitationId`
 * of a completed invitation in their place (then `m365` carries at most `cloud`). Both, or neither, is refused naming
 * the fields.
 */
export const createServiceSchema = z
  .strictObject({
    ...createServiceFields,
    invitationId: z.uuid({ message: "invitationId: use the id of a completed invitation." }).optional(),
    provisioningId: z.uuid({ message: "provisioningId: use the id of a finished provisioning run." }).optional(),
    m365: z
      .strictObject({
        cloud: z.enum(CLOUDS, { message: "Cloud: choose global, usgov-gcchigh, usgov-dod or china." }).optional(),
        tenantId: tenantIdSchema.optional(),
        clientId: clientIdSchema.optional(),
        clientSecret: clientSecretSchema.optional(),
        clientCertificate: checkedClientCertificateSchema.optional(),
      })
      .optional(),
  })
  .transform((v, ctx): CreateServiceWithCredentials | CreateServiceFromInvitation | CreateServiceFromProvisioning => {
    const { m365, invitationId, provisioningId, ...common } = v;
    if (invitationId !== undefined && provisioningId !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["provisioningId"],
        message: "Send either invitationId or provisioningId, not both.",
        params: { code: "invitation_with_provisioning" },
      });
      return z.NEVER;
    }
    if (provisioningId !== undefined) {
      const given = CREDENTIAL_FIELDS.filter((f) => m365?.[f] !== undefined);
      if (given.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["provisioningId"],
          message: `Send either provisioningId or the credentials (${given.map((f) => `m365.${f}`).join(", ")}), not both.`,
          params: { code: "provisioning_with_credentials" },
        });
        return z.NEVER;
      }
      return { ...common, provisioningId, ...(m365?.cloud ? { m365: { cloud: m365.cloud } } : {}) };
    }
    if (invitationId !== undefined) {
      const given = CREDENTIAL_FIELDS.filter((f) => m365?.[f] !== undefined);
      if (given.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["invitationId"],
          message: `Send either invitationId or the credentials (${given.map((f) => `m365.${f}`).join(", ")}), not both.`,
          params: { code: "invitation_with_credentials" },
        });
        return z.NEVER;
      }
      return { ...common, invitationId, ...(m365?.cloud ? { m365: { cloud: m365.cloud } } : {}) };
    }
    if (m365 === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["m365"],
        message:
          "m365: send tenantId, clientId and clientSecret (or clientCertificate), or invitationId (a completed invitation) in their place.",
        params: { code: "credentials_or_invitation" },
      });
      return z.NEVER;
    }
    const { tenantId, clientId, clientSecret, clientCertificate } = m365;
    const oneCredential = (clientSecret === undefined) !== (clientCertificate === undefined);
    if (tenantId === undefined || clientId === undefined || !oneCredential) {
      for (const f of REQUIRED_FIELDS) {
        if (m365[f] === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["m365", f],
            message: credentialRequired[f],
            params: { code: "required" },
          });
        }
      }
      reportCredentialProblems(m365, ctx, ["m365"]);
      return z.NEVER;
    }
    // The key order of before invitations (m365 before directRouting): stored idempotency fingerprints stay equal.
    const { directRouting, ...head } = common;
    return {
      ...head,
      m365: {
        cloud: m365.cloud ?? "global",
        tenantId,
        clientId,
        ...(clientSecret !== undefined ? { clientSecret } : { clientCertificate }),
      },
      ...(directRouting !== undefined ? { directRouting } : {}),
    };
  });
/** Parsed body of POST /api/services. */
export type CreateServiceInput =
  | CreateServiceWithCredentials
  | CreateServiceFromInvitation
  | CreateServiceFromProvisioning;
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

/** Body of PUT /api/services/{id}/m365/secret: the new client secret, or a certificate in its place. */
export const replaceSecretSchema = z
  .strictObject({
    clientSecret: clientSecretSchema.optional(),
    clientCertificate: checkedClientCertificateSchema.optional(),
  })
  .superRefine((v, ctx) => reportCredentialProblems(v, ctx));
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
