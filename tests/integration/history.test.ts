/**
 * History and time travel on a real etcd: a key's versions across generations and a compaction,
 * values at a revision byte-exact, restore with compare-and-swap, and undelete from the deletes
 * a watch replay finds. Every value written back is checked with etcdctl's own bytes.
 */
import { execFile } from 'node:child_process';
import { addUserWithRole, startCluster, withEtcd, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { EventEmitter } from 'node:events';
import { fromUint8, text, toUint8, type Bytes } from '../../src/shared/bytes';
import { AppFailure } from '../../src/main/core/etcd/errors';
import { replay } from '../../src/main/core/etcd/history-replay';
import type { EtcdSession } from '../../src/main/core/etcd/session';

let etcd: EtcdCluster;
let h: Harness;
let profileId: string;

beforeAll(async () => {
  etcd = await startCluster();
  h = await createHarness({ liveness: false });
  profileId = await h.connect({ name: 'history', endpoints: etcd.endpoints, deadlineMs: 3000 });
});
afterAll(async () => {
  await h?.close();
  await etcd?.close();
});

const raw = (...bytes: number[]): Bytes => fromUint8(new Uint8Array(bytes));
const hex = (b: Bytes): string => Buffer.from(toUint8(b)).toString('hex');
const put = async (key: string, value: Bytes | string) =>
  unwrap(await h.handlers['kv:put']({ profileId, key: text(key), value: typeof value === 'string' ? text(value) : value }));
const del = async (key: string) => unwrap(await h.handlers['kv:delete']({ profileId, key: text(key) }));
const versions = (key: string, limit = 50, before?: number) =>
  h.handlers['history:versions']({ profileId, key: text(key), limit, ...(before === undefined ? {} : { before }) });
const getAt = (key: string, revision: number) => h.handlers['history:get']({ profileId, key: text(key), revision });
const restore = (key: string, revision: number, expectedModRevision: number) =>
  h.handlers['history:restore']({ profileId, key: text(key), revision, expectedModRevision });
const deleted = (prefix: string, sinceRevision: number, limit = 1000) =>
  h.handlers['history:deleted']({ profileId, prefix: text(prefix), sinceRevision, limit });
const currentRevision = async () => unwrap(await h.handlers['history:bounds']({ profileId })).current;

/** etcdctl's own bytes of a value (`get --print-value-only` prints the value and a newline). */
function etcdctlValue(key: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      etcd.bin.etcdctl!,
      [`--endpoints=${etcd.endpoints.join(',')}`, '--command-timeout=3s', 'get', key, '--print-value-only'],
      { encoding: 'buffer', env: { ...process.env, ETCDCTL_API: '3' }, timeout: 10_000 },
      (err, stdout) => (err ? reject(err) : resolve(stdout.subarray(0, Math.max(0, stdout.length - 1)))),
    );
  });
}

