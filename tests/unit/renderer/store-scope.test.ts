/**
 * The connection scope through the store: leaving a connection (switch, disconnect, removal of
 * the active profile) resets everything that belongs to it, and answers that arrive for a
 * scope the app has left are dropped.
 */
import { describe, expect, it } from 'vitest';
import { text } from '../../../src/shared/bytes';
import type { ClusterStatus } from '../../../src/shared/types';
import type { AppStore } from '../../../src/renderer/src/app/create-app-store';
import { entry, errR, flush, kv, memoryEtcd, okR, page, useMemoryEtcd, type FakeApi } from './fake-api';
import { setupStore } from './helpers';

const clusterStatus: ClusterStatus = {
  members: [{ id: 'm1', name: 'n1', peerUrls: ['http://p:2380'], clientUrls: ['http://c:2379'], isLeader: true, isLearner: false }],
  endpoints: [],
  alarms: [],
  at: 1,
};

/** Connected to "a" with something in every connection-owned slice. */
async function busyOnA(): Promise<{ store: AppStore; fake: FakeApi }> {
  const { store, fake } = await setupStore();
  const mem = memoryEtcd({ 'cfg/a': 'one', 'cfg/b': 'two' });
  useMemoryEtcd(fake, mem);
  fake.ep['cluster:status'].handle(() => okR(clusterStatus));
  await store.getState().switchProfile('a');
  await store.getState().setPrefix('cfg/');
  store.getState().setFilter('cfg');
  await store.getState().selectKey(text('cfg/a'));
  store.getState().setDraft('edited');
  fake.ep['kv:put'].handle(() => errR('UNAVAILABLE', 'down'));
  await store.getState().save();
  useMemoryEtcd(fake, mem);
  await store.getState().loadClusterStatus();
  store.getState().openNewKey();
  store.getState().notifyError({ code: 'UNAVAILABLE', message: 'down' }, { op: 'connect' });
  store.getState().pushToast('warning', 'profiles.json was corrupt', undefined, true);

  const s = store.getState();
  expect(s.items).toHaveLength(2);
  expect(s.total).toBe(2);
  expect(s.filter).toBe('cfg');
  expect(s.selectedKey).toEqual(text('cfg/a'));
  expect(s.dirty).toBe(true);
  expect(s.clusterStatus).not.toBeNull();
  expect(s.newKey).not.toBeNull();
  expect(s.valueError?.error.code).toBe('UNAVAILABLE');
  expect(s.statusMessage?.kind).toBe('error');
  return { store, fake };
}

/** Nothing of the left connection is on screen; what belongs to the user or the app stays. */
function expectConnectionStateReset(store: AppStore) {
  const s = store.getState();
  // keys
  expect(s.items).toEqual([]);
  expect(s.total).toBeNull();
  expect(s.listRevision).toBe(0);
  expect(s.more).toBe(false);
  expect(s.filter).toBe('');
  expect(s.prefix).toBe('cfg/'); // the user's prefix outlives connections
  // editor
  expect(s.selectedKey).toBeNull();
  expect(s.loaded).toBeNull();
  expect(s.draft).toBe('');
  expect(s.dirty).toBe(false);
  expect(s.editorStatus).toBe('empty');
  expect(s.valueError).toBeNull();
  // cluster
  expect(s.clusterStatus).toBeNull();
  expect(s.clusterLoading).toBe(false);
  // new key dialog
  expect(s.newKey).toBeNull();
  // notifications: the status message about the old connection goes, store notices stay
  expect(s.statusMessage).toBeNull();
  expect(s.toasts.some((t) => t.text.includes('corrupt'))).toBe(true);
}

