/**
 * What the profile-file kill test saves and expects, shared by the child that saves
 * (tests/support/profile-saver-child.ts, bundled with esbuild and run in plain Node) and the
 * parent that kills it and reads the file (tests/support/profile-kill.ts).
 *
 * State i (i >= 1) is the default Local profile plus one profile, "state <i>", whose every
 * field is derived from i, password included (so the secrets path runs), with a TLS path of
 * varying length so the file's size changes from save to save. State 0 is a first run: no
 * file, the defaults.
 */
import type { ProfileInput } from '../../src/shared/contract';
import type { SecretCipher } from '../../src/main/core/profiles/secrets';

export const STATE_PREFIX = 'state ';

/** The profile input of save number i (without its id, which the store chose on the first save). */
export function inputFor(i: number): ProfileInput {
  const endpoints = Array.from({ length: (i % 4) + 1 }, (_, k) => `http://10.${Math.floor(i / 256) % 256}.${i % 256}.${k + 1}:2379`);
  return {
    name: `${STATE_PREFIX}${i}`,
    endpoints,
    username: `user-${i}`,
    password: `pw-${i}`,
    tls: { caFile: `/certs/${i}/${'c'.repeat(i % 300)}.pem` },
    deadlineMs: 1000 + (i % 100_000),
    color: `#${(i % 0xffffff).toString(16).padStart(6, '0')}`,
  };
}

/** The number encoded in a profile's name, or undefined when it is not one of ours. */
export function stateOfName(name: string): number | undefined {
  if (!name.startsWith(STATE_PREFIX)) return undefined;
  const n = Number(name.slice(STATE_PREFIX.length));
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/**
 * The same scheme as tests/support/harness.ts's testCipher() (reversible, visibly not
 * plaintext), without its bookkeeping, so the bundled child needs nothing of the harness.
 */
export const killTestCipher: SecretCipher = {
  isEncryptionAvailable: () => true,
  encrypt: (plain) => Buffer.from(`enc:${Buffer.from(plain, 'utf8').toString('hex')}`, 'utf8'),
  decrypt: (buf) => {
    const s = buf.toString('utf8');
    if (!s.startsWith('enc:')) throw new Error('not ours');
    return Buffer.from(s.slice(4), 'hex').toString('utf8');
  },
};
