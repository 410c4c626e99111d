/**
 * SecretCipher backed by Electron's safeStorage (Keychain, DPAPI, libsecret/kwallet).
 * Takes safeStorage as a parameter so it can be tested without Electron; only a type
 * is imported from 'electron'.
 */
import type { SafeStorage } from 'electron';
import type { SecretCipher } from '../core/profiles/secrets';

/** The part of Electron's safeStorage this cipher uses. */
export type SafeStorageLike = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

/**
 * On Linux, `basic_text` means Chromium fell back to a hard-coded key: that is
 * obfuscation, not encryption, so it counts as unavailable. `unknown` (asked before
 * app ready) counts as unavailable too.
 */
export function createSafeStorageCipher(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): SecretCipher {
  const isEncryptionAvailable = (): boolean => {
    try {
      if (!safeStorage.isEncryptionAvailable()) return false;
      if (platform === 'linux') {
        const backend = safeStorage.getSelectedStorageBackend();
        if (backend === 'basic_text' || backend === 'unknown') return false;
      }
      return true;
    } catch {
      return false;
    }
  };
  return {
    isEncryptionAvailable,
    encrypt(plain: string): Buffer {
      if (!isEncryptionAvailable()) throw new Error('OS secret storage is not available');
      return safeStorage.encryptString(plain);
    },
    decrypt(encrypted: Buffer): string {
      if (!isEncryptionAvailable()) throw new Error('OS secret storage is not available');
      return safeStorage.decryptString(encrypted);
    },
  };
}
