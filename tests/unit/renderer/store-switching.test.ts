import { describe, expect, it } from 'vitest';
import { text } from '../../../src/shared/bytes';
import { entry, errR, flush, kv, okR, page } from './fake-api';
import { setupStore } from './helpers';

describe('switching profiles', () => {
  it('disconnects the old profile, clears grid and editor, and drops late answers from the old cluster', async () => {
    const { store, fake } = await setupStore();
    fake.ep['connection:connect'].handle(null); // resolve connects by hand

    void store.getState().switchProfile('a');
    await flush();
    fake.ep['connection:connect'].next().resolve(okR({ profileId: 'a', state: 'connected', at: 1 }));
    await flush();
    fake.ep['kv:list'].next().resolve(okR(page([entry('a/1'), entry('a/2')], { count: 2, revision: 7 })));
    await flush();
    void store.getState().selectKey(text('a/1'));
    await flush();
    const lateGet = fake.ep['kv:get'].next(); // A's value still in flight
    void store.getState().reloadKeys();
    await flush();
    const lateList = fake.ep['kv:list'].next(); // A's listing still in flight

    void store.getState().switchProfile('b');
    await flush();
    expect(fake.ep['connection:disconnect'].requests).toEqual([{ profileId: 'a' }]);
    expect(store.getState().activeProfileId).toBe('b');
    expect(store.getState().items).toEqual([]);
    expect(store.getState().selectedKey).toBeNull();
    expect(store.getState().statuses.b?.state).toBe('connecting');

    // Old cluster answers arrive now: they must not show up under B.
    lateGet.resolve(okR(kv('a/1', 'from A')));
    lateList.resolve(okR(page([entry('a/1'), entry('a/2'), entry('a/3')], { count: 3, revision: 8 })));
    await flush();
    expect(store.getState().items).toEqual([]);
    expect(store.getState().loaded).toBeNull();
    expect(store.getState().total).toBeNull();

    fake.ep['connection:connect'].next().resolve(okR({ profileId: 'b', state: 'connected', at: 2 }));
    await flush();
    const bList = fake.ep['kv:list'].next();
    expect(bList.req.profileId).toBe('b');
    bList.resolve(okR(page([entry('b/1')], { count: 1, revision: 3 })));
    await flush();
    expect(store.getState().items.map((e) => e.key.data)).toEqual(['b/1']);
    expect(store.getState().listRevision).toBe(3);
  });

  it('drops a late connect answer and a late failure of the old profile', async () => {
    const { store, fake } = await setupStore();
    fake.ep['connection:connect'].handle(null);
    void store.getState().switchProfile('a');
    await flush();
    const aConnect = fake.ep['connection:connect'].next();
    void store.getState().switchProfile('b');
    await flush();
    aConnect.resolve(errR('UNAVAILABLE', 'connect ECONNREFUSED', { endpoint: 'http://a:2379' }));
    await flush();
    expect(store.getState().statusMessage).toBeNull(); // A's failure is not reported under B
    expect(fake.ep['kv:list'].requests).toHaveLength(0); // and A's success would not list either
    fake.ep['connection:connect'].next().resolve(okR({ profileId: 'b', state: 'connected', at: 3 }));
    await flush();
    expect(fake.ep['kv:list'].next().req.profileId).toBe('b');
  });

  it('a late save answer from the old cluster does not touch the new editor', async () => {
    const { store, fake } = await setupStore();
    void store.getState().switchProfile('a');
    await flush();
    fake.ep['kv:list'].next().resolve(okR(page([entry('k')], { count: 1 })));
    void store.getState().selectKey(text('k'));
    await flush();
    fake.ep['kv:get'].next().resolve(okR(kv('k', 'v', 5)));
    await flush();
    store.getState().setDraft('v2');
    void store.getState().save();
    await flush();
    const latePut = fake.ep['kv:put'].next();
    // The draft is dirty: switching asks first.
    void store.getState().switchProfile('b');
    expect(store.getState().confirm?.title).toMatch(/Discard unsaved changes/);
    store.getState().resolveConfirm(true);
    await flush();
    latePut.resolve(errR('CONFLICT', 'compare failed', { currentModRevision: 9 }));
    await flush();
    expect(store.getState().conflict).toBeNull();
    expect(fake.ep['kv:get'].requests).toHaveLength(1); // no conflict fetch against B
  });

  it('asks before discarding a draft when switching, and does nothing on cancel', async () => {
    const { store, fake } = await setupStore();
    void store.getState().switchProfile('a');
    await flush();
    fake.ep['kv:list'].next().resolve(okR(page([entry('k')], { count: 1 })));
    void store.getState().selectKey(text('k'));
    await flush();
    fake.ep['kv:get'].next().resolve(okR(kv('k', 'v', 5)));
    await flush();
    store.getState().setDraft('my edit');
    void store.getState().switchProfile('b');
    store.getState().resolveConfirm(false);
    await flush();
    expect(store.getState().activeProfileId).toBe('a');
    expect(store.getState().draft).toBe('my edit');
    expect(fake.ep['connection:disconnect'].requests).toHaveLength(0);
  });

  it('tracks connection status per profile from push events, ignoring out-of-order ones', async () => {
    const { store, fake } = await setupStore();
    fake.emit('event:connection-status', { profileId: 'a', state: 'unreachable', at: 20, endpoint: 'http://a:2379' });
    fake.emit('event:connection-status', { profileId: 'a', state: 'connected', at: 10 });
    fake.emit('event:connection-status', { profileId: 'b', state: 'connected', at: 11 });
    expect(store.getState().statuses.a.state).toBe('unreachable');
    expect(store.getState().statuses.b.state).toBe('connected');
  });

  it('shows store notices from profiles.list once', async () => {
    const { store, fake } = await setupStore();
    fake.ep['profiles:list'].handle(() => okR({ profiles: [], secretStorage: 'unavailable', notices: ['profiles.json was corrupt and moved aside'] }));
    await store.getState().loadProfiles();
    await store.getState().loadProfiles();
    expect(store.getState().toasts.filter((t) => t.text.includes('corrupt'))).toHaveLength(1);
    expect(store.getState().secretStorage).toBe('unavailable');
  });

  it('reports a failed connect with a Retry that connects again', async () => {
    const { store, fake } = await setupStore();
    fake.ep['connection:connect'].handle(() => errR('UNAVAILABLE', 'ECONNREFUSED', { endpoint: 'http://a:2379' }));
    await store.getState().switchProfile('a');
    expect(store.getState().statuses.a.state).toBe('unreachable');
    const msg = store.getState().statusMessage!;
    expect(msg.text).toContain('http://a:2379');
    expect(msg.action?.label).toBe('Retry');
    fake.ep['connection:connect'].handle(({ profileId }) => okR({ profileId, state: 'connected', at: Date.now() }));
    fake.ep['kv:list'].handle(() => okR(page([entry('x')], { count: 1 })));
    msg.action!.run();
    await flush();
    expect(store.getState().statuses.a.state).toBe('connected');
    expect(store.getState().items).toHaveLength(1);
  });
});