async function ctl(args: string[]): Promise<string> {
  const r = await etcd.etcdctl(args, { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`etcdctl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

describe('a key history', () => {
  it('walks every version of every generation, newest first, and pages with `before`', async () => {
    const a1 = await put('walk/k', 'one');
    const a2 = await put('walk/k', 'two!');
    await put('other/noise', 'x');
    const a3 = await put('walk/k', 'three');
    const d1 = await del('walk/k');
    const b1 = await put('walk/k', 'again');
    const b2 = await put('walk/k', 'again and again');

    const page = unwrap(await versions('walk/k'));
    expect(page.next).toBeNull();
    expect(page.compactedAt).toBeUndefined();
    expect(page.revision).toBeGreaterThanOrEqual(b2.revision);
    expect(page.versions.map((v) => [v.modRevision, v.version, v.size, v.deletedAt])).toEqual([
      [b2.revision, 2, 15, undefined],
      [b1.revision, 1, 5, undefined],
      [a3.revision, 3, 5, d1.revision],
      [a2.revision, 2, 4, d1.revision],
      [a1.revision, 1, 3, d1.revision],
    ]);
    expect(page.versions[2].createRevision).toBe(a1.revision);

    // Two at a time: the same versions, in the same order.
    const seen: number[] = [];
    let before: number | undefined;
    for (let i = 0; i < 5; i++) {
      const p = unwrap(await versions('walk/k', 2, before));
      seen.push(...p.versions.map((v) => v.modRevision));
      if (p.next === null) break;
      before = p.next;
    }
    expect(seen).toEqual(page.versions.map((v) => v.modRevision));
    // A page that ends exactly at the first version says there is nothing older.
    const exact = unwrap(await versions('walk/k', 5));
    expect(exact.versions).toHaveLength(5);
    expect(exact.next).toBeNull();
    // One that ends at a generation's start with an older generation before it points on.
    const two = unwrap(await versions('walk/k', 2));
    expect(two.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(two.next).toBe(b1.revision);
  });

  it('lists a deleted key: its last generation is marked with the delete', async () => {
    const a = await put('gone/k', 'v1');
    const d = await del('gone/k');
    const page = unwrap(await versions('gone/k'));
    expect(page.versions).toEqual([expect.objectContaining({ modRevision: a.revision, deletedAt: d.revision, size: 2 })]);
    expect(page.next).toBeNull();
    const one = unwrap(await versions('gone/k', 1));
    expect(one.next).toBeNull();
    // A key that never existed has no history.
    expect(unwrap(await versions('never/was')).versions).toEqual([]);
  });

  it('reads a non-UTF-8 value at an old revision byte-exact', async () => {
    const bin = raw(0x00, 0xc3, 0x28, 0xff, 0x80, 0x7f, 0x0a);
    const v1 = await put('bin/k', bin);
    await put('bin/k', 'text now');
    const kv = unwrap(await getAt('bin/k', v1.revision));
    expect(kv.value.encoding).toBe('base64');
    expect(hex(kv.value)).toBe('00c328ff807f0a');
    expect(kv.modRevision).toBe(v1.revision);
    expect(kv.size).toBe(7);
    // Before it existed: NOT_FOUND; in the future: INVALID_ARGUMENT (by code, not by text).
    expect(errorOf(await getAt('bin/k', v1.revision - 1)).code).toBe('NOT_FOUND');
    expect(errorOf(await getAt('bin/k', (await currentRevision()) + 1000)).code).toBe('INVALID_ARGUMENT');
  });
});

describe('restore', () => {
  it('writes an old version back byte-exact, compare-and-swap on the current revision', async () => {
    const bin = raw(0xff, 0xfe, 0x00, 0x01, 0xe2, 0x82);
    const v1 = await put('restore/k', bin);
    const v2 = await put('restore/k', 'newer');
    const r = unwrap(await restore('restore/k', v1.revision, v2.revision));
    expect(r.created).toBe(false);
    expect((await etcdctlValue('restore/k')).toString('hex')).toBe('fffe0001e282');
    // The restore is a new version on top: history shows it first.
    const page = unwrap(await versions('restore/k'));
    expect(page.versions.map((v) => v.modRevision)).toEqual([r.revision, v2.revision, v1.revision]);
  });

  it('refuses with CONFLICT when the key changed since the revision the user saw, writing nothing', async () => {
    const v1 = await put('conflict/k', 'first');
    const v2 = await put('conflict/k', 'second');
    await ctl(['put', 'conflict/k', 'someone else']);
    const e = errorOf(await restore('conflict/k', v1.revision, v2.revision));
    expect(e.code).toBe('CONFLICT');
    expect(e.details?.currentModRevision).toBeGreaterThan(v2.revision);
    expect((await etcdctlValue('conflict/k')).toString()).toBe('someone else');
    // Undelete of a key that exists: CONFLICT too.
    expect(errorOf(await restore('conflict/k', v1.revision, 0)).code).toBe('CONFLICT');
  });
});

describe('recently deleted', () => {
  it('finds keys deleted since a revision with their last values, and undeletes them byte-exact', async () => {
    const bin = raw(0x80, 0x81, 0xff, 0x00, 0x41);
    const kept = await put('del/kept', 'still here');
    await put('del/old', bin);
    await put('del/old', raw(0xde, 0xad, 0xbe, 0xef, 0xff)); // its last value before the delete
    const since = await currentRevision();
    await ctl(['del', 'del/old']);
    // Created and deleted after the chosen revision.
    await put('del/brief', raw(0xc0, 0xc1));
    await ctl(['del', 'del/brief']);
    // Deleted, then created again.
    await put('del/back', 'first life');
    await ctl(['del', 'del/back']);
    await ctl(['put', 'del/back', 'second life']);
    // Outside the prefix: not listed.
    await put('elsewhere/x', 'x');
    await ctl(['del', 'elsewhere/x']);

    const page = unwrap(await deleted('del/', since));
    expect(page.next).toBeNull();
    const byKey = new Map(page.items.map((i) => [Buffer.from(toUint8(i.key)).toString(), i]));
    expect([...byKey.keys()].sort()).toEqual(['del/back', 'del/brief', 'del/old']);
    expect(hex(byKey.get('del/old')!.last.preview)).toBe('deadbeefff');
    expect(byKey.get('del/old')!.last.size).toBe(5);
    expect(byKey.get('del/old')!.last.version).toBe(2);
    expect(byKey.get('del/old')!.recreated).toBe(false);
    expect(byKey.get('del/brief')!.recreated).toBe(false);
    expect(byKey.get('del/back')!.recreated).toBe(true);
    // Newest first.
    expect(page.items.map((i) => i.deletedAt)).toEqual([...page.items.map((i) => i.deletedAt)].sort((a, b) => b - a));
    expect(kept.revision).toBeLessThan(since);

    // Undelete: the value the key had just before its delete, must-not-exist.
    const old1 = byKey.get('del/old')!;
    const r1 = unwrap(await restore('del/old', old1.deletedAt - 1, 0));
    expect(r1.created).toBe(true);
    expect((await etcdctlValue('del/old')).toString('hex')).toBe('deadbeefff');
    const brief = byKey.get('del/brief')!;
    unwrap(await restore('del/brief', brief.last.modRevision, 0));
    expect((await etcdctlValue('del/brief')).toString('hex')).toBe('c0c1');
    // The recreated one: must-not-exist refuses, nothing overwritten.
    const back = byKey.get('del/back')!;
    expect(errorOf(await restore('del/back', back.last.modRevision, 0)).code).toBe('CONFLICT');
    expect((await etcdctlValue('del/back')).toString()).toBe('second life');
  });

  it('pages by revision with `next`, and finds nothing after the current revision', async () => {
    const since = await currentRevision();
    for (const k of ['p1', 'p2', 'p3', 'p4', 'p5']) await put(`page/${k}`, k);
    for (const k of ['p1', 'p2', 'p3', 'p4', 'p5']) await del(`page/${k}`);
    const keys: string[] = [];
    let from = since;
    for (let i = 0; i < 5; i++) {
      const p = unwrap(await deleted('page/', from, 2));
      expect(p.items.length).toBeLessThanOrEqual(2);
      keys.push(...p.items.map((x) => Buffer.from(toUint8(x.key)).toString()).reverse());
      if (p.next === null) break;
      from = p.next;
    }
    expect(keys).toEqual(['page/p1', 'page/p2', 'page/p3', 'page/p4', 'page/p5']);
    expect(unwrap(await deleted('page/', await currentRevision())).items).toEqual([]);
    // The whole keyspace (empty prefix) sees them too.
    expect(unwrap(await deleted('', since)).items.length).toBeGreaterThanOrEqual(5);
  });
});

describe('across a compaction', () => {
  it('reports compactedAt, lists what is still held, and maps reads below it to COMPACTED', async () => {
    const before = unwrap(await h.handlers['history:bounds']({ profileId }));
    expect(before.compacted).toBe(0);
    const c1 = await put('compact/k', 'c1');
    const c2 = await put('compact/k', 'c2');
    const c3 = await put('compact/k', 'c3');
    await put('compact/filler', 'f');
    const at = await currentRevision();
    await ctl(['compaction', String(at)]);
    const c4 = await put('compact/k', 'c4');

    const bounds = unwrap(await h.handlers['history:bounds']({ profileId }));
    expect(bounds.compacted).toBe(at);
    expect(bounds.current).toBe(c4.revision);

    const page = unwrap(await versions('compact/k'));
    // c3 was live at the compaction: etcd still holds it.
    expect(page.versions.map((v) => v.modRevision)).toEqual([c4.revision, c3.revision]);
    expect(page.compactedAt).toBe(at);
    expect(page.next).toBeNull();
    // Reading c3 at its own revision (below the compaction) works; c2 and c1 are gone, as a code.
    expect(unwrap(await getAt('compact/k', c3.revision)).value).toEqual(text('c3'));
    expect(errorOf(await getAt('compact/k', c2.revision)).code).toBe('COMPACTED');
    expect(errorOf(await restore('compact/k', c1.revision, c4.revision)).code).toBe('COMPACTED');
    // Restoring the held one works.
    unwrap(await restore('compact/k', c3.revision, c4.revision));
    expect((await etcdctlValue('compact/k')).toString()).toBe('c3');
    // Deletes from before the compaction: COMPACTED, not a raw error; from after it: fine.
    expect(errorOf(await deleted('compact/', c1.revision)).code).toBe('COMPACTED');
    unwrap(await deleted('compact/', at));
  });
});

describe('replays are bounded and leave nothing open', () => {
  /** etcd's own gauges of open watch streams and watchers (its /metrics). */
  async function watchGauges(): Promise<{ streams: number; watchers: number }> {
    const res = await fetch(`${etcd.endpoints[0]}/metrics`, { signal: AbortSignal.timeout(5000) });
    const body = await res.text();
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(body)?.[1] ?? NaN);
    return { streams: gauge('etcd_debugging_mvcc_watch_stream_total'), watchers: gauge('etcd_debugging_mvcc_watcher_total') };
  }

  it('every watch a history call opened is cancelled and its stream ended', async () => {
    await put('leak/k', 'a');
    await del('leak/k');
    await put('leak/k', 'b');
    const bounds = unwrap(await h.handlers['history:bounds']({ profileId }));
    expect(unwrap(await versions('leak/k')).versions).toHaveLength(2);
    expect(unwrap(await deleted('leak/', bounds.compacted)).items).toHaveLength(1);
    await expect.poll(watchGauges, { timeout: 5000, interval: 50 }).toEqual({ streams: 0, watchers: 0 });
  });

  it('a member that never answers the replay costs the deadline, then TIMEOUT, and the stream is torn down', async () => {
    const stream = Object.assign(new EventEmitter(), { write: vi.fn(), end: vi.fn(), cancel: vi.fn() });
    const session = {
      config: { deadlineMs: 300 },
      endpoints: ['http://127.0.0.1:1'],
      streamTargets: () => [{ endpoint: 'http://127.0.0.1:1', rpc: { watch: async () => stream } }],
    } as unknown as EtcdSession;
    const started = Date.now();
    const err = await replay(session, { key: Buffer.from('k'), startRevision: 2, untilRevision: 10, noPut: true, deadline: Date.now() + 300 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppFailure);
    expect((err as AppFailure).error.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(stream.end).toHaveBeenCalled();
    expect(stream.cancel).toHaveBeenCalled();
  });
});

describe('a user who may read one prefix only', () => {
  it('reads the live versions; replays that need the whole keyspace fail as PERMISSION_DENIED, at once', async () => {
    await withEtcd({ auth: { rootPassword: 'root-pw' } }, async (secured) => {
      await addUserWithRole(secured, { user: 'reader', password: 'reader-pw', role: 'pub-reader', readPrefix: 'pub/' });
      const put1 = await secured.etcdctl(['put', 'pub/k', 'one']);
      expect(put1.code).toBe(0);
      expect((await secured.etcdctl(['put', 'pub/k', 'two'])).code).toBe(0);
      expect((await secured.etcdctl(['del', 'pub/gone'])).code).toBe(0);
      const reader = await h.connect({ name: 'reader', endpoints: secured.endpoints, username: 'reader', password: 'reader-pw', deadlineMs: 3000 });
      const page = unwrap(await h.handlers['history:versions']({ profileId: reader, key: text('pub/k'), limit: 10 }));
      expect(page.versions.map((v) => v.version)).toEqual([2, 1]);
      const started = Date.now();
      const e = errorOf(await h.handlers['history:deleted']({ profileId: reader, prefix: text('pub/'), sinceRevision: 1, limit: 10 }));
      expect(e.code).toBe('PERMISSION_DENIED');
      expect(Date.now() - started).toBeLessThan(2000);
      unwrap(await h.handlers['connection:disconnect']({ profileId: reader }));
    });
  });
});

describe('a three-member cluster', () => {
  it('finds the same deletes and versions whichever member serves the replay', async () => {
    await withEtcd({ members: 3 }, async (cluster) => {
      const id = await h.connect({ name: 'three', endpoints: cluster.endpoints, deadlineMs: 3000 });
      const ctl3 = async (args: string[]) => expect((await cluster.etcdctl(args, { timeoutMs: 10_000 })).code).toBe(0);
      for (let i = 0; i < 5; i++) await ctl3(['put', `m/k${i}`, `v${i}`]);
      await ctl3(['put', 'm/k0', 'v0b']);
      for (let i = 0; i < 5; i++) await ctl3(['del', `m/k${i}`]);
      await ctl3(['put', 'm/k0', 'again']);
      // Streams go to the members in turn: every answer is the whole truth.
      for (let round = 0; round < 6; round++) {
        const page = unwrap(await h.handlers['history:deleted']({ profileId: id, prefix: text('m/'), sinceRevision: 1, limit: 100 }));
        expect(page.items.map((i) => Buffer.from(toUint8(i.key)).toString()).sort()).toEqual(['m/k0', 'm/k1', 'm/k2', 'm/k3', 'm/k4']);
        const walk = unwrap(await h.handlers['history:versions']({ profileId: id, key: text('m/k0'), limit: 10 }));
        expect(walk.versions.map((v) => [v.version, v.deletedAt !== undefined])).toEqual([
          [1, false],
          [2, true],
          [1, true],
        ]);
      }
      unwrap(await h.handlers['connection:disconnect']({ profileId: id }));
    });
  });
});

describe('the write gate', () => {
  it('refuses a restore on a read-only profile before anything reaches etcd; reading history stays allowed', async () => {
    const gated = await createHarness({
      liveness: false,
      writePolicy: { check: ({ channel }) => (channel === 'history:restore' ? { code: 'READ_ONLY', message: 'This profile is read-only.' } : null) },
    });
    try {
      const id = await gated.connect({ name: 'ro', endpoints: etcd.endpoints, deadlineMs: 3000 });
      const first = await put('gate/k', 'first');
      await put('gate/k', 'second');
      expect(unwrap(await gated.handlers['history:versions']({ profileId: id, key: text('gate/k'), limit: 10 })).versions).toHaveLength(2);
      const e = errorOf(await gated.handlers['history:restore']({ profileId: id, key: text('gate/k'), revision: first.revision, expectedModRevision: 0 }));
      expect(e.code).toBe('READ_ONLY');
      expect((await etcdctlValue('gate/k')).toString()).toBe('second');
    } finally {
      await gated.close();
    }
  });
});
