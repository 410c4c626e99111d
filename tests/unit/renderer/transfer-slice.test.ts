/**
 * The Export and Import dialogs' slice: jobs started with the dialog's choices, progress and
 * reports routed by job id, Apply only with an accepted dry run's plan id, and leaving the
 * connection closes the dialog and cancels its job.
 */
import { describe, expect, it } from 'vitest';
import { text } from '../../../src/shared/bytes';
import { EXPORT_KEYS_MAX } from '../../../src/shared/contract/transfer';
import type { ImportPlanReport } from '../../../src/shared/transfer-reports';
import type { JobInfo } from '../../../src/shared/types';
import { flush, memoryEtcd, okR, useMemoryEtcd } from './fake-api';
import { setupStore } from './helpers';

const job = (jobId: string, kind: string, state: JobInfo['state'], extra: Partial<JobInfo> = {}): JobInfo => ({
  jobId,
  profileId: 'a',
  kind,
  state,
  startedAt: 1,
  ...extra,
});

const planReport = (planId?: string): ImportPlanReport => ({
  kind: 'import-plan',
  ...(planId ? { planId } : {}),
  path: '/tmp/in.jsonl',
  format: 'etcd-desktop',
  onExisting: 'overwrite',
  revision: 9,
  entries: 3,
  counts: { create: 2, overwrite: 1, unchanged: 0, conflict: 0 },
  lists: { create: [], overwrite: [], unchanged: [], conflict: [] },
  warnings: [],
});

async function connected() {
  const { store, fake } = await setupStore();
  useMemoryEtcd(fake, memoryEtcd({ 'cfg/a': 'one' }));
  await store.getState().switchProfile('a');
  fake.ep['jobs:cancel'].handle((req) => okR(job(req.jobId, 'x', 'running')));
  return { store, fake };
}

describe('transfer dialogs', () => {
  it('import: dry run with the chosen file and policy; Apply only after it is done, with its plan id', async () => {
    const { store, fake } = await connected();
    store.getState().openImport();
    expect(store.getState().isModalOpen()).toBe(true);
    store.getState().updateTransfer({ path: '/tmp/in.jsonl', onExisting: 'overwrite' });
    fake.ep['transfer:plan'].handle(() => okR(job('p1', 'import-plan', 'running')));
    await store.getState().startDryRun();
    expect(fake.ep['transfer:plan'].requests).toEqual([{ profileId: 'a', path: '/tmp/in.jsonl', onExisting: 'overwrite' }]);
    // Apply while the dry run runs: nothing is sent.
    await store.getState().applyPlan();
    expect(fake.ep['transfer:apply'].requests).toEqual([]);
    fake.emit('event:job', job('p1', 'import-plan', 'done', { report: planReport('plan-7') }));
    await flush();
    const d = store.getState().transfer;
    expect(d?.mode === 'import' && d.plan?.state).toBe('done');
    fake.ep['transfer:apply'].handle(() => okR(job('a1', 'import-apply', 'running')));
    await store.getState().applyPlan();
    expect(fake.ep['transfer:apply'].requests).toEqual([{ profileId: 'a', planId: 'plan-7' }]);
    // Changing the file makes the dry run stale: Apply needs a new one.
    store.getState().updateTransfer({ path: '/tmp/other.jsonl' });
    const after = store.getState().transfer;
    expect(after?.mode === 'import' && after.plan).toBeNull();
  });

  it('a failed dry run (malformed line) offers no Apply', async () => {
    const { store, fake } = await connected();
    store.getState().openImport();
    store.getState().updateTransfer({ path: '/tmp/bad.jsonl' });
    fake.ep['transfer:plan'].handle(() => okR(job('p2', 'import-plan', 'running')));
    await store.getState().startDryRun();
    fake.emit('event:job', job('p2', 'import-plan', 'failed', { report: { ...planReport(), malformed: { line: 5, reason: 'is not JSON' } }, error: { code: 'INVALID_ARGUMENT', message: 'Line 5 of the file is not JSON. Nothing was written.' } }));
    await flush();
    await store.getState().applyPlan();
    expect(fake.ep['transfer:apply'].requests).toEqual([]);
  });

  it('export: started with the prefix and path; leaving the connection closes the dialog and cancels the job', async () => {
    const { store, fake } = await connected();
    store.getState().openExport();
    store.getState().updateTransfer({ path: '/tmp/out.jsonl', prefix: 'cfg/' });
    fake.ep['transfer:export'].handle(() => okR(job('e1', 'export', 'running')));
    await store.getState().startExport();
    expect(fake.ep['transfer:export'].requests).toEqual([{ profileId: 'a', path: '/tmp/out.jsonl', prefix: { encoding: 'utf8', data: 'cfg/' } }]);
    await store.getState().switchProfile('b');
    expect(store.getState().transfer).toBeNull();
    expect(fake.ep['jobs:cancel'].requests).toContainEqual({ profileId: 'a', jobId: 'e1' });
  });

  it('export of the selection: the selected keys are sent, not the prefix; a selection over the cap cannot be chosen', async () => {
    const { store, fake } = await connected();
    const s = () => store.getState();
    s().bulkClick(text('cfg/a'), [], 'toggle');
    s().bulkClick(text('cfg/c'), [], 'toggle');
    s().openExport('selection');
    expect(s().transfer).toMatchObject({ mode: 'export', source: 'selection' });
    s().updateTransfer({ path: '/tmp/sel.jsonl' });
    fake.ep['transfer:export'].handle(() => okR(job('e2', 'export', 'running')));
    await s().startExport();
    expect(fake.ep['transfer:export'].requests).toEqual([{ profileId: 'a', path: '/tmp/sel.jsonl', keys: [text('cfg/a'), text('cfg/c')] }]);
    s().closeTransfer();

    // From the File menu the prefix is chosen, the selection offered.
    s().openExport();
    expect(s().transfer).toMatchObject({ source: 'prefix', keys: [text('cfg/a'), text('cfg/c')] });

    s().closeTransfer();
    s().bulkSelectAll(Array.from({ length: EXPORT_KEYS_MAX + 1 }, (_, i) => text(`k${i}`)));
    s().openExport('selection');
    expect(s().transfer).toMatchObject({ source: 'prefix' });
    s().updateTransfer({ source: 'selection' });
    expect(s().transfer).toMatchObject({ source: 'prefix' });
  });
});
