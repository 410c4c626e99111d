/**
 * Jump to the end of 1,000,000 keys on a real etcd (issue 12): `kv:seek` through the app's own
 * handler returns exactly the last page, reading at most a few pages of keys (count-only probes
 * return no key), never a descending Range, never a value.
 */
import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, unwrap, type Harness } from '../support/harness';
import { fromUint8, toUint8 } from '../../src/shared/bytes';
import { putMany, type BulkEntry } from '../../src/main/core/etcd/bulk';
import { EtcdSession } from '../../src/main/core/etcd/session';
import { EtcdRpc } from '../../src/main/core/etcd/rpc';
import type { BufferPage } from '../../src/main/core/etcd/range-page';

const N = 1_000_000;
const PAGE = 500;
/** Kubernetes-like keys: /registry/<resource>/<namespace>/<name>, 25 resources × 40 namespaces. */
const keyAt = (i: number): string =>
  `/registry/r${String(i % 25).padStart(2, '0')}/ns-${String((i >> 5) % 40).padStart(2, '0')}/obj-${String(i).padStart(7, '0')}`;

let etcd: EtcdCluster;
let h: Harness;
let profileId: string;
let sorted: string[];
/** Every Range the connection sent while a seek ran, with how many keys came back. */
const seen: Array<{ countOnly: boolean; keys: number; values: boolean; sort: boolean }> = [];

beforeAll(async () => {
  etcd = await startCluster({ startTimeoutMs: 30_000 });
  const loader = new EtcdSession({ endpoints: etcd.endpoints, deadlineMs: 120_000 });
  try {
    const t0 = performance.now();
    for (let from = 0; from < N; from += 100_000) {
      const entries: BulkEntry[] = [];
      for (let i = from; i < from + 100_000; i++) entries.push({ key: Buffer.from(keyAt(i)), value: Buffer.from('v') });
      await putMany(loader, entries);
    }
    console.log(`[kv:seek 1M] loaded ${N} keys in ${Math.round(performance.now() - t0)} ms`);
  } finally {
    loader.close();
  }
  sorted = Array.from({ length: N }, (_, i) => keyAt(i)).sort();
  h = await createHarness();
  profileId = await h.connect({ name: 'million', endpoints: etcd.endpoints, deadlineMs: 30_000 });
  // Record what the app's connections send from here on (rangeRaw: the only Range seek sends).
  const proto = EtcdRpc.prototype as unknown as { rangeRaw: (this: EtcdRpc, req: Record<string, unknown>) => Promise<BufferPage> };
  const raw = proto.rangeRaw;
  proto.rangeRaw = async function (req) {
    const page = await raw.call(this, req);
    seen.push({
      countOnly: req.countOnly === true,
      keys: page.length,
      values: req.keysOnly !== true && req.countOnly !== true,
      sort: Object.keys(req).some((k) => /sort/i.test(k)),
    });
    return page;
  };
}, 600_000);

afterAll(async () => {
  await h?.close();
  await etcd?.close();
});

describe('kv:seek at 1,000,000 keys', () => {
  it('End reads the last page exactly, with at most a few pages of keys and no descending range', async () => {
    seen.length = 0;
    const t0 = performance.now();
    const page = unwrap(await h.handlers['kv:seek']({ profileId, prefix: fromUint8(Buffer.from('/registry/')), to: { end: true }, limit: PAGE }));
    const ms = performance.now() - t0;
    const keysRead = seen.reduce((n, r) => n + r.keys, 0);
    const pageReads = seen.filter((r) => !r.countOnly).length;
    console.log(
      `[kv:seek 1M] end: ${page.items.length} keys at index ${page.index} of ${page.total} in ${page.roundTrips} round trips ` +
        `(${pageReads} key reads, ${keysRead} keys from etcd = ${(keysRead / PAGE).toFixed(2)} pages), ${ms.toFixed(0)} ms`,
    );
    expect(page.total).toBe(N);
    expect(page.index).toBe(N - PAGE);
    expect(page.items.map((e) => Buffer.from(toUint8(e.key)).toString())).toEqual(sorted.slice(-PAGE));
    expect(page.more).toBe(false);
    expect(seen.length).toBe(page.roundTrips);
    expect(seen.some((r) => r.sort)).toBe(false);
    expect(seen.some((r) => r.values)).toBe(false);
    // "At most a few pages": the keys etcd returned, all reads together (probes read 1 key or none).
    expect(keysRead).toBeLessThanOrEqual(3 * PAGE);
  }, 120_000);
});
