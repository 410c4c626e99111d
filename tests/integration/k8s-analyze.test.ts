/**
 * `k8s:analyze` on a real etcd, through the handler table: the reference fixtures (byte-exact)
 * plus generated objects (3 namespaces x 300 pods of known sizes, 1 MB configmaps, an encrypted
 * secret, nodes, a custom resource, compact_rev_key and masterleases) checked exactly against a
 * count made here from the written data with the resources named by hand: per resource and per
 * namespace, the largest list, the encrypted count, the one revision (writes during the job are
 * not counted), progress, and a cancel mid-way (partial report, no read after the job ended).
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { putMany, type BulkEntry } from '../../src/main/core/etcd/bulk';
import { EtcdSession } from '../../src/main/core/etcd/session';
import { text, toUint8 } from '../../src/shared/bytes';
import { K8S_ANALYZE_LARGEST, type K8sAnalyzeReport } from '../../src/shared/k8s';
import type { JobInfo } from '../../src/shared/types';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, unwrap, type Harness } from '../support/harness';
import { jobEnd, testJobContext } from '../support/jobs';
import { runAnalyze } from '../../src/main/core/k8s/analyze-job';
import type { RangeReq } from '../../src/main/core/etcd/range-page';

interface Written {
  readonly key: string;
  readonly value: Buffer;
  /** What the test says the key is: its resource (by hand, not by the code under test) and namespace (undefined: no object). */
  readonly resource: string;
  readonly namespace?: string;
}

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/k8s/fixtures.json', import.meta.url), 'utf8')) as { key: string; valueBase64: string }[];
const FIXTURE_RESOURCES: Record<string, [string, string]> = {
  '/registry/pods/default/web-0': ['pods', 'default'],
  '/registry/configmaps/default/web-config': ['configmaps', 'default'],
  '/registry/secrets/default/db-credentials': ['secrets', 'default'],
  '/registry/services/specs/default/web': ['services', 'default'],
  '/registry/deployments/shop/api': ['deployments.apps', 'shop'],
  '/registry/namespaces/shop': ['namespaces', ''],
  '/registry/secrets/shop/stripe-api-key': ['secrets', 'shop'],
};

/** A value of exactly `size` bytes that looks like a stored object (k8s\0 + filler). */
const objectValue = (size: number, seed: number): Buffer => {
  const v = Buffer.alloc(size, 0x61 + (seed % 26));
  v.write('k8s\0', 0, 'latin1');
  return v;
};

const NAMESPACES = ['ns-a', 'ns-b', 'ns-c'];
const PODS_PER_NS = 300;
const podSize = (n: number, i: number): number => 400 + ((n * 7919 + i * 131) % 6000);
const BIG_CONFIGMAPS = 5;
const bigSize = (k: number): number => 1_000_000 + k * 1000;

