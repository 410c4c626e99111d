// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { text } from '../../../src/shared/bytes';
import type { K8sAnalyzeReport } from '../../../src/shared/k8s';
import type { JobInfo } from '../../../src/shared/types';
import { flush, okR, profile } from './fake-api';
import { renderApp } from './render-app';

afterEach(cleanup);

const report: K8sAnalyzeReport = {
  kind: 'k8s-analyze',
  scanned: 3,
  bytes: 3000,
  revision: 41,
  byResource: [
    { resource: 'configmaps', count: 1, bytes: 2000 },
    { resource: 'pods', count: 2, bytes: 1000 },
  ],
  byNamespace: [
    { resource: 'pods', namespace: 'a', count: 2, bytes: 1000 },
    { resource: 'configmaps', namespace: 'b', count: 1, bytes: 2000 },
  ],
  largest: [{ key: text('/registry/configmaps/b/big'), resource: 'configmaps', size: 2000 }],
  encrypted: 0,
};
const job = (state: JobInfo['state'], extra: Partial<JobInfo> = {}): JobInfo => ({ jobId: 'j1', profileId: 'a', kind: 'k8s-analyze', state, startedAt: 1, ...extra });

async function openView(count: number) {
  const { fake, store } = await renderApp({
    profiles: [profile('a', { name: 'local' })],
    keys: { '/registry/configmaps/b/big': 'x'.repeat(20) },
    prepare: (f) => f.ep['kv:count'].handle(() => okR({ count, revision: 40 })),
  });
  await act(async () => {
    fireEvent.click(screen.getByTestId('profile-item').querySelector('.profile-main')!);
    await flush();
  });
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: 'Analyze K8s' }));
    await flush();
  });
  return { fake, store };
}

describe('AnalyzeView', () => {
  it('says what it reads, runs, shows the tables; a largest object opens in the value panel; a cancelled run is labelled partial', async () => {
    const { fake } = await openView(3);
    expect(screen.getByTestId('k8s-analyze-intro').textContent).toContain('That is 3 values to read from etcd.');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Analyze' }));
      await flush();
      fake.ep['k8s:analyze'].next().resolve(okR(job('running', { progress: { done: 1, total: 3, phase: 'reading values' } })));
      await flush();
    });
    expect(screen.getByTestId('k8s-analyze-progress').textContent).toBe('Reading values: 1 of 3 keys');
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();
    await act(async () => {
      fake.emit('event:job', job('done', { progress: { done: 3, total: 3 }, report }));
      await flush();
    });
    expect(screen.queryByTestId('k8s-analyze-partial')).toBeNull();
    const resources = within(screen.getByRole('table', { name: 'Resource types' })).getAllByRole('row').map((r) => r.textContent);
    expect(resources.slice(1)).toEqual(['configmaps12.0 KiB66.7 %', 'pods21000 B33.3 %']);
    const namespaces = () => within(screen.getByRole('table', { name: 'Namespaces per resource type' })).getAllByRole('row').map((r) => r.textContent);
    expect(namespaces()[1]).toBe('podsa21000 B');
    fireEvent.click(screen.getByRole('button', { name: 'Bytes' }));
    expect(namespaces()[1]).toBe('configmapsb12.0 KiB');
    expect(screen.getByTestId('k8s-analyze-summary').textContent).toBe('3 keys, 2.9 KiB of values; 0 encrypted at rest; read at revision 41.');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Open /registry/configmaps/b/big' }));
      await flush();
    });
    expect(fake.ep['kv:get'].fn).toHaveBeenCalledWith({ profileId: 'a', key: text('/registry/configmaps/b/big') });

    // Again, cancelled: the partial report is labelled.
    fake.ep['jobs:cancel'].handle(() => okR(job('running', { jobId: 'j2' })));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Analyze again' }));
      await flush();
      fake.ep['k8s:analyze'].next().resolve(okR(job('running', { jobId: 'j2' })));
      await flush();
    });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
      await flush();
      fake.emit('event:job', job('cancelled', { jobId: 'j2', progress: { done: 2, total: 3 }, report: { ...report, scanned: 2 } }));
      await flush();
    });
    expect(fake.ep['jobs:cancel'].requests).toEqual([{ profileId: 'a', jobId: 'j2' }]);
    expect(screen.getByTestId('k8s-analyze-partial').textContent).toBe('Partial report: the analysis was cancelled after 2 of 3 keys; the numbers below count only those.');
    expect(screen.getByTestId('k8s-analyze-progress').textContent).toBe('Cancelled after 2 of 3 keys');
  });

  it('no keys under /registry/: says so, and there is nothing to start', async () => {
    await openView(0);
    expect(screen.getByTestId('k8s-analyze-intro').textContent).toContain('There are no keys under /registry/');
    expect((screen.getByRole('button', { name: 'Analyze' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
