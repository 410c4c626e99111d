import { describe, expect, it } from 'vitest';
import { text } from '../../../src/shared/bytes';
import type { DeletePlan } from '../../../src/shared/contract';
import type { BulkDeleteReport } from '../../../src/shared/job-reports';
import type { JobInfo } from '../../../src/shared/types';
import { createEtcdClient } from '../../../src/renderer/src/api/etcd-client';
import { createJobs } from '../../../src/renderer/src/app/jobs';
import { createConnectionScope, type ScopeState } from '../../../src/renderer/src/app/scope';
import { createBulkSlice, type BulkSlice } from '../../../src/renderer/src/features/bulk/bulk-slice';
import { createFakeApi, errR, flush, okR } from './fake-api';

function setup() {
  const fake = createFakeApi();
  const client = createEtcdClient(fake.api);
  let scopeState: ScopeState = { activeProfileId: null };
  const scope = createConnectionScope({ get: () => scopeState, set: (s) => (scopeState = s) });
  const jobs = createJobs(client, scope);
  let reloads = 0;
  const needs = {
    prefix: 'app/',
    activeProfile: () => ({ id: 'p1', name: 'Production EU', endpoints: [] }) as never,
    reload: () => void reloads++,
    setStatus: () => undefined,
    pushToast: () => 0,
    clearStatus: () => undefined,
    notifyError: () => undefined,
  };
  let state = {} as BulkSlice;
  const get = () => ({ ...needs, ...state });
  state = createBulkSlice((p) => (state = { ...state, ...(typeof p === 'function' ? p(get()) : p) }), get, {
    client,
    now: Date.now,
    scope,
    callsStarted: () => 0,
    feeds: undefined as never,
    jobs,
  });
  scope.enter('p1');
  return { fake, get, reloads: () => reloads };
}

const plan: DeletePlan = { planId: 'plan1', count: 3, revision: 9, sample: [text('app/a')], missing: 0, bytes: 30, undoAvailable: true, confirmWith: ['app/', '3'] };
const job = (state: JobInfo['state'], report?: BulkDeleteReport): JobInfo => ({ jobId: 'j1', profileId: 'p1', kind: 'bulk-delete', state, startedAt: 1, ...(report ? { report } : {}) });
const list = (n: number) => ({ count: n, keys: [] });

describe('bulk slice', () => {
  it('multi-select: Ctrl-click toggles, Shift-click selects the range from the last click, Ctrl+A all, Clear', () => {
    const { get } = setup();
    const rows = ['a', 'b', 'c', 'd', 'e'].map(text);
    get().bulkClick(rows[1], rows, 'toggle');
    get().bulkClick(rows[3], rows, 'range');
    expect([...get().bulkSelected.values()].map((k) => k.data)).toEqual(['b', 'c', 'd']);
    get().bulkClick(rows[2], rows, 'toggle');
    expect([...get().bulkSelected.values()].map((k) => k.data)).toEqual(['b', 'd']);
    get().bulkSelectAll(rows);
    expect(get().bulkSelected.size).toBe(5);
    get().bulkClear();
    expect(get().bulkSelected.size).toBe(0);
  });

  it('delete dialog: counts, keeps a refused confirmation open with the reason, runs the job, shows the report, offers Undo', async () => {
    const { fake, get, reloads } = setup();
    const planned: unknown[] = [];
    fake.ep['bulk:planDelete'].handle((req) => {
      planned.push(req.source);
      return okR(plan);
    });
    await get().openBulkDelete('prefix');
    expect(planned).toEqual([{ kind: 'prefix', prefix: text('app/') }]);
    expect(get().bulkDelete).toMatchObject({ phase: 'confirm', profileName: 'Production EU', plan });

    fake.ep['bulk:delete'].handle(() => errR('INVALID_ARGUMENT', 'Nothing was deleted: type the prefix.'));
    get().setBulkDeleteTyped('3');
    await get().confirmBulkDelete();
    expect(get().bulkDelete).toMatchObject({ phase: 'confirm', error: { code: 'INVALID_ARGUMENT' } });

    fake.ep['bulk:delete'].handle((req) => (req.typed === '3' ? okR(job('running')) : errR('INVALID_ARGUMENT')));
    await get().confirmBulkDelete();
    expect(get().bulkDelete?.phase).toBe('running');
    const report: BulkDeleteReport = {
      kind: 'bulk-delete', planned: 3, deleted: list(2), changed: list(1), gone: list(0), failed: list(0), unknown: list(0), notAttempted: list(0), transactions: 2, undoId: 'u1',
    };
    fake.emit('event:job', job('done', report));
    await flush();
    expect(get().bulkDelete).toMatchObject({ phase: 'done', report });
    expect(reloads()).toBe(1);

    fake.ep['bulk:undo'].handle((req) => okR({ ...job('running'), jobId: `undo-${req.undoId}`, kind: 'bulk-undo' }));
    await get().undoBulkDelete();
    expect(get().bulkDelete?.undo?.phase).toBe('running');
  });

  it('a short delete whose end overtakes the start answer: the report shows, and Close closes the dialog', async () => {
    const { fake, get } = setup();
    fake.ep['bulk:planDelete'].handle(() => okR(plan));
    await get().openBulkDelete('prefix');
    get().setBulkDeleteTyped('3');
    const report: BulkDeleteReport = {
      kind: 'bulk-delete', planned: 3, deleted: list(3), changed: list(0), gone: list(0), failed: list(0), unknown: list(0), notAttempted: list(0), transactions: 1, undoId: 'u1',
    };
    fake.ep['bulk:delete'].handle(() => {
      // main pushes the final update before the start answer reaches the renderer
      fake.emit('event:job', job('done', report));
      return okR(job('running'));
    });
    await get().confirmBulkDelete();
    expect(get().bulkDelete).toMatchObject({ phase: 'done', report });
    get().closeBulkDelete();
    expect(get().bulkDelete).toBeNull();
  });
});