function dataset(): Written[] {
  const out: Written[] = fixtures.map((f) => {
    const [resource, namespace] = FIXTURE_RESOURCES[f.key];
    return { key: f.key, value: Buffer.from(f.valueBase64, 'base64'), resource, namespace };
  });
  NAMESPACES.forEach((ns, n) => {
    for (let i = 0; i < PODS_PER_NS; i++) out.push({ key: `/registry/pods/${ns}/pod-${String(i).padStart(4, '0')}`, value: objectValue(podSize(n, i), i), resource: 'pods', namespace: ns });
  });
  // Two equal sizes: the first key in key order comes first in the largest list.
  for (let k = 0; k < BIG_CONFIGMAPS; k++) out.push({ key: `/registry/configmaps/ns-b/big-${k}`, value: objectValue(bigSize(k === 4 ? 3 : k), k), resource: 'configmaps', namespace: 'ns-b' });
  out.push({ key: '/registry/secrets/ns-c/sealed', value: Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key1:'), Buffer.alloc(300, 7)]), resource: 'secrets', namespace: 'ns-c' });
  out.push({ key: '/registry/secrets/ns-a/kms-sealed', value: Buffer.concat([Buffer.from('k8s:enc:kms:v2:kms-key:'), Buffer.alloc(120, 5)]), resource: 'secrets', namespace: 'ns-a' });
  // Not encrypted: the prefix inside a value, not at its start.
  out.push({ key: '/registry/configmaps/ns-a/mentions-enc', value: Buffer.from('k8s\0 k8s:enc:aescbc:v1:key1: is only text here'), resource: 'configmaps', namespace: 'ns-a' });
  for (let i = 0; i < 3; i++) out.push({ key: `/registry/minions/node-${i}`, value: objectValue(3000 + i, i), resource: 'nodes', namespace: '' });
  out.push({ key: '/registry/example.com/widgets/ns-a/w1', value: Buffer.from('{"apiVersion":"example.com/v1","kind":"Widget"}'), resource: 'widgets.example.com', namespace: 'ns-a' });
  out.push({ key: '/registry/compact_rev_key', value: Buffer.from('12345'), resource: '(other)' });
  out.push({ key: '/registry/masterleases/10.0.0.1', value: Buffer.from('k8s\0lease'), resource: '(other)' });
  return out;
}

/** What the report must say, counted here from the written data. */
function expectedReport(data: readonly Written[]) {
  const byResource = new Map<string, { count: number; bytes: number }>();
  const byNamespace = new Map<string, { resource: string; namespace: string; count: number; bytes: number }>();
  for (const w of data) {
    const r = byResource.get(w.resource) ?? { count: 0, bytes: 0 };
    byResource.set(w.resource, { count: r.count + 1, bytes: r.bytes + w.value.length });
    if (w.namespace === undefined) continue;
    const id = `${w.resource}|${w.namespace}`;
    const n = byNamespace.get(id) ?? { resource: w.resource, namespace: w.namespace, count: 0, bytes: 0 };
    byNamespace.set(id, { ...n, count: n.count + 1, bytes: n.bytes + w.value.length });
  }
  const largest = [...data]
    .sort((a, b) => b.value.length - a.value.length || (Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)) as number))
    .slice(0, K8S_ANALYZE_LARGEST)
    .map((w) => ({ key: w.key, resource: w.resource, size: w.value.length }));
  return {
    scanned: data.length,
    bytes: data.reduce((n, w) => n + w.value.length, 0),
    byResource: [...byResource].map(([resource, t]) => ({ resource, ...t })),
    byNamespace: [...byNamespace.values()],
    largest,
    encrypted: data.filter((w) => w.value.subarray(0, 8).toString('latin1') === 'k8s:enc:').length,
  };
}

const byName = <T extends { resource: string; namespace?: string }>(rows: readonly T[]): T[] =>
  [...rows].sort((a, b) => `${a.resource}|${a.namespace ?? ''}`.localeCompare(`${b.resource}|${b.namespace ?? ''}`));