describe('leaving a connection resets every connection-owned slice', () => {
  it('switching to another profile', async () => {
    const { store, fake } = await busyOnA();
    fake.ep['connection:connect'].handle(null); // stay in "connecting" so nothing is listed yet
    void store.getState().switchProfile('b', { force: true });
    await flush();
    expect(store.getState().activeProfileId).toBe('b');
    expectConnectionStateReset(store);
  });

  it('reconnecting the same profile with new settings', async () => {
    const { store, fake } = await busyOnA();
    fake.ep['connection:connect'].handle(null);
    void store.getState().switchProfile('a', { force: true, reconnect: true });
    await flush();
    expect(store.getState().activeProfileId).toBe('a');
    expectConnectionStateReset(store);
  });

  it('disconnecting', async () => {
    const { store, fake } = await busyOnA();
    void store.getState().disconnect();
    expect(store.getState().confirm?.title).toMatch(/Discard unsaved changes/);
    store.getState().resolveConfirm(true);
    await flush();
    expect(fake.ep['connection:disconnect'].requests).toEqual([{ profileId: 'a' }]);
    expect(store.getState().activeProfileId).toBeNull();
    expect(store.getState().statuses.a?.state).toBe('disconnected');
    expectConnectionStateReset(store);
  });

  it('removing the active profile', async () => {
    const { store, fake } = await busyOnA();
    fake.ep['profiles:remove'].handle(() => okR(undefined));
    await store.getState().removeProfile('a');
    expect(store.getState().activeProfileId).toBeNull();
    expect(store.getState().profiles.map((p) => p.id)).toEqual(['b']);
    expectConnectionStateReset(store);
    expect(store.getState().toasts.some((t) => t.text.includes('Deleted profile'))).toBe(true);
  });

  it('the active profile disappearing from the store (removed elsewhere)', async () => {
    const { store, fake } = await busyOnA();
    fake.ep['profiles:list'].handle(() => okR({ profiles: [], secretStorage: 'encrypted', notices: [] }));
    await store.getState().loadProfiles();
    expect(store.getState().activeProfileId).toBeNull();
    expectConnectionStateReset(store);
  });

  it('removing another profile leaves the active connection alone', async () => {
    const { store, fake } = await busyOnA();
    fake.ep['profiles:remove'].handle(() => okR(undefined));
    await store.getState().removeProfile('b');
    expect(store.getState().activeProfileId).toBe('a');
    expect(store.getState().items).toHaveLength(2);
    expect(store.getState().draft).toBe('edited');
  });
});

/** Connected to "a" with a listing, every call from now on answered by hand. */
async function connectedToA() {
  const { store, fake } = await setupStore();
  void store.getState().switchProfile('a');
  await flush();
  fake.ep['kv:list'].next().resolve(okR(page([entry('a/1')], { count: 1, revision: 7 })));
  await flush();
  expect(store.getState().items).toHaveLength(1);
  return { store, fake };
}

/** Ways of leaving "a" that leave nothing listed yet in the new scope (B's connect is held). */
const leaves: Array<[string, (store: AppStore, fake: FakeApi) => Promise<void>]> = [
  [
    'switching to b',
    async (store, fake) => {
      fake.ep['connection:connect'].handle(null);
      void store.getState().switchProfile('b', { force: true });
      await flush();
    },
  ],
  ['disconnecting', async (store) => void (await store.getState().disconnect({ force: true }))],
  [
    'removing a',
    async (store, fake) => {
      fake.ep['profiles:remove'].handle(() => okR(undefined));
      await store.getState().removeProfile('a');
    },
  ],
];

