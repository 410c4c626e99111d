/**
 * How profile secrets are encrypted at rest. The app injects one backed by Electron's
 * safeStorage (src/main/safe-storage.ts); tests inject their own. Core code never
 * imports electron.
 */
export interface SecretCipher {
  /** False when the OS offers no real encryption (e.g. Linux `basic_text`). */
  isEncryptionAvailable(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(encrypted: Buffer): string;
}

/** For tests and for machines without encryption: reversible, clearly not secret. */
export const unavailableCipher: SecretCipher = {
  isEncryptionAvailable: () => false,
  encrypt: () => {
    throw new Error('encryption is not available');
  },
  decrypt: () => {
    throw new Error('encryption is not available');
  },
};
