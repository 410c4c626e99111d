/**
 * The Kubernetes analyze view's store slice (no React): the count under /registry/, the job
 * started with k8s:analyze, progress, the final report, Cancel and the partial report it keeps,
 * a largest object opening its key, a refused start, a connection switch forgetting the run; and
 * the pure table helpers (shares, namespaces sorted by objects or bytes).
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/renderer/src/app/commands';
import { analyzeProgressText } from '../../../src/renderer/src/features/kubernetes/AnalyzeView';
import { namespaceRows, resourceRows, shareText } from '../../../src/renderer/src/features/kubernetes/analyze-tables';
import { text } from '../../../src/shared/bytes';
import type { K8sAnalyzeReport } from '../../../src/shared/k8s';
import type { JobInfo } from '../../../src/shared/types';
import { errR, flush, okR } from './fake-api';
import { setupStore } from './helpers';

const report = (scanned: number): K8sAnalyzeReport => ({
  kind: 'k8s-analyze',
  scanned,
  bytes: 4000,
  revision: 77,
  byResource: [
    { resource: 'configmaps', count: 2, bytes: 3000 },
    { resource: 'pods', count: 5, bytes: 999 },
    { resource: '(other)', count: 1, bytes: 1 },
  ],
  byNamespace: [
    { resource: 'pods', namespace: 'a', count: 4, bytes: 400 },
    { resource: 'configmaps', namespace: 'b', count: 2, bytes: 3000 },
    { resource: 'pods', namespace: 'b', count: 1, bytes: 599 },
  ],
  largest: [{ key: text('/registry/configmaps/b/big'), resource: 'configmaps', size: 2000 }],
  encrypted: 1,
});

const job = (state: JobInfo['state'], extra: Partial<JobInfo> = {}): JobInfo => ({ jobId: 'j1', profileId: 'a', kind: 'k8s-analyze', state, startedAt: 1, ...extra });

async function connected() {
  const s = await setupStore();
  s.fake.ep['kv:count'].handle(() => okR({ count: 8, revision: 70 }));
  void s.store.getState().switchProfile('a');
  await flush();
  return s;
}

describe('k8s analyze slice', () => {
  it('the command opens the view; the count under /registry/ is asked', async () => {
    const { store, fake } = await connected();
    runCommand(store, 'k8s-analyze-view');
    expect(store.getState().view).toBe('k8s-analyze');
    await store.getState().loadAnalyzeCount();
    expect(fake.ep['kv:count'].requests.at(-1)).toEqual({ profileId: 'a', prefix: text('/registry/') });
    expect(store.getState().analyzeCount).toEqual({ state: 'ready', count: 8, revision: 70 });
    runCommand(store, 'k8s-analyze-view');
    expect(store.getState().view).toBe('keys');
  });

  it('starts k8s:analyze, follows progress, ends with the report; a largest object opens its key', async () => {
    const { store, fake } = await connected();
    void store.getState().startAnalyze();
    await flush();
    const start = fake.ep['k8s:analyze'].next();
    expect(start.req).toEqual({ profileId: 'a', root: text('/registry/') });
    // A progress event that overtakes the start answer is not lost.
    fake.emit('event:job', job('running', { progress: { done: 0, phase: 'counting keys' } }));
    start.resolve(okR(job('running')));
    await flush();
    expect(store.getState().analyzeRun).toMatchObject({ status: 'running', done: 0, phase: 'counting keys' });
    fake.emit('event:job', job('running', { progress: { done: 3, total: 8, phase: 'reading values' } }));
    await flush();
    expect(store.getState().analyzeRun).toMatchObject({ status: 'running', done: 3, total: 8, phase: 'reading values' });
    expect(analyzeProgressText(store.getState().analyzeRun!)).toBe('Reading values: 3 of 8 keys');
    fake.emit('event:job', job('done', { progress: { done: 8, total: 8 }, report: report(8) }));
    await flush();
    const run = store.getState().analyzeRun!;
    expect(run).toMatchObject({ status: 'done', done: 8, total: 8 });
    expect(run.report).toEqual(report(8));
    expect(analyzeProgressText(run)).toBe('Done: 8 of 8 keys read');
    store.getState().openAnalyzedKey(run.report!.largest[0].key);
    await flush();
    expect(fake.ep['kv:get'].next().req).toEqual({ profileId: 'a', key: text('/registry/configmaps/b/big') });
  });

  it('cancel asks main to stop; the cancelled run keeps its partial report', async () => {
    const { store, fake } = await connected();
    const cancels: string[] = [];
    fake.ep['jobs:cancel'].handle((req) => {
      cancels.push(req.jobId);
      return okR(job('running'));
    });
    void store.getState().startAnalyze();
    await flush();
    fake.ep['k8s:analyze'].next().resolve(okR(job('running', { progress: { done: 2, total: 8, phase: 'reading values' } })));
    await flush();
    store.getState().cancelAnalyze();
    await flush();
    expect(cancels).toEqual(['j1']);
    fake.emit('event:job', job('cancelled', { progress: { done: 2, total: 8 }, report: report(3) }));
    await flush();
    const run = store.getState().analyzeRun!;
    expect(run.status).toBe('cancelled');
    expect(run.report?.scanned).toBe(3);
    expect(run.done).toBe(3);
    expect(analyzeProgressText(run)).toBe('Cancelled after 3 of 8 keys');
  });

  it('a refused start shows its error; a switch of connection forgets the run and the count', async () => {
    const { store, fake } = await connected();
    void store.getState().startAnalyze();
    await flush();
    fake.ep['k8s:analyze'].next().resolve(errR('NOT_CONNECTED', 'Not connected.'));
    await flush();
    expect(store.getState().analyzeRun).toMatchObject({ status: 'failed', error: { code: 'NOT_CONNECTED' } });
    await store.getState().loadAnalyzeCount();
    expect(store.getState().analyzeCount?.state).toBe('ready');
    void store.getState().switchProfile('b');
    await flush();
    expect(store.getState().analyzeRun).toBeNull();
    expect(store.getState().analyzeCount).toBeNull();
  });
});

describe('analyze tables', () => {
  it('resource rows carry their share of all bytes', () => {
    const rows = resourceRows(report(8));
    expect(rows.map((r) => [r.resource, r.share])).toEqual([
      ['configmaps', 0.75],
      ['pods', 0.24975],
      ['(other)', 0.00025],
    ]);
    expect(rows.map((r) => shareText(r.share))).toEqual(['75.0 %', '25.0 %', '< 0.1 %']);
  });

  it('namespaces sort by objects or by bytes', () => {
    expect(namespaceRows(report(8), 'objects').map((r) => `${r.resource}/${r.namespace}`)).toEqual(['pods/a', 'configmaps/b', 'pods/b']);
    expect(namespaceRows(report(8), 'bytes').map((r) => `${r.resource}/${r.namespace}`)).toEqual(['configmaps/b', 'pods/b', 'pods/a']);
  });
});
