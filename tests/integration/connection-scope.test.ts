/**
 * What a connection owns ends with it: jobs and subscriptions started on a profile's
 * connection are cancelled and released when the connection is closed, whichever way it
 * ends (disconnect, profile removed, endpoints re-saved, app quitting). Also: the write gate
 * in front of every write channel, and kv:count through the handler table. Real etcd.
 */
import type { Watcher } from 'etcd3';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { text } from '../../src/shared/bytes';
import type { JobInfo, SubscriptionInfo } from '../../src/shared/types';
import type { ConnectionTasks } from '../../src/main/core/tasks/connection-tasks';

let etcd: EtcdCluster;
let h: Harness;
beforeAll(async () => {
  etcd = await startCluster();
});
afterAll(async () => {
  await etcd?.close();
});
afterEach(async () => {
  await h?.close();
});

const jobEvents = (profileId: string) =>
  h.events.filter((e) => e.event === 'event:job').map((e) => e.payload as JobInfo).filter((j) => j.profileId === profileId);
const subEvents = (profileId: string) =>
  h.events.filter((e) => e.event === 'event:subscription').map((e) => e.payload as SubscriptionInfo).filter((s) => s.profileId === profileId);

/**
 * Starts on the connection: a job that keeps reading etcd until it is told to stop, and a
 * subscription holding a real etcd watcher. Returns what the test checks afterwards.
 */
async function startWork(profileId: string, tasks: ConnectionTasks) {
  let reads = 0;
  const job = tasks.startJob('count-loop', async ({ signal, progress }) => {
    while (!signal.aborted) {
      unwrap(await h.handlers['kv:count']({ profileId, prefix: text('scope/') }));
      progress({ done: ++reads });
    }
  });
  let watcher: Watcher | undefined;
  let released = 0;
  const sub = await tasks.openSubscription('watch', async () => {
    const { Etcd3 } = await import('etcd3');
    const client = new Etcd3({ hosts: etcd.endpoints });
    watcher = await client.watch().prefix('scope/').create();
    return async () => {
      released++;
      await watcher!.cancel();
      client.close();
    };
  });
  await expect.poll(() => reads).toBeGreaterThan(2);
  expect(unwrap(await h.handlers['jobs:list']({ profileId })).map((j) => j.jobId)).toEqual([job.jobId]);
  expect(unwrap(await h.handlers['subscriptions:list']({ profileId })).map((s) => s.subscriptionId)).toEqual([sub.subscriptionId]);
  return { job, sub, released: () => released };
}

async function expectAllEnded(profileId: string, work: Awaited<ReturnType<typeof startWork>>) {
  await expect.poll(() => jobEvents(profileId).at(-1)?.state).toBe('cancelled');
  expect(jobEvents(profileId).at(-1)).toMatchObject({ jobId: work.job.jobId, error: { code: 'NOT_CONNECTED' } });
  await expect.poll(() => work.released()).toBe(1);
  expect(subEvents(profileId).at(-1)).toMatchObject({ subscriptionId: work.sub.subscriptionId, state: 'ended' });
  // Nothing of it is reachable any more.
  expect(errorOf(await h.handlers['jobs:list']({ profileId })).code).toBe('NOT_CONNECTED');
  expect(errorOf(await h.handlers['jobs:cancel']({ profileId, jobId: work.job.jobId })).code).toBe('NOT_CONNECTED');
}

