import { Etcd3 } from 'etcd3';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { base64ToUint8, bytesEqual, fromUint8, text, toUint8, type Bytes } from '../../src/shared/bytes';
import { EtcdSession } from '../../src/main/core/etcd/session';
import { KvService } from '../../src/main/core/etcd/kv';
import type { AppFailure } from '../../src/main/core/etcd/errors';
import { deadEndpoint } from '../support/tcp';

let etcd: EtcdCluster;
let h: Harness;
let profileId: string;

beforeAll(async () => {
  etcd = await startCluster();
  h = await createHarness();
  profileId = await h.connect({ name: 'test', endpoints: etcd.endpoints, deadlineMs: 3000 });
});
afterAll(async () => {
  await h?.close();
  await etcd?.close();
});

const put = (key: Bytes, value: Bytes, expectedModRevision?: number) =>
  h.handlers['kv:put']({ profileId, key, value, ...(expectedModRevision === undefined ? {} : { expectedModRevision }) });
const get = (key: Bytes) => h.handlers['kv:get']({ profileId, key });
const del = (key: Bytes, expectedModRevision?: number) =>
  h.handlers['kv:delete']({ profileId, key, ...(expectedModRevision === undefined ? {} : { expectedModRevision }) });
const raw = (...bytes: number[]): Bytes => fromUint8(new Uint8Array(bytes));

