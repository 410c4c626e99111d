import { mkdtemp, writeFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addUserWithRole, makePki, startCluster, type EtcdCluster, type Pki } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { text } from '../../src/shared/bytes';
import type { AppFailure } from '../../src/main/core/etcd/errors';
import { scan } from '../../src/main/core/etcd/scan';
import { EtcdSession } from '../../src/main/core/etcd/session';

/** Every key under `prefix` through the whole-range scan (our own gRPC client, own decoder). */
async function scanKeys(s: EtcdSession, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  await scan(s, { prefix: Buffer.from(prefix) }, (p) => {
    for (let i = 0; i < p.length; i++) keys.push(p.key(i).toString());
  });
  return keys;
}

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
    // Listings with values go through etcd3's kv.range: same token, same permissions.
    const pub = unwrap(await h.handlers['kv:list']({ profileId: id, prefix: text('pub/'), limit: 10, count: true }));
    expect(pub.items.map((i) => i.key)).toEqual([text('pub/hello')]);
    const next = await h.handlers['kv:list']({ profileId: id, prefix: text('pub/'), limit: 1, cursor: text('pub/a') });
    expect(unwrap(next).items.map((i) => i.key)).toEqual([text('pub/hello')]);
    expect(errorOf(await h.handlers['kv:list']({ profileId: id, prefix: text('secret/'), limit: 10 })).code).toBe('PERMISSION_DENIED');
    // Keys-only pages go through the adapter's own Range client: its own token, same permissions.
    const keys = unwrap(await h.handlers['kv:list']({ profileId: id, prefix: text('pub/'), limit: 10, keysOnly: true }));
    expect(keys.items.map((i) => i.key)).toEqual([text('pub/hello')]);
    expect(errorOf(await h.handlers['kv:list']({ profileId: id, prefix: text('secret/'), limit: 10, keysOnly: true })).code).toBe(
      'PERMISSION_DENIED',
    );
    expect((await etcd.etcdctl(['get', 'pub/hello', '--print-value-only'])).stdout.trim()).toBe('world');
  });

  it("the whole-range scan sends the user's token: permitted prefix read, forbidden one PERMISSION_DENIED, wrong password AUTH_FAILED", async () => {
    const reader = new EtcdSession({ endpoints: etcd.endpoints, username: 'reader', password: 'reader-pw', deadlineMs: 3000 });
    const wrong = new EtcdSession({ endpoints: etcd.endpoints, username: 'reader', password: 'nope', deadlineMs: 3000 });
    try {
      expect(await scanKeys(reader, 'pub/')).toEqual(['pub/hello']);
      expect(((await scanKeys(reader, 'secret/').catch((e: unknown) => e)) as AppFailure).error.code).toBe('PERMISSION_DENIED');
      expect(((await scanKeys(wrong, 'pub/').catch((e: unknown) => e)) as AppFailure).error.code).toBe('AUTH_FAILED');
    } finally {
      reader.close();
      wrong.close();
    }
  });

  it('an expired token is renewed once by the scan, as etcd3 renews its own', async () => {
    const short = await startCluster({ auth: { rootPassword: 'pw' }, extraArgs: ['--auth-token-ttl', '1'] });
    const s = new EtcdSession({ endpoints: short.endpoints, username: 'root', password: 'pw', deadlineMs: 3000 });
    try {
      expect((await short.etcdctl(['put', 'tok/a', '1'])).code).toBe(0);
      expect(await scanKeys(s, 'tok/')).toEqual(['tok/a']);
      await new Promise((r) => setTimeout(r, 3000)); // idle past the 1 s token TTL
      expect(await scanKeys(s, 'tok/')).toEqual(['tok/a']);
    } finally {
      s.close();
      await short.close();
    }
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

  it('the whole-range scan uses the same TLS options (CA, client certificate); a wrong CA is TLS', async () => {
    const [ca, cert, key, otherCa] = await Promise.all([pki.caFile, pki.clientCertFile, pki.clientKeyFile, pki.otherCaFile].map((f) => readFile(f)));
    const ok = new EtcdSession({ endpoints: etcd.endpoints, tls: { ca, cert, key }, deadlineMs: 3000 });
    const bad = new EtcdSession({ endpoints: etcd.endpoints, tls: { ca: otherCa, cert, key }, deadlineMs: 3000 });
    try {
      await ok.run('write', () => ok.rpc.txn({ success: [{ request_put: { key: Buffer.from('tls/scan'), value: Buffer.from('v') } }] }));
      expect(await scanKeys(ok, 'tls/')).toContain('tls/scan');
      expect(((await scanKeys(bad, 'tls/').catch((e: unknown) => e)) as AppFailure).error.code).toBe('TLS');
    } finally {
      ok.close();
      bad.close();
    }
  });

  it('the TLS server name is what the certificate is verified against, and verification stays on', async () => {
    const tls = { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile };
    // The endpoint is an IP; the certificate also names "localhost": verifying against that name passes.
    const named = await h.connect({ name: 'by name', endpoints: etcd.endpoints, tls: { ...tls, serverName: 'localhost' }, deadlineMs: 3000 });
    unwrap(await h.handlers['kv:put']({ profileId: named, key: text('tls/named'), value: text('v') }));
    expect(unwrap(await h.handlers['kv:list']({ profileId: named, prefix: text('tls/'), limit: 10, keysOnly: true })).items.length).toBeGreaterThan(0);
    // A name the certificate does not carry fails, though the IP alone would have passed.
    const wrong = unwrap(await h.handlers['profiles:save']({ name: 'wrong name', endpoints: etcd.endpoints, tls: { ...tls, serverName: 'etcd.not-in-cert.test' }, deadlineMs: 3000 }));
    const e = errorOf(await h.handlers['connection:connect']({ profileId: wrong.id }));
    expect(e.code).toBe('TLS');
    expect(e.message).toMatch(/not issued for this host.*TLS server name/);
  });

  it('TLS files are checked before they are read: missing, a folder, empty, too large', async () => {
    const big = join(dir, 'big.pem');
    const empty = join(dir, 'empty.pem');
    await writeFile(big, Buffer.alloc(2 * 1024 * 1024, 65));
    await writeFile(empty, '');
    for (const [caFile, words] of [
      [join(dir, 'nope.pem'), /CA file .*nope\.pem does not exist/],
      [dir, /is a folder, not a file/],
      [empty, /is empty/],
      [big, /too large for a certificate or key/],
    ] as const) {
      const saved = unwrap(await h.handlers['profiles:save']({ name: 'files', endpoints: etcd.endpoints, tls: { caFile }, deadlineMs: 3000 }));
      const e = errorOf(await h.handlers['connection:connect']({ profileId: saved.id }));
      expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'tls.caFile' } });
      expect(e.message).toMatch(words);
    }
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