describe('editing the active profile', () => {
  it('reconnects when connection settings change, not on a rename', async () => {
    const { store, fake } = await setupStore();
    fake.ep['kv:list'].handle(() => okR(page([entry('k')], { count: 1 })));
    await store.getState().switchProfile('a');
    const a = store.getState().profiles.find((p) => p.id === 'a')!;
    fake.ep['profiles:save'].handle((input) => okR({ ...a, ...input, id: 'a', hasPassword: a.hasPassword, deadlineMs: input.deadlineMs ?? a.deadlineMs }));

    await store.getState().saveProfile({ id: 'a', name: 'renamed', endpoints: a.endpoints, username: a.username, deadlineMs: a.deadlineMs, color: '#30a46c' });
    await flush();
    expect(fake.ep['connection:connect'].requests).toHaveLength(1);
    expect(store.getState().items).toHaveLength(1);
    expect(store.getState().profiles.find((p) => p.id === 'a')?.name).toBe('renamed');

    await store.getState().saveProfile({ id: 'a', name: 'renamed', endpoints: ['http://other:2379'], username: a.username, deadlineMs: a.deadlineMs });
    await flush();
    expect(fake.ep['connection:connect'].requests).toHaveLength(2);
  });
});

describe('switching back and forth', () => {
  it('A → B → A waits for A’s disconnect before connecting A again', async () => {
    const { store, fake } = await setupStore();
    fake.ep['kv:list'].handle(() => okR(page([entry('k')], { count: 1 })));
    await store.getState().switchProfile('a');
    fake.ep['connection:disconnect'].handle(null); // answer disconnects by hand
    void store.getState().switchProfile('b');
    await flush();
    void store.getState().switchProfile('a');
    await flush();
    // B connected first; A's reconnect is held until A's disconnect is answered.
    expect(fake.ep['connection:connect'].requests.map((r) => r.profileId)).toEqual(['a', 'b']);
    fake.ep['connection:disconnect'].next().resolve(okR({ profileId: 'a', state: 'disconnected', at: 1 }));
    await flush();
    expect(fake.ep['connection:connect'].requests.map((r) => r.profileId)).toEqual(['a', 'b', 'a']);
    expect(store.getState().statuses.a.state).toBe('connected');
    expect(store.getState().activeProfileId).toBe('a');
  });
});
