/**
 * The core's bulk and big-read paths on a real etcd: putMany (batched txns, at-most-once,
 * precise failure reports), scan (bounded windows, several in flight) and the windowed pages of
 * KvService.list. Everything is checked against etcd itself through a separate plain etcd3 client
 * or etcdctl, never only through the code under test.
 */
import { randomBytes } from 'node:crypto';
import { Etcd3 } from 'etcd3';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { fromUint8, text, toUint8, type Bytes } from '../../src/shared/bytes';
import { fromBuffer, previewOf } from '../../src/main/core/etcd/bytes';
import { BulkPutFailure, putMany, type BulkEntry } from '../../src/main/core/etcd/bulk';
import { KvService } from '../../src/main/core/etcd/kv';
import { bytesOfSlice, decodeRangeResponse, KvsPage, previewOfSlice, type RangePage } from '../../src/main/core/etcd/range-page';
import { readRange, readRangeRaw, scan } from '../../src/main/core/etcd/scan';
import type { RangeReq } from '../../src/main/core/etcd/range-page';

/** One Range through etcd3's kv.range (the product's page path), as its own session read. */
const range = (x: EtcdSession, q: RangeReq) => x.run('read', () => readRange(x, q));
import { EtcdSession } from '../../src/main/core/etcd/session';
import type { AppFailure } from '../../src/main/core/etcd/errors';

let etcd: EtcdCluster;
let s: EtcdSession;
/** etcd as a plain etcd3 client sees it (not the code under test). */
let plain: Etcd3;

beforeAll(async () => {
  etcd = await startCluster();
  s = new EtcdSession({ endpoints: etcd.endpoints, deadlineMs: 10_000 });
  plain = new Etcd3({ hosts: etcd.endpoints });
});
afterAll(async () => {
  s?.close();
  plain?.close();
  await etcd?.close();
});

const b = (x: string): Buffer => Buffer.from(x, 'latin1');

/** Every key (and value) under a prefix, straight from etcd3's decoder in one Range. */
async function etcdKvs(prefix: string, keysOnly = false): Promise<Array<{ key: Buffer; value: Buffer }>> {
  const key = b(prefix);
  const end = Buffer.from(key);
  end[end.length - 1]++;
  const res = await plain.kv.range({ key, range_end: end, keys_only: keysOnly });
  return res.kvs.map((kv) => ({ key: kv.key, value: kv.value ?? Buffer.alloc(0) }));
}

