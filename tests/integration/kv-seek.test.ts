/**
 * `kv:seek` on a real etcd: the last page, the page at an index and the page at a typed key of a
 * prefix holding 100,000+ keys of mixed lengths, nested folders and non-UTF-8 bytes, checked
 * against a full ascending scan; in a logarithmic number of round trips (counted by the service
 * and by etcd's own Range counter), and never with a descending Range (every request recorded).
 */
import { Etcd3 } from 'etcd3';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { fromUint8, toUint8, type Bytes } from '../../src/shared/bytes';
import { putMany, type BulkEntry } from '../../src/main/core/etcd/bulk';
import { scan } from '../../src/main/core/etcd/scan';
import { seek } from '../../src/main/core/etcd/seek';
import { EtcdSession } from '../../src/main/core/etcd/session';
import type { SeekPage } from '../../src/shared/types';
import type { AppFailure } from '../../src/main/core/etcd/errors';

let etcd: EtcdCluster;
let s: EtcdSession;
let h: Harness;
let profileId: string;
/** Every key under s/ in etcd's order, from one full ascending scan (hex). */
let all: string[];
let revision: number;
/** What the session sent: every Range through our decoder and through etcd3. */
const sent: Array<{ path: 'raw' | 'etcd3'; req: Record<string, unknown> }> = [];

const b = (x: string): Buffer => Buffer.from(x, 'latin1');
const bytes = (x: Buffer): Bytes => fromUint8(x);
const hex = (x: Bytes): string => Buffer.from(toUint8(x)).toString('hex');

function keyset(): Buffer[] {
  const keys: Buffer[] = [b('s/'), Buffer.from([0x73, 0x2f, 0xff, 0xff])];
  for (let i = 0; i < 30_000; i++) keys.push(b(`s/a/${i}`)); // unpadded: mixed lengths, not in numeric order
  for (let i = 0; i < 30_000; i++) keys.push(b(`s/b/c/d/e/${String(i).padStart(6, '0')}`));
  for (let i = 0; i < 20_000; i++) keys.push(Buffer.concat([b('s/m/'), Buffer.from([0x80 + (i % 128), 0xfe, i >> 8, i & 0xff])]));
  // Nested folders of several depths, one level with 37 sibling folders.
  for (let i = 0; i < 20_000; i++) keys.push(b(`s/zz/deep/${'sub/'.repeat(i % 6)}${i % 7 === 0 ? `ns-${i % 37}/pod-` : 'item-'}${i}`));
  return keys;
}

beforeAll(async () => {
  etcd = await startCluster({ startTimeoutMs: 30_000 });
  s = new EtcdSession({ endpoints: etcd.endpoints, deadlineMs: 60_000 });
  const entries: BulkEntry[] = keyset().map((key) => ({ key, value: b('v') }));
  for (const k of ['r/before', 's0', 't/after']) entries.push({ key: b(k), value: b('outside') });
  const t0 = performance.now();
  await putMany(s, entries);
  console.log(`[kv:seek] loaded ${entries.length} keys in ${Math.round(performance.now() - t0)} ms`);
  all = [];
  const stats = await scan(s, { prefix: b('s/'), keysOnly: true }, (p) => {
    for (let i = 0; i < p.length; i++) all.push(p.key(i).toString('hex'));
  });
  revision = stats.revision;
  // Record every Range from here on (the loading and the reference scan are not under test).
  const rpc = s.rpc as unknown as Record<string, (req: unknown) => Promise<unknown>>;
  const raw = rpc.rangeRaw.bind(rpc);
  const lib = rpc.range.bind(rpc);
  rpc.rangeRaw = (req) => (sent.push({ path: 'raw', req: req as Record<string, unknown> }), raw(req));
  rpc.range = (req) => (sent.push({ path: 'etcd3', req: req as Record<string, unknown> }), lib(req));
  h = await createHarness();
  profileId = await h.connect({ name: 'seek', endpoints: etcd.endpoints, deadlineMs: 10_000 });
}, 180_000);
afterAll(async () => {
  await h?.close();
  s?.close();
  await etcd?.close();
});

