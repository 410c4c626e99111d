import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventMap, EventName } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import type { ProfileInput } from '../../src/shared/contract';
import type { ConnectionStatus } from '../../src/shared/types';
import { createHandlers, type AppHandlers, type HandlerDeps } from '../../src/main/core/handlers';
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
  /** Calls `listener` with every event from now on; returns the unsubscribe function. */
  onEvent(listener: (event: EventName, payload: EventMap[EventName]) => void): () => void;
  statuses(profileId: string): ConnectionStatus[];
  /**
   * Resolves with the next status event of `profileId` (after this call) that `matches`, and
   * when it arrived (performance.now()); rejects after `timeoutMs` listing what came instead.
   */
  nextStatus(profileId: string, matches: (s: ConnectionStatus) => boolean, timeoutMs: number): Promise<{ status: ConnectionStatus; at: number }>;
  /** Like nextStatus, but the latest status already sent counts: for a state that may have come before the wait began. */
  reachStatus(profileId: string, matches: (s: ConnectionStatus) => boolean, timeoutMs: number): Promise<{ status: ConnectionStatus; at: number }>;
  /** Save a profile and connect it; returns its id. */
  connect(input: ProfileInput): Promise<string>;
  close(): Promise<void>;
}

export async function createHarness(
  opts: {
    cipher?: SecretCipher;
    dir?: string;
    writePolicy?: WritePolicy;
    /** Background liveness probes (HandlerDeps.liveness): on with the product intervals unless given. */
    liveness?: HandlerDeps['liveness'];
    /** Cluster alerts (HandlerDeps.notify). */
    notify?: HandlerDeps['notify'];
  } = {},
): Promise<Harness> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'etcd-desktop-test-')));
  const events: Harness['events'] = [];
  const listeners = new Set<(event: EventName, payload: EventMap[EventName]) => void>();
  const handlers = createHandlers({
    profilesDir: dir,
    cipher: opts.cipher ?? testCipher(),
    emit: (event, payload) => {
      events.push({ event, payload });
      for (const l of listeners) l(event, payload);
    },
    ...(opts.writePolicy ? { writePolicy: opts.writePolicy } : {}),
    ...(opts.liveness !== undefined ? { liveness: opts.liveness } : {}),
    ...(opts.notify ? { notify: opts.notify } : {}),
  });
  const harness: Harness = {
    handlers,
    dir,
    events,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    statuses: (profileId) =>
      events
        .filter((e) => e.event === 'event:connection-status')
        .map((e) => e.payload as ConnectionStatus)
        .filter((s) => s.profileId === profileId),
    nextStatus(profileId, matches, timeoutMs) {
      const seen: string[] = [];
      return new Promise((resolve, reject) => {
        const listener = (event: EventName, payload: EventMap[EventName]) => {
          if (event !== 'event:connection-status') return;
          const status = payload as ConnectionStatus;
          if (status.profileId !== profileId) return;
          if (!matches(status)) {
            seen.push(`${status.state}${status.error ? ` ${status.error.code}` : ''}${status.members ? ` ${status.members.answering}/${status.members.total}` : ''}`);
            return;
          }
          const at = performance.now();
          listeners.delete(listener);
          clearTimeout(timer);
          resolve({ status, at });
        };
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`no matching status event for ${profileId} within ${timeoutMs} ms; saw: ${seen.join(', ') || 'nothing'}`));
        }, timeoutMs);
        listeners.add(listener);
      });
    },
    reachStatus(profileId, matches, timeoutMs) {
      const latest = harness.statuses(profileId).at(-1);
      if (latest && matches(latest)) return Promise.resolve({ status: latest, at: performance.now() });
      return harness.nextStatus(profileId, matches, timeoutMs);
    },
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
  return harness;
}

export function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

export function errorOf<T>(r: Result<T>) {
  if (r.ok) throw new Error(`expected an error, got ok: ${JSON.stringify(r.value).slice(0, 200)}`);
  return r.error;
}
