/**
 * Writes to a production profile, intercepted in one place (app/write-confirm.ts): the store
 * asks before any write reaches the bridge, sends the typed text as `confirmation`, and a
 * cancel is "nothing happened" (no request, no error, the draft kept). Every write channel of
 * the contract is covered through the wrapped bridge; the slices through the store.
 */
import { text } from '../../../src/shared/bytes';
import { channels, type ChannelName, type EtcdApi } from '../../../src/shared/contract';
import { createAppStore } from '../../../src/renderer/src/app/create-app-store';
import { confirmProductionWrites, describeWrite, type WriteConfirmRequest } from '../../../src/renderer/src/app/write-confirm';
import { runCommand } from '../../../src/renderer/src/app/commands';
import { sampleRequests } from '../support/sample-requests';
import { createFakeApi, flush, memoryEtcd, okR, profile, useMemoryEtcd } from './fake-api';

const writes = channels().filter((c) => c.def.effect === 'write');
const reads = channels().filter((c) => c.def.effect === 'read');

function bridge(modes: Record<string, 'normal' | 'production' | 'read-only'>, answer: (req: WriteConfirmRequest) => string | null) {
  const fake = createFakeApi();
  for (const { name } of channels()) (fake.ep[name] as { handle(h: () => unknown): void }).handle(() => okR('sent'));
  const asked: WriteConfirmRequest[] = [];
  const api = confirmProductionWrites(fake.api, {
    profileOf: (id) => (modes[id] ? { name: `Profile ${id}`, mode: modes[id], endpoints: [`http://${id}:2379`] } : undefined),
    ask: async (req) => {
      asked.push(req);
      return answer(req);
    },
  });
  const call = (name: ChannelName, req: unknown) => {
    const [ns, op] = name.split(':') as [string, string];
    return (api as unknown as Record<string, Record<string, (r: unknown) => Promise<unknown>>>)[ns][op](req);
  };
  return { fake, asked, call, api };
}

describe('the production interception, per channel', () => {
  it.each(writes.map((w) => w.name))('%s to a production profile asks first, then sends the typed text as confirmation', async (name) => {
    const b = bridge({ p1: 'production', p2: 'normal' }, (req) => req.expected);
    const req = sampleRequests[name] as object;
    await expect(b.call(name, req)).resolves.toEqual(okR('sent'));
    expect(b.asked).toHaveLength(1);
    expect(b.asked[0]?.profileName).toBe('Profile p1');
    expect(b.asked[0]?.endpoints).toEqual(['http://p1:2379']);
    expect(b.asked[0]?.operation).not.toBe('');
    expect((b.fake.ep[name].requests as unknown[]).at(-1)).toEqual({ ...req, confirmation: b.asked[0]?.expected });
  });

  it.each(writes.map((w) => w.name))('%s cancelled: CANCELLED, and nothing reaches the bridge', async (name) => {
    const b = bridge({ p1: 'production', p2: 'production' }, () => null);
    const r = (await b.call(name, sampleRequests[name])) as { ok: boolean; error?: { code: string } };
    expect(r).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(b.fake.ep[name].requests).toHaveLength(0);
  });

  it.each(writes.map((w) => w.name))('%s to a normal (or read-only) profile is sent as it is, without asking', async (name) => {
    for (const mode of ['normal', 'read-only'] as const) {
      const b = bridge({ p1: mode, p2: mode }, () => 'x');
      await b.call(name, sampleRequests[name]);
      expect(b.asked).toEqual([]);
      expect((b.fake.ep[name].requests as unknown[]).at(-1)).toEqual(sampleRequests[name]);
    }
  });

  it.each(reads.map((r) => r.name))('%s (a read) never asks, even on production', async (name) => {
    const b = bridge({ p1: 'production' }, () => null);
    await b.call(name, sampleRequests[name]);
    expect(b.asked).toEqual([]);
    expect(b.fake.ep[name].fn).toHaveBeenCalledTimes(1);
  });

  it('a single-key delete asks for the key; a copy into a production target asks for the target name', async () => {
    const b = bridge({ p1: 'production', p2: 'production' }, (req) => req.expected);
    await b.call('kv:delete', { profileId: 'p1', key: text('config/db') });
    expect(b.asked[0]).toMatchObject({ expected: 'config/db', asks: 'key' });
    await b.call('bulk:copy', sampleRequests['bulk:copy']);
    expect(b.asked[1]).toMatchObject({ expected: 'Profile p2', asks: 'name', profileName: 'Profile p2' });
  });

  it('the wrapped bridge keeps the event subscription', () => {
    const b = bridge({}, () => null);
    expect(typeof (b.api as EtcdApi).on).toBe('function');
  });
});

