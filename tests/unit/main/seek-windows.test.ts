/**
 * The jump logic of seek.ts on an in-memory keyspace (etcd's Range semantics: [key, end), count
 * of the whole window, limit, keys only): exact pages at the end, at indexes and at typed keys on
 * random binary key sets, every request bounded and never descending (RangeReq has no sort).
 */
import fc from 'fast-check';
import type { RangePage, RangeReq } from '../../../src/main/core/etcd/range-page';
import { bytesOf } from '../../../src/main/core/etcd/range-page';
import { seekWith } from '../../../src/main/core/etcd/seek';
import { fromUint8, toUint8 } from '../../../src/shared/bytes';

function memoryReader(keys: Buffer[]) {
  const sorted = [...keys].sort(Buffer.compare);
  const lb = (k: Buffer): number => {
    let l = 0;
    let h = sorted.length;
    while (l < h) {
      const m = (l + h) >> 1;
      if (Buffer.compare(sorted[m], k) < 0) l = m + 1;
      else h = m;
    }
    return l;
  };
  const requests: RangeReq[] = [];
  const read = async (r: RangeReq): Promise<RangePage> => {
    requests.push(r);
    const i = lb(r.key);
    const j = r.end == null ? sorted.length : lb(r.end);
    const count = Math.max(0, j - i);
    const n = r.countOnly ? 0 : Math.min(count, r.limit || count);
    const ks = sorted.slice(i, i + n);
    return {
      revision: 7, more: n < count, count, length: n, bytes: 0,
      key: (x: number) => ks[x], keyBytes: (x: number) => bytesOf(ks[x]),
      createRevision: () => 1, modRevision: () => 1, version: () => 1, lease: () => '0',
      lastKey: () => ks[n - 1], keys: () => ks.map(bytesOf),
    } as unknown as RangePage;
  };
  return { sorted, read, requests };
}

const hex = (b: { encoding: string; data: string }): string => Buffer.from(toUint8(b as never)).toString('hex');
const P = Buffer.from('p/');

const keySet = fc.uniqueArray(fc.uint8Array({ minLength: 0, maxLength: 12 }).map((u) => Buffer.concat([P, Buffer.from(u)])), {
  minLength: 0,
  maxLength: 3000,
  selector: (b) => b.toString('hex'),
});

describe('seekWith on an in-memory keyspace', () => {
  it('end, offsets and typed keys give exactly the pages of a full ascending read', async () => {
    await fc.assert(
      fc.asyncProperty(keySet, fc.integer({ min: 1, max: 700 }), fc.nat(), fc.uint8Array({ maxLength: 6 }), async (keys, limit, at, typed) => {
        const outside = [Buffer.from('o'), Buffer.from('p0'), Buffer.from('q/x')];
        const { sorted, read, requests } = memoryReader([...keys, ...outside]);
        const mine = sorted.filter((k) => k.subarray(0, 2).equals(P)).map((k) => k.toString('hex'));
        const prefix = fromUint8(P);
        const end = await seekWith(read, { prefix, to: { end: true }, limit, revision: 7 }, {});
        expect(end.items.map((e) => hex(e.key))).toEqual(mine.slice(Math.max(0, mine.length - limit)));
        expect(end.total).toBe(mine.length);
        const offset = mine.length ? at % (mine.length + 2) : 0;
        const page = await seekWith(read, { prefix, to: { offset }, limit, revision: 7 }, {});
        expect(page.items.map((e) => hex(e.key))).toEqual(mine.slice(offset, offset + limit));
        expect(page.index).toBe(Math.min(offset, mine.length));
        const key = Buffer.concat([P, Buffer.from(typed)]);
        const first = mine.findIndex((k) => Buffer.compare(Buffer.from(k, 'hex'), key) >= 0);
        const want = first < 0 ? mine.length : first;
        const byKey = await seekWith(read, { prefix, to: { key: fromUint8(key) }, limit, revision: 7 }, {});
        expect(byKey.index).toBe(want);
        expect(byKey.items.map((e) => hex(e.key))).toEqual(mine.slice(want, want + limit));
        for (const r of requests) {
          expect(r.end === undefined ? 'single key' : Buffer.compare(r.end ?? Buffer.from('p0'), Buffer.from('p0'))).toBeLessThanOrEqual(0);
          expect(r.revision).toBe(7);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('prints round trips at the end of 50,000 sequential keys', async () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => Buffer.from(`p/k-${String(i).padStart(7, '0')}`));
    const { read } = memoryReader(keys);
    const p = await seekWith(read, { prefix: fromUint8(P), to: { end: true }, limit: 100, revision: 7 }, {});
    console.log(`[seek] end of 50,000 padded keys: ${p.roundTrips} round trips`);
    expect(p.items.map((e) => hex(e.key)).at(-1)).toBe(keys.at(-1)!.toString('hex'));
    expect(p.roundTrips).toBeLessThan(100);
  });
});
