/**
 * The window logic of scan.ts on an in-memory keyspace that answers Range like etcd does
 * (`count` = keys in [key, range_end) whatever the limit, `more` when the limit cut it): every
 * key exactly once and in order, whatever the key shapes, page sizes and concurrency, and bounded
 * work per request. The same code runs against a real etcd in tests/integration/bulk.test.ts.
 */
import { randomBytes } from 'node:crypto';
import type { RangePage, RangeReq } from '../../../src/main/core/etcd/range-page';
import { MemRangePage } from '../../support/mem-range-page';
import { collectWindowed, hintFromPage, scanRanges } from '../../../src/main/core/etcd/scan';

/** A sorted keyspace; `read` answers one Range and records how many keys etcd would walk. */
function keyspace(keys: Buffer[]) {
  const sorted = [...new Map(keys.map((k) => [k.toString('hex'), k])).values()].sort(Buffer.compare);
  const lower = (k: Buffer): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (Buffer.compare(sorted[mid], k) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const stats = { requests: 0, walked: 0, maxWalked: 0 };
  const read = async (req: RangeReq): Promise<RangePage> => {
    await Promise.resolve();
    stats.requests++;
    const from = lower(req.key);
    const to = req.end === undefined ? (sorted[from]?.equals(req.key) ? from + 1 : from) : req.end === null ? sorted.length : lower(req.end);
    const count = Math.max(0, to - from);
    stats.walked += count;
    stats.maxWalked = Math.max(stats.maxWalked, count);
    const limit = req.limit && req.limit > 0 ? req.limit : count;
    return new MemRangePage(sorted.slice(from, from + Math.min(limit, count)).map((key) => ({ key, size: 0 })), count, count > limit, 7);
  };
  return { sorted, read, stats };
}

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

function shapes(): Array<[string, Buffer[]]> {
  const padded = Array.from({ length: 5000 }, (_, i) => b(`p/${String(i).padStart(6, '0')}`));
  const k8s: Buffer[] = [];
  const kinds = ['pods', 'services', 'configmaps', 'secrets', 'events'];
  for (let i = 0; i < 6000; i++) k8s.push(b(`/registry/${kinds[i % 5]}/ns-${(i * 7919) % 37}/app-${i.toString(36)}`));
  const clusters: Buffer[] = [];
  for (let i = 0; i < 2000; i++) clusters.push(b(`c/a/${String(i).padStart(5, '0')}`));
  for (let i = 0; i < 10; i++) clusters.push(b(`c/m/${i}`)); // a sparse middle
  for (let i = 0; i < 2000; i++) clusters.push(b(`c/z/${String(i).padStart(5, '0')}`));
  const binary: Buffer[] = Array.from({ length: 3000 }, () => Buffer.concat([b('bin/'), randomBytes(1 + (randomBytes(1)[0] % 12))]));
  binary.push(Buffer.concat([b('bin/'), Buffer.alloc(20, 0xff)]), b('bin/'), Buffer.concat([b('bin/'), Buffer.from([0])]));
  return [
    ['padded decimal', padded],
    ['k8s-like', k8s],
    ['dense clusters with a sparse gap', clusters],
    ['random binary, 0x00 and 0xff edges', binary],
  ];
}

describe('scanRanges on an in-memory keyspace', () => {
  for (const [name, keys] of shapes()) {
    for (const opts of [
      { pageKeys: 97, concurrency: 1 },
      { pageKeys: 500, concurrency: 4 },
      { pageKeys: 1, concurrency: 2 },
      { pageKeys: 300, concurrency: 3, maxWindowBytes: 1 },
    ]) {
      it(`${name}, ${JSON.stringify(opts)}: every key once, in order`, async () => {
        const ks = keyspace(keys);
        const seen: string[] = [];
        const st = await scanRanges(ks.read, { keysOnly: true, ...opts }, (p) => {
          for (let i = 0; i < p.length; i++) seen.push(p.key(i).toString('hex'));
        });
        expect(seen).toEqual(ks.sorted.map((k) => k.toString('hex')));
        expect(st.keys).toBe(ks.sorted.length);
        expect(st.total).toBe(ks.sorted.length);
        expect(st.revision).toBe(7);
        // Bounded windows: no request (after the first) walks the whole rest of the keyspace again and again.
        if (opts.pageKeys >= 97) expect(ks.stats.walked).toBeLessThan(ks.sorted.length * 8);
      });
    }
  }

  it('a slow consumer bounds what is buffered', async () => {
    const ks = keyspace(shapes()[0][1]);
    let waiting = 0;
    let maxInFlight = 0;
    const read = async (req: RangeReq): Promise<RangePage> => {
      waiting++;
      maxInFlight = Math.max(maxInFlight, waiting);
      try {
        return await ks.read(req);
      } finally {
        waiting--;
      }
    };
    await scanRanges(read, { keysOnly: true, pageKeys: 100, concurrency: 3, maxBuffered: 2 }, async () => {
      await new Promise((r) => setTimeout(r, 1));
    });
    expect(maxInFlight).toBeLessThanOrEqual(3);
  });

  it('a failing window stops the scan with its error', async () => {
    const ks = keyspace(shapes()[0][1]);
    let n = 0;
    const boom = new Error('window failed');
    const read = (req: RangeReq): Promise<RangePage> => (++n === 4 ? Promise.reject(boom) : ks.read(req));
    await expect(scanRanges(read, { keysOnly: true, pageKeys: 200, concurrency: 2 }, () => undefined)).rejects.toBe(boom);
  });
});

describe('collectWindowed (pages after the first)', () => {
  for (const [name, keys] of shapes()) {
    it(`${name}: page by page equals the keyspace, each page from bounded windows`, async () => {
      const ks = keyspace(keys);
      const first = await ks.read({ key: Buffer.from([0]), end: null, limit: 250 });
      const seen = Array.from({ length: first.length }, (_, i) => first.key(i));
      let hint = hintFromPage(Buffer.alloc(0), seen);
      let remaining = first.count - first.length;
      while (remaining > 0) {
        const before = ks.stats.walked;
        const w = await collectWindowed(ks.read, {
          from: Buffer.concat([seen.at(-1)!, Buffer.from([0])]),
          end: null,
          want: 251,
          revision: 7,
          keysOnly: true,
          hint: hint!,
          remaining,
        });
        const page = w.pages.flatMap((p) => Array.from({ length: p.length }, (_, i) => p.key(i))).slice(0, 250);
        expect(page.length).toBe(Math.min(250, remaining));
        seen.push(...page);
        remaining -= page.length;
        hint = w.hint ?? hintFromPage(Buffer.alloc(0), page);
        // A page walks a bounded stretch, not the rest of the keyspace (the whole point).
        if (remaining > 5000) expect(ks.stats.walked - before).toBeLessThan(remaining);
      }
      expect(seen.map((k) => k.toString('hex'))).toEqual(ks.sorted.map((k) => k.toString('hex')));
    });
  }
});
