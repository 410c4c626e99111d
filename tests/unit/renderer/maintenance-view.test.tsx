// @vitest-environment happy-dom
/**
 * The cluster view's maintenance: each button sends the request its channel expects (after a
 * confirmation where it changes the cluster), jobs show progress and their report, errors show
 * in the panel, and leaving the profile cancels a running job.
 */
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppStore } from '../../../src/renderer/src/app/create-app-store';
import type { DefragReport, SnapshotReport } from '../../../src/shared/maintenance-reports';
import type { ClusterStatus, JobInfo } from '../../../src/shared/types';
import { errR, flush, okR, profile, type FakeApi } from './fake-api';
import { renderApp } from './render-app';

afterEach(cleanup);

const E = ['http://m1:2379', 'http://m2:2379', 'http://m3:2379'];
const IDS = ['a1', 'b2', 'c3'];
const clusterStatus: ClusterStatus = {
  clusterId: 'ff',
  members: IDS.map((id, i) => ({ id, name: `m${i + 1}`, peerUrls: [], clientUrls: [E[i]], isLeader: i === 2, isLearner: false })),
  endpoints: IDS.map((id, i) => ({ endpoint: E[i], reachable: true, memberId: id, leaderId: 'c3', dbSize: 4096, dbSizeInUse: 2048 })),
  leaderId: 'c3',
  alarms: [{ memberId: 'a1', alarm: 'NOSPACE' }],
  at: 1,
};
const job = (jobId: string, kind: string, state: JobInfo['state'], extra: Partial<JobInfo> = {}): JobInfo => ({ jobId, profileId: 'a', kind, state, startedAt: 1, ...extra });

async function renderCluster(): Promise<{ store: AppStore; fake: FakeApi }> {
  const app = await renderApp({
    profiles: [profile('a', { name: 'local' }), profile('b')],
    keys: { 'app/one': 'first' },
    connect: 'a',
    prepare: (fake) => {
      fake.ep['cluster:status'].handle(() => okR(clusterStatus));
      fake.ep['history:bounds'].handle(() => okR({ current: 42, compacted: 5 }));
      fake.ep['jobs:cancel'].handle((req) => okR(job(req.jobId, 'defragment', 'running')));
    },
  });
  await run(() => app.store.getState().toggleClusterView(true));
  return app;
}

async function run(action: () => unknown): Promise<void> {
  await act(async () => {
    await action();
    await flush();
  });
}

const panel = () => screen.getByTestId('cluster-maintenance');
const click = (el: HTMLElement, name: string | RegExp) => run(() => fireEvent.click(within(el).getByRole('button', { name })));
const confirm = (label: string) => click(screen.getByTestId('confirm-dialog'), label);
const memberRow = (i: number) => screen.getAllByTestId('cluster-endpoint')[i];

