import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { blackholeProxy, deadEndpoint, silentServer } from '../support/tcp';
import { text } from '../../src/shared/bytes';
import { scan } from '../../src/main/core/etcd/scan';
import { EtcdSession } from '../../src/main/core/etcd/session';

const DEADLINE = 1500;
let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - t) };
}

describe('a cluster that is not there never hangs', () => {
  it('dead endpoint (nothing listening): connect, read and write fail fast with UNAVAILABLE', async () => {
    const endpoint = await deadEndpoint();
    const saved = unwrap(await h.handlers['profiles:save']({ name: 'dead', endpoints: [endpoint], deadlineMs: DEADLINE }));
    const c = await timed(() => h.handlers['connection:connect']({ profileId: saved.id }));
    expect(errorOf(c.value).code).toBe('UNAVAILABLE');
    expect(errorOf(c.value).details?.endpoint).toBe(endpoint);
    expect(c.ms).toBeLessThan(DEADLINE);
    console.log(`dead endpoint: connect failed after ${c.ms} ms (deadline ${DEADLINE} ms)`);
    expect(h.statuses(saved.id).at(-1)?.state).toBe('unreachable');

    const get = await timed(() => h.handlers['kv:get']({ profileId: saved.id, key: text('k') }));
    expect(errorOf(get.value).code).toBe('UNAVAILABLE');
    // A refused connection means the write never left: a plain failure, not "unknown".
    const put = await timed(() => h.handlers['kv:put']({ profileId: saved.id, key: text('k'), value: text('v') }));
    expect(errorOf(put.value).code).toBe('UNAVAILABLE');
    expect(Math.max(get.ms, put.ms)).toBeLessThan(DEADLINE);
  });

  it('silent endpoint (accepts TCP, never answers): fails within the deadline', async () => {
    const silent = await silentServer();
    try {
      const saved = unwrap(await h.handlers['profiles:save']({ name: 'silent', endpoints: [silent.endpoint], deadlineMs: DEADLINE }));
      const c = await timed(() => h.handlers['connection:connect']({ profileId: saved.id }));
      expect(errorOf(c.value).code).toBe('TIMEOUT');
      expect(c.ms).toBeGreaterThanOrEqual(DEADLINE - 50);
      expect(c.ms).toBeLessThan(DEADLINE + 1000);
      console.log(`silent endpoint: connect failed after ${c.ms} ms with ${errorOf(c.value).code} (deadline ${DEADLINE} ms)`);
      const get = await timed(() => h.handlers['kv:get']({ profileId: saved.id, key: text('k') }));
      expect(['TIMEOUT', 'UNAVAILABLE']).toContain(errorOf(get.value).code);
      expect(get.ms).toBeLessThan(DEADLINE + 1000);
      const put = await timed(() => h.handlers['kv:put']({ profileId: saved.id, key: text('k'), value: text('v') }));
      // grpc never got a transport ("Waiting for LB pick"): the write certainly did not leave.
      expect(errorOf(put.value).code).toBe('TIMEOUT');
      expect(put.ms).toBeLessThan(DEADLINE + 1000);
      console.log(`silent endpoint: get ${get.ms} ms ${errorOf(get.value).code}, put ${put.ms} ms ${errorOf(put.value).code}`);
    } finally {
      await silent.close();
    }
  });

  it('profiles:test on a dead endpoint reports UNAVAILABLE without saving anything', async () => {
    const endpoint = await deadEndpoint();
    const before = unwrap(await h.handlers['profiles:list']()).profiles.length;
    const r = await h.handlers['profiles:test']({ name: 'try', endpoints: [endpoint], deadlineMs: DEADLINE });
    expect(errorOf(r).code).toBe('UNAVAILABLE');
    expect(unwrap(await h.handlers['profiles:list']()).profiles.length).toBe(before);
  });
});

describe('writes are at most once', () => {
  let etcd: EtcdCluster;
  beforeAll(async () => {
    etcd = await startCluster();
  });
  afterAll(async () => {
    await etcd?.close();
  });

  it('a write whose answer is lost is OUTCOME_UNKNOWN, and was sent exactly once', async () => {
    const proxy = await blackholeProxy(etcd.endpoints[0]);
    try {
      const id = await h.connect({ name: 'via proxy', endpoints: [proxy.endpoint], deadlineMs: DEADLINE });
      unwrap(await h.handlers['kv:put']({ profileId: id, key: text('once'), value: text('v0') }));
      proxy.dropResponses(true);
      const put = await timed(() => h.handlers['kv:put']({ profileId: id, key: text('once'), value: text('v1') }));
      const e = errorOf(put.value);
      expect(e.code).toBe('OUTCOME_UNKNOWN');
      expect(put.ms).toBeLessThan(DEADLINE + 1000);
      // etcd applied it once: version 2 (v0 then v1). A retrying client would have made it 3 or more.
      const r = await etcd.etcdctl(['get', 'once', '-w', 'json']);
      const kv = JSON.parse(r.stdout).kvs[0];
      expect(Buffer.from(kv.value, 'base64').toString()).toBe('v1');
      expect(kv.version).toBe(2);
      // The status shows the trouble; the write itself is never reported as saved.
      proxy.dropResponses(false);
    } finally {
      await proxy.close();
    }
  });
});