/** Range requests etcd has started so far (its /metrics). */
async function rangesStarted(etcd: EtcdCluster): Promise<number> {
  const body = await (await fetch(`${etcd.endpoints[0]}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const line = body.split('\n').find((l) => l.startsWith('grpc_server_started_total{') && l.includes('grpc_method="Range"') && l.includes('etcdserverpb.KV'));
  if (!line) throw new Error('etcd /metrics has no Range counter: the reads cannot be counted');
  return Number(line.split(' ').at(-1));
}

const CANCEL_KEYS = 30_000;
const CANCEL_VALUE = 2000;

let etcd: EtcdCluster;
let h: Harness;
let profileId: string;
/** The store's revision after the data was written. */
let storeRevision = 0;
const data = dataset();

beforeAll(async () => {
  etcd = await startCluster({ startTimeoutMs: 30_000 });
  const s = new EtcdSession({ endpoints: etcd.endpoints, deadlineMs: 60_000 });
  try {
    await putMany(
      s,
      data.map((w) => ({ key: Buffer.from(w.key), value: w.value })),
    );
    // A bigger keyspace under another root, for cancelling mid-way.
    for (let from = 0; from < CANCEL_KEYS; from += 10_000) {
      const entries: BulkEntry[] = [];
      for (let i = from; i < from + 10_000; i++) entries.push({ key: Buffer.from(`/big/registry/pods/ns-${i % 10}/p-${String(i).padStart(6, '0')}`), value: objectValue(CANCEL_VALUE, i) });
      await putMany(s, entries);
    }
    // Keys just outside the root: never counted.
    storeRevision = (await putMany(s, [
      { key: Buffer.from('/registry'), value: Buffer.from('x') },
      { key: Buffer.from('/registryz/pods/a/b'), value: Buffer.from('x') },
    ])).revision;
  } finally {
    s.close();
  }
  h = await createHarness({ liveness: false });
  profileId = await h.connect({ name: 'k8s-analyze', endpoints: etcd.endpoints, deadlineMs: 20_000 });
}, 180_000);

afterAll(async () => {
  await h?.close();
  await etcd?.close();
});

/** Starts an analysis; `onProgress` may act on each running event. Resolves with the final event and the running ones. */
async function analyze(root: string | undefined, onProgress?: (info: JobInfo) => void): Promise<{ job: JobInfo; progress: JobInfo[]; report: K8sAnalyzeReport; ms: number }> {
  const progress: JobInfo[] = [];
  let jobId: string | undefined = undefined;
  const early: JobInfo[] = [];
  const take = (j: JobInfo): void => {
    // The job's first event (started, no progress yet) is not a progress event.
    if (j.jobId !== jobId || j.state !== 'running' || j.progress === undefined) return;
    progress.push(j);
    onProgress?.(j);
  };
  const off = h.onEvent((event, payload) => {
    if (event !== 'event:job') return;
    if (jobId === undefined) early.push(payload as JobInfo);
    else take(payload as JobInfo);
  });
  const started = performance.now();
  const info = unwrap(await h.handlers['k8s:analyze']({ profileId, ...(root !== undefined ? { root: text(root) } : {}) }));
  expect(info.kind).toBe('k8s-analyze');
  jobId = info.jobId;
  early.splice(0).forEach(take);
  const job = await jobEnd(h, info.jobId);
  const ms = performance.now() - started;
  off();
  const report = job.report as K8sAnalyzeReport;
  expect(report.kind).toBe('k8s-analyze');
  return { job, progress, report, ms };
}

const keyText = (r: K8sAnalyzeReport['largest'][number]): string => Buffer.from(toUint8(r.key)).toString('utf8');

describe('k8s:analyze', () => {
  it('counts objects and bytes per resource and namespace, the largest values, the encrypted ones, at one revision', async () => {
    const want = expectedReport(data);
    const r = await analyze(undefined);
    expect(r.job.state).toBe('done');
    expect(r.job.error).toBeUndefined();

    // Exact totals; the hand-made resources and namespaces.
    expect(r.report.scanned).toBe(want.scanned);
    expect(r.report.scanned).toBe(fixtures.length + 3 * PODS_PER_NS + BIG_CONFIGMAPS + 3 + 3 + 1 + 2);
    expect(r.report.bytes).toBe(want.bytes);
    expect(byName(r.report.byResource)).toEqual(byName(want.byResource));
    expect(byName(r.report.byNamespace)).toEqual(byName(want.byNamespace));
    expect(r.report.byResource.find((x) => x.resource === 'pods')?.count).toBe(3 * PODS_PER_NS + 1);
    expect(r.report.byResource.find((x) => x.resource === '(other)')?.count).toBe(2);
    expect(r.report.byNamespace.find((x) => x.resource === 'nodes')).toEqual({ resource: 'nodes', namespace: '', count: 3, bytes: 3000 + 3001 + 3002 });
    // Orders: resources by bytes, namespaces by objects.
    expect(r.report.byResource.map((x) => x.bytes)).toEqual([...r.report.byResource.map((x) => x.bytes)].sort((a, b) => b - a));
    expect(r.report.byResource[0].resource).toBe('configmaps');
    expect(r.report.byNamespace.map((x) => x.count)).toEqual([...r.report.byNamespace.map((x) => x.count)].sort((a, b) => b - a));

    // The largest: order, keys, sizes; ties in key order.
    expect(r.report.largest).toHaveLength(K8S_ANALYZE_LARGEST);
    expect(r.report.largest.map((x) => ({ key: keyText(x), resource: x.resource, size: x.size }))).toEqual(want.largest);
    expect(r.report.largest.slice(0, 5).map(keyText)).toEqual([
      '/registry/configmaps/ns-b/big-3',
      '/registry/configmaps/ns-b/big-4',
      '/registry/configmaps/ns-b/big-2',
      '/registry/configmaps/ns-b/big-1',
      '/registry/configmaps/ns-b/big-0',
    ]);

    // The fixtures' aescbc Secret, ours, and a kms one.
    expect(r.report.encrypted).toBe(3);
    expect(want.encrypted).toBe(3);
    // Nothing was written since the data: the revision read at is the store's.
    expect(r.report.revision).toBe(storeRevision);

    // Progress: counting first (no total), then keys read against the counted total, ending at it.
    expect(r.progress[0].progress).toMatchObject({ done: 0, phase: 'counting keys' });
    expect(r.progress[0].progress?.total).toBeUndefined();
    const reading = r.progress.filter((p) => p.progress?.total !== undefined);
    expect(reading.length).toBeGreaterThanOrEqual(2);
    expect(reading.every((p) => p.progress?.total === want.scanned && p.progress.phase === 'reading values')).toBe(true);
    const dones = reading.map((p) => p.progress!.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(dones.at(-1)).toBe(want.scanned);
    // The report goes out with the final event only (it can be big), not with each progress event.
    expect(r.progress.every((p) => p.report === undefined)).toBe(true);

    const mb = r.report.bytes / 1024 / 1024;
    console.log(
      `[k8s-analyze] ${r.report.scanned.toLocaleString('en-US')} keys, ${mb.toFixed(1)} MB of values in ${Math.round(r.ms)} ms: ${Math.round(r.report.scanned / (r.ms / 1000)).toLocaleString('en-US')} keys/s, ${(mb / (r.ms / 1000)).toFixed(1)} MB/s`,
    );
  });

  it('reads at one revision: keys written and deleted during the job do not change the report', async () => {
    const late = '/big/registry/pods/ns-9/zzz-late';
    const lastKey = `/big/registry/pods/ns-9/p-${String(CANCEL_KEYS - 1).padStart(6, '0')}`;
    let wrote: Promise<number> | undefined;
    let wroteBeforeEnd = false;
    const r = await analyze('/big/registry/', (info) => {
      if (wrote || (info.progress?.done ?? 0) === 0) return;
      // Mid-scan, ahead of what it has read (ns-9 sorts last): a new pod, a 1 MB one, and the last pod deleted.
      wrote = (async () => {
        const a = unwrap(await h.handlers['kv:put']({ profileId, key: text(late), value: text('k8s\0late') }));
        unwrap(await h.handlers['kv:put']({ profileId, key: text(`${late}-big`), value: { encoding: 'base64', data: objectValue(1_200_000, 1).toString('base64') } }));
        unwrap(await h.handlers['kv:delete']({ profileId, key: text(lastKey) }));
        wroteBeforeEnd = true;
        return a.revision;
      })();
    });
    expect(wrote).toBeDefined();
    // The writes landed while the job was still reading (else this test would prove nothing).
    expect(wroteBeforeEnd).toBe(true);
    const firstWrite = await wrote!;
    expect(r.job.state).toBe('done');
    expect(r.report.revision).toBeLessThan(firstWrite);
    expect(r.report.scanned).toBe(CANCEL_KEYS);
    expect(r.report.bytes).toBe(CANCEL_KEYS * CANCEL_VALUE);
    expect(r.report.largest.every((x) => x.size === CANCEL_VALUE)).toBe(true);

    // A new analysis sees them.
    const after = await analyze('/big/registry/');
    expect(after.report.revision).toBeGreaterThan(r.report.revision);
    expect(after.report.scanned).toBe(CANCEL_KEYS + 1);
    expect(after.report.largest[0]).toMatchObject({ resource: 'pods', size: 1_200_000 });
    expect(keyText(after.report.largest[0])).toBe(`${late}-big`);
    // Put back as it was for the other tests.
    unwrap(await h.handlers['kv:delete']({ profileId, key: text(late) }));
    unwrap(await h.handlers['kv:delete']({ profileId, key: text(`${late}-big`) }));
    unwrap(await h.handlers['kv:put']({ profileId, key: text(lastKey), value: { encoding: 'base64', data: objectValue(CANCEL_VALUE, CANCEL_KEYS - 1).toString('base64') } }));
  });

  it('one revision from the count on: a key written right after the count is not read', async () => {
    // The session's count-only Range is followed, before the job reads on, by a write of a new pod.
    const session = new EtcdSession({ endpoints: etcd.endpoints, deadlineMs: 20_000 });
    const writer = new EtcdSession({ endpoints: etcd.endpoints, deadlineMs: 20_000 });
    const gapKey = '/registry/pods/ns-a/aaa-written-after-the-count';
    try {
      const rpc = session.rpc as { rangeRaw: (req: RangeReq) => ReturnType<typeof session.rpc.rangeRaw> };
      const rangeRaw = rpc.rangeRaw.bind(rpc);
      let counted = 0;
      let wroteAt = 0;
      rpc.rangeRaw = async (req) => {
        const page = await rangeRaw(req);
        if (req.countOnly && wroteAt === 0) {
          counted = page.count;
          wroteAt = (await putMany(writer, [{ key: Buffer.from(gapKey), value: Buffer.from('k8s\0gap') }])).revision;
        }
        return page;
      };
      const ctx = testJobContext();
      await runAnalyze(session, Buffer.from('/registry/'), ctx);
      const report = ctx.last as K8sAnalyzeReport;
      expect(wroteAt).toBeGreaterThan(0);
      expect(counted).toBe(data.length);
      expect(report.scanned).toBe(data.length);
      expect(report.revision).toBeLessThan(wroteAt);
      expect(report.byResource.find((x) => x.resource === 'pods')?.count).toBe(3 * PODS_PER_NS + 1);
    } finally {
      await h.handlers['kv:delete']({ profileId, key: text(gapKey) });
      session.close();
      writer.close();
    }
  });

  it('another root: objects are found under it, keys outside it are not counted', async () => {
    const r = await analyze('/big/registry/');
    expect(r.job.state).toBe('done');
    expect(r.report.scanned).toBe(CANCEL_KEYS);
    expect(r.report.bytes).toBe(CANCEL_KEYS * CANCEL_VALUE);
    expect(r.report.byResource).toEqual([{ resource: 'pods', count: CANCEL_KEYS, bytes: CANCEL_KEYS * CANCEL_VALUE }]);
    expect(r.report.byNamespace).toHaveLength(10);
    expect(r.report.byNamespace.every((n) => n.count === CANCEL_KEYS / 10)).toBe(true);
    const mb = r.report.bytes / 1024 / 1024;
    console.log(
      `[k8s-analyze] ${CANCEL_KEYS.toLocaleString('en-US')} keys x ${CANCEL_VALUE} B in ${Math.round(r.ms)} ms: ${Math.round(CANCEL_KEYS / (r.ms / 1000)).toLocaleString('en-US')} keys/s, ${(mb / (r.ms / 1000)).toFixed(1)} MB/s`,
    );
  });

  it('memory stays bounded: aggregates and the largest keys, never the values', async () => {
    // What the job holds, not garbage waiting for a collection: collect at every progress event.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage();
    let peakBuffers = before.arrayBuffers;
    let peakHeap = before.heapUsed;
    const r = await analyze('/big/registry/', () => {
      gc();
      const m = process.memoryUsage();
      peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    });
    expect(r.report.scanned).toBe(CANCEL_KEYS);
    const data = CANCEL_KEYS * CANCEL_VALUE;
    const mb = (x: number) => `${(x / 1024 / 1024).toFixed(1)} MB`;
    console.log(`[k8s-analyze] memory while reading ${mb(data)} of values: buffers +${mb(peakBuffers - before.arrayBuffers)}, heap +${mb(peakHeap - before.heapUsed)} (after a collection at each of ${r.progress.length} progress events)`);
    // A few windows of ~4 MiB at most, far below the data.
    expect(peakBuffers - before.arrayBuffers).toBeLessThan(data / 3);
  });

  it('cancel mid-way: the job ends as cancelled with a partial report, and reads nothing after it ended', async () => {
    let cancelled = false;
    const r = await analyze('/big/registry/', (info) => {
      if (cancelled || (info.progress?.done ?? 0) === 0) return;
      cancelled = true;
      void h.handlers['jobs:cancel']({ profileId, jobId: info.jobId });
    });
    const atEnd = await rangesStarted(etcd);
    expect(cancelled).toBe(true);
    expect(r.job.state).toBe('cancelled');
    expect(r.report.scanned).toBeGreaterThan(0);
    expect(r.report.scanned).toBeLessThan(CANCEL_KEYS);
    expect(r.report.revision).toBeGreaterThan(0);
    // The partial report is consistent with what was read.
    expect(r.report.bytes).toBe(r.report.scanned * CANCEL_VALUE);
    expect(r.report.byResource).toEqual([{ resource: 'pods', count: r.report.scanned, bytes: r.report.bytes }]);
    expect(r.report.largest).toHaveLength(K8S_ANALYZE_LARGEST);
    expect(unwrap(await h.handlers['jobs:list']({ profileId }))).toEqual([]);
    // One read of ours, and nothing else reached etcd after the job's final event.
    unwrap(await h.handlers['kv:get']({ profileId, key: text('/registry/compact_rev_key') }));
    expect((await rangesStarted(etcd)) - atEnd).toBe(1);
    console.log(`[k8s-analyze] cancelled after ${r.report.scanned.toLocaleString('en-US')} of ${CANCEL_KEYS.toLocaleString('en-US')} keys`);
  });

  it('the job ends with its connection', async () => {
    let disconnected = false;
    const r = await analyze('/big/registry/', (info) => {
      if (disconnected || (info.progress?.done ?? 0) === 0) return;
      disconnected = true;
      void h.handlers['connection:disconnect']({ profileId });
    });
    expect(r.job.state).toBe('cancelled');
    expect(r.job.error?.code).toBe('NOT_CONNECTED');
    expect(r.report.scanned).toBeLessThan(CANCEL_KEYS);
    unwrap(await h.handlers['connection:connect']({ profileId }));
  });

  it('an empty root, or one without its trailing "/", is refused before any job starts', async () => {
    for (const root of ['', '/registry']) {
      const res = await h.handlers['k8s:analyze']({ profileId, root: text(root) });
      expect(res.ok).toBe(false);
      if (!res.ok) expect(res.error.code).toBe('INVALID_ARGUMENT');
    }
    expect(unwrap(await h.handlers['jobs:list']({ profileId }))).toEqual([]);
  });
});
