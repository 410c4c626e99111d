/**
 * Jobs and subscriptions of one connection: events for each step, cancel, and the end of
 * the connection ending everything it owns.
 */
import { describe, expect, it, vi } from 'vitest';
import { ConnectionTasks, type JobContext } from '../../../src/main/core/tasks/connection-tasks';
import { failure } from '../../../src/main/core/etcd/errors';
import type { JobInfo, SubscriptionInfo } from '../../../src/shared/types';

function setup() {
  const jobs: JobInfo[] = [];
  const subs: SubscriptionInfo[] = [];
  const tasks = new ConnectionTasks('p1', { job: (i) => jobs.push(i), subscription: (i) => subs.push(i) }, () => 42);
  return { tasks, jobs, subs };
}

/** A job that runs until the test lets it finish or it is aborted. */
function controllable() {
  let ctx!: JobContext;
  let finish!: () => void;
  let fail!: (e: unknown) => void;
  const run = (c: JobContext) =>
    new Promise<void>((resolve, reject) => {
      ctx = c;
      finish = resolve;
      fail = reject;
      c.signal.addEventListener('abort', () => resolve());
    });
  return { run, get ctx() { return ctx; }, finish: () => finish(), fail: (e: unknown) => fail(e) };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('jobs', () => {
  it("a job's report rides on its final event, also when it fails", async () => {
    const { tasks, jobs } = setup();
    const job = controllable();
    tasks.startJob('bulk-delete', job.run);
    await settle();
    job.ctx.report({ kind: 'plain', done: 3 });
    job.fail(failure('OUTCOME_UNKNOWN', 'lost'));
    await settle();
    expect(jobs.at(-1)).toMatchObject({ state: 'failed', error: { code: 'OUTCOME_UNKNOWN' }, report: { kind: 'plain', done: 3 } });
    // a report after the end changes nothing
    job.ctx.report({ kind: 'plain', done: 9 });
    expect(jobs.at(-1)?.report).toEqual({ kind: 'plain', done: 3 });
  });

  it('a job working with another connection is cancelled when that one ends, and unlinked when it ends itself', async () => {
    const { tasks, jobs } = setup();
    const other = new ConnectionTasks('p2', { job: () => {}, subscription: () => {} });
    const a = controllable();
    const b = controllable();
    tasks.startJob('copy', a.run, { alsoEndsWith: [other] });
    const infoB = tasks.startJob('copy', b.run, { alsoEndsWith: [other] });
    await settle();
    b.finish();
    await settle();
    expect(jobs.filter((j) => j.jobId === infoB.jobId).at(-1)?.state).toBe('done');
    await other.endAll();
    await settle();
    expect(a.ctx.signal.aborted).toBe(true);
    expect(jobs.at(-1)).toMatchObject({ state: 'cancelled', error: { code: 'NOT_CONNECTED' } });
    // a closed connection cannot take part in a new job
    expect(() => tasks.startJob('copy', a.run, { alsoEndsWith: [other] })).toThrow(/closing/);
  });

  it('reports running, progress and done, and is listed only while running', async () => {
    const { tasks, jobs } = setup();
    const job = controllable();
    const info = tasks.startJob('export', job.run);
    expect(info).toMatchObject({ profileId: 'p1', kind: 'export', state: 'running', startedAt: 42 });
    await settle();
    job.ctx.progress({ done: 10, total: 100 });
    expect(tasks.listJobs()).toEqual([expect.objectContaining({ jobId: info.jobId, progress: { done: 10, total: 100 } })]);
    job.finish();
    await settle();
    expect(jobs.map((j) => j.state)).toEqual(['running', 'running', 'done']);
    expect(jobs.at(-1)).toMatchObject({ endedAt: 42, progress: { done: 10, total: 100 } });
    expect(tasks.listJobs()).toEqual([]);
    // progress after the end is dropped
    job.ctx.progress({ done: 99 });
    expect(jobs).toHaveLength(3);
  });

  it('a job that throws fails with its error code; a non-app error is INTERNAL without its text', async () => {
    const { tasks, jobs } = setup();
    const a = controllable();
    const b = controllable();
    tasks.startJob('bulk-delete', a.run);
    tasks.startJob('bulk-delete', b.run);
    await settle();
    a.fail(failure('PERMISSION_DENIED', 'no'));
    b.fail(new Error('raw library text /registry/secret'));
    await settle();
    const ended = jobs.filter((j) => j.state !== 'running');
    expect(ended.map((j) => [j.state, j.error?.code])).toEqual([
      ['failed', 'PERMISSION_DENIED'],
      ['failed', 'INTERNAL'],
    ]);
    expect(JSON.stringify(ended)).not.toContain('/registry/secret');
  });

  it('cancel aborts the signal and the job ends as cancelled; a second cancel is NOT_FOUND', async () => {
    const { tasks, jobs } = setup();
    const job = controllable();
    const { jobId } = tasks.startJob('defragment', job.run);
    await settle();
    tasks.cancelJob(jobId);
    expect(job.ctx.signal.aborted).toBe(true);
    await settle();
    expect(jobs.at(-1)).toMatchObject({ jobId, state: 'cancelled' });
    expect(() => tasks.cancelJob(jobId)).toThrow(expect.objectContaining({ error: expect.objectContaining({ code: 'NOT_FOUND' }) }));
  });
});

describe('subscriptions', () => {
  it('open, list, close: release runs once and the end is announced', async () => {
    const { tasks, subs } = setup();
    const release = vi.fn();
    const info = await tasks.openSubscription('watch', () => release);
    expect(info).toMatchObject({ kind: 'watch', state: 'open', profileId: 'p1' });
    expect(tasks.listSubscriptions()).toHaveLength(1);
    await tasks.closeSubscription(info.subscriptionId);
    await expect(tasks.closeSubscription(info.subscriptionId)).rejects.toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(release).toHaveBeenCalledTimes(1);
    expect(subs.map((s) => s.state)).toEqual(['open', 'ended']);
    expect(tasks.listSubscriptions()).toEqual([]);
  });

  it('a feed that ends by itself reports its error and is released', async () => {
    const { tasks, subs } = setup();
    const release = vi.fn();
    let end!: (e?: never) => void;
    await tasks.openSubscription('watch', (ctx) => {
      end = ctx.end as never;
      return release;
    });
    (end as unknown as (e: unknown) => void)({ code: 'COMPACTED', message: 'compacted' });
    await settle();
    expect(release).toHaveBeenCalledTimes(1);
    expect(subs.at(-1)).toMatchObject({ state: 'ended', error: { code: 'COMPACTED' } });
  });

  it('a feed that fails to open throws and leaves nothing open', async () => {
    const { tasks, subs } = setup();
    await expect(tasks.openSubscription('watch', () => Promise.reject(failure('UNAVAILABLE', 'down')))).rejects.toMatchObject({ error: { code: 'UNAVAILABLE' } });
    expect(tasks.listSubscriptions()).toEqual([]);
    expect(subs).toEqual([]);
  });
});

describe('the end of the connection', () => {
  it('cancels every job, releases every subscription (also one still opening) and refuses new ones', async () => {
    const { tasks, jobs, subs } = setup();
    const j1 = controllable();
    const j2 = controllable();
    tasks.startJob('export', j1.run);
    tasks.startJob('import', j2.run);
    const r1 = vi.fn();
    const r2 = vi.fn();
    await tasks.openSubscription('watch', () => r1);
    await tasks.openSubscription('keep-alive', () => r2);
    let opened!: (release: () => void) => void;
    const r3 = vi.fn();
    const opening = tasks.openSubscription('watch', () => new Promise((resolve) => (opened = resolve)));
    await settle();

    await tasks.endAll({ code: 'NOT_CONNECTED', message: 'closed' });
    await settle();
    expect(j1.ctx.signal.aborted && j2.ctx.signal.aborted).toBe(true);
    expect(jobs.filter((j) => j.state !== 'running').map((j) => [j.state, j.error?.code])).toEqual([
      ['cancelled', 'NOT_CONNECTED'],
      ['cancelled', 'NOT_CONNECTED'],
    ]);
    expect(r1).toHaveBeenCalledTimes(1);
    expect(r2).toHaveBeenCalledTimes(1);
    expect(subs.filter((s) => s.state === 'ended')).toHaveLength(2);
    opened(r3);
    await expect(opening).resolves.toMatchObject({ state: 'ended' });
    expect(r3).toHaveBeenCalledTimes(1);
    expect(tasks.listJobs()).toEqual([]);
    expect(tasks.listSubscriptions()).toEqual([]);
    expect(() => tasks.startJob('export', async () => undefined)).toThrow(expect.objectContaining({ error: expect.objectContaining({ code: 'NOT_CONNECTED' }) }));
    await expect(tasks.openSubscription('watch', () => () => undefined)).rejects.toMatchObject({ error: { code: 'NOT_CONNECTED' } });
  });
});

describe('a reloaded page', () => {
  it('closes every subscription but keeps jobs and the connection', async () => {
    const { tasks, jobs, subs } = setup();
    const job = controllable();
    tasks.startJob('export', job.run);
    const r1 = vi.fn();
    const r2 = vi.fn();
    await tasks.openSubscription('watch', () => r1);
    await tasks.openSubscription('keep-alive', () => r2);

    await tasks.closeSubscriptions({ code: 'NOT_CONNECTED', message: 'The window was reloaded.' });
    expect(r1).toHaveBeenCalledTimes(1);
    expect(r2).toHaveBeenCalledTimes(1);
    expect(subs.filter((s) => s.state === 'ended').map((s) => s.error?.code)).toEqual(['NOT_CONNECTED', 'NOT_CONNECTED']);
    expect(tasks.listSubscriptions()).toEqual([]);
    expect(job.ctx.signal.aborted).toBe(false);
    expect(jobs.at(-1)?.state).toBe('running');
    // The new page can open its own.
    await expect(tasks.openSubscription('watch', () => () => undefined)).resolves.toMatchObject({ state: 'open' });
  });
});
