/**
 * Copy, rename and move on real etcd: within one cluster and between two (two etcd processes),
 * compare-and-swap per key (an existing target is skipped unless overwrite), a move never
 * deletes a source changed after it was read or copied, batches of 64 (one cluster) or 128
 * (across), and a copy between clusters ends when either connection ends.
 */
import { putMany } from '../../src/main/core/etcd/bulk';
import { EtcdSession } from '../../src/main/core/etcd/session';
import { runCopy } from '../../src/main/core/bulk/copy';
import { fromUint8, text, toUint8, type Bytes } from '../../src/shared/bytes';
import type { BulkCopyReport } from '../../src/shared/job-reports';
import type { CopyRequest } from '../../src/shared/contract/bulk';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { jobEnd, jobProgress, testJobContext } from '../support/jobs';

let a: EtcdCluster;
let b: EtcdCluster;
let h: Harness;
let da: EtcdSession;
let db: EtcdSession;
let pa: string;
let pb: string;

beforeAll(async () => {
  [a, b] = await Promise.all([startCluster({ startTimeoutMs: 30_000 }), startCluster({ startTimeoutMs: 30_000 })]);
  da = new EtcdSession({ endpoints: a.endpoints, deadlineMs: 30_000 });
  db = new EtcdSession({ endpoints: b.endpoints, deadlineMs: 30_000 });
  h = await createHarness({ liveness: false });
  pa = await h.connect({ name: 'a', endpoints: a.endpoints, deadlineMs: 10_000 });
  pb = await h.connect({ name: 'b', endpoints: b.endpoints, deadlineMs: 10_000 });
}, 60_000);
afterAll(async () => {
  await h?.close();
  da?.close();
  db?.close();
  await Promise.all([a?.close(), b?.close()]);
});

const buf = (x: Bytes): Buffer => Buffer.from(toUint8(x));
const fill = (s: EtcdSession, prefix: string, n: number, value = (i: number) => Buffer.from([i & 0xff, 0xff, 0x00, i >> 8])) =>
  putMany(s, Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`${prefix}${String(i).padStart(5, '0')}`), value: value(i) })));
const all = async (s: EtcdSession, prefix: string) => {
  const end = Buffer.from(prefix);
  end[end.length - 1]++;
  return (await s.run('read', () => s.rpc.range({ key: Buffer.from(prefix), range_end: end }))).kvs;
};
const get = async (s: EtcdSession, key: string | Buffer) => (await s.run('read', () => s.rpc.range({ key: Buffer.from(key) }))).kvs[0];
const put = (s: EtcdSession, key: string | Buffer, value: string | Buffer, lease?: string) =>
  s.run('write', () => s.rpc.txn({ compare: [], success: [{ request_put: { key: Buffer.from(key), value: Buffer.from(value), ...(lease ? { lease } : {}) } }], failure: [] }));

async function copyJob(req: CopyRequest) {
  const job = unwrap(await h.handlers['bulk:copy'](req));
  const end = await jobEnd(h, job.jobId);
  return { end, r: end.report as BulkCopyReport };
}

