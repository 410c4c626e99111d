import { describe, expect, it } from 'vitest';
import type { AccessOverview } from '../../../src/shared/access';
import { describePermission } from '../../../src/shared/access';
import { text } from '../../../src/shared/bytes';
import { createAppStore } from '../../../src/renderer/src/app/create-app-store';
import { describeError } from '../../../src/renderer/src/ui/messages';
import { connectedStore, createFakeApi, errR, flush, okR, page, profile } from './fake-api';

const overview = (extraUsers: AccessOverview['users'] = []): AccessOverview => ({
  authEnabled: true,
  users: [{ name: 'root', roles: ['root'] }, ...extraUsers],
  roles: [
    { name: 'root', permissions: [] },
    { name: 'pubread', permissions: [{ type: 'read', key: text('pub/'), rangeEnd: text('pub0'), scope: 'prefix' }] },
  ],
});

const setup = () => connectedStore([profile('a', { username: 'root' }), profile('b')]);

describe('users & roles slice', () => {
  it('opening the view reads the users and roles of the active profile; a failure stays in the view', async () => {
    const { fake, store } = await setup();
    store.getState().toggleAccessView(true);
    expect(store.getState().view).toBe('access');
    await flush();
    expect(fake.ep['access:overview'].requests).toEqual([{ profileId: 'a' }]);
    fake.ep['access:overview'].next().resolve(okR(overview()));
    await flush();
    expect(store.getState().accessOverview?.roles[1].permissions.map(describePermission)).toEqual(['read prefix pub/']);

    void store.getState().loadAccess();
    await flush();
    fake.ep['access:overview'].next().resolve(errR('PERMISSION_DENIED', 'raw words', { user: 'alice', permission: 'read' }));
    await flush();
    expect(store.getState().accessError?.code).toBe('PERMISSION_DENIED');
    // The last lists stay on screen; the error is the view's, not a toast.
    expect(store.getState().accessOverview).not.toBeNull();
    expect(store.getState().toasts.filter((t) => t.kind !== 'success')).toEqual([]);
    store.getState().toggleAccessView(false);
    expect(store.getState().view).toBe('cluster');
  });

  it('a dialog keeps its failure (by code) and its input; success closes it, says so and reads the lists again', async () => {
    const { fake, store } = await setup();
    fake.ep['access:overview'].handle(() => okR(overview()));
    store.getState().toggleAccessView(true);
    await flush();
    store.getState().openAccessDialog({ kind: 'add-user' });
    expect(store.getState().isModalOpen()).toBe(true);

    const first = store.getState().addUser('alice', 'pw-1');
    expect(store.getState().accessBusy).toBe(true);
    // A second submit while busy sends nothing.
    expect(await store.getState().addUser('alice', 'pw-1')).toBe(false);
    await flush();
    expect(fake.ep['access:addUser'].requests).toEqual([{ profileId: 'a', name: 'alice', password: 'pw-1' }]);
    fake.ep['access:addUser'].next().resolve(errR('CONFLICT', 'User “alice” was not added: a user with that name already exists.'));
    expect(await first).toBe(false);
    expect(store.getState().accessDialog).toEqual({ kind: 'add-user' });
    expect(store.getState().accessDialogError?.code).toBe('CONFLICT');
    // In the access view a CONFLICT is main's sentence, not the key editor's "changed by someone else".
    expect(describeError(store.getState().accessDialogError!, { op: 'access' }).title).toMatch(/already exists/);
    // The password is never kept in the store.
    expect(JSON.stringify(store.getState(), (_k, v: unknown) => (typeof v === 'function' ? undefined : v))).not.toContain('pw-1');

    const reads = fake.ep['access:overview'].requests.length;
    const second = store.getState().addUser('alice2', 'pw-2');
    await flush();
    fake.ep['access:addUser'].next().resolve(okR({ done: true }));
    expect(await second).toBe(true);
    expect(store.getState().accessDialog).toBeNull();
    expect(store.getState().accessDialogError).toBeNull();
    expect(fake.ep['access:overview'].requests.length).toBe(reads + 1);
    expect(store.getState().toasts.at(-1)).toMatchObject({ kind: 'success' });
  });

  it('grant permission sends the prefix (main computes the range end); revoke sends the listed range', async () => {
    const { fake, store } = await setup();
    fake.ep['access:overview'].handle(() => okR(overview()));
    fake.ep['access:grantPermission'].handle(() => okR({ done: true }));
    fake.ep['access:revokePermission'].handle(() => okR({ done: true }));
    store.getState().toggleAccessView(true);
    await flush();
    store.getState().openAccessDialog({ kind: 'grant-permission', role: 'pubread' });
    expect(await store.getState().grantPermission('pubread', 'readwrite', { scope: 'prefix', prefix: text('app/') })).toBe(true);
    expect(fake.ep['access:grantPermission'].requests).toEqual([{ profileId: 'a', role: 'pubread', type: 'readwrite', target: { scope: 'prefix', prefix: text('app/') } }]);
    const perm = store.getState().accessOverview!.roles[1].permissions[0];
    await store.getState().revokePermission('pubread', perm);
    expect(fake.ep['access:revokePermission'].requests).toEqual([{ profileId: 'a', role: 'pubread', key: text('pub/'), rangeEnd: text('pub0') }]);
  });

  it('delete asks first; a refusal is shown next to that row only', async () => {
    const { fake, store } = await setup();
    fake.ep['access:overview'].handle(() => okR(overview([{ name: 'alice', roles: [] }])));
    store.getState().toggleAccessView(true);
    await flush();
    store.getState().deleteUser('alice');
    expect(store.getState().confirm?.title).toMatch(/alice/);
    expect(fake.ep['access:deleteUser'].requests).toEqual([]);
    store.getState().resolveConfirm(false);
    expect(fake.ep['access:deleteUser'].requests).toEqual([]);

    store.getState().deleteUser('alice');
    store.getState().resolveConfirm(true);
    await flush();
    fake.ep['access:deleteUser'].next().resolve(errR('PERMISSION_DENIED'));
    await flush();
    expect(store.getState().accessRowError).toMatchObject({ target: 'user:alice', error: { code: 'PERMISSION_DENIED' } });
  });

  it('enable auth: the plan is read first; a refusal is kept next to the switch; disable asks first', async () => {
    const { fake, store } = await setup();
    fake.ep['access:overview'].handle(() => okR({ ...overview(), authEnabled: false }));
    store.getState().toggleAccessView(true);
    await flush();
    void store.getState().planEnableAuth();
    await flush();
    fake.ep['access:planEnable'].next().resolve(okR({ authEnabled: false, ready: false, missing: ['a user named “root”'], effects: [] }));
    await flush();
    expect(store.getState().accessPlan?.ready).toBe(false);

    void store.getState().enableAuth();
    await flush();
    fake.ep['access:enable'].next().resolve(errR('INVALID_ARGUMENT', 'Auth was not enabled. Missing: a user named “root”.', { field: 'auth' }));
    await flush();
    expect(store.getState().accessRowError).toMatchObject({ target: 'auth', error: { code: 'INVALID_ARGUMENT' } });

    store.getState().disableAuth();
    expect(fake.ep['access:disable'].requests).toEqual([]);
    store.getState().resolveConfirm(true);
    await flush();
    expect(fake.ep['access:disable'].requests).toEqual([{ profileId: 'a' }]);
  });

  it('an answer for the previous profile is dropped after a switch', async () => {
    const { fake, store } = await setup();
    store.getState().toggleAccessView(true);
    await flush();
    await store.getState().switchProfile('b');
    await flush();
    fake.ep['access:overview'].next().resolve(okR(overview()));
    await flush();
    // b's read is the one that counts; a's answer never reached the store.
    const reqs = fake.ep['access:overview'].requests.map((r) => r.profileId);
    expect(reqs[0]).toBe('a');
    expect(store.getState().accessOverview).toBeNull();
  });

  it('a user that may not list all keys starts at a prefix it may read, and is told why', async () => {
    const fake = createFakeApi();
    fake.ep['profiles:list'].handle(() => okR({ profiles: [profile('a', { username: 'alice' })], secretStorage: 'encrypted', notices: [] }));
    fake.ep['kv:list'].handle((req) =>
      req.prefix.data === ''
        ? errR('PERMISSION_DENIED', 'refused', { user: 'alice', permission: 'read', range: 'all keys' })
        : okR(page([])),
    );
    fake.ep['kv:count'].handle(() => okR({ count: 0, revision: 1 }));
    fake.ep['access:mine'].handle(() =>
      okR({
        authEnabled: true,
        user: 'alice',
        root: false,
        permissions: [
          { type: 'write' as const, key: text('logs/'), rangeEnd: text('logs0'), scope: 'prefix' as const },
          { type: 'read' as const, key: text('pub/'), rangeEnd: text('pub0'), scope: 'prefix' as const },
          { type: 'readwrite' as const, key: text('x'), rangeEnd: text(''), scope: 'key' as const },
        ],
      }),
    );
    const store = createAppStore(fake.api);
    store.getState().init();
    await flush();
    await store.getState().switchProfile('a');
    await flush(10);
    expect(fake.ep['kv:list'].requests.map((r) => r.prefix.data)).toEqual(['', 'pub/']);
    expect(store.getState().prefix).toBe('pub/');
    expect(store.getState().listError).toBeNull();
    expect(store.getState().toasts.at(-1)?.text).toMatch(/alice.*pub\//);

    // Nothing readable: the refusal stays in the grid, naming the user.
    fake.ep['access:mine'].handle(() => okR({ authEnabled: true, user: 'alice', root: false, permissions: [] }));
    await store.getState().setPrefix('');
    await flush(10);
    expect(store.getState().listError).toMatchObject({ code: 'PERMISSION_DENIED', details: { user: 'alice' } });
    expect(describeError(store.getState().listError!, { op: 'list' }).title).toMatch(/user “alice” may not list keys: it has no read permission on all keys/);
  });
});