describe('maintenance in the cluster view', () => {
  it('defragment all: confirmed, then progress and the per-member report; the status is read again at the end', async () => {
    const { fake } = await renderCluster();
    fake.ep['maintenance:defragment'].handle(() => okR(job('d1', 'defragment', 'running')));
    await click(panel(), 'Defragment all…');
    expect(fake.ep['maintenance:defragment'].requests).toEqual([]);
    await confirm('Defragment');
    expect(fake.ep['maintenance:defragment'].requests).toEqual([{ profileId: 'a', target: 'all' }]);
    await run(() => fake.emit('event:job', job('d1', 'defragment', 'running', { progress: { done: 1, total: 3, phase: 'defragmenting m2:2379 (follower)' } })));
    expect(screen.getByTestId('maintenance-job').textContent).toContain('defragmenting m2:2379 (follower) 1/3');
    const statusReads = fake.ep['cluster:status'].requests.length;
    const report: DefragReport = {
      kind: 'defragment',
      members: [
        { endpoint: E[0], memberId: 'a1', role: 'follower', state: 'done', before: { dbSize: 4 << 20, dbSizeInUse: 1 << 20 }, after: { dbSize: 1 << 20, dbSizeInUse: 1 << 20 } },
        { endpoint: E[1], memberId: 'b2', role: 'follower', state: 'failed', error: { code: 'TIMEOUT', message: 'slow' } },
        { endpoint: E[2], memberId: 'c3', role: 'leader', state: 'not-attempted' },
      ],
    };
    await run(() => fake.emit('event:job', job('d1', 'defragment', 'failed', { report, error: { code: 'TIMEOUT', message: 'Defragmenting m2:2379 failed' } })));
    const rows = within(screen.getByTestId('defrag-report')).getAllByRole('row');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/Endpoint.*Before.*After/),
      expect.stringMatching(/m1:2379.*follower.*done.*4\.0 MiB \(1\.0 MiB in use, 75% fragmented\).*→ 1\.0 MiB \(1\.0 MiB in use, 0% fragmented\)/),
      expect.stringMatching(/m2:2379.*follower.*failed/),
      expect.stringMatching(/m3:2379.*leader.*not-attempted/),
    ]);
    expect(screen.getByTestId('maintenance-job').textContent).toContain('Defragmenting m2:2379 failed');
    expect(fake.ep['cluster:status'].requests.length).toBeGreaterThan(statusReads);
  });

  it('one member: defragment, snapshot to the chosen file, make leader (not offered for the leader)', async () => {
    const { fake } = await renderCluster();
    expect(within(memberRow(2)).queryByRole('button', { name: 'Make leader' })).toBeNull();

    fake.ep['maintenance:defragment'].handle(() => okR(job('d2', 'defragment', 'running')));
    await click(memberRow(1), 'Defragment');
    await confirm('Defragment');
    expect(fake.ep['maintenance:defragment'].requests).toEqual([{ profileId: 'a', target: 'b2' }]);
    await run(() => fake.emit('event:job', job('d2', 'defragment', 'done')));

    fake.ep['maintenance:chooseFile'].handle(() => okR({ path: '/backups/m1.db' }));
    fake.ep['maintenance:snapshot'].handle(() => okR(job('s1', 'snapshot', 'running')));
    await click(memberRow(0), 'Snapshot…');
    expect(fake.ep['maintenance:chooseFile'].requests).toEqual([{ current: 'etcd-m1.db' }]);
    expect(fake.ep['maintenance:snapshot'].requests).toEqual([{ profileId: 'a', memberId: 'a1', path: '/backups/m1.db' }]);
    await run(() => fake.emit('event:job', job('s1', 'snapshot', 'running', { progress: { done: 2048, total: 4096, phase: 'saving' } })));
    expect(screen.getByTestId('maintenance-job').textContent).toContain('saving 2.0 KiB of 4.0 KiB');
    const report: SnapshotReport = { kind: 'snapshot', endpoint: E[0], memberId: 'a1', path: '/backups/m1.db', complete: true, bytes: 4096, sha256: 'abc123' };
    await run(() => fake.emit('event:job', job('s1', 'snapshot', 'done', { report })));
    expect(screen.getByTestId('snapshot-report').textContent).toContain('/backups/m1.db · 4.0 KiB · sha256 abc123');

    // A cancelled save dialog starts nothing.
    fake.ep['maintenance:chooseFile'].handle(() => okR({ path: null }));
    await click(memberRow(0), 'Snapshot…');
    expect(fake.ep['maintenance:snapshot'].requests).toHaveLength(1);

    fake.ep['maintenance:moveLeader'].handle(() => okR({ previousLeaderId: 'c3', leaderId: 'a1' }));
    await click(memberRow(0), 'Make leader');
    await confirm('Move leader');
    expect(fake.ep['maintenance:moveLeader'].requests).toEqual([{ profileId: 'a', targetMemberId: 'a1' }]);
  });

  it('compact: type-to-confirm (the revision or the profile name), physical optional; a refusal is shown in the panel', async () => {
    const { fake } = await renderCluster();
    expect(within(panel()).getByTestId('maintenance-compact').textContent).toContain('Kubernetes API server compacts etcd on its own');
    expect(within(panel()).getByTestId('maintenance-compact').textContent).toContain('Current revision: 42 (compacted up to 5)');
    fake.ep['maintenance:compact'].handle(() => errR('COMPACTED', 'The history is already compacted up to revision 9'));
    const compact = () => within(panel()).getByRole('button', { name: 'Compact' }) as HTMLButtonElement;
    const typeIn = (label: string, value: string) => run(() => fireEvent.change(within(panel()).getByLabelText(label), { target: { value } }));
    await typeIn('Compact up to revision', '7');
    expect(compact().disabled).toBe(true);
    await typeIn('Type to confirm the compaction', '8');
    expect(compact().disabled).toBe(true);
    await typeIn('Type to confirm the compaction', '7');
    expect(compact().disabled).toBe(false);
    await click(panel(), 'Compact');
    expect(fake.ep['maintenance:compact'].requests).toEqual([{ profileId: 'a', revision: 7, physical: true }]);
    expect(screen.getByTestId('maintenance-error').textContent).toBe('The history is already compacted up to revision 9');
    // The confirmation is used up; the profile name confirms too, and physical can be left out.
    expect(compact().disabled).toBe(true);
    await run(() => fireEvent.click(within(panel()).getByRole('checkbox', { name: /physical/ })));
    await typeIn('Type to confirm the compaction', 'local');
    await click(panel(), 'Compact');
    expect(fake.ep['maintenance:compact'].requests[1]).toEqual({ profileId: 'a', revision: 7, physical: false });
  });

  it('NOSPACE: the alarms per member and the recovery in order (compact, defragment every member, disarm)', async () => {
    const { fake } = await renderCluster();
    expect(within(panel()).getAllByTestId('alarm').map((li) => li.textContent)).toEqual([expect.stringContaining('NOSPACE on m1')]);
    const flow = within(panel()).getByTestId('nospace-flow');
    expect(flow.textContent).toMatch(/compact.*defragment every member.*disarm/i);
    await click(flow, 'Fill in the compaction below');
    expect((within(panel()).getByLabelText('Compact up to revision') as HTMLInputElement).value).toBe('42');
    fake.ep['maintenance:defragment'].handle(() => okR(job('d9', 'defragment', 'running')));
    await click(flow, 'Defragment every member…');
    await confirm('Defragment');
    expect(fake.ep['maintenance:defragment'].requests).toEqual([{ profileId: 'a', target: 'all' }]);
  });

  it('alarms are disarmed and hashes compared', async () => {
    const { fake } = await renderCluster();
    fake.ep['maintenance:disarm'].handle(() => okR({ disarmed: [{ memberId: 'a1', alarm: 'NOSPACE' as const }], remaining: [] }));
    await click(panel(), 'Disarm alarms');
    expect(fake.ep['maintenance:disarm'].requests).toEqual([{ profileId: 'a' }]);
    fake.ep['maintenance:hashKv'].handle(() =>
      okR({ revision: 12, agree: false, members: [{ endpoint: E[0], memberId: 'a1', hash: 5 }, { endpoint: E[1], memberId: 'b2', hash: 6 }] }),
    );
    await click(panel(), 'Compare hashes');
    expect(screen.getByTestId('hashkv-result').textContent).toMatch(/revision 12: members differ.*m1:2379 5.*m2:2379 6/);
  });

  it('leaving the profile cancels a running job and clears the panel', async () => {
    const { store, fake } = await renderCluster();
    fake.ep['maintenance:defragment'].handle(() => okR(job('d3', 'defragment', 'running')));
    await click(panel(), 'Defragment all…');
    await confirm('Defragment');
    expect(screen.getByTestId('maintenance-job').dataset.state).toBe('running');
    await run(() => store.getState().switchProfile('b'));
    expect(fake.ep['jobs:cancel'].requests).toEqual([{ profileId: 'a', jobId: 'd3' }]);
    expect(store.getState().maintenanceJob).toBeNull();
  });
});