describe('copy / rename / move', () => {
  it('copies a prefix within a cluster byte-exact; an existing target is skipped, then replaced with overwrite', async () => {
    await fill(da, 'src1/', 200);
    await put(da, 'dst1/00007', 'already here');
    const req = { profileId: pa, targetProfileId: pa, source: { kind: 'prefix', prefix: text('src1/') }, targetPrefix: text('dst1/'), mode: 'copy', overwrite: false } as const;
    const { end, r } = await copyJob(req);
    expect(end.state).toBe('done');
    expect(r.planned).toBe(200);
    expect(r.copied.count).toBe(199);
    expect(r.targetExists).toEqual({ count: 1, keys: [text('src1/00007')] });
    expect([r.moved.count, r.sourceChanged.count, r.failed.count, r.unknown.count, r.notAttempted.count]).toEqual([0, 0, 0, 0, 0]);
    console.log(`[copy] 200 keys in one cluster: ${r.transactions} transactions (64 keys each, one retried without the existing target)`);
    expect(r.transactions).toBe(Math.ceil(200 / 64) + 1);
    const src = await all(da, 'src1/');
    const dst = await all(da, 'dst1/');
    expect(dst.length).toBe(200);
    for (let i = 0; i < 200; i++) {
      expect(dst[i].key.toString()).toBe(`dst1/${String(i).padStart(5, '0')}`);
      if (i === 7) expect(dst[i].value.toString()).toBe('already here');
      else expect(dst[i].value.equals(src[i].value)).toBe(true);
    }
    const again = await copyJob({ ...req, overwrite: true });
    expect(again.r.copied.count).toBe(200);
    expect((await get(da, 'dst1/00007')).value.equals(src[7].value)).toBe(true);
  });

  it('renames a single key with a non-UTF-8 name, keeping its lease; refuses a target equal to the source', async () => {
    const lease = (await da.run('write', () => da.rpc.leaseGrant({ TTL: 600 }))).ID;
    const from = Buffer.from([0x6b, 0x2f, 0xff, 0x00]);
    await put(da, from, Buffer.from([0, 1, 2, 0xfe]), lease);
    const { r } = await copyJob({ profileId: pa, targetProfileId: pa, source: { kind: 'keys', keys: [fromUint8(from)] }, targetPrefix: text('k/renamed'), mode: 'move', overwrite: false });
    expect(r.moved).toEqual({ count: 1, keys: [fromUint8(from)] });
    expect(await get(da, from)).toBeUndefined();
    const moved = await get(da, 'k/renamed');
    expect(moved.value.equals(Buffer.from([0, 1, 2, 0xfe]))).toBe(true);
    expect(String(moved.lease)).toBe(lease);
    const e = errorOf(await h.handlers['bulk:copy']({ profileId: pa, targetProfileId: pa, source: { kind: 'keys', keys: [text('k/renamed')] }, targetPrefix: text('k/renamed'), mode: 'move', overwrite: false }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(errorOf(await h.handlers['bulk:copy']({ profileId: pa, targetProfileId: pa, source: { kind: 'prefix', prefix: text('k/') }, targetPrefix: text('k/sub/'), mode: 'move', overwrite: false })).code).toBe('INVALID_ARGUMENT');
  });

  it('moves within a cluster in transactions of 64; a source changed after it was read is not moved', async () => {
    await fill(da, 'mv1/', 300);
    const req: CopyRequest = { profileId: pa, targetProfileId: pa, source: { kind: 'prefix', prefix: text('mv1/') }, targetPrefix: text('mv1-moved/'), mode: 'move', overwrite: false };
    // Someone writes a source key after the copy read it, before the first transaction.
    let touched = false;
    const racing = new Proxy(da, {
      get(t, p) {
        if (p !== 'run') return Reflect.get(t, p);
        return async (kind: 'read' | 'write', fn: () => Promise<unknown>) => {
          if (kind === 'write' && !touched) {
            touched = true;
            await put(da, 'mv1/00003', 'changed meanwhile');
          }
          return t.run(kind, fn);
        };
      },
    });
    const ctx = testJobContext();
    await runCopy(racing, racing, req, ctx);
    const r = ctx.last as BulkCopyReport;
    expect(r.moved.count).toBe(299);
    expect(r.sourceChanged).toEqual({ count: 1, keys: [text('mv1/00003')] });
    console.log(`[move] 300 keys in one cluster: ${r.transactions} transactions`);
    expect(r.transactions).toBe(Math.ceil(300 / 64) + 1);
    const left = await all(da, 'mv1/');
    expect(left.map((kv) => kv.key.toString())).toEqual(['mv1/00003']);
    expect(left[0].value.toString()).toBe('changed meanwhile');
    expect((await all(da, 'mv1-moved/')).length).toBe(299);
  });

  it('moves across clusters: target conflicts skipped, a source changed after it was copied is kept, the rest copied then deleted', async () => {
    await fill(da, 'x/', 500);
    await put(db, 'y/00002', 'exists on b');
    const req: CopyRequest = { profileId: pa, targetProfileId: pb, source: { kind: 'prefix', prefix: text('x/') }, targetPrefix: text('y/'), mode: 'move', overwrite: false };
    // Right after the first batch reaches cluster b, someone changes one of its sources on a.
    let touched = false;
    const targetSpy = new Proxy(db, {
      get(t, p) {
        if (p !== 'run') return Reflect.get(t, p);
        return async (kind: 'read' | 'write', fn: () => Promise<unknown>) => {
          const res = await t.run(kind, fn);
          if (kind === 'write' && !touched) {
            touched = true;
            await put(da, 'x/00005', 'changed after the copy');
          }
          return res;
        };
      },
    });
    const ctx = testJobContext();
    const started = performance.now();
    await runCopy(da, targetSpy, req, ctx);
    const r = ctx.last as BulkCopyReport;
    console.log(`[move] 500 keys across clusters: ${r.transactions} transactions in ${Math.round(performance.now() - started)} ms`);
    expect(r.targetExists).toEqual({ count: 1, keys: [text('x/00002')] });
    expect(r.sourceKept).toEqual({ count: 1, keys: [text('x/00005')] });
    expect(r.moved.count).toBe(498);
    expect(r.copied.count).toBe(1);
    expect((await get(db, 'y/00002')).value.toString()).toBe('exists on b');
    const left = (await all(da, 'x/')).map((kv) => kv.key.toString());
    expect(left).toEqual(['x/00002', 'x/00005']);
    expect((await get(da, 'x/00005')).value.toString()).toBe('changed after the copy');
    expect((await all(db, 'y/')).length).toBe(500);
    expect((await get(db, 'y/00005')).value.equals(Buffer.from([5, 0xff, 0, 0]))).toBe(true);
  });

  it('copies a selection across clusters through the handlers, leases dropped and counted', async () => {
    const lease = (await da.run('write', () => da.rpc.leaseGrant({ TTL: 600 }))).ID;
    await put(da, 'sel/one', '1', lease);
    await put(da, 'sel/two', '2');
    const { end, r } = await copyJob({ profileId: pa, targetProfileId: pb, source: { kind: 'keys', keys: [text('sel/one'), text('sel/two'), text('sel/missing')] }, base: text('sel/'), targetPrefix: text('copied/'), mode: 'copy', overwrite: false });
    expect(end.state).toBe('done');
    expect(r.copied.keys.map(buf).map(String)).toEqual(['sel/one', 'sel/two']);
    expect(r.sourceChanged.count).toBe(1);
    expect(r.leasesDropped).toBe(1);
    expect(String((await get(db, 'copied/one')).lease)).toBe('0');
    expect((await get(da, 'sel/one')).value.toString()).toBe('1');
  });

  for (const which of ['target', 'source'] as const) {
    it(`a copy between clusters is cancelled when the ${which} connection ends`, async () => {
      const prefix = `big-${which}/`;
      await fill(da, prefix, 20_000);
      const job = unwrap(await h.handlers['bulk:copy']({ profileId: pa, targetProfileId: pb, source: { kind: 'prefix', prefix: text(prefix) }, targetPrefix: text(`copy-${which}/`), mode: 'copy', overwrite: false }));
      await jobProgress(h, job.jobId, 1);
      unwrap(await h.handlers['connection:disconnect']({ profileId: which === 'target' ? pb : pa }));
      const end = await jobEnd(h, job.jobId);
      const r = end.report as BulkCopyReport;
      console.log(`[copy] ${which} disconnected: ${r.copied.count} of 20000 copied, ${r.notAttempted.count} not attempted, ${r.unknown.count} unknown`);
      expect(end.state).toBe('cancelled');
      expect(end.error?.code).toBe('NOT_CONNECTED');
      expect(r.notAttempted.count).toBeGreaterThan(0);
      expect(r.copied.count + r.notAttempted.count + r.unknown.count + r.failed.count).toBe(20_000);
      const copied = (await all(db, `copy-${which}/`)).length;
      expect(copied).toBeGreaterThanOrEqual(r.copied.count);
      expect(copied).toBeLessThanOrEqual(r.copied.count + r.unknown.count);
      unwrap(await h.handlers['connection:connect']({ profileId: which === 'target' ? pb : pa }));
    }, 60_000);
  }
});
