/**
 * The Copy / Move / Rename dialog's slice over bulk:copy: the request built from the dialog
 * (selection with its common start, a prefix, one key renamed), the target profile that must be
 * connected (and is connected from the dialog), a refused start that keeps the draft, a job whose
 * final event overtakes the start answer, the report, and Cancel.
 */
import { describe, expect, it } from 'vitest';
import { text } from '../../../src/shared/bytes';
import type { BulkCopyReport } from '../../../src/shared/job-reports';
import type { JobInfo } from '../../../src/shared/types';
import { copyBase } from '../../../src/renderer/src/features/bulk/copy-slice';
import { errR, flush, memoryEtcd, okR, useMemoryEtcd } from './fake-api';
import { setupStore } from './helpers';

const job = (jobId: string, state: JobInfo['state'], extra: Partial<JobInfo> = {}): JobInfo => ({ jobId, profileId: 'a', kind: 'bulk-copy', state, startedAt: 1, ...extra });
const list = (n: number, keys: string[] = []) => ({ count: n, keys: keys.map(text) });
const report = (p: Partial<BulkCopyReport> = {}): BulkCopyReport => ({
  kind: 'bulk-copy',
  mode: 'move',
  planned: 0,
  copied: list(0),
  moved: list(0),
  sourceKept: list(0),
  targetExists: list(0),
  sourceChanged: list(0),
  failed: list(0),
  unknown: list(0),
  notAttempted: list(0),
  leasesDropped: 0,
  transactions: 0,
  ...p,
});

async function connected() {
  const { store, fake } = await setupStore();
  useMemoryEtcd(fake, memoryEtcd({ 'cfg/a': 'one', 'cfg/b': 'two', 'cfg/sub/c': 'three' }));
  await store.getState().switchProfile('a');
  fake.ep['jobs:cancel'].handle((req) => okR(job(req.jobId, 'running')));
  return { store, fake };
}