describe('put / get / delete', () => {
  it('round-trips a text key and value with metadata', async () => {
    const r = unwrap(await put(text('app/config'), text('{"a":1}')));
    expect(r.created).toBe(true);
    const kv = unwrap(await get(text('app/config')));
    expect(kv.value).toEqual(text('{"a":1}'));
    expect(kv.size).toBe(7);
    expect(kv.version).toBe(1);
    expect(kv.modRevision).toBe(r.revision);
    expect(kv.createRevision).toBe(r.revision);
    expect(kv.lease).toBe('0');
    // And etcd itself agrees (not just our own read path).
    expect((await etcd.etcdctl(['get', 'app/config', '--print-value-only'])).stdout.trim()).toBe('{"a":1}');

    const d = unwrap(await del(text('app/config')));
    expect(d.deleted.value).toEqual(text('{"a":1}'));
    expect(errorOf(await get(text('app/config'))).code).toBe('NOT_FOUND');
  });

  it('keeps arbitrary bytes exact: binary values, non-UTF-8 keys, unicode, __proto__', async () => {
    const binKey = raw(0x62, 0x69, 0x6e, 0xff, 0x00, 0xfe); // "bin" + invalid UTF-8 + NUL
    const binValue = raw(0x00, 0xc3, 0x28, 0xff, 0x80, 0x7f);
    expect(binKey.encoding).toBe('base64');
    unwrap(await put(binKey, binValue));
    const kv = unwrap(await get(binKey));
    expect(kv.value.encoding).toBe('base64');
    expect([...toUint8(kv.value)]).toEqual([0x00, 0xc3, 0x28, 0xff, 0x80, 0x7f]);
    expect([...toUint8(kv.key)]).toEqual([0x62, 0x69, 0x6e, 0xff, 0x00, 0xfe]);

    // Two distinct invalid keys that a lossy decoder would both turn into "x\uFFFD".
    unwrap(await put(raw(0x78, 0xff), text('one')));
    unwrap(await put(raw(0x78, 0xfe), text('two')));
    expect(unwrap(await get(raw(0x78, 0xff))).value).toEqual(text('one'));
    expect(unwrap(await get(raw(0x78, 0xfe))).value).toEqual(text('two'));

    for (const k of ['ключ/значение', '键/值', 'emoji/🚀', '__proto__', 'constructor', 'a b\tc\n']) {
      unwrap(await put(text(k), text(`v:${k}`)));
      expect(unwrap(await get(text(k))).value).toEqual(text(`v:${k}`));
    }
    const page = unwrap(await h.handlers['kv:list']({ profileId, prefix: text(''), limit: 1000 }));
    const keys = page.items.map((i) => i.key);
    expect(keys.some((k) => bytesEqual(k, text('__proto__')))).toBe(true);
    expect(keys.some((k) => bytesEqual(k, raw(0x78, 0xff)))).toBe(true);
    expect(keys.some((k) => bytesEqual(k, raw(0x78, 0xfe)))).toBe(true);
  });

  it('refuses an empty key before any RPC', async () => {
    const e = errorOf(await put(text(''), text('x')));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.details?.field).toBe('key');
    expect(errorOf(await del(text(''))).code).toBe('INVALID_ARGUMENT');
  });

  it('refuses a value over the request limit with its size and the limit', async () => {
    const big = new Uint8Array(1.6 * 1024 * 1024).fill(97);
    const e = errorOf(await put(text('big'), fromUint8(big)));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.details?.size).toBe(big.length + 3);
    expect(e.details?.limit).toBeLessThan(big.length);
    expect(errorOf(await get(text('big'))).code).toBe('NOT_FOUND');
    // Just under the limit is accepted.
    unwrap(await put(text('big-ok'), fromUint8(new Uint8Array(1.4 * 1024 * 1024).fill(98))));
    expect(unwrap(await get(text('big-ok'))).size).toBe(Math.floor(1.4 * 1024 * 1024));
  });

  it('returns NOT_FOUND for a missing key on get and delete', async () => {
    expect(errorOf(await get(text('missing/key'))).code).toBe('NOT_FOUND');
    expect(errorOf(await del(text('missing/key'))).code).toBe('NOT_FOUND');
    expect(errorOf(await del(text('missing/key'), 5)).code).toBe('NOT_FOUND');
  });

  it('compare-and-swap: put and delete fail with CONFLICT and the current revision, writing nothing', async () => {
    const first = unwrap(await put(text('cas'), text('v1')));
    const second = unwrap(await put(text('cas'), text('v2'), first.revision));
    // A stale editor (still at the first revision) must not overwrite v2.
    const stale = errorOf(await put(text('cas'), text('stale'), first.revision));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.details?.currentModRevision).toBe(second.revision);
    expect(unwrap(await get(text('cas'))).value).toEqual(text('v2'));
    // Creating a key that exists: CONFLICT.
    expect(errorOf(await put(text('cas'), text('new'), 0)).code).toBe('CONFLICT');
    // Delete with a stale revision: CONFLICT, key kept.
    const staleDel = errorOf(await del(text('cas'), first.revision));
    expect(staleDel.code).toBe('CONFLICT');
    expect(staleDel.details?.currentModRevision).toBe(second.revision);
    expect(unwrap(await get(text('cas'))).value).toEqual(text('v2'));
    // With the right revision both work.
    const d = unwrap(await del(text('cas'), second.revision));
    expect(d.deleted.modRevision).toBe(second.revision);
    // Undo = put back with "must not exist".
    unwrap(await put(d.deleted.key, d.deleted.value, 0));
    expect(unwrap(await get(text('cas'))).value).toEqual(text('v2'));
  });

  it('an edit keeps the key lease', async () => {
    const grant = await etcd.etcdctl(['lease', 'grant', '600']);
    const leaseHex = /lease ([0-9a-f]+) granted/.exec(grant.stdout)![1];
    expect((await etcd.etcdctl(['put', 'leased', 'v1', `--lease=${leaseHex}`])).code).toBe(0);
    const before = unwrap(await get(text('leased')));
    expect(before.lease).toBe(BigInt(`0x${leaseHex}`).toString());
    unwrap(await put(text('leased'), text('v2'), before.modRevision));
    unwrap(await put(text('leased'), text('v3')));
    const after = unwrap(await get(text('leased')));
    expect(after.value).toEqual(text('v3'));
    expect(after.lease).toBe(before.lease);
  });
});