describe('the production confirmation in the store', () => {
  async function productionStore() {
    const fake = createFakeApi();
    fake.ep['profiles:list'].handle(() => okR({ profiles: [profile('a', { name: 'Prod EU', mode: 'production' })], secretStorage: 'encrypted', notices: [] }));
    const mem = memoryEtcd({ 'cfg/app': 'v1' });
    useMemoryEtcd(fake, mem);
    const store = createAppStore(fake.api);
    store.getState().init();
    await flush();
    await store.getState().switchProfile('a');
    await store.getState().selectKey(text('cfg/app'));
    store.getState().setDraft('v2');
    return { store, fake, mem };
  }

  it('a save opens the dialog naming profile, cluster and operation; Confirm only with the exact name; the put carries it', async () => {
    const { store, fake, mem } = await productionStore();
    const saving = store.getState().save();
    await flush();
    const c = store.getState().writeConfirm;
    expect(c).toMatchObject({ profileName: 'Prod EU', endpoints: ['http://a:2379'], expected: 'Prod EU', asks: 'name' });
    expect(c?.operation).toContain('cfg/app');
    expect(store.getState().isModalOpen()).toBe(true);
    expect(fake.ep['kv:put'].requests).toHaveLength(0);

    store.getState().setWriteConfirmTyped('prod eu');
    store.getState().resolveWriteConfirm(true); // not the name: stays open
    expect(store.getState().writeConfirm).not.toBeNull();
    store.getState().setWriteConfirmTyped('Prod EU');
    store.getState().resolveWriteConfirm(true);
    await saving;
    expect(fake.ep['kv:put'].requests.at(-1)).toMatchObject({ profileId: 'a', value: text('v2'), confirmation: 'Prod EU' });
    expect(mem.data.get('cfg/app')?.value).toEqual(text('v2'));
    expect(store.getState().dirty).toBe(false);
  });

  it('cancel: nothing sent, no error anywhere, the draft kept and still dirty', async () => {
    const { store, fake, mem } = await productionStore();
    const saving = store.getState().save();
    await flush();
    store.getState().resolveWriteConfirm(false);
    await saving;
    expect(fake.ep['kv:put'].requests).toHaveLength(0);
    expect(mem.data.get('cfg/app')?.value).toEqual(text('v1'));
    const s = store.getState();
    expect(s.writeConfirm).toBeNull();
    expect(s.valueError).toBeNull();
    expect(s.statusMessage?.kind === 'error').toBe(false);
    expect(s.saving).toBe(false);
    expect(s.draft).toBe('v2');
    expect(s.dirty).toBe(true);
  });

  it('Delete asks twice as it should: the usual confirmation, then the key typed; cancel leaves the key', async () => {
    const { store, fake, mem } = await productionStore();
    runCommand(store, 'delete');
    store.getState().resolveConfirm(true);
    await flush();
    expect(store.getState().writeConfirm).toMatchObject({ expected: 'cfg/app', asks: 'key' });
    store.getState().resolveWriteConfirm(false);
    await flush();
    expect(fake.ep['kv:delete'].requests).toHaveLength(0);
    expect(mem.data.has('cfg/app')).toBe(true);
    expect(store.getState().statusMessage?.kind === 'error').toBe(false);
  });
});

describe('a write in words, as its channel declares it', () => {
  it.each([
    ['kv:put', { key: text('a/b'), expectedModRevision: 0 }, undefined, 'Create the key “a/b”'],
    ['kv:put', { key: text('a/b') }, undefined, 'Save the key “a/b”'],
    ['kv:delete', { key: { encoding: 'base64', data: '/w==' } }, undefined, 'Delete the key “(binary key, base64 /w==)”'],
    ['history:restore', { key: text('k'), revision: 4 }, undefined, 'Restore the key “k” to its value at revision 4'],
    ['leases:revoke', { id: '42' }, undefined, 'Revoke lease 42 (its keys are deleted)'],
    ['bulk:copy', { mode: 'move', targetPrefix: text('new/') }, 'staging', 'Move keys to “new/” in “staging”'],
    ['members:remove', { memberId: 'abc' }, undefined, 'Remove member abc from the cluster'],
    ['maintenance:compact', { revision: 9 }, undefined, 'Write (maintenance:compact)'],
  ])('%s', (channel, request, targetName, words) => {
    expect(describeWrite(channel, request, targetName)).toBe(words);
  });
});

