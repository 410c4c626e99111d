/**
 * Conflicts that resolve, on a real etcd: the renderer's editor store runs against the app's own
 * handlers (everything below the preload is real), another client writes with etcdctl, and what
 * etcd holds is checked with etcdctl. A save after another change is a CONFLICT, the line merge
 * has both changes, saving it is a compare-and-swap on the revision seen, and a third write in
 * between is caught again (never overwritten). Deleted meanwhile: recreate with must-not-exist.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppStore, type AppStore } from '../../src/renderer/src/app/create-app-store';
import { buildConflict } from '../../src/renderer/src/features/editor/editor-slice';
import { createHandlers, type AppHandlers } from '../../src/main/core/handlers';
import { parseRequest } from '../../src/main/core/validation';
import { text } from '../../src/shared/bytes';
import { channels, type EtcdApi, type EventMap, type EventName } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import type { WatchBatch } from '../../src/shared/types';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { errorOf, testCipher, unwrap } from '../support/harness';

let etcd: EtcdCluster;
let dir: string;
let handlers: AppHandlers;
const listeners = new Map<string, Set<(p: unknown) => void>>();

/** window.etcd as the preload builds it, forwarding to the handler table in this process. */
function apiOverHandlers(): EtcdApi {
  const api: Record<string, unknown> = {};
  for (const { name, namespace, operation } of channels()) {
    ((api[namespace] ??= {}) as Record<string, unknown>)[operation] = async (req: unknown): Promise<Result<unknown>> => {
      const parsed = parseRequest(name, req);
      if (!parsed.ok) return parsed;
      return (handlers[name] as (r: unknown) => Promise<Result<unknown>>)(parsed.value);
    };
  }
  api.on = (event: string, listener: (p: unknown) => void) => {
    const set = listeners.get(event) ?? new Set();
    set.add(listener);
    listeners.set(event, set);
    return () => set.delete(listener);
  };
  return api as unknown as EtcdApi;
}