describe.each(leaves)('an answer for the scope left by %s is dropped', (_name, leave) => {
  it('a listing (first page and next page)', async () => {
    const { store, fake } = await connectedToA();
    void store.getState().reloadKeys();
    await flush();
    const lateList = fake.ep['kv:list'].next();
    await leave(store, fake);
    lateList.resolve(okR(page([entry('a/1'), entry('a/2')], { count: 2, revision: 8, more: true, nextCursor: text('a/2\0') })));
    await flush();
    expect(store.getState().items).toEqual([]);
    expect(store.getState().total).toBeNull();
    expect(store.getState().listRevision).toBe(0);
    expect(store.getState().listLoading).toBe(false);
  });

  it('a failed listing reports nothing', async () => {
    const { store, fake } = await connectedToA();
    void store.getState().reloadKeys();
    await flush();
    const lateList = fake.ep['kv:list'].next();
    await leave(store, fake);
    lateList.resolve(errR('UNAVAILABLE', 'connect ECONNREFUSED'));
    await flush();
    expect(store.getState().listError).toBeNull();
    expect(store.getState().statusMessage).toBeNull();
  });

  it('a key being loaded into the editor', async () => {
    const { store, fake } = await connectedToA();
    void store.getState().selectKey(text('a/1'));
    await flush();
    const lateGet = fake.ep['kv:get'].next();
    await leave(store, fake);
    lateGet.resolve(okR(kv('a/1', 'from A')));
    await flush();
    expect(store.getState().selectedKey).toBeNull();
    expect(store.getState().loaded).toBeNull();
    expect(store.getState().draft).toBe('');
    expect(store.getState().editorStatus).toBe('empty');
  });

  it('the cluster status', async () => {
    const { store, fake } = await connectedToA();
    store.getState().toggleClusterView(true);
    await flush();
    const lateStatus = fake.ep['cluster:status'].next();
    expect(store.getState().clusterLoading).toBe(true);
    await leave(store, fake);
    lateStatus.resolve(okR(clusterStatus));
    await flush();
    expect(store.getState().clusterStatus).toBeNull();
    expect(store.getState().clusterLoading).toBe(false);
  });

  it('a new key being created', async () => {
    const { store, fake } = await connectedToA();
    store.getState().openNewKey();
    store.getState().updateNewKey({ key: 'a/new', value: 'v' });
    void store.getState().submitNewKey();
    await flush();
    const latePut = fake.ep['kv:put'].next();
    await leave(store, fake);
    latePut.resolve(okR({ revision: 9, created: true }));
    await flush();
    expect(store.getState().items).toEqual([]);
    expect(store.getState().toasts.some((t) => t.text.includes('Created'))).toBe(false);
    expect(fake.ep['kv:get'].requests).toHaveLength(0); // nothing opened in the editor
  });

  it('a delete: no toast and no Undo for the old cluster', async () => {
    const { store, fake } = await connectedToA();
    void store.getState().deleteKey(text('a/1'));
    await flush();
    const lateDelete = fake.ep['kv:delete'].next();
    await leave(store, fake);
    lateDelete.resolve(okR({ revision: 9, deleted: kv('a/1', 'v') }));
    await flush();
    expect(store.getState().statusMessage).toBeNull(); // no Undo offered for the old cluster
    expect(store.getState().toasts.some((t) => t.text.includes('Deleted “a/1”'))).toBe(false);
  });
});

describe('within one scope', () => {
  it('an Undo offered before the connection changed is refused, not sent to the new cluster', async () => {
    const { store, fake } = await setupStore();
    useMemoryEtcd(fake, memoryEtcd({ 'cfg/a': 'hello' }));
    await store.getState().switchProfile('a');
    await store.getState().deleteKey(text('cfg/a'));
    const undo = store.getState().statusMessage!.action!;
    expect(undo.label).toBe('Undo');
    await store.getState().switchProfile('b');
    undo.run();
    await flush();
    expect(fake.ep['kv:put'].requests).toHaveLength(0);
    expect(store.getState().statusMessage?.text).toMatch(/Undo is not available any more/);
  });

  it('clearing the editor drops the answer for the key it was loading', async () => {
    const { store, fake } = await connectedToA();
    void store.getState().selectKey(text('a/1'));
    await flush();
    const get = fake.ep['kv:get'].next();
    store.getState().clearEditor();
    get.resolve(okR(kv('a/1', 'v')));
    await flush();
    expect(store.getState().loaded).toBeNull();
    expect(store.getState().editorStatus).toBe('empty');
  });
});