describe('a connection ends what it owns', () => {
  it('on disconnect', async () => {
    h = await createHarness();
    const id = await h.connect({ name: 'a', endpoints: etcd.endpoints, deadlineMs: 2000 });
    const work = await startWork(id, h.handlers.tasksOf(id));
    unwrap(await h.handlers['connection:disconnect']({ profileId: id }));
    await expectAllEnded(id, work);
  });

  it('when the profile is removed', async () => {
    h = await createHarness();
    const id = await h.connect({ name: 'b', endpoints: etcd.endpoints, deadlineMs: 2000 });
    const work = await startWork(id, h.handlers.tasksOf(id));
    unwrap(await h.handlers['profiles:remove']({ profileId: id }));
    await expectAllEnded(id, work);
  });

  it('when the profile is re-saved with other connection settings', async () => {
    h = await createHarness();
    const id = await h.connect({ name: 'c', endpoints: etcd.endpoints, deadlineMs: 2000 });
    const work = await startWork(id, h.handlers.tasksOf(id));
    unwrap(await h.handlers['profiles:save']({ id, name: 'c', endpoints: etcd.endpoints, deadlineMs: 3000 }));
    await expectAllEnded(id, work);
  });

  it('when the app quits (every connection at once), and quitting waits for the release', async () => {
    h = await createHarness();
    const a = await h.connect({ name: 'd1', endpoints: etcd.endpoints, deadlineMs: 2000 });
    const b = await h.connect({ name: 'd2', endpoints: etcd.endpoints, deadlineMs: 2000 });
    const wa = await startWork(a, h.handlers.tasksOf(a));
    const wb = await startWork(b, h.handlers.tasksOf(b));
    await h.handlers.dispose();
    expect([wa.released(), wb.released()]).toEqual([1, 1]);
    await expect.poll(() => [jobEvents(a).at(-1)?.state, jobEvents(b).at(-1)?.state]).toEqual(['cancelled', 'cancelled']);
  });

  it('a job cancelled through its channel stops; the connection stays', async () => {
    h = await createHarness();
    const id = await h.connect({ name: 'e', endpoints: etcd.endpoints, deadlineMs: 2000 });
    const work = await startWork(id, h.handlers.tasksOf(id));
    unwrap(await h.handlers['jobs:cancel']({ profileId: id, jobId: work.job.jobId }));
    await expect.poll(() => jobEvents(id).at(-1)?.state).toBe('cancelled');
    unwrap(await h.handlers['subscriptions:close']({ profileId: id, subscriptionId: work.sub.subscriptionId }));
    expect(work.released()).toBe(1);
    expect(unwrap(await h.handlers['connection:status']({ profileId: id })).state).toBe('connected');
    expect(errorOf(await h.handlers['jobs:cancel']({ profileId: id, jobId: work.job.jobId })).code).toBe('NOT_FOUND');
  });
});

describe('the write gate, through the handler table', () => {
  it('refuses every write of a read-only profile before it reaches etcd; reads still work', async () => {
    let readOnlyId = '';
    h = await createHarness({
      writePolicy: { check: ({ profileId }) => (profileId === readOnlyId ? { code: 'READ_ONLY', message: 'This profile is read-only.' } : null) },
    });
    readOnlyId = await h.connect({ name: 'prod', endpoints: etcd.endpoints, deadlineMs: 2000 });
    const rw = await h.connect({ name: 'dev', endpoints: etcd.endpoints, deadlineMs: 2000 });
    unwrap(await h.handlers['kv:put']({ profileId: rw, key: text('gate/k'), value: text('v1') }));

    expect(errorOf(await h.handlers['kv:put']({ profileId: readOnlyId, key: text('gate/k'), value: text('v2') })).code).toBe('READ_ONLY');
    expect(errorOf(await h.handlers['kv:put']({ profileId: readOnlyId, key: text('gate/new'), value: text('x') })).code).toBe('READ_ONLY');
    expect(errorOf(await h.handlers['kv:delete']({ profileId: readOnlyId, key: text('gate/k') })).code).toBe('READ_ONLY');

    expect((await etcd.etcdctl(['get', 'gate/k', '--print-value-only'])).stdout.trim()).toBe('v1');
    expect((await etcd.etcdctl(['get', 'gate/new'])).stdout.trim()).toBe('');
    expect(unwrap(await h.handlers['kv:get']({ profileId: readOnlyId, key: text('gate/k') })).value).toEqual(text('v1'));
  });
});

describe('kv:count', () => {
  it('counts exactly the keys under a prefix, at the latest or a given revision', async () => {
    h = await createHarness();
    const id = await h.connect({ name: 'count', endpoints: etcd.endpoints, deadlineMs: 2000 });
    for (let i = 0; i < 7; i++) unwrap(await h.handlers['kv:put']({ profileId: id, key: text(`cnt/${i}`), value: text('v') }));
    unwrap(await h.handlers['kv:put']({ profileId: id, key: text('cnt0'), value: text('sibling, not under cnt/') }));
    const first = unwrap(await h.handlers['kv:count']({ profileId: id, prefix: text('cnt/') }));
    expect(first.count).toBe(7);
    unwrap(await h.handlers['kv:delete']({ profileId: id, key: text('cnt/0') }));
    expect(unwrap(await h.handlers['kv:count']({ profileId: id, prefix: text('cnt/') })).count).toBe(6);
    expect(unwrap(await h.handlers['kv:count']({ profileId: id, prefix: text('cnt/'), revision: first.revision })).count).toBe(7);
  });
});
