import { describe, expect, it, vi } from 'vitest';
import { createSafeStorageCipher, type SafeStorageLike } from '../../../src/main/electron/safe-storage';

vi.mock('electron', () => ({}));

type Backend = ReturnType<SafeStorageLike['getSelectedStorageBackend']>;

function fakeSafeStorage(available: boolean, backend: Backend): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: vi.fn((s: string) => Buffer.from(`enc:${s}`)),
    decryptString: vi.fn((b: Buffer) => b.toString().replace(/^enc:/, '')),
  };
}

describe('createSafeStorageCipher', () => {
  it('round-trips through safeStorage when a real keyring is there', () => {
    const cipher = createSafeStorageCipher(fakeSafeStorage(true, 'gnome_libsecret'), 'linux');
    expect(cipher.isEncryptionAvailable()).toBe(true);
    const enc = cipher.encrypt('s3cret');
    expect(enc.toString()).toBe('enc:s3cret');
    expect(cipher.decrypt(enc)).toBe('s3cret');
  });

  it.each<Backend>(['basic_text', 'unknown'])('treats Linux %s as unavailable and refuses to "encrypt"', (backend) => {
    const storage = fakeSafeStorage(true, backend);
    const cipher = createSafeStorageCipher(storage, 'linux');
    expect(cipher.isEncryptionAvailable()).toBe(false);
    expect(() => cipher.encrypt('s3cret')).toThrow();
    expect(storage.encryptString).not.toHaveBeenCalled();
  });

  it('ignores the Linux backend on other platforms', () => {
    const storage = fakeSafeStorage(true, 'unknown');
    storage.getSelectedStorageBackend = () => {
      throw new Error('linux only');
    };
    expect(createSafeStorageCipher(storage, 'darwin').isEncryptionAvailable()).toBe(true);
    expect(createSafeStorageCipher(storage, 'win32').isEncryptionAvailable()).toBe(true);
  });

  it('is unavailable when safeStorage says so, or throws', () => {
    expect(createSafeStorageCipher(fakeSafeStorage(false, 'kwallet5'), 'linux').isEncryptionAvailable()).toBe(false);
    const broken = fakeSafeStorage(true, 'kwallet5');
    broken.isEncryptionAvailable = () => {
      throw new Error('not ready');
    };
    expect(createSafeStorageCipher(broken, 'linux').isEncryptionAvailable()).toBe(false);
  });
});