describe('list', () => {
  it('pages a prefix pinned to one revision while another client writes', async () => {
    const n = 2500;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(`put page/${String(i).padStart(5, '0')} v${i}`);
    // One txn-free batch through etcdctl so the seed does not use our own code path.
    for (let i = 0; i < lines.length; i += 100) {
      const batch = lines.slice(i, i + 100);
      const r = await etcd.etcdctl(['txn'], { input: `\n${batch.join('\n')}\n\n\n` });
      expect(r.code, r.stderr).toBe(0);
    }
    const writer = new Etcd3({ hosts: etcd.endpoints });
    const seen: string[] = [];
    let page = unwrap(await h.handlers['kv:list']({ profileId, prefix: text('page/'), limit: 300, count: true }));
    const revision = page.revision;
    expect(page.count).toBe(n);
    let pages = 1;
    seen.push(...page.items.map((i) => (i.key as { data: string }).data));
    let w = 0;
    while (page.more) {
      // Someone else keeps writing: new keys in the middle and at the end, and deletes.
      await writer.put(`page/${String(w * 7).padStart(5, '0')}x`).value('intruder');
      await writer.put(`page/99999-${w++}`).value('late');
      await writer.delete().key(`page/${String(n - w).padStart(5, '0')}`);
      page = unwrap(
        await h.handlers['kv:list']({ profileId, prefix: text('page/'), limit: 300, cursor: page.nextCursor!, revision }),
      );
      expect(page.revision).toBe(revision);
      seen.push(...page.items.map((i) => (i.key as { data: string }).data));
      pages++;
    }
    writer.close();
    expect(pages).toBe(Math.ceil(n / 300));
    expect(seen).toEqual(lines.map((l) => l.split(' ')[1]));
    expect(page.nextCursor).toBeNull();
    // A fresh listing sees the intruders.
    const fresh = unwrap(await h.handlers['kv:list']({ profileId, prefix: text('page/'), limit: 1, count: true }));
    expect(fresh.count).toBe(n + 2 * w - w);
  });

  it('keys-only pages carry no values; value pages carry a preview and the size', async () => {
    const value = 'é'.repeat(300); // 600 bytes, 2-byte chars: the preview cut must not split one
    unwrap(await put(text('pv/a'), text(value)));
    const withValues = unwrap(await h.handlers['kv:list']({ profileId, prefix: text('pv/'), limit: 10, previewBytes: 101 }));
    expect(withValues.items[0].size).toBe(600);
    expect(withValues.items[0].truncated).toBe(true);
    expect(withValues.items[0].preview).toEqual(text('é'.repeat(50)));
    const keysOnly = unwrap(await h.handlers['kv:list']({ profileId, prefix: text('pv/'), limit: 10, keysOnly: true }));
    expect(keysOnly.items[0].preview).toBeUndefined();
    expect(keysOnly.items[0].modRevision).toBe(withValues.items[0].modRevision);
  });

  it('a prefix does not leak into neighbouring keys, including a prefix ending in 0xff', async () => {
    unwrap(await put(text('ns/a'), text('1')));
    unwrap(await put(text('ns0'), text('2')));
    unwrap(await put(raw(0x70, 0xff, 0x01), text('3')));
    unwrap(await put(raw(0x71), text('4')));
    const ns = unwrap(await h.handlers['kv:list']({ profileId, prefix: text('ns/'), limit: 100 }));
    expect(ns.items.map((i) => i.key)).toEqual([text('ns/a')]);
    const ff = unwrap(await h.handlers['kv:list']({ profileId, prefix: raw(0x70, 0xff), limit: 100 }));
    expect(ff.items.map((i) => [...base64ToUint8((i.key as { data: string }).data)])).toEqual([[0x70, 0xff, 0x01]]);
  });

  it('reports COMPACTED when the pinned revision was compacted', async () => {
    const first = unwrap(await h.handlers['kv:list']({ profileId, prefix: text(''), limit: 1 }));
    unwrap(await put(text('compact/trigger'), text('x')));
    const now = unwrap(await get(text('compact/trigger'))).modRevision;
    expect((await etcd.etcdctl(['compact', String(now)])).code).toBe(0);
    const e = errorOf(
      await h.handlers['kv:list']({ profileId, prefix: text(''), limit: 1, cursor: first.nextCursor!, revision: first.revision }),
    );
    expect(e.code).toBe('COMPACTED');
  });
});

describe('list cursor', () => {
  it('a cursor before the prefix does not widen the range; one past it gives an empty page', async () => {
    unwrap(await put(text('cur-a/1'), text('x')));
    unwrap(await put(text('cur-b/1'), text('y')));
    const before = unwrap(await h.handlers['kv:list']({ profileId, prefix: text('cur-b/'), cursor: text('cur-a'), limit: 10 }));
    expect(before.items.map((i) => i.key)).toEqual([text('cur-b/1')]);
    const past = unwrap(await h.handlers['kv:list']({ profileId, prefix: text('cur-a/'), cursor: text('cur-z'), limit: 10, count: true }));
    expect(past).toMatchObject({ items: [], more: false, nextCursor: null, count: 1 });
  });
});

