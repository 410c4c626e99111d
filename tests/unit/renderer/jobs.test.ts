import { describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../src/shared/types';
import { createEtcdClient } from '../../../src/renderer/src/api/etcd-client';
import { createJobs, isTrackedJob } from '../../../src/renderer/src/app/jobs';
import { createConnectionScope, type ScopeState } from '../../../src/renderer/src/app/scope';
import { createFakeApi, okR } from './fake-api';

function setup() {
  const fake = createFakeApi();
  const client = createEtcdClient(fake.api);
  let state: ScopeState = { activeProfileId: null };
  const scope = createConnectionScope({ get: () => state, set: (s) => (state = s) });
  const jobs = createJobs(client, scope);
  scope.enter('p1');
  fake.ep['jobs:cancel'].handle((req) => okR(info(req.jobId, 'running')));
  return { fake, jobs, scope };
}

const info = (jobId: string, state: JobInfo['state'], done = 0): JobInfo => ({
  jobId,
  profileId: 'p1',
  kind: 'plain',
  state,
  startedAt: 1,
  progress: { done },
  ...(state === 'running' ? {} : { report: { kind: 'plain', done } }),
});

describe('renderer jobs', () => {
  it('routes updates and outputs by job id, including those that overtook the start answer, and stops at the end', async () => {
    const { fake, jobs } = setup();
    const updates: string[] = [];
    const outputs: unknown[] = [];
    let answer!: (r: ReturnType<typeof okR<JobInfo>>) => void;
    const starting = new Promise<ReturnType<typeof okR<JobInfo>>>((r) => (answer = r));
    const started = jobs.start<string>('p1', starting, { onUpdate: (i) => updates.push(`${i.state}:${i.progress?.done}`), onOutput: (o) => outputs.push(o) });
    fake.emit('event:job', info('j1', 'running', 5));
    jobs.deliver('j1', 'hit-a');
    fake.emit('event:job', info('other', 'running', 7));
    answer(okR(info('j1', 'running', 0)));
    const job = await started;
    if (!isTrackedJob(job)) throw new Error('not started');
    expect(job.isRunning()).toBe(true);
    jobs.deliver('j1', 'hit-b');
    fake.emit('event:job', info('j1', 'done', 9));
    fake.emit('event:job', info('j1', 'running', 10));
    jobs.deliver('j1', 'late');
    // The answer is not replayed over a newer pushed update.
    expect(updates).toEqual(['running:5', 'done:9']);
    expect(outputs).toEqual(['hit-a', 'hit-b']);
    expect(jobs.runningCount()).toBe(0);
    expect(job.isRunning()).toBe(false);
  });

  it('a job whose final update overtook the start answer is not running when start resolves', async () => {
    const { fake, jobs } = setup();
    let answer!: (r: ReturnType<typeof okR<JobInfo>>) => void;
    const started = jobs.start('p1', new Promise((r) => (answer = r)), { onUpdate: () => {} });
    fake.emit('event:job', info('j9', 'done', 2));
    answer(okR(info('j9', 'running', 0)));
    const job = await started;
    if (!isTrackedJob(job)) throw new Error('not started');
    expect(job.isRunning()).toBe(false);
  });

  it('cancels running jobs when the app leaves the scope, and a job that starts after the scope changed', async () => {
    const { fake, jobs, scope } = setup();
    const job = await jobs.start('p1', Promise.resolve(okR(info('j1', 'running'))), { onUpdate: () => {} });
    expect(isTrackedJob(job)).toBe(true);
    let answer!: (r: ReturnType<typeof okR<JobInfo>>) => void;
    const late = jobs.start('p1', new Promise((r) => (answer = r)), { onUpdate: () => {} });
    scope.enter('p2');
    answer(okR(info('j2', 'running')));
    expect(await late).toMatchObject({ code: 'NOT_CONNECTED' });
    expect(fake.ep['jobs:cancel'].requests.map((r) => r.jobId)).toEqual(['j1', 'j2']);
    expect(jobs.runningCount()).toBe(0);
  });

  it('routes event:search-hits to the search job that found them, also a batch that overtook the start answer', async () => {
    const { fake, jobs } = setup();
    const outputs: unknown[] = [];
    const hit = (k: string) => ({ key: { encoding: 'utf8' as const, data: k }, modRevision: 2, inValue: false });
    let answer!: (r: ReturnType<typeof okR<JobInfo>>) => void;
    const started = jobs.start('p1', new Promise((r) => (answer = r)), { onUpdate: () => {}, onOutput: (o) => outputs.push(o) });
    fake.emit('event:search-hits', { profileId: 'p1', jobId: 's1', hits: [hit('a')] });
    fake.emit('event:search-hits', { profileId: 'p1', jobId: 'other', hits: [hit('x')] });
    answer(okR(info('s1', 'running')));
    await started;
    fake.emit('event:search-hits', { profileId: 'p1', jobId: 's1', hits: [hit('b'), hit('c')] });
    expect(outputs.map((o) => (o as { hits: { key: { data: string } }[] }).hits.map((h) => h.key.data))).toEqual([['a'], ['b', 'c']]);
  });
});