async function countUnder(prefix: string): Promise<number> {
  // etcdctl 3.4 has no --count-only; its JSON output carries etcd's count.
  const r = await etcd.etcdctl(['get', prefix, '--prefix', '--keys-only', '-w', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return Number((JSON.parse(r.stdout) as { count?: number }).count ?? 0);
}

describe('putMany', () => {
  it('writes 10k keys in txns of 128, byte-exact, binary keys and values included', async () => {
    const entries: BulkEntry[] = [];
    for (let i = 0; i < 10_000; i++) {
      // Every 7th key has invalid UTF-8 and a NUL; values vary in size, some binary, some empty.
      const key = i % 7 === 0 ? Buffer.concat([b('bulk/'), Buffer.from([0xff, 0x00, i & 0xff, i >> 8])]) : b(`bulk/k${String(i).padStart(5, '0')}`);
      const value = i % 11 === 0 ? Buffer.alloc(0) : i % 5 === 0 ? randomBytes(1 + (i % 300)) : b(`value ${i} ${'x'.repeat(i % 50)}`);
      entries.push({ key, value });
    }
    const progress: number[] = [];
    const r = await putMany(s, entries, { onProgress: (w) => progress.push(w) });
    expect(r.written).toBe(10_000);
    expect(r.batches).toBe(Math.ceil(10_000 / 128));
    expect(progress.at(-1)).toBe(10_000);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    expect(await countUnder('bulk/')).toBe(10_000);
    // Byte-exact: a sample read back through etcd3's own decoder.
    for (let n = 0; n < 300; n++) {
      const i = (n * 7919) % entries.length;
      const res = await plain.kv.range({ key: entries[i].key });
      expect(res.kvs).toHaveLength(1);
      expect(res.kvs[0].key.equals(entries[i].key)).toBe(true);
      expect((res.kvs[0].value ?? Buffer.alloc(0)).equals(entries[i].value)).toBe(true);
      expect(Number(res.kvs[0].mod_revision)).toBeLessThanOrEqual(r.revision);
    }
  });

  it('a repeated key: the last value wins (no txn names a key twice)', async () => {
    const entries = [
      { key: b('dup/a'), value: b('1') },
      { key: b('dup/b'), value: b('2') },
      { key: b('dup/a'), value: b('3') },
    ];
    const r = await putMany(s, entries, { batch: 128 });
    expect(r.written).toBe(2);
    expect((await etcdKvs('dup/')).map((kv) => [kv.key.toString(), kv.value.toString()])).toEqual([
      ['dup/a', '3'],
      ['dup/b', '2'],
    ]);
  });

  it('splits batches by bytes so each txn stays under the request limit', async () => {
    const entries = Array.from({ length: 40 }, (_, i) => ({ key: b(`wide/${i}`), value: Buffer.alloc(200_000, i) }));
    const r = await putMany(s, entries);
    expect(r.written).toBe(40);
    expect(r.batches).toBeGreaterThanOrEqual(6); // 1.5 MiB / 200 kB: at most 7 per txn
    expect(await countUnder('wide/')).toBe(40);
  });

  it('a value too large: TOO_LARGE with its size before anything is written', async () => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({ key: b(`big/${i}`), value: b('small') }));
    entries[500] = { key: b('big/500'), value: Buffer.alloc(1.6 * 1024 * 1024, 1) };
    const err = (await putMany(s, entries).catch((e: unknown) => e)) as AppFailure;
    expect(err.error.code).toBe('TOO_LARGE');
    expect(err.error.details?.size).toBe(entries[500].value.length + 'big/500'.length);
    expect(err.error.details?.hint).toBe('entry 500');
    expect(await countUnder('big/')).toBe(0);
    const empty = (await putMany(s, [{ key: b('big/x'), value: b('1') }, { key: Buffer.alloc(0), value: b('2') }]).catch((e: unknown) => e)) as AppFailure;
    expect(empty.error.code).toBe('INVALID_ARGUMENT');
    expect(await countUnder('big/')).toBe(0);
  });

  it('etcd killed mid-run: stops, reports applied / unknown batches exactly; applied ones are there, unsent ones are not', async () => {
    const own = await startCluster();
    const session = new EtcdSession({ endpoints: own.endpoints, deadlineMs: 2000 });
    try {
      const entries = Array.from({ length: 30_000 }, (_, i) => ({ key: b(`kill/${String(i).padStart(6, '0')}`), value: b(`v${i}`) }));
      let killed: Promise<void> | undefined;
      const err = await putMany(session, entries, {
        inFlight: 4,
        onProgress: (written) => {
          if (written >= 3000 && !killed) killed = own.kill(0);
        },
      }).catch((e: unknown) => e);
      await killed;
      expect(err).toBeInstanceOf(BulkPutFailure);
      const { progress, error } = err as BulkPutFailure;
      expect(['OUTCOME_UNKNOWN', 'UNAVAILABLE', 'TIMEOUT']).toContain(error.code);
      expect(progress.written).toBeGreaterThanOrEqual(3000);
      expect(progress.written).toBeLessThan(30_000);
      expect(progress.applied).toHaveLength(progress.appliedBatches);
      expect(progress.failed.outcome).toBe(error.code === 'OUTCOME_UNKNOWN' ? 'unknown' : 'not-applied');
      console.log(
        `bulk kill: ${progress.appliedBatches}/${progress.batches} batches applied (${progress.written} keys), ` +
          `first failure batch ${progress.failed.index} ${progress.failed.outcome} (${error.code}), unknown: ${progress.unknown.map((u) => u.index).join(',') || 'none'}`,
      );

      await own.restart(0);
      const check = new Etcd3({ hosts: own.endpoints });
      try {
        const res = await check.kv.range({ key: b('kill/'), range_end: b('kill0'), keys_only: true });
        const present = new Set(res.kvs.map((kv) => kv.key.toString('latin1')));
        const batchSize = 128;
        const applied = new Set(progress.applied);
        const unknown = new Set(progress.unknown.map((u) => u.index));
        let unknownApplied = 0;
        for (let bi = 0; bi < progress.batches; bi++) {
          const keys = entries.slice(bi * batchSize, (bi + 1) * batchSize).map((e) => e.key.toString('latin1'));
          const here = keys.filter((k) => present.has(k)).length;
          if (applied.has(bi)) expect(here, `applied batch ${bi}`).toBe(keys.length);
          else if (unknown.has(bi)) {
            expect([0, keys.length], `unknown batch ${bi} is all or nothing`).toContain(here);
            if (here) unknownApplied += here;
          } else expect(here, `batch ${bi} reported not applied`).toBe(0);
        }
        expect(present.size).toBe(progress.written + unknownApplied);
      } finally {
        check.close();
      }
    } finally {
      session.close();
      await own.close();
    }
  });
});

