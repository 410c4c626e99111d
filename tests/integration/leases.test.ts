import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { text, type Bytes } from '../../src/shared/bytes';
import type { LeaseKeepAliveEvent, SubscriptionInfo } from '../../src/shared/types';
import type { LeaseChoice } from '../../src/shared/contract';

let etcd: EtcdCluster;
let h: Harness;
let profileId: string;

beforeAll(async () => {
  etcd = await startCluster();
  h = await createHarness({ liveness: false });
  profileId = await h.connect({ name: 'leases', endpoints: etcd.endpoints, deadlineMs: 3000 });
});
afterAll(async () => {
  await h?.close();
  await etcd?.close();
});

const ctl = async (...args: string[]) => {
  const r = await etcd.etcdctl(args);
  if (r.code !== 0) throw new Error(`etcdctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
/** The key's lease as etcd reports it: read from the JSON text, never through JSON.parse (int64). */
const leaseOfKey = async (key: string): Promise<string> => {
  const out = await ctl('get', key, '-w', 'json');
  const m = /"lease":(\d+)/.exec(out);
  return m ? m[1] : '0';
};
const keyExists = async (key: string) => (await ctl('get', key, '--keys-only')).trim() !== '';
/** Grant through etcdctl; returns the decimal id ("lease 694d8f8a3e1c2b0a granted with TTL(60s)"). */
const ctlGrant = async (ttl: number): Promise<string> => {
  const hex = /lease ([0-9a-f]+) granted/.exec(await ctl('lease', 'grant', String(ttl)))![1];
  return BigInt(`0x${hex}`).toString();
};
const put = (key: string, lease?: LeaseChoice, expectedModRevision?: number) =>
  h.handlers['kv:put']({ profileId, key: text(key), value: text(`v:${key}`), ...(lease ? { lease } : {}), ...(expectedModRevision === undefined ? {} : { expectedModRevision }) });

/** Resolves with the next keep-alive events of `subscriptionId` until `until` is true, or rejects after `ms`. */
function keepAliveEvents(subscriptionId: string, until: (seen: LeaseKeepAliveEvent[]) => boolean, ms: number): Promise<LeaseKeepAliveEvent[]> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const seen = h.events.filter((e) => e.event === 'event:lease-keepalive').map((e) => e.payload as LeaseKeepAliveEvent).filter((e) => e.subscriptionId === subscriptionId);
      if (until(seen)) {
        clearInterval(timer);
        resolve(seen);
      } else if (Date.now() - started > ms) {
        clearInterval(timer);
        reject(new Error(`keep-alive events not as expected within ${ms} ms: ${JSON.stringify(seen.map((e) => e.ttl))}`));
      }
    }, 20);
  });
}

describe('leases', () => {
  it('grants with a chosen id (decimal above 2^53), lists it with TTLs and keys count, details its keys', async () => {
    const id = (2n ** 60n + 12345n).toString();
    const g = unwrap(await h.handlers['leases:grant']({ profileId, ttl: 120, id }));
    expect(g).toEqual({ id, ttl: 120 });
    expect(await ctl('lease', 'list')).toContain((2n ** 60n + 12345n).toString(16));
    unwrap(await put('lz/a', { mode: 'attach', id }));
    unwrap(await put('lz/b', { mode: 'attach', id }));

    // Same id again: CONFLICT, nothing granted.
    expect(errorOf(await h.handlers['leases:grant']({ profileId, ttl: 5, id })).code).toBe('CONFLICT');

    const page = unwrap(await h.handlers['leases:list']({ profileId, offset: 0, limit: 200 }));
    const row = page.items.find((l) => l.id === id);
    expect(row).toMatchObject({ id, grantedTtl: 120, keyCount: 2 });
    expect(row!.ttl).toBeGreaterThan(100);
    expect(page.total).toBeGreaterThanOrEqual(1);

    const d = unwrap(await h.handlers['leases:detail']({ profileId, id, keysLimit: 1 }));
    expect(d.keyCount).toBe(2);
    expect(d.keys).toHaveLength(1);
    expect(d.grantedTtl).toBe(120);
    unwrap(await h.handlers['leases:revoke']({ profileId, id }));
  });

  it('pages the list: TTLs only for the requested page, total for all', async () => {
    const ids = await Promise.all([1, 2, 3].map(() => ctlGrant(300)));
    const all = unwrap(await h.handlers['leases:list']({ profileId, offset: 0, limit: 200 }));
    expect(all.items.map((l) => l.id)).toEqual(expect.arrayContaining(ids));
    const p2 = unwrap(await h.handlers['leases:list']({ profileId, offset: 1, limit: 1 }));
    expect(p2.items).toHaveLength(1);
    expect(p2.total).toBe(all.total);
    expect(p2.items[0].id).toBe(all.items[1].id);
    const past = unwrap(await h.handlers['leases:list']({ profileId, offset: all.total, limit: 10 }));
    expect(past.items).toEqual([]);
    for (const id of ids) unwrap(await h.handlers['leases:revoke']({ profileId, id }));
  });

  it('revoke deletes every attached key (checked with etcdctl); revoking again is NOT_FOUND', async () => {
    const id = await ctlGrant(60);
    await ctl('put', 'rv/1', 'x', `--lease=${BigInt(id).toString(16)}`);
    await ctl('put', 'rv/2', 'y', `--lease=${BigInt(id).toString(16)}`);
    expect(await keyExists('rv/1')).toBe(true);
    const r = unwrap(await h.handlers['leases:revoke']({ profileId, id }));
    expect(r.revision).toBeGreaterThan(0);
    expect(await keyExists('rv/1')).toBe(false);
    expect(await keyExists('rv/2')).toBe(false);
    expect(errorOf(await h.handlers['leases:revoke']({ profileId, id })).code).toBe('NOT_FOUND');
    expect(errorOf(await h.handlers['leases:detail']({ profileId, id, keysLimit: 10 })).code).toBe('NOT_FOUND');
    expect(errorOf(await h.handlers['leases:keepAliveOnce']({ profileId, id })).code).toBe('NOT_FOUND');
  });

  it('keepAliveOnce renews a lease to its granted TTL', async () => {
    const id = await ctlGrant(10);
    const r = unwrap(await h.handlers['leases:keepAliveOnce']({ profileId, id }));
    expect(r).toEqual({ id, ttl: 10 });
    unwrap(await h.handlers['leases:revoke']({ profileId, id }));
  });

  it('a keep-alive subscription keeps a 2 s lease alive for 6 s; once closed, the lease expires', async () => {
    const id = await ctlGrant(2);
    unwrap(await put('ka/held', { mode: 'attach', id }));
    const started = Date.now();
    const sub: SubscriptionInfo = unwrap(await h.handlers['leases:keepAlive']({ profileId, id }));
    expect(sub).toMatchObject({ kind: 'lease-keepalive', state: 'open' });
    // A renewal every third of the TTL: 6 s of life past the 2 s TTL is many renewals, each to 2 s.
    const seen = await keepAliveEvents(sub.subscriptionId, (s) => s.length > 0 && s.at(-1)!.at - started >= 6000, 9000);
    expect(seen.every((e) => e.ttl === 2 && e.id === id)).toBe(true);
    expect(await keyExists('ka/held')).toBe(true);
    expect(unwrap(await h.handlers['leases:detail']({ profileId, id, keysLimit: 10 })).ttl).toBeGreaterThan(0);
    expect(unwrap(await h.handlers['subscriptions:list']({ profileId })).map((s) => s.subscriptionId)).toContain(sub.subscriptionId);

    unwrap(await h.handlers['subscriptions:close']({ profileId, subscriptionId: sub.subscriptionId }));
    const closedAt = Date.now();
    const count = seen.length;
    // No renewal after the close; the lease runs out (2 s, plus etcd's expiry tick) and takes its key.
    const deadline = Date.now() + 6000;
    while ((await keyExists('ka/held')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await keyExists('ka/held')).toBe(false);
    expect(Date.now() - closedAt).toBeGreaterThan(500);
    const after = h.events.filter((e) => e.event === 'event:lease-keepalive' && (e.payload as LeaseKeepAliveEvent).subscriptionId === sub.subscriptionId);
    expect(after.length).toBeLessThanOrEqual(count + 1);
  });

  it('a keep-alive subscription ends with NOT_FOUND when its lease is revoked elsewhere', async () => {
    const id = await ctlGrant(3);
    const sub = unwrap(await h.handlers['leases:keepAlive']({ profileId, id }));
    await ctl('lease', 'revoke', BigInt(id).toString(16));
    const deadline = Date.now() + 5000;
    const ended = () =>
      h.events.find((e) => e.event === 'event:subscription' && (e.payload as SubscriptionInfo).subscriptionId === sub.subscriptionId && (e.payload as SubscriptionInfo).state === 'ended')
        ?.payload as SubscriptionInfo | undefined;
    while (!ended() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(ended()?.error?.code).toBe('NOT_FOUND');
    const last = h.events.filter((e) => e.event === 'event:lease-keepalive' && (e.payload as LeaseKeepAliveEvent).subscriptionId === sub.subscriptionId).at(-1);
    expect((last?.payload as LeaseKeepAliveEvent).ttl).toBe(-1);
  });

  it('disconnecting ends the keep-alive subscriptions of that connection, and renewals stop', async () => {
    const other = await h.connect({ name: 'leases-2', endpoints: etcd.endpoints, deadlineMs: 3000 });
    const id = await ctlGrant(30);
    const sub = unwrap(await h.handlers['leases:keepAlive']({ profileId: other, id }));
    unwrap(await h.handlers['connection:disconnect']({ profileId: other }));
    const ended = () =>
      (h.events.find(
        (e) => e.event === 'event:subscription' && (e.payload as SubscriptionInfo).subscriptionId === sub.subscriptionId && (e.payload as SubscriptionInfo).state === 'ended',
      )?.payload as SubscriptionInfo | undefined)?.error?.code;
    await expect.poll(ended, { timeout: 2000, interval: 20 }).toBe('NOT_CONNECTED');
    // The lease is no longer renewed: its TTL goes down.
    const before = unwrap(await h.handlers['leases:detail']({ profileId, id, keysLimit: 0 })).ttl;
    await expect.poll(async () => unwrap(await h.handlers['leases:detail']({ profileId, id, keysLimit: 0 })).ttl, { timeout: 5000, interval: 200 }).toBeLessThan(before);
    unwrap(await h.handlers['leases:revoke']({ profileId, id }));
  });

  it('keepAlive of a lease that does not exist fails to open with NOT_FOUND', async () => {
    expect(errorOf(await h.handlers['leases:keepAlive']({ profileId, id: '123456789' })).code).toBe('NOT_FOUND');
  });
});

describe('kv:put lease choice (checked with etcdctl get -w json)', () => {
  it('keep: a new key gets no lease, an existing key keeps its lease', async () => {
    const id = await ctlGrant(300);
    await ctl('put', 'lc/keep', 'old', `--lease=${BigInt(id).toString(16)}`);
    const r = unwrap(await put('lc/keep', { mode: 'keep' }));
    expect(r.created).toBe(false);
    expect(await leaseOfKey('lc/keep')).toBe(id);
    unwrap(await put('lc/keep'));
    expect(await leaseOfKey('lc/keep')).toBe(id);
    expect(unwrap(await put('lc/keep-new', { mode: 'keep' })).created).toBe(true);
    expect(await leaseOfKey('lc/keep-new')).toBe('0');
  });

  it('none detaches; attach sets the id; both report created and the lease', async () => {
    const id = await ctlGrant(300);
    await ctl('put', 'lc/none', 'old', `--lease=${BigInt(id).toString(16)}`);
    const n = unwrap(await put('lc/none', { mode: 'none' }));
    expect(n).toMatchObject({ created: false, lease: '0' });
    expect(await leaseOfKey('lc/none')).toBe('0');
    expect(await keyExists('lc/none')).toBe(true);

    const a = unwrap(await put('lc/attach', { mode: 'attach', id }));
    expect(a).toMatchObject({ created: true, lease: id });
    expect(await leaseOfKey('lc/attach')).toBe(id);
    expect(unwrap(await h.handlers['kv:get']({ profileId, key: text('lc/attach') })).lease).toBe(id);
  });

  it('attach with compare-and-swap: the revision is checked, the lease set', async () => {
    const id = await ctlGrant(300);
    const first = unwrap(await put('lc/cas', { mode: 'none' }));
    expect(errorOf(await put('lc/cas', { mode: 'attach', id }, first.revision + 50)).code).toBe('CONFLICT');
    expect(await leaseOfKey('lc/cas')).toBe('0');
    unwrap(await put('lc/cas', { mode: 'attach', id }, first.revision));
    expect(await leaseOfKey('lc/cas')).toBe(id);
    expect(errorOf(await put('lc/cas-new', { mode: 'attach', id }, 1)).code).toBe('CONFLICT');
    expect(unwrap(await put('lc/cas-new', { mode: 'attach', id }, 0)).created).toBe(true);
  });

  it('attach to a lease that does not exist: NOT_FOUND, nothing written', async () => {
    const e = errorOf(await put('lc/missing', { mode: 'attach', id: '987654321' }));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.details?.field).toBe('lease');
    expect(await keyExists('lc/missing')).toBe(false);
  });

  it('grant: a new lease with the TTL, then the put with it', async () => {
    const r = unwrap(await put('lc/grant', { mode: 'grant', ttl: 77 }));
    expect(r.created).toBe(true);
    expect(r.lease).toMatch(/^[1-9][0-9]*$/);
    expect(await leaseOfKey('lc/grant')).toBe(r.lease);
    const d = unwrap(await h.handlers['leases:detail']({ profileId, id: r.lease!, keysLimit: 10 }));
    expect(d.grantedTtl).toBe(77);
    expect(d.keys).toEqual([text('lc/grant')] satisfies Bytes[]);
  });

  it('grant whose put fails (conflict): the new lease is revoked again, and the error says so', async () => {
    const before = (await ctl('lease', 'list')).trim().split('\n').length;
    unwrap(await put('lc/grant-conflict', { mode: 'none' }));
    const e = errorOf(await put('lc/grant-conflict', { mode: 'grant', ttl: 300 }, 0));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toMatch(/revoked again/);
    expect((await ctl('lease', 'list')).trim().split('\n').length).toBe(before);
  });
});
