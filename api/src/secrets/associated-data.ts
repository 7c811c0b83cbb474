/**
 * The associated data that binds each sealed secret to its record (AES-GCM's AAD): an envelope moved to another
 * record, or an older version of the same one, does not open. One definition for everything that seals, opens or
 * re-wraps (the onboarding service, the bot's dialog sealer, the key rotation).
 */

/** A service's client secret, sealed at the service's record version. */
export const serviceSecretAad = (serviceId: string, sealedAtVersion: number): string =>
  `service:${serviceId}:v${sealedAtVersion}`;

/** A bot dialog's client secret while the operator is still in the dialog. */
export const botDialogAad = (dialogId: string): string => `bot-dialog:${dialogId}`;

/** An invitation's client secret, sealed when the customer's admin completed it (docs/api.md, "Invitations"). */
export const invitationSecretAad = (invitationId: string): string => `invitation:${invitationId}`;

/**
 * The client secret a provisioning run added to the App registration it made, sealed the moment Graph answered
 * (docs/api.md, "Provisioning").
 */
export const provisioningSecretAad = (runId: string): string => `provisioning:${runId}`;
