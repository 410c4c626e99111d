/**
 * The audit trail on a real etcd, through the handler table: single writes, a failed
 * compare-and-swap and a bulk delete job are each recorded once with their outcome and
 * revisions; restoring from an audited overwrite writes the old bytes back; below a compaction
 * the restore says COMPACTED. The file never holds a value.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { jobEnd } from '../support/jobs';
import { text } from '../../src/shared/bytes';
import type { AuditEntry } from '../../src/shared/contract';

const MARKER = 'AUDIT-VALUE-MARKER-41d9';
let etcd: EtcdCluster;
let h: Harness;
let profileId: string;

beforeAll(async () => {
  etcd = await startCluster();
  h = await createHarness({ liveness: false });
  profileId = await h.connect({ name: 'audited', endpoints: etcd.endpoints, deadlineMs: 3000 });
});
afterAll(async () => {
  await h?.close();
  await etcd?.close();
});

const put = async (key: string, value: string, expectedModRevision?: number) =>
  h.handlers['kv:put']({ profileId, key: text(key), value: text(value), ...(expectedModRevision === undefined ? {} : { expectedModRevision }) });
const list = async (filters: { keyContains?: string; operation?: string } = {}) => unwrap(await h.handlers['audit:list']({ profileId, limit: 100, ...filters })).entries;
const newest = async (keyContains: string): Promise<AuditEntry> => (await list({ keyContains }))[0];

describe('the audit trail', () => {
  it('records a put, an overwrite, a failed compare-and-swap and a delete, newest first, with revisions', async () => {
    const created = unwrap(await put('a/one', `${MARKER}-1`));
    const overwritten = unwrap(await put('a/one', `${MARKER}-2`, created.revision));
    const conflict = errorOf(await put('a/one', `${MARKER}-3`, created.revision));
    expect(conflict.code).toBe('CONFLICT');
    const deleted = unwrap(await h.handlers['kv:delete']({ profileId, key: text('a/one') }));

    const entries = await list({ keyContains: 'a/one' });
    expect(entries.map((e) => [e.operation, e.outcome, e.errorCode, e.revisionBefore, e.revisionAfter])).toEqual([
      ['kv:delete', 'applied', undefined, overwritten.revision, deleted.revision],
      // The refused compare-and-swap expected `created`; the key was at `overwritten` then.
      ['kv:put', 'failed', 'CONFLICT', overwritten.revision, undefined],
      ['kv:put', 'applied', undefined, created.revision, overwritten.revision],
      ['kv:put', 'applied', undefined, undefined, created.revision],
    ]);
    expect(entries[3].created).toBe(true);
    for (const e of entries) {
      expect(e).toMatchObject({ profileId, profileName: 'audited', key: text('a/one') });
      expect(e.clusterId).toMatch(/^[0-9a-f]+$/);
    }
    const file = await readFile(join(h.dir, 'audit', `${profileId}.jsonl`), 'utf8');
    expect(file).toContain('a/one');
    expect(file).not.toContain(MARKER);
  });

  it('records a bulk delete once, when the job ends, with its prefix and counts', async () => {
    for (let i = 0; i < 5; i++) unwrap(await put(`bulk/${i}`, `${MARKER}-${i}`));
    const plan = unwrap(await h.handlers['bulk:planDelete']({ profileId, source: { kind: 'prefix', prefix: text('bulk/') } }));
    const job = unwrap(await h.handlers['bulk:delete']({ profileId, planId: plan.planId, typed: 'bulk/' }));
    const end = await jobEnd(h, job.jobId);
    expect(end.state).toBe('done');
    const entries = await list({ operation: 'bulk:delete' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ prefix: text('bulk/'), outcome: 'applied', job: { kind: 'bulk-delete', state: 'done', counts: { planned: 5, deleted: 5, unknown: 0 } } });
  });

  it('restores the value before an audited overwrite, compare-and-swap, and audits the restore', async () => {
    const first = unwrap(await put('r/key', 'first value'));
    unwrap(await put('r/key', 'second value'));
    const overwrite = await newest('r/key');
    expect(overwrite).toMatchObject({ operation: 'kv:put', outcome: 'applied' });
    expect(overwrite.created).toBeUndefined();
    const restored = unwrap(await h.handlers['audit:restore']({ profileId, entryId: overwrite.id }));
    expect(restored.restoredFrom).toBe(overwrite.revisionAfter! - 1);
    expect(restored.restoredFrom).toBeGreaterThanOrEqual(first.revision);
    const now = unwrap(await h.handlers['kv:get']({ profileId, key: text('r/key') }));
    expect(now.value).toEqual(text('first value'));
    expect(now.modRevision).toBe(restored.revision);
    const audited = await newest('r/key');
    expect(audited).toMatchObject({ operation: 'audit:restore', outcome: 'applied', key: text('r/key'), revisionBefore: overwrite.revisionAfter, revisionAfter: restored.revision });

    // An entry that created its key has nothing before it.
    const creation = (await list({ keyContains: 'r/key' })).at(-1)!;
    expect(creation.created).toBe(true);
    expect(errorOf(await h.handlers['audit:restore']({ profileId, entryId: creation.id })).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(await h.handlers['audit:restore']({ profileId, entryId: 'no-such-entry' })).code).toBe('NOT_FOUND');
  });

  it('says COMPACTED when the value before the write is no longer held', async () => {
    unwrap(await put('c/key', 'old'));
    const second = unwrap(await put('c/key', 'new'));
    const overwrite = await newest('c/key');
    const r = await etcd.etcdctl(['compaction', String(second.revision)], { timeoutMs: 10_000 });
    expect(r.code).toBe(0);
    const e = errorOf(await h.handlers['audit:restore']({ profileId, entryId: overwrite.id }));
    expect(e.code).toBe('COMPACTED');
    const failed = await newest('c/key');
    expect(failed).toMatchObject({ operation: 'audit:restore', outcome: 'failed', errorCode: 'COMPACTED' });
    expect(unwrap(await h.handlers['kv:get']({ profileId, key: text('c/key') })).value).toEqual(text('new'));
  });

  it('records maintenance: a compaction applied, one refused, a snapshot and a defragmentation when their jobs end', async () => {
    const rev = unwrap(await put('m/key', 'v')).revision;
    unwrap(await h.handlers['maintenance:compact']({ profileId, revision: rev, physical: true }));
    expect(errorOf(await h.handlers['maintenance:compact']({ profileId, revision: rev })).code).toBe('COMPACTED');
    const st = unwrap(await h.handlers['cluster:status']({ profileId }));
    const snap = unwrap(await h.handlers['maintenance:snapshot']({ profileId, memberId: st.members[0].id, path: join(h.dir, 'audited.db') }));
    await jobEnd(h, snap.jobId);
    const defrag = unwrap(await h.handlers['maintenance:defragment']({ profileId, target: 'all' }));
    await jobEnd(h, defrag.jobId);
    await h.handlers['audit:list']({ profileId, limit: 1 }); // the queue is flushed by the time a page is read
    const ops = (await list({ operation: 'maintenance' })).map((e) => [e.operation, e.outcome, e.errorCode]);
    expect(ops).toEqual(
      expect.arrayContaining([
        ['maintenance:compact', 'applied', undefined],
        ['maintenance:compact', 'failed', 'COMPACTED'],
        ['maintenance:snapshot', 'applied', undefined],
        ['maintenance:defragment', 'applied', undefined],
      ]),
    );
  });
});
