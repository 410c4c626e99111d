import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addUserWithRole, makePki, startCluster, type EtcdCluster, type Pki } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { text } from '../../src/shared/bytes';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

describe('auth', () => {
  let etcd: EtcdCluster;
  beforeAll(async () => {
    etcd = await startCluster({ auth: { rootPassword: 'r00t-pw' } });
    await addUserWithRole(etcd, { user: 'reader', password: 'reader-pw', role: 'ro', readPrefix: 'pub/' });
    expect((await etcd.etcdctl(['put', 'pub/hello', 'world'])).code).toBe(0);
  });
  afterAll(async () => {
    await etcd?.close();
  });

  it('connects with the right password; the password never comes back', async () => {
    const id = await h.connect({ name: 'auth', endpoints: etcd.endpoints, username: 'root', password: 'r00t-pw', deadlineMs: 3000 });
    unwrap(await h.handlers['kv:put']({ profileId: id, key: text('secret/x'), value: text('1') }));
    expect(unwrap(await h.handlers['kv:get']({ profileId: id, key: text('pub/hello') })).value).toEqual(text('world'));
    const listed = unwrap(await h.handlers['profiles:list']());
    const p = listed.profiles.find((x) => x.id === id)!;
    expect(p.hasPassword).toBe(true);
    expect(JSON.stringify(listed)).not.toContain('r00t-pw');
  });

  it('a wrong password is AUTH_FAILED, a missing one too', async () => {
    const wrong = unwrap(
      await h.handlers['profiles:save']({ name: 'wrong', endpoints: etcd.endpoints, username: 'root', password: 'nope', deadlineMs: 3000 }),
    );
    expect(errorOf(await h.handlers['connection:connect']({ profileId: wrong.id })).code).toBe('AUTH_FAILED');
    // A failed login is not "unreachable": the session is dropped, status says why.
    expect(h.statuses(wrong.id).at(-1)).toMatchObject({ state: 'disconnected', error: { code: 'AUTH_FAILED' } });
    const anon = unwrap(await h.handlers['profiles:save']({ name: 'anon', endpoints: etcd.endpoints, deadlineMs: 3000 }));
    const r = await h.handlers['connection:connect']({ profileId: anon.id });
    // etcd 3.4 lets anonymous clients call Status; the first key read tells.
    if (r.ok) {
      expect(errorOf(await h.handlers['kv:get']({ profileId: anon.id, key: text('pub/hello') })).code).toMatch(/AUTH_FAILED|PERMISSION_DENIED/);
    } else {
      expect(r.error.code).toBe('AUTH_FAILED');
    }
    expect(errorOf(await h.handlers['profiles:test']({ name: 't', endpoints: etcd.endpoints, username: 'root', password: 'bad', deadlineMs: 3000 })).code).toBe('AUTH_FAILED');
  });

  it('a role without permission is PERMISSION_DENIED and writes nothing', async () => {
    const id = await h.connect({ name: 'reader', endpoints: etcd.endpoints, username: 'reader', password: 'reader-pw', deadlineMs: 3000 });
    expect(unwrap(await h.handlers['kv:get']({ profileId: id, key: text('pub/hello') })).value).toEqual(text('world'));
    expect(errorOf(await h.handlers['kv:get']({ profileId: id, key: text('secret/x') })).code).toBe('PERMISSION_DENIED');
    expect(errorOf(await h.handlers['kv:put']({ profileId: id, key: text('pub/hello'), value: text('hacked') })).code).toBe(
      'PERMISSION_DENIED',
    );
    expect(errorOf(await h.handlers['kv:delete']({ profileId: id, key: text('pub/hello') })).code).toBe('PERMISSION_DENIED');
    // Listings go through the core's own Range path: same token, same permissions.
    const pub = unwrap(await h.handlers['kv:list']({ profileId: id, prefix: text('pub/'), limit: 10, count: true }));
    expect(pub.items.map((i) => i.key)).toEqual([text('pub/hello')]);
    const next = await h.handlers['kv:list']({ profileId: id, prefix: text('pub/'), limit: 1, cursor: text('pub/a') });
    expect(unwrap(next).items.map((i) => i.key)).toEqual([text('pub/hello')]);
    expect(errorOf(await h.handlers['kv:list']({ profileId: id, prefix: text('secret/'), limit: 10 })).code).toBe('PERMISSION_DENIED');
    expect((await etcd.etcdctl(['get', 'pub/hello', '--print-value-only'])).stdout.trim()).toBe('world');
  });
});

describe('TLS', () => {
  let etcd: EtcdCluster;
  let pki: Pki;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'etcd-desktop-pki-'));
    pki = await makePki(dir);
    etcd = await startCluster({
      tls: { caFile: pki.caFile, certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, clientCertAuth: true },
    });
  });
  afterAll(async () => {
    await etcd?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('connects with the right CA and a client certificate', async () => {
    expect(etcd.endpoints[0]).toMatch(/^https:/);
    const id = await h.connect({
      name: 'tls',
      endpoints: etcd.endpoints,
      tls: { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile },
      deadlineMs: 3000,
    });
    unwrap(await h.handlers['kv:put']({ profileId: id, key: text('tls/k'), value: text('v') }));
    expect(unwrap(await h.handlers['kv:get']({ profileId: id, key: text('tls/k') })).value).toEqual(text('v'));
  });

  it('a wrong CA is a TLS error, fast', async () => {
    const saved = unwrap(
      await h.handlers['profiles:save']({
        name: 'wrong ca',
        endpoints: etcd.endpoints,
        tls: { caFile: pki.otherCaFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile },
        deadlineMs: 3000,
      }),
    );
    const t = performance.now();
    const e = errorOf(await h.handlers['connection:connect']({ profileId: saved.id }));
    expect(e.code).toBe('TLS');
    expect(performance.now() - t).toBeLessThan(3000);
  });

  it('no client certificate where the server requires one is a TLS error', async () => {
    const r = await h.handlers['profiles:test']({ name: 'no cert', endpoints: etcd.endpoints, tls: { caFile: pki.caFile }, deadlineMs: 3000 });
    expect(errorOf(r).code).toBe('TLS');
  });

  it('an unreadable TLS file is INVALID_ARGUMENT naming the field', async () => {
    const r = await h.handlers['profiles:test']({
      name: 'missing file',
      endpoints: etcd.endpoints,
      tls: { caFile: join(dir, 'nope.crt') },
      deadlineMs: 3000,
    });
    expect(errorOf(r)).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'tls.caFile' } });
  });
});

describe('etcd own size limit', () => {
  it("etcd's request-too-large maps to TOO_LARGE even when our pre-check lets it through", async () => {
    const etcd = await startCluster({ extraArgs: ['--max-request-bytes', '65536'] });
    try {
      const id = await h.connect({ name: 'small limit', endpoints: etcd.endpoints, deadlineMs: 3000 });
      const e = errorOf(await h.handlers['kv:put']({ profileId: id, key: text('k'), value: text('x'.repeat(100_000)) }));
      expect(e.code).toBe('TOO_LARGE');
      expect(e.details?.size).toBe(100_001);
      expect(errorOf(await h.handlers['kv:get']({ profileId: id, key: text('k') })).code).toBe('NOT_FOUND');
    } finally {
      await etcd.close();
    }
  });
});
