/**
 * Users, roles and auth on/off through the app's handlers against a real etcd: a prefix
 * permission allows and denies exactly the right keys (logged in as that user through the app),
 * enabling auth is refused until root and the profile's user can log in, and a profile with a user
 * name keeps working whether auth is on or off.
 */
import { describeRange, describePermission } from '../../src/shared/access';
import { text } from '../../src/shared/bytes';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ liveness: false });
});
afterEach(async () => {
  await h.close();
});

describe('users and roles (auth on)', () => {
  let etcd: EtcdCluster;
  beforeAll(async () => {
    etcd = await startCluster({ auth: { rootPassword: 'r00t-pw' } });
  });
  afterAll(async () => {
    await etcd?.close();
  });

  it('round trip: a user with a prefix permission reads exactly that prefix, through the app', async () => {
    const root = await h.connect({ name: 'root', endpoints: etcd.endpoints, username: 'root', password: 'r00t-pw', deadlineMs: 3000 });
    for (const k of ['pub/a', 'pub/b/c', 'pub', 'pub0', 'pubx', 'secret/s']) unwrap(await h.handlers['kv:put']({ profileId: root, key: text(k), value: text('v') }));

    unwrap(await h.handlers['access:addUser']({ profileId: root, name: 'alice', password: 'alice-pw-1' }));
    unwrap(await h.handlers['access:addRole']({ profileId: root, name: 'pubread' }));
    unwrap(await h.handlers['access:grantPermission']({ profileId: root, role: 'pubread', type: 'read', target: { scope: 'prefix', prefix: text('pub/') } }));
    unwrap(await h.handlers['access:grantPermission']({ profileId: root, role: 'pubread', type: 'readwrite', target: { scope: 'key', key: text('pubx') } }));
    unwrap(await h.handlers['access:grantRole']({ profileId: root, user: 'alice', role: 'pubread' }));

    const o = unwrap(await h.handlers['access:overview']({ profileId: root }));
    expect(o.authEnabled).toBe(true);
    expect(o.users).toEqual(expect.arrayContaining([{ name: 'root', roles: ['root'] }, { name: 'alice', roles: ['pubread'] }]));
    const role = o.roles.find((r) => r.name === 'pubread')!;
    expect(role.permissions.map(describePermission).sort()).toEqual(['read & write key pubx', 'read prefix pub/']);
    // The prefix's range end was computed: "pub/" .. "pub0".
    expect(role.permissions.find((p) => p.scope === 'prefix')).toMatchObject({ key: text('pub/'), rangeEnd: text('pub0'), type: 'read' });
    // The password is never answered back.
    expect(JSON.stringify(o)).not.toContain('alice-pw-1');
    expect(errorOf(await h.handlers['access:addUser']({ profileId: root, name: 'alice', password: 'x' })).code).toBe('CONFLICT');
    expect(errorOf(await h.handlers['access:grantRole']({ profileId: root, user: 'alice', role: 'nope' })).code).toBe('NOT_FOUND');

    const alice = await h.connect({ name: 'alice', endpoints: etcd.endpoints, username: 'alice', password: 'alice-pw-1', deadlineMs: 3000 });
    for (const k of ['pub/a', 'pub/b/c', 'pubx']) expect(unwrap(await h.handlers['kv:get']({ profileId: alice, key: text(k) })).value).toEqual(text('v'));
    for (const k of ['pub', 'pub0', 'secret/s']) {
      const e = errorOf(await h.handlers['kv:get']({ profileId: alice, key: text(k) }));
      expect(e.code).toBe('PERMISSION_DENIED');
      expect(e.details).toMatchObject({ user: 'alice', permission: 'read' });
    }
    expect(unwrap(await h.handlers['kv:list']({ profileId: alice, prefix: text('pub/'), limit: 10 })).items.map((i) => i.key)).toEqual([text('pub/a'), text('pub/b/c')]);
    // Listing everything (what the app does first) names the user and what was missing.
    const all = errorOf(await h.handlers['kv:list']({ profileId: alice, prefix: text(''), limit: 10 }));
    expect(all).toMatchObject({ code: 'PERMISSION_DENIED', details: { user: 'alice', permission: 'read', range: 'all keys' } });
    expect(all.message).toContain('alice');
    const put = errorOf(await h.handlers['kv:put']({ profileId: alice, key: text('pub/a'), value: text('w') }));
    expect(put).toMatchObject({ code: 'PERMISSION_DENIED', details: { user: 'alice', permission: 'write' } });
    unwrap(await h.handlers['kv:put']({ profileId: alice, key: text('pubx'), value: text('w') }));
    // What alice may read, asked as alice (where the listing can start).
    const mine = unwrap(await h.handlers['access:mine']({ profileId: alice }));
    expect(mine).toMatchObject({ authEnabled: true, user: 'alice', root: false });
    expect(mine.permissions.map((p) => describeRange(p)).sort()).toEqual(['key pubx', 'prefix pub/']);
    expect(errorOf(await h.handlers['access:overview']({ profileId: alice })).code).toBe('PERMISSION_DENIED');

    // A new password: the old one no longer logs in, the new one does.
    unwrap(await h.handlers['access:changePassword']({ profileId: root, name: 'alice', password: 'alice-pw-2' }));
    const old = unwrap(await h.handlers['profiles:save']({ name: 'old', endpoints: etcd.endpoints, username: 'alice', password: 'alice-pw-1', deadlineMs: 3000 }));
    expect(errorOf(await h.handlers['connection:connect']({ profileId: old.id })).code).toBe('AUTH_FAILED');
    const fresh = await h.connect({ name: 'new', endpoints: etcd.endpoints, username: 'alice', password: 'alice-pw-2', deadlineMs: 3000 });
    expect(unwrap(await h.handlers['kv:get']({ profileId: fresh, key: text('pub/a') })).value).toEqual(text('v'));

    // Revoking the prefix permission denies what it allowed.
    const prefixPerm = role.permissions.find((p) => p.scope === 'prefix')!;
    unwrap(await h.handlers['access:revokePermission']({ profileId: root, role: 'pubread', key: prefixPerm.key, rangeEnd: prefixPerm.rangeEnd }));
    expect(errorOf(await h.handlers['kv:get']({ profileId: fresh, key: text('pub/a') })).code).toBe('PERMISSION_DENIED');
    expect(errorOf(await h.handlers['access:revokePermission']({ profileId: root, role: 'pubread', key: prefixPerm.key, rangeEnd: prefixPerm.rangeEnd })).code).toBe('NOT_FOUND');

    unwrap(await h.handlers['access:revokeRole']({ profileId: root, user: 'alice', role: 'pubread' }));
    expect(errorOf(await h.handlers['kv:get']({ profileId: fresh, key: text('pubx') })).code).toBe('PERMISSION_DENIED');
    unwrap(await h.handlers['access:deleteRole']({ profileId: root, name: 'pubread' }));
    unwrap(await h.handlers['access:deleteUser']({ profileId: root, name: 'alice' }));
    const after = unwrap(await h.handlers['access:overview']({ profileId: root }));
    expect(after.users.map((u) => u.name)).toEqual(['root']);
    expect(after.roles.map((r) => r.name)).toEqual(['root']);
    // etcd keeps root's root role while auth is on: refused in words, not INTERNAL.
    expect(errorOf(await h.handlers['access:revokeRole']({ profileId: root, user: 'root', role: 'root' })).code).toBe('INVALID_ARGUMENT');
  });

  it('a read-only policy refuses every change before etcd sees it (the write gate covers the channels)', async () => {
    const gated = await createHarness({ liveness: false, writePolicy: { check: () => ({ code: 'READ_ONLY', message: 'read-only profile' }) } });
    try {
      const id = await gated.connect({ name: 'ro', endpoints: etcd.endpoints, username: 'root', password: 'r00t-pw', deadlineMs: 3000 });
      expect(errorOf(await gated.handlers['access:addUser']({ profileId: id, name: 'bob', password: 'pw' })).code).toBe('READ_ONLY');
      expect(errorOf(await gated.handlers['access:disable']({ profileId: id })).code).toBe('READ_ONLY');
      expect(unwrap(await gated.handlers['access:overview']({ profileId: id })).users.map((u) => u.name)).not.toContain('bob');
    } finally {
      await gated.close();
    }
  });
});

