/**
 * A status-bar error that a later answer resolves (an outage, a compaction) goes once a call of
 * that profile succeeds, or once main says the connection is up again. By code, never by text.
 */
import { describe, expect, it } from 'vitest';
import { text } from '../../../src/shared/bytes';
import type { ClusterStatus } from '../../../src/shared/types';
import { errR, flush, memoryEtcd, okR, useMemoryEtcd } from './fake-api';
import { setupStore } from './helpers';

const down = () => errR('UNAVAILABLE', '14 UNAVAILABLE: No connection established', { endpoint: 'http://a:2379' });

/** Connected to "a", a delete failed with `code`: its error is in the status bar. */
async function deleteFailedOnA(code: Parameters<typeof errR>[0] = 'UNAVAILABLE') {
  const { store, fake } = await setupStore();
  const mem = memoryEtcd({ 'cfg/a': 'one', 'cfg/b': 'two' });
  useMemoryEtcd(fake, mem);
  await store.getState().switchProfile('a');
  fake.ep['kv:delete'].handle(() => (code === 'UNAVAILABLE' ? down() : errR(code)));
  await store.getState().deleteKey(text('cfg/a'));
  expect(store.getState().statusMessage).toMatchObject({ kind: 'error', code, profileId: 'a' });
  return { store, fake, mem };
}

describe('a resolved error leaves the status bar', () => {
  it('an outage goes when a later kv call of that profile succeeds', async () => {
    const { store } = await deleteFailedOnA();
    await store.getState().selectKey(text('cfg/b'));
    expect(store.getState().loaded?.value).toEqual(text('two'));
    expect(store.getState().statusMessage).toBeNull();
  });

  it('so does a compaction, and a timeout, and no quorum, and not connected', async () => {
    for (const code of ['COMPACTED', 'TIMEOUT', 'NO_QUORUM', 'NOT_CONNECTED'] as const) {
      const { store } = await deleteFailedOnA(code);
      await store.getState().reloadKeys();
      expect(store.getState().statusMessage, code).toBeNull();
    }
  });

  it('a cluster status read counts as an answer too', async () => {
    const { store, fake } = await deleteFailedOnA();
    const status: ClusterStatus = { members: [], endpoints: [], alarms: [], at: 1 };
    fake.ep['cluster:status'].handle(() => okR(status));
    await store.getState().loadClusterStatus();
    expect(store.getState().statusMessage).toBeNull();
  });

  it('a failed call resolves nothing', async () => {
    const { store, fake } = await deleteFailedOnA();
    fake.ep['kv:get'].handle(() => down());
    await store.getState().selectKey(text('cfg/b'));
    expect(store.getState().statusMessage?.code).toBe('UNAVAILABLE');
  });

  it('a call that started before the failure was reported does not resolve it', async () => {
    const { store, fake, mem } = await deleteFailedOnA();
    // A read goes out, the cluster fails a delete meanwhile, then the (older) read answers.
    fake.ep['kv:get'].handle(null);
    void store.getState().selectKey(text('cfg/b'));
    await flush();
    const read = fake.ep['kv:get'].next();
    await store.getState().deleteKey(text('cfg/b'));
    expect(store.getState().statusMessage?.code).toBe('UNAVAILABLE');
    const failedAt = store.getState().statusMessage?.id;
    read.resolve(mem.get(read.req));
    await flush();
    expect(store.getState().statusMessage?.id).toBe(failedAt);
    // A call started after it does.
    fake.ep['kv:get'].handle((r) => mem.get(r));
    await store.getState().selectKey(text('cfg/a'), { reread: true });
    expect(store.getState().statusMessage).toBeNull();
  });

  it('errors a success does not resolve stay until the user acts: conflict, permission, unknown outcome, too large', async () => {
    for (const code of ['CONFLICT', 'PERMISSION_DENIED', 'OUTCOME_UNKNOWN', 'TOO_LARGE', 'AUTH_FAILED', 'INTERNAL'] as const) {
      const { store } = await deleteFailedOnA(code);
      await store.getState().reloadKeys();
      expect(store.getState().statusMessage?.code, code).toBe(code);
    }
  });

  it('only a success of the profile the error came from resolves it', async () => {
    const { store } = await deleteFailedOnA();
    store.getState().callSucceeded('b', Number.MAX_SAFE_INTEGER);
    expect(store.getState().statusMessage?.code).toBe('UNAVAILABLE');
    store.getState().callSucceeded('a', Number.MAX_SAFE_INTEGER);
    expect(store.getState().statusMessage).toBeNull();
  });

  it('success and info messages are never taken away by it', async () => {
    const { store } = await setupStore();
    store.getState().setStatus('success', 'Deleted “x”.');
    store.getState().callSucceeded('a', Number.MAX_SAFE_INTEGER);
    expect(store.getState().statusMessage?.text).toBe('Deleted “x”.');
  });

  it('a connection-status event saying connected resolves an outage, unless it says there is no leader', async () => {
    const { store, fake } = await deleteFailedOnA('NO_QUORUM');
    fake.emit('event:connection-status', { profileId: 'a', state: 'connected', at: Date.now() + 1_000, members: { answering: 1, total: 3, hasLeader: false } });
    expect(store.getState().statusMessage?.code).toBe('NO_QUORUM');
    fake.emit('event:connection-status', { profileId: 'b', state: 'connected', at: Date.now() + 2_000 });
    expect(store.getState().statusMessage?.code).toBe('NO_QUORUM');
    fake.emit('event:connection-status', { profileId: 'a', state: 'connected', at: Date.now() + 3_000, members: { answering: 2, total: 3, hasLeader: true } });
    expect(store.getState().statusMessage).toBeNull();
  });
});
