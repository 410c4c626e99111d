/**
 * scan.ts `responseBytes` (the analyze job's reads) on an in-memory keyspace whose values range
 * from 100 bytes to 1 MB, as in a Kubernetes etcd: every key exactly once and in order, and every
 * response near the target: a handful of keys next to 1 MB values, more next to small ones, never
 * more than `maxLimit`. Also the largest-values heap the job keeps.
 */
import type { RangePage, RangeReq } from '../../../src/main/core/etcd/range-page';
import { MemRangePage, type MemRow } from '../../support/mem-range-page';
import { scanRanges } from '../../../src/main/core/etcd/scan';
import { Largest } from '../../../src/main/core/k8s/largest';

type Row = MemRow;

function keyspace(rows: Row[]) {
  const sorted = [...rows].sort((a, b) => Buffer.compare(a.key, b.key));
  const lower = (k: Buffer): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (Buffer.compare(sorted[mid].key, k) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const responses: { keys: number; bytes: number; limit: number; revision: number }[] = [];
  const read = async (req: RangeReq): Promise<RangePage> => {
    await Promise.resolve();
    const from = lower(req.key);
    const to = req.end === null || req.end === undefined ? sorted.length : lower(req.end);
    const count = Math.max(0, to - from);
    const take = sorted.slice(from, from + Math.min(count, req.limit ?? count));
    // As etcd does: the header says the store's current revision, whatever revision was read at.
    const page = new MemRangePage(take, count, take.length < count, 99);
    responses.push({ keys: take.length, bytes: page.bytes, limit: req.limit ?? 0, revision: req.revision ?? 0 });
    return page;
  };
  return { sorted, read, responses };
}

const MiB = 1024 * 1024;

/** pods (1-6 KB), then 1 MB configmaps, then events (100 B), then more 1 MB values. */
function k8sLike(): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < 40; i++) rows.push({ key: Buffer.from(`/registry/configmaps/big/cm-${String(i).padStart(3, '0')}`), size: 1_000_000 + i });
  for (let i = 0; i < 20_000; i++) rows.push({ key: Buffer.from(`/registry/events/ns-${i % 7}/ev-${String(i).padStart(6, '0')}`), size: 100 + (i % 50) });
  for (let i = 0; i < 5000; i++) rows.push({ key: Buffer.from(`/registry/pods/ns-${i % 3}/pod-${String(i).padStart(5, '0')}`), size: 1000 + ((i * 131) % 5000) });
  for (let i = 0; i < 30; i++) rows.push({ key: Buffer.from(`/registry/secrets/z/big-${String(i).padStart(3, '0')}`), size: 1_400_000 });
  return rows;
}