beforeAll(async () => {
  etcd = await startCluster();
  dir = await mkdtemp(join(tmpdir(), 'etcd-desktop-conflict-'));
  handlers = createHandlers({
    profilesDir: dir,
    cipher: testCipher(),
    emit: <E extends EventName>(event: E, payload: EventMap[E]) => {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
  });
});
afterAll(async () => {
  await handlers?.dispose();
  await etcd?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function ctl(args: string[]): Promise<string> {
  const r = await etcd.etcdctl(args);
  if (r.code !== 0) throw new Error(`etcdctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const theyPut = (key: string, value: string) => ctl(['put', '--', key, value]);
const theyDelete = (key: string) => ctl(['del', '--', key]);
/** What etcd holds, read by etcdctl (null when absent). */
async function inEtcd(key: string): Promise<string | null> {
  const out = JSON.parse(await ctl(['get', key, '-w', 'json'])) as { kvs?: { value?: string }[] };
  const kv = out.kvs?.[0];
  return kv ? Buffer.from(kv.value ?? '', 'base64').toString('utf8') : null;
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let store: AppStore;
const watchBatches: WatchBatch[] = [];
let profileId: string;

beforeAll(async () => {
  const api = apiOverHandlers();
  store = createAppStore(api);
  (api.on as (e: 'event:watch', l: (b: WatchBatch) => void) => void)('event:watch', (b) => watchBatches.push(b));
  store.getState().init();
  const saved = unwrap(await handlers['profiles:save']({ name: 'conflict', endpoints: etcd.endpoints, deadlineMs: 3000 }));
  profileId = saved.id;
  await store.getState().loadProfiles();
  await store.getState().switchProfile(profileId);
  await until('connected', () => store.getState().activeProfileId === profileId);
});

const BASE = 'host=db-1\nport=5432\npool=10\ntimeout=30s\n';

describe('conflict on real etcd', () => {
  it('handlers: CONFLICT carries the current revision; the merged value saved with CAS on it is applied; a third write in between is a CONFLICT again', async () => {
    await theyPut('h/cfg', BASE);
    const loaded = unwrap(await handlers['kv:get']({ profileId, key: text('h/cfg') }));
    const mine = text(BASE.replace('host=db-1', 'host=db-2'));
    await theyPut('h/cfg', BASE.replace('timeout=30s', 'timeout=60s'));

    const first = errorOf(await handlers['kv:put']({ profileId, key: text('h/cfg'), value: mine, expectedModRevision: loaded.modRevision }));
    expect(first.code).toBe('CONFLICT');
    const current = unwrap(await handlers['kv:get']({ profileId, key: text('h/cfg') }));
    expect(first.details?.currentModRevision).toBe(current.modRevision);
    const c = buildConflict('conflict', loaded, mine, current, 1);
    expect(c.merged).toBe('host=db-2\nport=5432\npool=10\ntimeout=60s\n');

    await theyPut('h/cfg', 'host=db-1\nport=5432\npool=40\ntimeout=60s\n'); // third writer
    const second = errorOf(await handlers['kv:put']({ profileId, key: text('h/cfg'), value: text(c.merged), expectedModRevision: current.modRevision }));
    expect(second.code).toBe('CONFLICT');
    expect(await inEtcd('h/cfg')).toBe('host=db-1\nport=5432\npool=40\ntimeout=60s\n');

    const now = unwrap(await handlers['kv:get']({ profileId, key: text('h/cfg') }));
    const c2 = buildConflict('conflict', current, text(c.merged), now, 2);
    expect(c2.mergeConflicts).toBe(0);
    unwrap(await handlers['kv:put']({ profileId, key: text('h/cfg'), value: text(c2.merged), expectedModRevision: now.modRevision }));
    expect(await inEtcd('h/cfg')).toBe('host=db-2\nport=5432\npool=40\ntimeout=60s\n');
  });

  it('editor: load, another writer changes it (the key watch says so, draft kept), save → merge → save; a third write → CONFLICT again → save', async () => {
    await theyPut('cfg/db', BASE);
    await store.getState().selectKey(text('cfg/db'));
    await until('key watch live', () => store.getState().keyWatch.state === 'live');
    const loadedRev = store.getState().loaded!.modRevision;
    store.getState().setDraft(BASE.replace('host=db-1', 'host=db-2'));

    await theyPut('cfg/db', BASE.replace('timeout=30s', 'timeout=60s'));
    await until('the watch to report their change', () => store.getState().remote !== null);
    const remote = store.getState().remote!;
    expect(remote.reloaded).toBe(false);
    expect(remote.current?.value).toEqual(text(BASE.replace('timeout=30s', 'timeout=60s')));
    expect(remote.revision).toBeGreaterThan(loadedRev);
    expect(store.getState().draft).toBe(BASE.replace('host=db-1', 'host=db-2'));

    await store.getState().save();
    const c = store.getState().conflict!;
    expect(c.current?.modRevision).toBe(remote.revision);
    expect(c.merged).toBe('host=db-2\nport=5432\npool=10\ntimeout=60s\n');
    expect(await inEtcd('cfg/db')).toBe(BASE.replace('timeout=30s', 'timeout=60s'));

    await theyPut('cfg/db', 'host=db-1\nport=5432\npool=40\ntimeout=60s\n'); // while the user merges
    await store.getState().resolveConflict('save');
    const c2 = store.getState().conflict!;
    expect(c2.round).toBe(2);
    expect(c2.merged).toBe('host=db-2\nport=5432\npool=40\ntimeout=60s\n');
    expect(await inEtcd('cfg/db')).toBe('host=db-1\nport=5432\npool=40\ntimeout=60s\n');

    await store.getState().resolveConflict('save');
    expect(store.getState().conflict).toBeNull();
    expect(await inEtcd('cfg/db')).toBe('host=db-2\nport=5432\npool=40\ntimeout=60s\n');
    expect(store.getState().dirty).toBe(false);
    // Its own write comes back through the watch and is not taken for someone else's.
    const saved = store.getState().loaded!.modRevision;
    await until('the watch to deliver our own write', () =>
      watchBatches.some((b) => b.changes.some((ch) => ch.key.data === 'cfg/db' && ch.modRevision === saved)),
    );
    expect(store.getState().remote).toBeNull();
    expect(store.getState().loaded?.modRevision).toBe(saved);
  });

  it('editor: with nothing unsaved, the panel reloads to their value', async () => {
    await theyPut('cfg/quiet', 'one');
    await store.getState().selectKey(text('cfg/quiet'));
    await until('key watch live', () => store.getState().keyWatch.state === 'live');
    await theyPut('cfg/quiet', 'two');
    await until('reload', () => store.getState().draft === 'two');
    expect(store.getState().remote?.reloaded).toBe(true);
    expect(store.getState().dirty).toBe(false);
  });

  it('editor: deleted meanwhile → recreate with must-not-exist; someone recreating it first is a CONFLICT, not an overwrite', async () => {
    await theyPut('cfg/gone', 'v1\n');
    await store.getState().selectKey(text('cfg/gone'));
    await until('key watch live', () => store.getState().keyWatch.state === 'live');
    store.getState().setDraft('mine\n');
    await theyDelete('cfg/gone');
    await until('the watch to report the delete', () => store.getState().remote?.current === null);
    await store.getState().save();
    expect(store.getState().conflict?.current).toBeNull();

    await theyPut('cfg/gone', 'recreated by them\n');
    await store.getState().resolveConflict('mine');
    expect(await inEtcd('cfg/gone')).toBe('recreated by them\n');
    expect(store.getState().conflict?.current?.value).toEqual(text('recreated by them\n'));

    await theyDelete('cfg/gone');
    await store.getState().recheckConflict();
    expect(store.getState().conflict?.current).toBeNull();
    await store.getState().resolveConflict('mine');
    expect(store.getState().conflict).toBeNull();
    expect(await inEtcd('cfg/gone')).toBe('mine\n');
  });
});
