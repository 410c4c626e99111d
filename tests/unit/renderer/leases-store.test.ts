import { describe, expect, it } from 'vitest';
import { text } from '../../../src/shared/bytes';
import { createAppStore } from '../../../src/renderer/src/app/create-app-store';
import { runCommand } from '../../../src/renderer/src/app/commands';
import { LEASES_PAGE } from '../../../src/renderer/src/features/leases/leases-slice';
import { leaseDraft } from '../../../src/renderer/src/features/leases/lease-format';
import type { LeaseDetail, SubscriptionInfo } from '../../../src/shared/types';
import { createFakeApi, entry, errR, flush, okR, page, profile } from './fake-api';

const BIG = '1152921504606846977'; // 2^60 + 1

async function setup() {
  const fake = createFakeApi();
  fake.ep['profiles:list'].handle(() => okR({ profiles: [profile('a'), profile('b')], secretStorage: 'encrypted', notices: [] }));
  fake.ep['kv:list'].handle(() => okR(page([])));
  fake.ep['kv:count'].handle(() => okR({ count: 0, revision: 1 }));
  fake.ep['subscriptions:close'].handle((req) => okR({ subscriptionId: req.subscriptionId, profileId: req.profileId, kind: 'lease-keepalive', state: 'ended' as const }));
  const clock = { t: 1_000_000 };
  const store = createAppStore(fake.api, { now: () => clock.t });
  store.getState().init();
  await flush();
  await store.getState().switchProfile('a');
  await flush();
  return { fake, store, clock };
}

const detail = (id: string, ttl: number, keys: string[] = [], grantedTtl = 60): LeaseDetail => ({ id, ttl, grantedTtl, keyCount: keys.length, keys: keys.map((k) => text(k)) });

describe('lease TTL cache (the grid column)', () => {
  it('asks once per lease for rows on screen, caches with the time read, asks again once the countdown ran out', async () => {
    const { fake, store, clock } = await setup();
    store.getState().ensureLeaseTtl(BIG);
    store.getState().ensureLeaseTtl(BIG);
    store.getState().ensureLeaseTtl('0');
    await flush();
    expect(fake.ep['leases:detail'].requests).toEqual([{ profileId: 'a', id: BIG, keysLimit: 0 }]);
    fake.ep['leases:detail'].next().resolve(okR(detail(BIG, 5, ['x'])));
    await flush();
    expect(store.getState().leaseTtls[BIG]).toEqual({ ttl: 5, grantedTtl: 60, keyCount: 1, at: 1_000_000 });

    // Within its countdown: no call.
    clock.t += 3000;
    store.getState().ensureLeaseTtl(BIG);
    expect(fake.ep['leases:detail'].requests).toHaveLength(1);
    // Ran out locally: ask whether it expired or was renewed elsewhere.
    clock.t += 4000;
    store.getState().ensureLeaseTtl(BIG);
    await flush();
    expect(fake.ep['leases:detail'].requests).toHaveLength(2);
    fake.ep['leases:detail'].next().resolve(errR('NOT_FOUND'));
    await flush();
    expect(store.getState().leaseTtls[BIG].ttl).toBe(-1);
    // Gone for good: never asked again.
    clock.t += 60_000;
    store.getState().ensureLeaseTtl(BIG);
    expect(fake.ep['leases:detail'].requests).toHaveLength(2);
  });

  it('after a failed read (cluster unreachable) waits before asking again, not every tick', async () => {
    const { fake, store, clock } = await setup();
    store.getState().ensureLeaseTtl('11');
    await flush();
    fake.ep['leases:detail'].next().resolve(errR('UNAVAILABLE'));
    await flush();
    clock.t += 1000;
    store.getState().ensureLeaseTtl('11');
    expect(fake.ep['leases:detail'].requests).toHaveLength(1);
    clock.t += 10_000;
    store.getState().ensureLeaseTtl('11');
    await flush();
    expect(fake.ep['leases:detail'].requests).toHaveLength(2);
  });

  it('drops answers for a connection the app has left', async () => {
    const { fake, store } = await setup();
    store.getState().ensureLeaseTtl('42');
    await flush();
    await store.getState().switchProfile('b');
    await flush();
    fake.ep['leases:detail'].next().resolve(okR(detail('42', 30)));
    await flush();
    expect(store.getState().leaseTtls['42']).toBeUndefined();
  });
});