describe('decoding', () => {
  it('bytesOfSlice and previewOfSlice give exactly what fromUint8 / previewOf give', () => {
    const samples: Buffer[] = [
      Buffer.alloc(0),
      b('plain ascii'),
      Buffer.from('ключ/значение 键/值 🚀', 'utf8'),
      Buffer.from([0xef, 0xbb, 0xbf, 0x41]), // BOM kept
      Buffer.from([0xc3, 0x28]),
      Buffer.from([0xed, 0xa0, 0x80]), // UTF-16 surrogate in UTF-8: invalid
      Buffer.from([0xf0, 0x9f, 0x9a]), // truncated
      Buffer.from('é'.repeat(300), 'utf8'),
    ];
    for (let i = 0; i < 300; i++) samples.push(randomBytes(i % 40));
    for (let i = 0; i < 100; i++) samples.push(Buffer.from(`x${'é🚀a'.repeat(i % 9)}${String.fromCharCode(0x80 + i)}`, 'utf8'));
    for (const buf of samples) {
      const framed = Buffer.concat([b('<<'), buf, b('>>')]);
      expect(bytesOfSlice(framed, 2, 2 + buf.length)).toEqual(fromUint8(new Uint8Array(buf)));
      for (const max of [0, 1, 2, 5, 101, 256]) {
        expect(previewOfSlice(framed, 2, 2 + buf.length, max)).toEqual(previewOf(buf, max));
      }
    }
  });

  it("our Range decoder (rangeRaw) and the page over etcd3's decoding read what etcd3 reads: revisions, versions, leases, values, count, more", async () => {
    const lease = await plain.lease(600).grant(); // the id as a decimal string
    await plain.put('dec/leased').value('with lease').lease(lease);
    await plain.put('dec/a').value('1');
    await plain.put('dec/a').value('2');
    await plain.put(Buffer.from([0x64, 0x65, 0x63, 0x2f, 0xff])).value(Buffer.from([0, 1, 2]));
    for (const req of [
      { key: b('dec/'), range_end: b('dec0') },
      { key: b('dec/'), range_end: b('dec0'), limit: 2 },
      { key: b('dec/'), range_end: b('dec0'), keys_only: true },
    ]) {
      const theirs = new KvsPage(await plain.kv.range(req));
      const q = { key: req.key, end: req.range_end, limit: req.limit, keysOnly: req.keys_only };
      const viaEtcd3 = await range(s, q);
      const ours = await s.run('read', () => readRangeRaw(s, q));
      expect(dump(viaEtcd3)).toEqual(dump(theirs));
      expect(dump(ours)).toEqual(dump(theirs));
    }
    for (const read of [range, (x: EtcdSession, q: RangeReq) => x.run('read', () => readRangeRaw(x, q))]) {
      const mine = await read(s, { key: b('dec/leased') });
      expect(mine.lease(0)).toBe(lease);
    }
    expect(BigInt(lease)).toBeGreaterThan(0n);
  });

  it('a malformed response is an error, not garbage', () => {
    expect(() => decodeRangeResponse(Buffer.from([0x12, 0x05, 0x0a, 0x09]))).toThrow();
  });
});

function dump(p: RangePage) {
  const rows = [];
  for (let i = 0; i < p.length; i++) {
    rows.push([p.key(i).toString('hex'), p.value(i).toString('hex'), p.createRevision(i), p.modRevision(i), p.version(i), p.lease(i)]);
  }
  return { revision: p.revision, more: p.more, count: p.count, rows };
}

/** Keys in uneven clusters with gaps: dense decimal runs, nested names, binary keys. */
async function seedUneven(prefix: string): Promise<void> {
  const entries: BulkEntry[] = [];
  for (let i = 0; i < 1500; i++) entries.push({ key: b(`${prefix}a/${String(i).padStart(6, '0')}`), value: b(`a${i}`) });
  for (let i = 0; i < 1500; i++) entries.push({ key: b(`${prefix}m/${['pods', 'svc', 'cm'][i % 3]}/ns-${i % 13}/item-${i}`), value: b(`m${i}`) });
  for (let i = 0; i < 300; i++) entries.push({ key: Buffer.concat([b(`${prefix}z/`), randomBytes(8)]), value: randomBytes(20) });
  entries.push({ key: b(`${prefix}zz-last`), value: b('last') });
  await putMany(s, entries);
}

