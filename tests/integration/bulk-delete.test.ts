/**
 * Bulk delete and its undo on a real etcd, through the handler table: the exact count first, no
 * delete without the typed confirmation, transactions compared by the counted mod revisions
 * (keys written, changed or deleted after the count are reported, never wrongly deleted), undo
 * byte-exact with leases, cancel, and the undo cap.
 */
import { randomBytes } from 'node:crypto';
import { putMany } from '../../src/main/core/etcd/bulk';
import { EtcdSession } from '../../src/main/core/etcd/session';
import { BulkState } from '../../src/main/core/bulk/bulk-state';
import { planDelete } from '../../src/main/core/bulk/delete-plan';
import { runDelete } from '../../src/main/core/bulk/bulk-delete';
import { fromUint8, text, toUint8, type Bytes } from '../../src/shared/bytes';
import type { BulkDeleteReport, BulkUndoReport } from '../../src/shared/job-reports';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { jobEnd, jobProgress, testJobContext } from '../support/jobs';

let etcd: EtcdCluster;
let h: Harness;
let direct: EtcdSession;
let profileId: string;

beforeAll(async () => {
  etcd = await startCluster({ startTimeoutMs: 30_000 });
  direct = new EtcdSession({ endpoints: etcd.endpoints, deadlineMs: 30_000 });
  h = await createHarness({ liveness: false });
  profileId = await h.connect({ name: 'bulk', endpoints: etcd.endpoints, deadlineMs: 10_000 });
}, 60_000);
afterAll(async () => {
  await h?.close();
  direct?.close();
  await etcd?.close();
});

const buf = (b: Bytes): Buffer => Buffer.from(toUint8(b));
const str = (b: Bytes): string => buf(b).toString('latin1');
const fill = (prefix: string, n: number, value = (i: number) => Buffer.from(`value-${i}`)) =>
  putMany(direct, Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`${prefix}${String(i).padStart(5, '0')}`), value: value(i) })));
const count = async (prefix: string): Promise<number> =>
  Number((await direct.run('read', () => direct.rpc.range({ key: Buffer.from(prefix), range_end: Buffer.from(prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)), count_only: true }))).count);
const get = async (key: Buffer) => (await direct.run('read', () => direct.rpc.range({ key }))).kvs[0];
const put = (key: string | Buffer, value: string | Buffer, lease?: string) =>
  direct.run('write', () => direct.rpc.txn({ compare: [], success: [{ request_put: { key: Buffer.from(key), value: Buffer.from(value), ...(lease ? { lease } : {}) } }], failure: [] }));
const del = (key: string) => direct.run('write', () => direct.rpc.txn({ compare: [], success: [{ request_delete_range: { key: Buffer.from(key) } }], failure: [] }));

async function deleteJob(planId: string, typed: string) {
  const job = unwrap(await h.handlers['bulk:delete']({ profileId, planId, typed }));
  const end = await jobEnd(h, job.jobId);
  return { end, report: end.report as BulkDeleteReport };
}