describe('scan with responseBytes', () => {
  it('reads every key once, in order, each response near the target whatever the value sizes', async () => {
    const ks = keyspace(k8sLike());
    const seen: Buffer[] = [];
    const stats = await scanRanges(ks.read, { prefix: Buffer.from('/registry/'), responseBytes: 4 * MiB }, (page) => {
      for (let i = 0; i < page.length; i++) seen.push(page.key(i));
    });
    expect(seen.map((k) => k.toString())).toEqual(ks.sorted.map((r) => r.key.toString()));
    expect(stats.keys).toBe(ks.sorted.length);
    const largest = Math.max(...ks.responses.map((r) => r.bytes));
    // The first request asks for 4 keys (4 x 1 MB); then a response stays near the target,
    // except where small values are followed by large ones (pods, then the 1.4 MB secrets): that
    // one response is bounded by maxLimit (128) x the large value, and the limit drops after it.
    expect(ks.responses[0].limit).toBe(4);
    expect(ks.responses.filter((r) => r.bytes > 8 * MiB).length).toBeLessThanOrEqual(1);
    expect(largest).toBeLessThanOrEqual(128 * 1_400_100);
    const afterJump = ks.responses.findIndex((r) => r.bytes > 8 * MiB);
    expect(ks.responses.slice(afterJump + 5).every((r) => r.bytes <= 8 * MiB)).toBe(true);
    expect(Math.max(...ks.responses.map((r) => r.limit))).toBe(128);
    // Small values do not mean tiny pages: the events are read 128 at a time.
    expect(ks.responses.filter((r) => r.keys === 128).length).toBeGreaterThan(100);
    console.log(`[scan-adaptive] ${ks.responses.length} requests for ${stats.keys} keys, largest response ${(largest / MiB).toFixed(2)} MiB`);
  });

  it('maxLimit bounds a response when small values are followed by large ones', async () => {
    const rows: Row[] = [];
    for (let i = 0; i < 3000; i++) rows.push({ key: Buffer.from(`/r/a/${String(i).padStart(5, '0')}`), size: 10 });
    for (let i = 0; i < 100; i++) rows.push({ key: Buffer.from(`/r/b/${String(i).padStart(5, '0')}`), size: 1_000_000 });
    const ks = keyspace(rows);
    let n = 0;
    await scanRanges(ks.read, { prefix: Buffer.from('/r/'), responseBytes: 4 * MiB, maxLimit: 16, concurrency: 1 }, (page) => {
      n += page.length;
    });
    expect(n).toBe(3100);
    expect(Math.max(...ks.responses.map((r) => r.limit))).toBe(16);
    expect(Math.max(...ks.responses.map((r) => r.bytes))).toBeLessThanOrEqual(16 * 1_000_100);
  });

  it('without responseBytes, windows are sized as before (from the first page: 2000 keys)', async () => {
    const ks = keyspace(k8sLike().slice(40, 5000));
    await scanRanges(ks.read, { prefix: Buffer.from('/registry/') }, () => undefined);
    expect(ks.responses[0].limit).toBe(2000);
  });

  it('a revision given by the caller is the one every window reads at (not the header of the first answer)', async () => {
    for (const responseBytes of [4 * MiB, undefined]) {
      const ks = keyspace(k8sLike().slice(40, 3000));
      await scanRanges(ks.read, { prefix: Buffer.from('/registry/'), revision: 7, ...(responseBytes ? { responseBytes } : {}) }, () => undefined);
      expect(ks.responses.length).toBeGreaterThan(2);
      expect(new Set(ks.responses.map((r) => r.revision))).toEqual(new Set([7]));
    }
    // Without one, the first answer's revision is pinned for the rest.
    const ks = keyspace(k8sLike().slice(40, 3000));
    const stats = await scanRanges(ks.read, { prefix: Buffer.from('/registry/'), responseBytes: 4 * MiB }, () => undefined);
    expect(stats.revision).toBe(99);
    expect(ks.responses.map((r) => r.revision)).toEqual([0, ...ks.responses.slice(1).map(() => 99)]);
  });

  it('a consumer that throws: the scan rejects only after its requests in flight have settled', async () => {
    const ks = keyspace(k8sLike());
    let inFlight = 0;
    let started = 0;
    const read = async (req: RangeReq): Promise<RangePage> => {
      inFlight++;
      started++;
      // Slower than the consumer: requests are still on their way when it throws.
      await new Promise((resolve) => setTimeout(resolve, 5));
      try {
        return await ks.read(req);
      } finally {
        inFlight--;
      }
    };
    const stop = new Error('stop');
    let pages = 0;
    const outcome = await scanRanges(read, { prefix: Buffer.from('/registry/'), responseBytes: 4 * MiB }, () => {
      if (++pages === 3) throw stop;
    }).then(
      () => ({ error: undefined, inFlight }),
      (error: unknown) => ({ error, inFlight }),
    );
    expect(outcome.error).toBe(stop);
    // More than the pages handed over were requested (several in flight), and none was left running.
    expect(started).toBeGreaterThan(3);
    expect(outcome.inFlight).toBe(0);
  });
});

describe('Largest', () => {
  it('keeps the N largest, largest first, ties in the order offered (key order in a scan)', () => {
    const l = new Largest(3);
    const sizes = [5, 9, 1, 9, 7, 3, 9, 2];
    sizes.forEach((s, i) => l.offer(Buffer.from(`k${i}`), 'r', s));
    expect(l.sorted().map((e) => `${e.key.toString()}:${e.size}`)).toEqual(['k1:9', 'k3:9', 'k6:9']);
    const m = new Largest(4);
    sizes.forEach((s, i) => m.offer(Buffer.from(`k${i}`), 'r', s));
    expect(m.sorted().map((e) => e.size)).toEqual([9, 9, 9, 7]);
  });

  it('copies a kept key (the scan hands over views into a response buffer)', () => {
    const l = new Largest(2);
    const buf = Buffer.from('abc');
    l.offer(buf, 'r', 10);
    buf.write('xyz');
    expect(l.sorted()[0].key.toString()).toBe('abc');
  });

  it('agrees with sorting everything, on random sizes', () => {
    const l = new Largest(50);
    const all: { key: string; size: number }[] = [];
    for (let i = 0; i < 5000; i++) {
      const key = `key-${String(i).padStart(5, '0')}`;
      const size = Math.floor(Math.random() * 300);
      all.push({ key, size });
      l.offer(Buffer.from(key), 'r', size);
    }
    const want = all.sort((a, b) => b.size - a.size || (a.key < b.key ? -1 : 1)).slice(0, 50);
    expect(l.sorted().map((e) => ({ key: e.key.toString(), size: e.size }))).toEqual(want);
  });
});