describe('copy dialog', () => {
  it('the part of selected keys a target prefix replaces: the grid prefix, else the common start up to a delimiter', () => {
    expect(copyBase([text('cfg/a'), text('cfg/b')], 'cfg/', '/')).toEqual(text('cfg/'));
    expect(copyBase([text('cfg/x/a'), text('cfg/x/b'), text('cfg/y')], '', '/')).toEqual(text('cfg/'));
    expect(copyBase([text('cfg/xa'), text('cfg/xb')], 'other/', '/')).toEqual(text('cfg/'));
    expect(copyBase([text('a'), text('b')], '', '/')).toEqual(text(''));
    expect(copyBase([text('cfg/a'), { encoding: 'base64', data: '/w==' }], '', '/')).toEqual(text(''));
  });

  it('moves a selection: the request names source, base, target prefix and profile; progress, report, reload, selection cleared', async () => {
    const { store, fake } = await connected();
    const s = () => store.getState();
    s().bulkClick(text('cfg/a'), [], 'toggle');
    s().bulkClick(text('cfg/sub/c'), [], 'toggle');
    s().openCopy('move', 'selection');
    expect(s().isModalOpen()).toBe(true);
    expect(s().copyDialog).toMatchObject({ mode: 'move', target: 'cfg/', targetProfileId: 'a', overwrite: false, phase: 'edit', sourceProfileName: 'Profile a' });
    s().updateCopy({ target: 'backup/' });
    fake.ep['bulk:copy'].handle(() => okR(job('c1', 'running')));
    await s().startCopy();
    expect(fake.ep['bulk:copy'].requests).toEqual([
      {
        profileId: 'a',
        targetProfileId: 'a',
        targetPrefix: text('backup/'),
        mode: 'move',
        overwrite: false,
        source: { kind: 'keys', keys: [text('cfg/a'), text('cfg/sub/c')] },
        base: text('cfg/'),
      },
    ]);
    expect(s().copyDialog?.phase).toBe('running');
    fake.emit('event:job', job('c1', 'running', { progress: { done: 1, total: 2 } }));
    await flush();
    expect(s().copyDialog?.progress).toEqual({ done: 1, total: 2 });
    // Close does nothing while the job runs; Cancel asks main to stop it.
    s().closeCopy();
    expect(s().copyDialog).not.toBeNull();
    s().cancelCopy();
    expect(fake.ep['jobs:cancel'].requests).toEqual([{ profileId: 'a', jobId: 'c1' }]);
    const r = report({ planned: 2, moved: list(1, ['cfg/a']), targetExists: list(1, ['cfg/sub/c']), transactions: 2 });
    const listsBefore = fake.ep['kv:list'].requests.length;
    fake.emit('event:job', job('c1', 'done', { report: r }));
    await flush();
    expect(s().copyDialog).toMatchObject({ phase: 'done', report: r, target: 'backup/' });
    expect(s().bulkSelected.size).toBe(0);
    expect(fake.ep['kv:list'].requests.length).toBeGreaterThan(listsBefore);
    s().closeCopy();
    expect(s().copyDialog).toBeNull();
  });

  it('a refused start keeps the draft, with the error; typing again clears it', async () => {
    const { store, fake } = await connected();
    const s = () => store.getState();
    s().openCopy('move', 'prefix');
    s().updateCopy({ target: 'cfg/inner/', overwrite: true });
    fake.ep['bulk:copy'].handle(() => errR('INVALID_ARGUMENT', 'A prefix cannot be moved inside itself.', { field: 'targetPrefix' }));
    await s().startCopy();
    expect(fake.ep['bulk:copy'].requests[0]).toMatchObject({ source: { kind: 'prefix', prefix: text('') }, targetPrefix: text('cfg/inner/'), overwrite: true });
    expect(s().copyDialog).toMatchObject({ phase: 'edit', target: 'cfg/inner/', overwrite: true, error: { code: 'INVALID_ARGUMENT', details: { field: 'targetPrefix' } } });
    s().updateCopy({ target: 'elsewhere/' });
    expect(s().copyDialog).toMatchObject({ target: 'elsewhere/', error: null });
  });

  it('a short job whose final event overtakes the start answer: the report shows and Close closes', async () => {
    const { store, fake } = await connected();
    const s = () => store.getState();
    s().openCopyKey('move', text('cfg/a'));
    expect(s().copyDialog).toMatchObject({ source: { kind: 'key', key: text('cfg/a') }, target: 'cfg/a' });
    s().updateCopy({ target: 'cfg/renamed' });
    const r = report({ planned: 1, moved: list(1, ['cfg/a']), transactions: 1 });
    fake.ep['bulk:copy'].handle(() => {
      // main pushes the final update before the start answer reaches the renderer
      fake.emit('event:job', job('c2', 'done', { report: r }));
      return okR(job('c2', 'running'));
    });
    await s().startCopy();
    expect(fake.ep['bulk:copy'].requests[0]).toMatchObject({ source: { kind: 'keys', keys: [text('cfg/a')] }, base: text('cfg/a'), targetPrefix: text('cfg/renamed'), mode: 'move' });
    expect(s().copyDialog).toMatchObject({ phase: 'done', report: r });
    s().closeCopy();
    expect(s().copyDialog).toBeNull();
  });

  it('another profile as target: connected from the dialog without leaving this one; a failed job keeps the draft for another try', async () => {
    const { store, fake } = await connected();
    const s = () => store.getState();
    s().openCopy('copy', 'prefix');
    s().updateCopy({ targetProfileId: 'b', target: 'copied/' });
    expect(s().statuses.b?.state).not.toBe('connected');
    await s().connectCopyTarget();
    expect(fake.ep['connection:connect'].requests).toContainEqual({ profileId: 'b' });
    expect(s().statuses.b?.state).toBe('connected');
    expect(s().activeProfileId).toBe('a');
    fake.ep['bulk:copy'].handle(() => okR(job('c3', 'running')));
    await s().startCopy();
    expect(fake.ep['bulk:copy'].requests[0]).toMatchObject({ profileId: 'a', targetProfileId: 'b', mode: 'copy' });
    fake.emit('event:job', job('c3', 'failed', { report: report({ mode: 'copy', planned: 3, copied: list(1), unknown: list(2) }), error: { code: 'OUTCOME_UNKNOWN', message: 'no answer' } }));
    await flush();
    expect(s().copyDialog).toMatchObject({ phase: 'failed', error: { code: 'OUTCOME_UNKNOWN' } });
    s().editCopyAgain();
    expect(s().copyDialog).toMatchObject({ phase: 'edit', target: 'copied/', targetProfileId: 'b', report: null, error: null });
  });

  it('leaving the connection closes the dialog and cancels its job', async () => {
    const { store, fake } = await connected();
    const s = () => store.getState();
    s().openCopy('copy', 'prefix');
    s().updateCopy({ target: 'x/' });
    fake.ep['bulk:copy'].handle(() => okR(job('c4', 'running')));
    await s().startCopy();
    await s().switchProfile('b');
    expect(s().copyDialog).toBeNull();
    expect(fake.ep['jobs:cancel'].requests).toContainEqual({ profileId: 'a', jobId: 'c4' });
  });
});
