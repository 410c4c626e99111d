import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventMap, EventName } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import type { ProfileInput } from '../../src/shared/contract';
import type { ConnectionStatus } from '../../src/shared/types';
import { createHandlers, type AppHandlers } from '../../src/main/core/handlers';
import type { SecretCipher } from '../../src/main/core/profiles/secrets';
import type { WritePolicy } from '../../src/main/core/write-gate';

/**
 * A stand-in for safeStorage: really reversible, visibly not plaintext, and it records what it
 * was asked so tests can prove secrets went through it.
 */
export function testCipher(available = true): SecretCipher & { encrypted: string[] } {
  const encrypted: string[] = [];
  return {
    encrypted,
    isEncryptionAvailable: () => available,
    encrypt: (plain) => {
      encrypted.push(plain);
      return Buffer.from(`enc:${Buffer.from(plain, 'utf8').toString('hex')}`, 'utf8');
    },
    decrypt: (buf) => {
      const s = buf.toString('utf8');
      if (!s.startsWith('enc:')) throw new Error('not ours');
      return Buffer.from(s.slice(4), 'hex').toString('utf8');
    },
  };
}

export interface Harness {
  readonly handlers: AppHandlers;
  readonly dir: string;
  readonly events: Array<{ event: EventName; payload: EventMap[EventName] }>;
  statuses(profileId: string): ConnectionStatus[];
  /** Save a profile and connect it; returns its id. */
  connect(input: ProfileInput): Promise<string>;
  close(): Promise<void>;
}

export async function createHarness(opts: { cipher?: SecretCipher; dir?: string; writePolicy?: WritePolicy } = {}): Promise<Harness> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'etcd-desktop-test-')));
  const events: Harness['events'] = [];
  const handlers = createHandlers({
    profilesDir: dir,
    cipher: opts.cipher ?? testCipher(),
    emit: (event, payload) => events.push({ event, payload }),
    ...(opts.writePolicy ? { writePolicy: opts.writePolicy } : {}),
  });
  return {
    handlers,
    dir,
    events,
    statuses: (profileId) =>
      events
        .filter((e) => e.event === 'event:connection-status')
        .map((e) => e.payload as ConnectionStatus)
        .filter((s) => s.profileId === profileId),
    async connect(input) {
      const saved = unwrap(await handlers['profiles:save'](input));
      unwrap(await handlers['connection:connect']({ profileId: saved.id }));
      return saved.id;
    },
    async close() {
      await handlers.dispose();
      if (!opts.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

export function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

export function errorOf<T>(r: Result<T>) {
  if (r.ok) throw new Error(`expected an error, got ok: ${JSON.stringify(r.value).slice(0, 200)}`);
  return r.error;
}