describe('leases view', () => {
  it('lists a page and caches its TTLs', async () => {
    const { fake, store } = await setup();
    void store.getState().loadLeases(0);
    await flush();
    expect(fake.ep['leases:list'].requests).toEqual([{ profileId: 'a', offset: 0, limit: LEASES_PAGE }]);
    fake.ep['leases:list'].next().resolve(okR({ items: [{ id: BIG, grantedTtl: 60, ttl: 50, keyCount: 2 }], total: 1 }));
    await flush();
    expect(store.getState().leasePage).toEqual({ items: [{ id: BIG, grantedTtl: 60, ttl: 50, keyCount: 2 }], total: 1, offset: 0 });
    expect(store.getState().leaseTtls[BIG]).toMatchObject({ ttl: 50, keyCount: 2 });
  });

  it('the grant dialog is a modal: app commands (New key here) wait until it is closed', async () => {
    const { store } = await setup();
    store.getState().openLeaseGrant();
    expect(store.getState().isModalOpen()).toBe(true);
    runCommand(store, 'new-key');
    expect(store.getState().newKey).toBeNull();
    store.getState().closeLeaseGrant();
    expect(store.getState().isModalOpen()).toBe(false);
    runCommand(store, 'new-key');
    expect(store.getState().newKey).not.toBeNull();
  });

  it('grant: validates the TTL and the id (hex or decimal) before any call, sends the id in decimal', async () => {
    const { fake, store } = await setup();
    fake.ep['leases:list'].handle(() => okR({ items: [], total: 0 }));
    store.getState().openLeaseGrant();
    store.getState().updateLeaseGrant({ ttl: 'ten' });
    await store.getState().submitLeaseGrant();
    expect(store.getState().leaseGrant?.error?.details?.field).toBe('ttl');
    store.getState().updateLeaseGrant({ ttl: '30', id: 'zz' });
    await store.getState().submitLeaseGrant();
    expect(store.getState().leaseGrant?.error?.details?.field).toBe('id');
    expect(fake.ep['leases:grant'].requests).toHaveLength(0);

    store.getState().updateLeaseGrant({ id: '0x1000000000000001' });
    void store.getState().submitLeaseGrant();
    await flush();
    expect(fake.ep['leases:grant'].requests).toEqual([{ profileId: 'a', ttl: 30, id: BIG }]);
    fake.ep['leases:grant'].next().resolve(errR('CONFLICT'));
    await flush();
    expect(store.getState().leaseGrant?.error?.code).toBe('CONFLICT');

    void store.getState().submitLeaseGrant();
    await flush();
    fake.ep['leases:grant'].next().resolve(okR({ id: BIG, ttl: 30 }));
    await flush();
    expect(store.getState().leaseGrant).toBeNull();
    expect(store.getState().leaseTtls[BIG]).toMatchObject({ ttl: 30, grantedTtl: 30 });
    expect(fake.ep['leases:list'].requests.length).toBeGreaterThan(0);
  });

  it('revoke: asks first, listing the keys it deletes with their count; confirmed, revokes and removes the rows', async () => {
    const { fake, store } = await setup();
    fake.ep['leases:list'].handle(() => okR({ items: [], total: 0 }));
    void store.getState().requestRevokeLease(BIG);
    await flush();
    expect(fake.ep['leases:detail'].requests.at(-1)).toMatchObject({ id: BIG, keysLimit: 1000 });
    fake.ep['leases:detail'].next().resolve(okR(detail(BIG, 40, ['svc/a', 'svc/b'])));
    await flush();
    const confirm = store.getState().confirm;
    expect(confirm?.message).toContain('2 keys');
    expect(confirm?.subject).toBe('svc/a\nsvc/b');
    expect(confirm?.confirmLabel).toBe('Revoke and delete 2 keys');
    expect(fake.ep['leases:revoke'].requests).toHaveLength(0);
    store.getState().resolveConfirm(true);
    await flush();
    expect(fake.ep['leases:revoke'].requests).toEqual([{ profileId: 'a', id: BIG }]);
    fake.ep['leases:revoke'].next().resolve(okR({ revision: 9 }));
    await flush();
    expect(store.getState().leaseTtls[BIG].ttl).toBe(-1);
  });

  it('time to live with keys: shown for one lease, hidden again by the same toggle', async () => {
    const { fake, store } = await setup();
    void store.getState().toggleLeaseKeys(BIG);
    await flush();
    expect(fake.ep['leases:detail'].requests.at(-1)).toEqual({ profileId: 'a', id: BIG, keysLimit: 200 });
    fake.ep['leases:detail'].next().resolve(okR(detail(BIG, 12, ['k/1'])));
    await flush();
    expect(store.getState().leaseKeys?.detail?.keys).toEqual([text('k/1')]);
    await store.getState().toggleLeaseKeys(BIG);
    expect(store.getState().leaseKeys).toBeNull();
  });

  it('revoke cancelled: nothing is sent', async () => {
    const { fake, store } = await setup();
    void store.getState().requestRevokeLease('7');
    await flush();
    fake.ep['leases:detail'].next().resolve(okR(detail('7', 40, [])));
    await flush();
    expect(store.getState().confirm?.message).toContain('deletes nothing');
    store.getState().resolveConfirm(false);
    await flush();
    expect(fake.ep['leases:revoke'].requests).toHaveLength(0);
  });

  it('keep alive: a feed whose events update the TTL; off closes it; leaving the view or the connection closes them all', async () => {
    const { fake, store, clock } = await setup();
    const info = (id: string): SubscriptionInfo => ({ subscriptionId: id, profileId: 'a', kind: 'lease-keepalive', state: 'open' });
    void store.getState().toggleKeepAlive(BIG);
    await flush();
    expect(store.getState().keepingAlive[BIG]).toBe(true);
    expect(fake.ep['leases:keepAlive'].requests).toEqual([{ profileId: 'a', id: BIG }]);
    fake.ep['leases:keepAlive'].next().resolve(okR(info('s1')));
    await flush();
    clock.t += 5000;
    fake.emit('event:lease-keepalive', { profileId: 'a', subscriptionId: 's1', id: BIG, ttl: 9, at: clock.t });
    expect(store.getState().leaseTtls[BIG]).toMatchObject({ ttl: 9, at: clock.t });

    void store.getState().toggleKeepAlive(BIG);
    await flush();
    expect(store.getState().keepingAlive[BIG]).toBeUndefined();
    expect(fake.ep['subscriptions:close'].requests.map((r) => r.subscriptionId)).toEqual(['s1']);

    void store.getState().toggleKeepAlive('5');
    await flush();
    fake.ep['leases:keepAlive'].next().resolve(okR(info('s2')));
    await flush();
    store.getState().stopKeepAlives();
    await flush();
    expect(fake.ep['subscriptions:close'].requests.map((r) => r.subscriptionId)).toEqual(['s1', 's2']);

    void store.getState().toggleKeepAlive('6');
    await flush();
    fake.ep['leases:keepAlive'].next().resolve(okR(info('s3')));
    await flush();
    await store.getState().switchProfile('b');
    await flush();
    expect(fake.ep['subscriptions:close'].requests.map((r) => r.subscriptionId)).toContain('s3');
    expect(store.getState().keepingAlive).toEqual({});
  });

  it('keep alive that main refuses (NOT_FOUND) or ends: the toggle goes off and the error is shown by code', async () => {
    const { fake, store } = await setup();
    void store.getState().toggleKeepAlive('8');
    await flush();
    fake.ep['leases:keepAlive'].next().resolve(errR('NOT_FOUND'));
    await flush();
    expect(store.getState().keepingAlive).toEqual({});
    expect(store.getState().leaseActionError?.code).toBe('NOT_FOUND');
    expect(store.getState().leaseTtls['8'].ttl).toBe(-1);

    void store.getState().toggleKeepAlive('9');
    await flush();
    fake.ep['leases:keepAlive'].next().resolve(okR({ subscriptionId: 's9', profileId: 'a', kind: 'lease-keepalive', state: 'open' }));
    await flush();
    fake.emit('event:subscription', { subscriptionId: 's9', profileId: 'a', kind: 'lease-keepalive', state: 'ended', error: { code: 'UNAVAILABLE', message: 'gone' } });
    expect(store.getState().keepingAlive).toEqual({});
    expect(store.getState().leaseActionError?.code).toBe('UNAVAILABLE');
  });
});