describe('scan', () => {
  beforeAll(() => seedUneven('scan/'));

  it.each([
    { keysOnly: true, pageKeys: 97, concurrency: 1, maxWindowBytes: 1 },
    { keysOnly: true, pageKeys: 250, concurrency: 4, maxWindowBytes: 20_000 },
    { keysOnly: false, pageKeys: 128, concurrency: 3, maxWindowBytes: 1 },
    { keysOnly: true, pageKeys: 300, concurrency: 4 },
  ])('every key once, in order, byte-exact: %o', async (o) => {
    const want = await etcdKvs('scan/', o.keysOnly);
    const got: Array<{ key: Buffer; value: Buffer }> = [];
    const stats = await scan(s, { prefix: b('scan/'), ...o }, (p) => {
      for (let i = 0; i < p.length; i++) got.push({ key: Buffer.from(p.key(i)), value: Buffer.from(p.value(i)) });
    });
    expect(got.length).toBe(want.length);
    expect(got.map((kv) => kv.key.toString('hex'))).toEqual(want.map((kv) => kv.key.toString('hex')));
    if (!o.keysOnly) expect(got.map((kv) => kv.value.toString('hex'))).toEqual(want.map((kv) => kv.value.toString('hex')));
    expect(stats.keys).toBe(want.length);
    expect(stats.total).toBe(want.length);
  });

  it('pages of one key (no density to size windows by): pages on, every key once', async () => {
    const want = await etcdKvs('scan/z/');
    const got: string[] = [];
    const stats = await scan(s, { prefix: b('scan/z/'), pageKeys: 1, concurrency: 2 }, (p) => {
      for (let i = 0; i < p.length; i++) got.push(p.key(i).toString('hex'));
    });
    expect(got).toEqual(want.map((kv) => kv.key.toString('hex')));
    expect(stats.requests).toBe(want.length);
  });

  it('the whole keyspace, pinned to the first revision while someone writes', async () => {
    const before = (await plain.kv.range({ key: Buffer.from([0]), range_end: Buffer.from([0]), keys_only: true })).kvs.map((kv) =>
      kv.key.toString('hex'),
    );
    const seen: string[] = [];
    let n = 0;
    const stats = await scan(s, { keysOnly: true, pageKeys: 400, concurrency: 3 }, async (p) => {
      for (let i = 0; i < p.length; i++) seen.push(p.key(i).toString('hex'));
      await plain.put(`scan/a/${String(n++).padStart(6, '0')}x`).value('intruder');
      await plain.delete().key('scan/zz-last');
    });
    expect(seen).toEqual(before);
    expect(stats.revision).toBeGreaterThan(0);
    await plain.put('scan/zz-last').value('last');
  });

  it('a compacted revision is COMPACTED', async () => {
    const rev = Number((await plain.kv.range({ key: b('scan/zz-last') })).header.revision);
    await plain.put('scan/compact-trigger').value('x');
    await plain.kv.compact({ revision: rev + 1 });
    const err = (await scan(s, { prefix: b('scan/'), revision: rev, keysOnly: true }, () => undefined).catch((e: unknown) => e)) as AppFailure;
    expect(err.error.code).toBe('COMPACTED');
  });
});

describe('KvService.list through windows', () => {
  beforeAll(() => seedUneven('win/'));

  it('page by page equals one range: no key lost or repeated, no empty page, exact more/cursor', async () => {
    const kv = new KvService(s);
    for (const keysOnly of [true, false]) {
      const want = (await etcdKvs('win/')).map((x) => fromBuffer(x.key));
      const seen: Bytes[] = [];
      let page = await kv.list({ profileId: 'p', prefix: text('win/'), limit: 73, count: true, keysOnly });
      expect(page.count).toBe(want.length);
      const revision = page.revision;
      let pages = 1;
      seen.push(...page.items.map((i) => i.key));
      while (page.more) {
        expect(page.nextCursor).not.toBeNull();
        page = await kv.list({ profileId: 'p', prefix: text('win/'), limit: 73, cursor: page.nextCursor!, revision, keysOnly });
        expect(page.items.length).toBeGreaterThan(0);
        seen.push(...page.items.map((i) => i.key));
        pages++;
      }
      expect(page.nextCursor).toBeNull();
      expect(pages).toBe(Math.ceil(want.length / 73));
      expect(seen.map((k) => Buffer.from(toUint8(k)).toString('hex'))).toEqual(want.map((k) => Buffer.from(toUint8(k)).toString('hex')));
    }
  });

  it('values pages keep size and preview exact', async () => {
    const kv = new KvService(s);
    const p1 = await kv.list({ profileId: 'p', prefix: text('win/z/'), limit: 50, previewBytes: 8 });
    const p2 = await kv.list({ profileId: 'p', prefix: text('win/z/'), limit: 50, previewBytes: 8, cursor: p1.nextCursor!, revision: p1.revision });
    const raw = await etcdKvs('win/z/');
    [...p1.items, ...p2.items].forEach((item, i) => {
      expect(item.size).toBe(raw[i].value.length);
      expect(item.preview).toEqual(previewOf(raw[i].value, 8).preview);
      expect(item.truncated).toBe(raw[i].value.length > 8);
    });
  });
});
