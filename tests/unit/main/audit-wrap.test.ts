import { describe, expect, it } from 'vitest';
import type { AuditRecord, AuditRecorder } from '../../../src/main/core/audit/trail';
import { auditedWrites, reportCounts } from '../../../src/main/core/audit/wrap';
import { allChannels, channels, type Handlers } from '../../../src/shared/contract';
import { fail, ok, type Result } from '../../../src/shared/result';
import type { JobInfo } from '../../../src/shared/types';

const utf8 = (data: string) => ({ encoding: 'utf8', data }) as const;

function setup(answer: (channel: string, req: unknown) => Result<unknown>) {
  const recorded: AuditRecord[] = [];
  const recorder: AuditRecorder = { record: (e) => (recorded.push(e), String(recorded.length)) };
  const table = Object.fromEntries(allChannels().map((c) => [c, async (req: unknown) => answer(c, req)])) as unknown as Handlers;
  const audited = auditedWrites(recorder);
  return { recorded, audited, handlers: audited.wrap(table) };
}

const job = (over: Partial<JobInfo>): JobInfo => ({ jobId: 'j1', profileId: 'p1', kind: 'bulk-delete', state: 'running', startedAt: 1, ...over });

describe('the audited handler table', () => {
  it('records an applied put with its key and revisions, and never the value', async () => {
    const { recorded, handlers } = setup(() => ok({ revision: 12, created: false }));
    const res = await handlers['kv:put']({ profileId: 'p1', key: utf8('a/b'), value: utf8('the value'), expectedModRevision: 9 });
    expect(res).toEqual(ok({ revision: 12, created: false }));
    expect(recorded).toEqual([{ profileId: 'p1', operation: 'kv:put', key: utf8('a/b'), revisionBefore: 9, revisionAfter: 12, outcome: 'applied' }]);
    expect(JSON.stringify(recorded)).not.toContain('the value');
  });

  it('records a failure with its code, and an unknown outcome as unknown', async () => {
    let answer: Result<unknown> = fail('CONFLICT', 'changed', { currentModRevision: 4 });
    const { recorded, handlers } = setup(() => answer);
    expect((await handlers['kv:delete']({ profileId: 'p1', key: utf8('k'), expectedModRevision: 3 })).ok).toBe(false);
    answer = fail('OUTCOME_UNKNOWN', 'maybe');
    const res = await handlers['kv:put']({ profileId: 'p1', key: utf8('k'), value: utf8('v') });
    expect(res).toEqual(fail('OUTCOME_UNKNOWN', 'maybe'));
    expect(recorded.map((e) => [e.operation, e.outcome, e.errorCode, e.revisionBefore])).toEqual([
      ['kv:delete', 'failed', 'CONFLICT', 4],
      ['kv:put', 'unknown', 'OUTCOME_UNKNOWN', undefined],
    ]);
  });

  it("records what a channel's declaration adds: the revision a restore went back to (history:restore from the request, audit:restore from the answer)", async () => {
    const { recorded, handlers } = setup((c) => ok(c === 'audit:restore' ? { revision: 31, restoredFrom: 12 } : { revision: 30, created: false }));
    await handlers['history:restore']({ profileId: 'p1', key: utf8('k'), revision: 7, expectedModRevision: 9 });
    await handlers['audit:restore']({ profileId: 'p1', entryId: 'e1' });
    expect(recorded.map((e) => [e.operation, e.details?.fromRevision])).toEqual([
      ['history:restore', 7],
      ['audit:restore', 12],
    ]);
  });

  it('takes the revision before a delete from what it deleted', async () => {
    const { recorded, handlers } = setup(() => ok({ revision: 20, deleted: { key: utf8('k'), value: utf8('SECRET'), modRevision: 17, createRevision: 2, version: 3, lease: '0' } }));
    await handlers['kv:delete']({ profileId: 'p1', key: utf8('k') });
    expect(recorded[0]).toMatchObject({ revisionBefore: 17, revisionAfter: 20, outcome: 'applied' });
    expect(JSON.stringify(recorded)).not.toContain('SECRET');
  });

  it('audits every write channel of the contract and a snapshot, and no other read channel', async () => {
    const { recorded, handlers } = setup(() => ok({}));
    const audited = (name: string, effect: string) => effect === 'write' || name === 'maintenance:snapshot';
    for (const { name, def } of channels()) {
      await (handlers[name] as (r: unknown) => Promise<unknown>)({ profileId: 'p1' });
      const last = recorded.at(-1);
      if (audited(name, def.effect)) expect(last?.operation).toBe(name);
      else expect(last?.operation).not.toBe(name);
    }
    expect(recorded.length).toBe(channels().filter((c) => audited(c.name, c.def.effect)).length);
  });

  it('records a job once, when it ends, with its counts; unknown when a batch was unknown', async () => {
    const { recorded, handlers, audited } = setup((channel) =>
      channel === 'bulk:planDelete' ? ok({ planId: 'plan-1' }) : ok(job({})),
    );
    await handlers['bulk:planDelete']({ profileId: 'p1', source: { kind: 'prefix', prefix: utf8('app/') } });
    await handlers['bulk:delete']({ profileId: 'p1', planId: 'plan-1', typed: 'app/' });
    expect(recorded).toEqual([]);
    audited.jobEvent(job({ progress: { done: 1 } }));
    expect(recorded).toEqual([]);
    const list = (count: number) => ({ count, keys: [] });
    audited.jobEvent(
      job({
        state: 'done',
        endedAt: 99,
        report: { kind: 'bulk-delete', planned: 5, deleted: list(3), changed: list(0), gone: list(0), failed: list(0), unknown: list(2), notAttempted: list(0), transactions: 2 },
      }),
    );
    expect(recorded).toEqual([
      {
        profileId: 'p1',
        operation: 'bulk:delete',
        prefix: utf8('app/'),
        at: 99,
        outcome: 'unknown',
        errorCode: 'OUTCOME_UNKNOWN',
        job: { kind: 'bulk-delete', state: 'done', counts: { planned: 5, deleted: 3, changed: 0, gone: 0, failed: 0, unknown: 2, notAttempted: 0, transactions: 2 } },
      },
    ]);
    // A repeated final event is not recorded twice.
    audited.jobEvent(job({ state: 'done' }));
    expect(recorded).toHaveLength(1);
  });

  it('records a job that ended before its start was answered, and a failed job with its code', async () => {
    const { recorded, handlers, audited } = setup(() => ok(job({ jobId: 'fast', kind: 'bulk-copy' })));
    audited.jobEvent(job({ jobId: 'fast', kind: 'bulk-copy', state: 'failed', error: { code: 'UNAVAILABLE', message: 'down' } }));
    await handlers['bulk:copy']({ profileId: 'p1', source: { kind: 'keys', keys: [utf8('a'), utf8('b')] }, targetProfileId: 'p2', targetPrefix: utf8('new/'), mode: 'move', overwrite: false });
    expect(recorded).toEqual([
      expect.objectContaining({ operation: 'bulk:copy', target: utf8('new/'), outcome: 'failed', errorCode: 'UNAVAILABLE', details: { keys: 2, targetProfileId: 'p2', mode: 'move', overwrite: false } }),
    ]);
  });

  it("counts an import's report by its counts; an unknown write makes the job unknown", async () => {
    const { recorded, handlers, audited } = setup(() => ok(job({ jobId: 'imp', kind: 'import-apply' })));
    await handlers['transfer:apply']({ profileId: 'p1', planId: 'plan-9' });
    const counts = { created: 2, overwritten: 1, unchanged: 0, skipped: 0, changedSinceDryRun: 0, failed: 0, unknown: 1, notAttempted: 0 };
    audited.jobEvent(job({ jobId: 'imp', kind: 'import-apply', state: 'done', report: { kind: 'import-apply', planId: 'plan-9', entries: 4, settled: 4, counts } as never }));
    expect(recorded).toEqual([expect.objectContaining({ operation: 'transfer:apply', outcome: 'unknown', errorCode: 'OUTCOME_UNKNOWN', job: { kind: 'import-apply', state: 'done', counts: { entries: 4, settled: 4, ...counts } } })]);
  });

  it('counts a report without its keys', () => {
    expect(reportCounts({ kind: 'bulk-undo', planned: 1, restored: { count: 1, keys: [utf8('x')] }, leaseReattached: 0, leaseExpired: { count: 0, keys: [] }, existsNow: { count: 0, keys: [] }, failed: { count: 0, keys: [] }, unknown: { count: 0, keys: [] }, notAttempted: { count: 0, keys: [] }, transactions: 1 })).toEqual({
      planned: 1, restored: 1, leaseReattached: 0, leaseExpired: 0, existsNow: 0, failed: 0, unknown: 0, notAttempted: 0, transactions: 1,
    });
  });
});