describe('enabling and disabling auth', () => {
  let etcd: EtcdCluster;
  beforeAll(async () => {
    etcd = await startCluster({});
  });
  afterAll(async () => {
    await etcd?.close();
  });

  it('is refused without root, then enabled with the profile still connecting, then disabled', async () => {
    const anon = await h.connect({ name: 'anon', endpoints: etcd.endpoints, deadlineMs: 3000 });
    unwrap(await h.handlers['kv:put']({ profileId: anon, key: text('k'), value: text('v') }));
    const plan0 = unwrap(await h.handlers['access:planEnable']({ profileId: anon }));
    expect(plan0).toMatchObject({ authEnabled: false, ready: false });
    expect(plan0.missing.join('\n')).toMatch(/user named “root”/);
    expect(plan0.missing.join('\n')).toMatch(/user name in this profile/);
    const refused = errorOf(await h.handlers['access:enable']({ profileId: anon }));
    expect(refused.code).toBe('INVALID_ARGUMENT');
    expect(refused.message).toMatch(/root/);
    expect(unwrap(await h.handlers['access:overview']({ profileId: anon })).authEnabled).toBe(false);

    // A profile with a user name works while auth is off (no login, as etcd's own client does).
    const root = await h.connect({ name: 'root', endpoints: etcd.endpoints, username: 'root', password: 'pw', deadlineMs: 3000 });
    expect(unwrap(await h.handlers['kv:get']({ profileId: root, key: text('k') })).value).toEqual(text('v'));
    unwrap(await h.handlers['access:addUser']({ profileId: root, name: 'root', password: 'pw' }));
    const plan1 = unwrap(await h.handlers['access:planEnable']({ profileId: root }));
    expect(plan1.ready).toBe(false);
    expect(plan1.missing).toEqual([expect.stringMatching(/role “root” granted to the user “root”/)]);
    expect(errorOf(await h.handlers['access:enable']({ profileId: root })).code).toBe('INVALID_ARGUMENT');
    unwrap(await h.handlers['access:grantRole']({ profileId: root, user: 'root', role: 'root' }));
    const plan2 = unwrap(await h.handlers['access:planEnable']({ profileId: root }));
    expect(plan2).toMatchObject({ authEnabled: false, ready: true, missing: [], profileUser: 'root' });

    unwrap(await h.handlers['access:enable']({ profileId: root }));
    // The same connection goes on (it logs in now), a new one connects, anonymous is refused.
    unwrap(await h.handlers['kv:put']({ profileId: root, key: text('k'), value: text('v2') }));
    expect(unwrap(await h.handlers['kv:list']({ profileId: root, prefix: text(''), limit: 10, keysOnly: true })).items.map((i) => i.key)).toEqual([text('k')]);
    const again = await h.connect({ name: 'root again', endpoints: etcd.endpoints, username: 'root', password: 'pw', deadlineMs: 3000 });
    expect(unwrap(await h.handlers['kv:get']({ profileId: again, key: text('k') })).value).toEqual(text('v2'));
    expect(unwrap(await h.handlers['access:overview']({ profileId: again })).authEnabled).toBe(true);
    expect(errorOf(await h.handlers['kv:get']({ profileId: anon, key: text('k') })).code).toBe('AUTH_FAILED');
    // etcdctl agrees.
    expect((await etcd.etcdctl(['get', 'k'], { user: null })).code).not.toBe(0);

    unwrap(await h.handlers['access:disable']({ profileId: root }));
    expect(unwrap(await h.handlers['kv:get']({ profileId: anon, key: text('k') })).value).toEqual(text('v2'));
    // The profile with a user name keeps working once auth is off again.
    expect(unwrap(await h.handlers['kv:get']({ profileId: root, key: text('k') })).value).toEqual(text('v2'));
    expect(unwrap(await h.handlers['kv:list']({ profileId: again, prefix: text(''), limit: 10, keysOnly: true })).items).toHaveLength(1);
    expect(unwrap(await h.handlers['access:planEnable']({ profileId: anon })).authEnabled).toBe(false);
  });
});