describe('bulk delete', () => {
  it('counts exactly, refuses a bare call, and deletes a 10,000-key prefix in transactions', async () => {
    await fill('d10k/', 10_000);
    await put('d10k', 'outside: same letters, no slash');
    const plan = unwrap(await h.handlers['bulk:planDelete']({ profileId, source: { kind: 'prefix', prefix: text('d10k/') } }));
    expect(plan.count).toBe(10_000);
    expect(plan.confirmWith).toEqual(['d10k/', '10000']);
    expect(plan.undoAvailable).toBe(true);
    expect(plan.sample.map(str).slice(0, 2)).toEqual(['d10k/00000', 'd10k/00001']);

    for (const typed of ['', 'yes', 'd10k', '9999']) {
      const e = errorOf(await h.handlers['bulk:delete']({ profileId, planId: plan.planId, typed }));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain('type the prefix “d10k/” or the number 10000');
    }
    expect(errorOf(await h.handlers['bulk:delete']({ profileId, planId: 'no-such-plan', typed: '10000' })).code).toBe('NOT_FOUND');
    expect(await count('d10k/')).toBe(10_000);

    const started = performance.now();
    const { end, report } = await deleteJob(plan.planId, '10000');
    const ms = performance.now() - started;
    expect(end.state).toBe('done');
    expect(report.deleted.count).toBe(10_000);
    expect(report.deleted.keys.length).toBe(100);
    expect([report.changed, report.gone, report.failed, report.unknown, report.notAttempted].map((l) => l.count)).toEqual([0, 0, 0, 0, 0]);
    expect(report.writtenAfterCount?.count).toBe(0);
    expect(report.transactions).toBe(Math.ceil(10_000 / 128));
    expect(report.undoId).toBeTruthy();
    console.log(`[bulk-delete] 10000 keys deleted in ${report.transactions} transactions in ${Math.round(ms)} ms (${Math.round(10_000 / (ms / 1000))} keys/s)`);
    expect(await count('d10k/')).toBe(0);
    expect((await get(Buffer.from('d10k')))?.value.toString()).toBe('outside: same letters, no slash');
    // A plan deletes once.
    expect(errorOf(await h.handlers['bulk:delete']({ profileId, planId: plan.planId, typed: '10000' })).code).toBe('NOT_FOUND');
  }, 120_000);

  it('deletes only what was counted: a key written, changed or deleted by someone else after the count is reported', async () => {
    await fill('race/', 300);
    const plan = unwrap(await h.handlers['bulk:planDelete']({ profileId, source: { kind: 'prefix', prefix: text('race/') } }));
    expect(plan.count).toBe(300);
    await put('race/00005', 'changed after the count');
    await del('race/00010');
    await put('race/new', 'written after the count');
    const { end, report } = await deleteJob(plan.planId, 'race/');
    expect(end.state).toBe('done');
    expect(report.deleted.count).toBe(298);
    expect(report.changed).toEqual({ count: 1, keys: [text('race/00005')] });
    expect(report.gone).toEqual({ count: 1, keys: [text('race/00010')] });
    expect(report.writtenAfterCount).toEqual({ count: 1, keys: [text('race/new')] });
    expect((await get(Buffer.from('race/00005')))?.value.toString()).toBe('changed after the count');
    expect((await get(Buffer.from('race/new')))?.value.toString()).toBe('written after the count');
    expect(await count('race/')).toBe(2);
    // One transaction was refused (its compares failed) and sent again without the two keys.
    console.log(`[bulk-delete] 300 keys, 3 concurrent changes: ${report.transactions} transactions`);
    expect(report.transactions).toBe(4);
  });

  it('undo restores the deleted keys byte-exact (non-UTF-8 keys and values), reattaches a live lease, reports a dead one, never overwrites a recreated key', async () => {
    const alive = (await direct.run('write', () => direct.rpc.leaseGrant({ TTL: 600 }))).ID;
    const doomed = (await direct.run('write', () => direct.rpc.leaseGrant({ TTL: 600 }))).ID;
    const keys = [
      Buffer.from([0x75, 0x2f, 0xff, 0xfe, 0x00, 0x01]),
      Buffer.from([0x75, 0x2f, 0xc3, 0x28]),
      Buffer.from('u/__proto__'),
      Buffer.from('u/leased-alive'),
      Buffer.from('u/leased-dead'),
      Buffer.from('u/recreated'),
    ];
    const values = new Map(keys.map((k) => [k.toString('hex'), randomBytes(2000)]));
    for (const k of keys) {
      const lease = k.toString() === 'u/leased-alive' ? alive : k.toString() === 'u/leased-dead' ? doomed : undefined;
      await put(k, values.get(k.toString('hex'))!, lease);
    }
    const plan = unwrap(await h.handlers['bulk:planDelete']({ profileId, source: { kind: 'keys', keys: [...keys.map((k) => fromUint8(k)), text('u/not-there')] } }));
    expect(plan.count).toBe(6);
    expect(plan.missing).toBe(1);
    expect(plan.confirmWith).toEqual(['6']);
    const { report } = await deleteJob(plan.planId, '6');
    expect(report.deleted.count).toBe(6);
    expect(report.deleted.keys.map(buf).map((b) => b.toString('hex')).sort()).toEqual(keys.map((k) => k.toString('hex')).sort());
    for (const k of keys) expect(await get(k)).toBeUndefined();

    await direct.run('write', () => direct.rpc.leaseRevoke({ ID: doomed }));
    await put('u/recreated', 'written after the delete');

    const undo = unwrap(await h.handlers['bulk:undo']({ profileId, undoId: report.undoId! }));
    const end = await jobEnd(h, undo.jobId);
    const u = end.report as BulkUndoReport;
    expect(end.state).toBe('done');
    expect(u.restored.count).toBe(5);
    expect(u.existsNow).toEqual({ count: 1, keys: [text('u/recreated')] });
    expect(u.leaseReattached).toBe(1);
    expect(u.leaseExpired).toEqual({ count: 1, keys: [text('u/leased-dead')] });
    expect(u.undoId).toBeUndefined();
    for (const k of keys) {
      const kv = await get(k);
      if (k.toString() === 'u/recreated') {
        expect(kv.value.toString()).toBe('written after the delete');
        continue;
      }
      expect(kv.value.equals(values.get(k.toString('hex'))!)).toBe(true);
      expect(String(kv.lease)).toBe(k.toString() === 'u/leased-alive' ? alive : '0');
    }
    // Undo runs once: its data is gone once every key is settled.
    expect(errorOf(await h.handlers['bulk:undo']({ profileId, undoId: report.undoId! })).code).toBe('NOT_FOUND');
  });

  it('cancel stops between transactions and the report says exactly what was deleted and what was not attempted', async () => {
    await fill('cancel/', 5000);
    const plan = unwrap(await h.handlers['bulk:planDelete']({ profileId, source: { kind: 'prefix', prefix: text('cancel/') } }));
    const job = unwrap(await h.handlers['bulk:delete']({ profileId, planId: plan.planId, typed: '5000' }));
    await jobProgress(h, job.jobId, 1);
    unwrap(await h.handlers['jobs:cancel']({ profileId, jobId: job.jobId }));
    const end = await jobEnd(h, job.jobId);
    const r = end.report as BulkDeleteReport;
    expect(end.state).toBe('cancelled');
    console.log(`[bulk-delete] cancelled: ${r.deleted.count} of 5000 deleted in ${r.transactions} transactions, ${r.notAttempted.count} not attempted`);
    expect(r.deleted.count).toBeGreaterThan(0);
    expect(r.notAttempted.count).toBeGreaterThan(0);
    expect(r.deleted.count + r.notAttempted.count).toBe(5000);
    expect(await count('cancel/')).toBe(5000 - r.deleted.count);
    // What was deleted can be undone.
    const undo = unwrap(await h.handlers['bulk:undo']({ profileId, undoId: r.undoId! }));
    expect(((await jobEnd(h, undo.jobId)).report as BulkUndoReport).restored.count).toBe(r.deleted.count);
    expect(await count('cancel/')).toBe(5000);
  });

  it('above the undo cap the plan says undo is not available, and the delete keeps no values', async () => {
    await fill('cap/', 50, () => Buffer.alloc(1000, 7));
    const state = new BulkState(10_000);
    const plan = await planDelete(direct, state, { kind: 'prefix', prefix: text('cap/') });
    expect(plan.count).toBe(50);
    expect(plan.undoAvailable).toBe(false);
    expect(plan.undoUnavailableReason).toBe('Undo is not available for this delete: the values of these keys take more than 10000 bytes, the most the app keeps for Undo.');
    const ctx = testJobContext();
    await runDelete(direct, state, state.plan(plan.planId)!, ctx);
    const r = ctx.last as BulkDeleteReport;
    expect(r.deleted.count).toBe(50);
    expect(r.undoId).toBeUndefined();
    expect(r.undoUnavailableReason).toBe(plan.undoUnavailableReason);
    expect(state.undoBytes()).toBe(0);
    // Under the cap, the same state keeps them.
    await fill('cap/', 5, () => Buffer.alloc(1000, 7));
    const small = await planDelete(direct, state, { kind: 'prefix', prefix: text('cap/') });
    expect(small.undoAvailable).toBe(true);
  });

  it('a plan belongs to its connection: after a reconnect it must be counted again', async () => {
    await fill('recon/', 3);
    const plan = unwrap(await h.handlers['bulk:planDelete']({ profileId, source: { kind: 'prefix', prefix: text('recon/') } }));
    unwrap(await h.handlers['connection:disconnect']({ profileId }));
    unwrap(await h.handlers['connection:connect']({ profileId }));
    expect(errorOf(await h.handlers['bulk:delete']({ profileId, planId: plan.planId, typed: '3' })).code).toBe('NOT_FOUND');
    expect(await count('recon/')).toBe(3);
  });
});