/** etcd's own count of Range calls answered, from its /metrics. */
async function rangeCalls(): Promise<number> {
  const body = await (await fetch(`${etcd.members[0].clientUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  let sum = 0;
  for (const m of body.matchAll(/^grpc_server_handled_total\{[^}]*grpc_method="Range"[^}]*\} (\S+)$/gm)) sum += Number(m[1]);
  return sum;
}

/** A seek on the recording session; checks what it sent and prints its cost. */
async function seekDirect(label: string, to: Parameters<typeof seek>[1]['to'], limit: number, rev = revision, prefix = 's/'): Promise<SeekPage> {
  const from = sent.length;
  const t0 = performance.now();
  const page = await seek(s, { prefix: bytes(b(prefix)), to, limit, revision: rev });
  const ms = performance.now() - t0;
  const mine = sent.slice(from);
  console.log(`[kv:seek] ${label}: ${page.items.length} keys at index ${page.index} of ${page.total} in ${page.roundTrips} round trips, ${ms.toFixed(1)} ms`);
  expect(mine.length).toBe(page.roundTrips);
  for (const { path, req } of mine) {
    // Only our own decoder's RangeReq (which has no sort field at all), never etcd3's Range.
    expect(path).toBe('raw');
    expect(Object.keys(req).filter((k) => /sort/i.test(k))).toEqual([]);
    // Bounded: every request ends inside the prefix range (or at its end).
    if (prefix !== '') expect(Buffer.compare(req.end as Buffer, b(prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)))).toBeLessThanOrEqual(0);
    expect(req.revision).toBe(rev);
  }
  // Probes grow with the bytes the keys around the place share (up to 8 per shared byte):
  // measured up to ~200 at the end of the deepest folders here. Far from logarithmic in that
  // case; the bound catches a regression to walking pages (1,000 pages of 100 to the end).
  expect(page.roundTrips).toBeLessThanOrEqual(260);
  return page;
}

const keysOf = (p: SeekPage): string[] => p.items.map((e) => hex(e.key));

describe('kv:seek', () => {
  it('the end: the last page, exactly, without walking the pages before it', async () => {
    expect(all.length).toBe(100_002);
    for (const limit of [1, 100, 1000]) {
      const p = await seekDirect(`end, limit ${limit}`, { end: true }, limit);
      expect(keysOf(p)).toEqual(all.slice(-limit));
      expect(p.index).toBe(all.length - limit);
      expect(p.total).toBe(all.length);
      expect(p.more).toBe(false);
      expect(p.nextCursor).toBeNull();
      expect(p.revision).toBe(revision);
    }
    // The last key is not UTF-8: it crosses as base64.
    const last = await seekDirect('end, limit 1 (raw bytes)', { end: true }, 1);
    expect(last.items[0].key).toEqual({ encoding: 'base64', data: Buffer.from([0x73, 0x2f, 0xff, 0xff]).toString('base64') });
  });

  it('offsets: the page at an index, exactly, from the first key to past the end', async () => {
    const n = all.length;
    for (const offset of [0, 1, 12_345, 50_001, 59_999, 60_000, 80_123, n - 500, n - 1]) {
      const p = await seekDirect(`offset ${offset}`, { offset }, 500);
      expect(keysOf(p)).toEqual(all.slice(offset, offset + 500));
      expect(p.index).toBe(offset);
      expect(p.more).toBe(offset + 500 < n);
      if (p.more) expect(hex(p.nextCursor!)).toBe(all[offset + 499]);
    }
    for (const offset of [n, n + 10]) {
      const p = await seekDirect(`offset ${offset} (past the end)`, { offset }, 100);
      expect(p.items).toEqual([]);
      expect(p.index).toBe(n);
      expect(p.more).toBe(false);
    }
  });

  it('typed keys: the page at the first key >= the key', async () => {
    const at = (i: number) => Buffer.from(all[i], 'hex');
    const cases: Array<[string, Buffer, number]> = [
      ['an existing key', at(777), 777],
      ['an existing non-UTF-8 key', at(65_000), 65_000],
      ['between two keys', Buffer.concat([at(40_000), Buffer.from([0])]), 40_001],
      ['before the prefix', b('a'), 0],
      ['a folder', b('s/zz/'), all.findIndex((k) => Buffer.from(k, 'hex').toString('latin1').startsWith('s/zz/'))],
    ];
    for (const [label, key, index] of cases) {
      const p = await seekDirect(`key: ${label}`, { key: bytes(key) }, 200);
      expect(p.index).toBe(index);
      expect(keysOf(p)).toEqual(all.slice(index, index + 200));
    }
    const after = await seekDirect('key: after the last', { key: bytes(Buffer.from([0x73, 0x2f, 0xff, 0xff, 0])) }, 200);
    expect(after.items).toEqual([]);
    expect(after.index).toBe(all.length);
  });

  it('through the handler: the same pages, etcd counting the round trips the service reports', async () => {
    const before = await rangeCalls();
    const end = unwrap(await h.handlers['kv:seek']({ profileId, prefix: { encoding: 'utf8', data: 's/' }, to: { end: true }, limit: 100 }));
    const counted = (await rangeCalls()) - before;
    console.log(`[kv:seek] handler end of ${end.total} keys: ${end.roundTrips} round trips (etcd counted ${counted} Range calls)`);
    expect(counted).toBe(end.roundTrips);
    expect(end.total).toBe(all.length);
    expect(keysOf(end)).toEqual(all.slice(-100));
    // The whole keyspace: the last key is the one outside the prefix.
    const whole = unwrap(await h.handlers['kv:seek']({ profileId, prefix: { encoding: 'utf8', data: '' }, to: { end: true }, limit: 2 }));
    expect(whole.items.map((e) => Buffer.from(toUint8(e.key)).toString('latin1'))).toEqual(['s0', 't/after']);
    expect(whole.total).toBe(all.length + 3);
    console.log(`[kv:seek] handler end of the whole keyspace: ${whole.roundTrips} round trips`);
    const bad = errorOf(await h.handlers['kv:seek']({ profileId, prefix: { encoding: 'utf8', data: 's/' }, to: { end: true }, limit: 10, revision: -1 }));
    expect(bad.code).toBe('INVALID_ARGUMENT');
  });

  it('an empty prefix range and a prefix with one key', async () => {
    const none = await seekDirect('end of an empty prefix', { end: true }, 10, revision, 'nothing/');
    expect(none.items).toEqual([]);
    expect(none.total).toBe(0);
    const one = await seekDirect('end of r/', { end: true }, 10, revision, 'r/');
    expect(one.items.map((e) => Buffer.from(toUint8(e.key)).toString('latin1'))).toEqual(['r/before']);
    expect(one.index).toBe(0);
  });

  it('a compacted revision is COMPACTED', async () => {
    const plain = new Etcd3({ hosts: etcd.endpoints });
    try {
      await plain.put('s0').value('again');
      const now = Number((await plain.kv.range({ key: b('s0') })).header.revision);
      await plain.kv.compact({ revision: now });
      const err = (await seek(s, { prefix: bytes(b('s/')), to: { end: true }, limit: 10, revision }).catch((e: unknown) => e)) as AppFailure;
      expect(err.error.code).toBe('COMPACTED');
    } finally {
      plain.close();
    }
  });
});
