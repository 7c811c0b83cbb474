/**
 * Client secrets at rest: envelope encryption. Each secret gets its own random data key (AES-256-GCM); the data key
 * is wrapped by a key-encryption key (KEK) named by `kekId`, so keys can rotate and a KMS (Azure Key Vault) can
 * replace the local key later. The associated data binds a ciphertext to its record. Rotating the KEK re-wraps only
 * the data keys (`rewrap`): the encrypted secrets themselves stay as they are and are never decrypted for it.
 */

/** A sealed secret as stored. Every binary field is base64. */
export interface SealedSecret {
  /** Format version of this envelope. */
  v: 1;
  /** Which key-encryption key wrapped the data key. */
  kekId: string;
  /** The data key, encrypted with the KEK (AES-256-GCM). */
  wrappedKey: string;
  wrapIv: string;
  wrapTag: string;
  /** The secret, encrypted with the data key (AES-256-GCM, 96-bit IV, 16-byte tag). */
  ciphertext: string;
  iv: string;
  tag: string;
}

/** Seals and opens client secrets. */
export interface SecretStore {
  /** Encrypts `plaintext`, binding it to `associatedData` (e.g. `service:<id>:<version>`). */
  seal(plaintext: string, associatedData: string): SealedSecret;
  /** Decrypts; throws when the envelope was altered, the associated data differs, or the KEK is unknown. */
  open(sealed: SealedSecret, associatedData: string): string;
  /**
   * Re-wraps the envelope's data key under the current KEK, for the same associated data, without decrypting the
   * secret: the ciphertext, its IV and its tag are kept. An envelope already under the current KEK is returned as is.
   * Throws like `open` when the KEK is unknown or the wrapped key was altered or belongs to other associated data.
   */
  rewrap(sealed: SealedSecret, associatedData: string): SealedSecret;
  /** The id of the KEK new secrets are sealed with. */
  readonly currentKekId: string;
  /** Every KEK this store can open: the current one first, then the previous ones. */
  readonly kekIds: readonly string[];
}