describe('recovery', () => {
  it('etcd stopped mid-session and restarted: the same session works again', async () => {
    const etcd = await startCluster();
    try {
      const id = await h.connect({ name: 'restart', endpoints: etcd.endpoints, deadlineMs: DEADLINE });
      unwrap(await h.handlers['kv:put']({ profileId: id, key: text('r'), value: text('before') }));
      await etcd.kill(0);
      const down = await timed(() => h.handlers['kv:get']({ profileId: id, key: text('r') }));
      expect(['UNAVAILABLE', 'TIMEOUT']).toContain(errorOf(down.value).code);
      expect(down.ms).toBeLessThan(DEADLINE + 500);
      expect(h.statuses(id).at(-1)?.state).toBe('unreachable');
      const putDown = await h.handlers['kv:put']({ profileId: id, key: text('r'), value: text('during') });
      expect(putDown.ok).toBe(false);

      await etcd.restart(0);
      // No reconnect by the user: the next calls go through.
      let got = await h.handlers['kv:get']({ profileId: id, key: text('r') });
      for (let i = 0; !got.ok && i < 20; i++) got = await h.handlers['kv:get']({ profileId: id, key: text('r') });
      expect(unwrap(got).value).toEqual(text('before'));
      unwrap(await h.handlers['kv:put']({ profileId: id, key: text('r'), value: text('after') }));
      expect(unwrap(await h.handlers['kv:get']({ profileId: id, key: text('r') })).value).toEqual(text('after'));
      expect(h.statuses(id).at(-1)?.state).toBe('connected');
      expect(unwrap(await h.handlers['connection:status']({ profileId: id })).state).toBe('connected');
    } finally {
      await etcd.close();
    }
  });
});

describe('editing a connected profile', () => {
  it('renaming keeps the session; changing endpoints drops it so the next connect uses the new ones', async () => {
    const etcd = await startCluster();
    try {
      const id = await h.connect({ name: 'edit', endpoints: etcd.endpoints, deadlineMs: DEADLINE });
      unwrap(await h.handlers['profiles:save']({ id, name: 'renamed', endpoints: etcd.endpoints, deadlineMs: DEADLINE }));
      expect(unwrap(await h.handlers['connection:status']({ profileId: id })).state).toBe('connected');
      const dead = await deadEndpoint();
      unwrap(await h.handlers['profiles:save']({ id, name: 'renamed', endpoints: [dead], deadlineMs: DEADLINE }));
      expect(unwrap(await h.handlers['connection:status']({ profileId: id })).state).toBe('disconnected');
      expect(errorOf(await h.handlers['kv:get']({ profileId: id, key: text('k') })).code).toBe('NOT_CONNECTED');
      expect(errorOf(await h.handlers['connection:connect']({ profileId: id })).code).toBe('UNAVAILABLE');
    } finally {
      await etcd.close();
    }
  });
});

describe('one hung member among live ones', () => {
  for (const auth of [false, true]) {
    it(`reads and writes still succeed${auth ? ' with auth' : ''}; nothing is OUTCOME_UNKNOWN`, async () => {
      const etcd = await startCluster(auth ? { auth: { rootPassword: 'pw' } } : {});
      const silent = await silentServer();
      try {
        // The hung endpoint first: etcd3 authenticates against hosts in order.
        const id = await h.connect({
          name: 'hung member',
          endpoints: [silent.endpoint, ...etcd.endpoints],
          deadlineMs: 3000,
          ...(auth ? { username: 'root', password: 'pw' } : {}),
        });
        for (let i = 0; i < 8; i++) {
          const put = await h.handlers['kv:put']({ profileId: id, key: text(`hung/${i}`), value: text(`v${i}`) });
          expect(put.ok, JSON.stringify(put)).toBe(true);
          expect(unwrap(await h.handlers['kv:get']({ profileId: id, key: text(`hung/${i}`) })).value).toEqual(text(`v${i}`));
        }
        // Each key was written exactly once.
        const r = await etcd.etcdctl(['get', 'hung/', '--prefix', '-w', 'json']);
        expect(JSON.parse(r.stdout).kvs.map((kv: { version: number }) => kv.version)).toEqual(Array(8).fill(1));
        // Keys-only pages and the whole-range scan go through the adapter's own gRPC client, under
        // the same retry policy and per-host breaker: the hung member costs a deadline share, then
        // is skipped.
        const keysOnly = await timed(() => h.handlers['kv:list']({ profileId: id, prefix: text('hung/'), limit: 3, keysOnly: true }));
        expect(unwrap(keysOnly.value).items.map((i) => i.key)).toEqual([text('hung/0'), text('hung/1'), text('hung/2')]);
        const s = new EtcdSession({
          endpoints: [silent.endpoint, ...etcd.endpoints],
          deadlineMs: 3000,
          ...(auth ? { username: 'root', password: 'pw' } : {}),
        });
        try {
          await s.run('read', () => s.rpc.status()); // connected, as the app's connect does
          const keys: string[] = [];
          const sc = await timed(() =>
            scan(s, { prefix: Buffer.from('hung/'), pageKeys: 2 }, (p) => {
              for (let i = 0; i < p.length; i++) keys.push(p.key(i).toString());
            }),
          );
          expect(keys).toEqual(Array.from({ length: 8 }, (_, i) => `hung/${i}`));
          console.log(`hung member${auth ? ' (auth)' : ''}: keys-only page ${keysOnly.ms} ms, scan of 8 keys in ${sc.value.requests} windows ${sc.ms} ms`);
        } finally {
          s.close();
        }
      } finally {
        await silent.close();
        await etcd.close();
      }
    });
  }
});