describe('KvService.count', () => {
  // Its own etcd: the empty prefix (the whole keyspace) must count exactly what we put, nothing else.
  let own: EtcdCluster;
  let session: EtcdSession;
  let kv: KvService;
  /** Writes as another client would make them (a plain etcd3 client, not the code under test). */
  let other: Etcd3;
  const bin = (...bytes: number[]): Buffer => Buffer.from(bytes);
  const count = (prefix: Bytes, revision?: number) =>
    kv.count({ profileId: 'p', prefix, ...(revision === undefined ? {} : { revision }) });

  beforeAll(async () => {
    own = await startCluster();
    session = new EtcdSession({ endpoints: own.endpoints, deadlineMs: 3000 });
    kv = new KvService(session);
    other = new Etcd3({ hosts: own.endpoints });
  });
  afterAll(async () => {
    session?.close();
    other?.close();
    await own?.close();
  });

  it('counts an empty keyspace as 0 at the current revision', async () => {
    const r = await count(text(''));
    expect(r.count).toBe(0);
    expect(r.revision).toBeGreaterThanOrEqual(1);
  });

  it('counts exactly the keys under a text prefix, a binary non-UTF-8 prefix, and the whole keyspace', async () => {
    const keys: Buffer[] = [];
    for (let i = 0; i < 1200; i++) keys.push(Buffer.from(`cnt/${String(i).padStart(4, '0')}`));
    keys.push(Buffer.from('cnt0'), Buffer.from('cnt'), Buffer.from('cn')); // neighbours, not under "cnt/"
    // Under the binary prefix 0xff 0xfe: invalid UTF-8, NULs, and its neighbours 0xff 0xfd / 0xff 0xff.
    for (let i = 0; i < 37; i++) keys.push(bin(0xff, 0xfe, i, 0x00, 0x80));
    keys.push(bin(0xff, 0xfe), bin(0xff, 0xfd, 0x01), bin(0xff, 0xff), bin(0xff, 0xff, 0xff, 0x00));
    keys.push(bin(0x00), bin(0x00, 0x00)); // the lowest keys exist too
    for (let i = 0; i < keys.length; i += 100) {
      await other.kv.txn({ success: keys.slice(i, i + 100).map((key) => ({ request_put: { key, value: Buffer.from('v') } })) });
    }
    const prefix = fromUint8(new Uint8Array([0xff, 0xfe]));
    expect(prefix.encoding).toBe('base64');
    expect((await count(text('cnt/'))).count).toBe(1200);
    expect((await count(prefix)).count).toBe(38);
    // A prefix of only 0xff bytes has no end: it counts every key from it to the end of the keyspace.
    expect((await count(fromUint8(new Uint8Array([0xff])))).count).toBe(41);
    expect((await count(fromUint8(new Uint8Array([0xff, 0xff])))).count).toBe(2);
    expect((await count(text('no-such/'))).count).toBe(0);
    const all = await count(text(''));
    expect(all.count).toBe(keys.length);
    // etcd itself agrees (etcdctl 3.4 has no --count-only; its JSON output carries etcd's count).
    const ctl = await own.etcdctl(['get', '', '--prefix', '--keys-only', '-w', 'json']);
    expect((JSON.parse(ctl.stdout) as { count: number }).count).toBe(keys.length);
    expect(all.revision).toBe(Number((JSON.parse(ctl.stdout) as { header: { revision: number } }).header.revision));
  });

  it('counts at a pinned revision while others write and delete', async () => {
    const before = await count(text('cnt/'));
    await other.put('cnt/new').value('x');
    await other.delete().key('cnt/0000');
    await other.delete().key('cnt/0001');
    expect(await count(text('cnt/'), before.revision)).toEqual({ count: before.count, revision: before.revision });
    const now = await count(text('cnt/'));
    expect(now.count).toBe(before.count - 1);
    expect(now.revision).toBeGreaterThan(before.revision);
  });

  it('a compacted revision is COMPACTED; a bad revision is refused before any RPC', async () => {
    const old = (await count(text(''))).revision;
    await other.put('cnt/compact').value('x');
    const latest = (await count(text(''))).revision;
    expect((await own.etcdctl(['compact', String(latest)])).code).toBe(0);
    const err = (await count(text(''), old).catch((e: unknown) => e)) as AppFailure;
    expect(err.error.code).toBe('COMPACTED');
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(((await count(text(''), bad).catch((e: unknown) => e)) as AppFailure).error.code).toBe('INVALID_ARGUMENT');
    }
  });

  it('a dead cluster fails fast with UNAVAILABLE within the deadline', async () => {
    const dead = new EtcdSession({ endpoints: [await deadEndpoint()], deadlineMs: 1500 });
    try {
      const t = performance.now();
      const err = (await new KvService(dead).count({ profileId: 'p', prefix: text('') }).catch((e: unknown) => e)) as AppFailure;
      expect(err.error.code).toBe('UNAVAILABLE');
      expect(performance.now() - t).toBeLessThan(1500);
    } finally {
      dead.close();
    }
  });
});