describe('lease choice in writes', () => {
  it('New Key: none by default (nothing on the wire for a create), attach sends the id in decimal, a bad id is refused before any call', async () => {
    const { fake, store } = await setup();
    fake.ep['kv:put'].handle(() => okR({ revision: 3, created: true, lease: BIG }));
    fake.ep['kv:get'].handle(() => okR({ ...entry('n/1'), value: text('v'), size: 1 }));
    store.getState().openNewKey();
    expect(store.getState().newKey?.lease.mode).toBe('none');
    store.getState().updateNewKey({ key: 'n/1', value: 'v', lease: { ...leaseDraft('attach'), id: 'nope' } });
    await store.getState().submitNewKey();
    expect(store.getState().newKey?.error?.details?.field).toBe('lease');
    expect(fake.ep['kv:put'].requests).toHaveLength(0);
    store.getState().updateNewKey({ lease: { ...leaseDraft('attach'), id: '0x1000000000000001' } });
    await store.getState().submitNewKey();
    await flush();
    expect(fake.ep['kv:put'].requests[0]).toMatchObject({ key: text('n/1'), expectedModRevision: 0, lease: { mode: 'attach', id: BIG } });
    expect(store.getState().items.find((i) => i.key.data === 'n/1')?.lease).toBe(BIG);
  });

  it('editor: keep by default (no lease field); a chosen lease is sent with the save, lets an unchanged value be saved, and resets after', async () => {
    const { fake, store } = await setup();
    fake.ep['kv:get'].handle(() => okR({ ...entry('e/1', 5), value: text('v'), size: 1, lease: '77' }));
    fake.ep['kv:put'].handle((req) => okR({ revision: 6, created: false, ...(req.lease ? { lease: req.lease.mode === 'none' ? '0' : '78' } : {}) }));
    await store.getState().selectKey(text('e/1'));
    await flush();
    expect(store.getState().editorLeaseChoice()).toEqual({});
    store.getState().setDraft('v2');
    await store.getState().save();
    await flush();
    expect(fake.ep['kv:put'].requests[0].lease).toBeUndefined();
    expect(store.getState().loaded?.lease).toBe('77');

    store.getState().setEditorLease({ ...leaseDraft('grant'), ttl: '120' });
    await store.getState().save();
    await flush();
    expect(fake.ep['kv:put'].requests[1]).toMatchObject({ lease: { mode: 'grant', ttl: 120 }, expectedModRevision: 6 });
    expect(store.getState().loaded?.lease).toBe('78');
    expect(store.getState().editorLease).toBeNull();

    store.getState().setEditorLease(leaseDraft('none'));
    await store.getState().save();
    await flush();
    expect(fake.ep['kv:put'].requests[2].lease).toEqual({ mode: 'none' });
    expect(store.getState().loaded?.lease).toBe('0');
  });

  it('editor: a choice made for another key is not applied', async () => {
    const { fake, store } = await setup();
    fake.ep['kv:get'].handle((req) => okR({ ...entry(req.key.data, 5), value: text('v'), size: 1 }));
    await store.getState().selectKey(text('e/1'));
    await flush();
    store.getState().setEditorLease(leaseDraft('none'));
    await store.getState().selectKey(text('e/2'));
    await flush();
    expect(store.getState().editorLeaseChoice()).toEqual({});
  });
});
