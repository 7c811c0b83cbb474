/**
 * Body limits of the routes that take credentials (docs/api.md, "Credentials"): a certificate comes as PEM text (at
 * most 65536 characters) or a base64 PFX (at most 131072), more than the 64 KiB every other route accepts.
 */

/** Largest accepted body of a route that takes a credential, bytes. */
export const CREDENTIAL_BODY_LIMIT_BYTES = 256 * 1024;

/** The route options of a route that takes a credential. */
export const CREDENTIAL_ROUTE = { bodyLimit: CREDENTIAL_BODY_LIMIT_BYTES } as const;
