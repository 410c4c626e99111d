/**
 * Every channel the contract declares as a write passes the gate; reads never do. The table
 * is built from the contract, so a new write channel is covered without editing this test.
 */
import { describe, expect, it, vi } from 'vitest';
import { channels, type ChannelName, type Handlers } from '../../../src/shared/contract';
import { ok } from '../../../src/shared/result';
import { gateWrites, profileModePolicy, type WritePolicy } from '../../../src/main/core/write-gate';
import { contract } from '../../../src/shared/contract';
import type { ModeOf } from '../../../src/shared/modes';
import { text } from '../../../src/shared/bytes';

function table() {
  const inner = {} as Record<ChannelName, ReturnType<typeof vi.fn>>;
  for (const { name } of channels()) inner[name] = vi.fn(async () => ok(name));
  return inner;
}

const writes = channels().filter((c) => c.def.effect === 'write').map((c) => c.name);
const reads = channels().filter((c) => c.def.effect === 'read').map((c) => c.name);

describe('the write gate', () => {
  it('knows the writes: every etcd-changing channel is declared a write', () => {
    expect(writes).toEqual(expect.arrayContaining(['kv:put', 'kv:delete']));
    expect(reads).toEqual(expect.arrayContaining(['kv:get', 'kv:list', 'kv:count', 'cluster:status']));
  });

  it.each(writes)('%s is refused before its handler runs when the policy says so', async (name) => {
    const inner = table();
    const check = vi.fn<WritePolicy['check']>(() => ({ code: 'READ_ONLY', message: 'read-only profile' }));
    const gated = gateWrites(inner as unknown as Handlers, { check });
    const res = await (gated[name] as (r: unknown) => Promise<unknown>)({ profileId: 'prod' });
    expect(res).toEqual({ ok: false, error: { code: 'READ_ONLY', message: 'read-only profile' } });
    expect(inner[name]).not.toHaveBeenCalled();
    expect(check).toHaveBeenCalledWith({ channel: name, profileId: 'prod', request: { profileId: 'prod' } });
  });

  it.each(writes)('%s reaches its handler when the policy allows it', async (name) => {
    const inner = table();
    const gated = gateWrites(inner as unknown as Handlers, { check: async () => null });
    await expect((gated[name] as (r: unknown) => Promise<unknown>)({ profileId: 'dev' })).resolves.toEqual(ok(name));
    expect(inner[name]).toHaveBeenCalledTimes(1);
  });

  it.each(reads)('%s never asks the policy', async (name) => {
    const inner = table();
    const check = vi.fn(() => ({ code: 'READ_ONLY' as const, message: 'no' }));
    const gated = gateWrites(inner as unknown as Handlers, { check });
    await expect((gated[name] as (r: unknown) => Promise<unknown>)({ profileId: 'prod' })).resolves.toEqual(ok(name));
    expect(check).not.toHaveBeenCalled();
  });
});

describe('the confirmation field of writes', () => {
  it.each(writes)('%s accepts `confirmation` in its request schema; the gate hands it to the policy and not to the handler', async (name) => {
    const [ns, op] = name.split(':') as [keyof typeof contract, string];
    const schema = (contract[ns] as Record<string, { request: { shape: Record<string, unknown> } }>)[op].request;
    expect(Object.keys(schema.shape)).toContain('confirmation');
    const inner = table();
    const check = vi.fn<WritePolicy['check']>(() => null);
    const gated = gateWrites(inner as unknown as Handlers, { check });
    await (gated[name] as (r: unknown) => Promise<unknown>)({ profileId: 'p', confirmation: 'typed' });
    expect(check).toHaveBeenCalledWith({ channel: name, profileId: 'p', request: { profileId: 'p' }, confirmation: 'typed' });
    expect(inner[name]).toHaveBeenCalledWith({ profileId: 'p' });
  });

  it('reads do not accept it (their schemas stay strict)', () => {
    expect(contract.kv.get.request.safeParse({ profileId: 'p', key: text('k'), confirmation: 'x' }).success).toBe(false);
    expect(contract.kv.put.request.safeParse({ profileId: 'p', key: text('k'), value: text('v'), confirmation: 'x' }).success).toBe(true);
    expect(contract.kv.put.request.safeParse({ profileId: 'p', key: text('k'), value: text('v'), other: 'x' }).success).toBe(false);
  });
});

describe('the policy of profile modes', () => {
  const profiles: Record<string, ModeOf> = {
    dev: { name: 'Dev', mode: 'normal' },
    ro: { name: 'Archive', mode: 'read-only' },
    prod: { name: 'Prod EU', mode: 'production' },
    prod2: { name: 'Prod US', mode: 'production' },
  };
  const policy = profileModePolicy(async (id) => profiles[id]);
  const check = (channel: ChannelName, request: { profileId: string } & Record<string, unknown>, confirmation?: string, profileId = request.profileId) =>
    policy.check({ channel, profileId, request, ...(confirmation !== undefined ? { confirmation } : {}) });

  it('lets every write of a normal profile (and of an unknown one, whose handler refuses) through', async () => {
    expect(await check('kv:put', { profileId: 'dev' })).toBeNull();
    expect(await check('kv:put', { profileId: 'nobody' })).toBeNull();
  });

  it('refuses every write of a read-only profile with READ_ONLY naming it, whatever was typed', async () => {
    for (const typed of [undefined, 'Archive']) {
      const e = await check('kv:put', { profileId: 'ro' }, typed);
      expect(e?.code).toBe('READ_ONLY');
      expect(e?.message).toContain('Archive');
    }
  });

  it('asks a production profile for its name: missing or wrong is CONFIRMATION_REQUIRED, exact is allowed', async () => {
    expect((await check('kv:put', { profileId: 'prod' }))?.code).toBe('CONFIRMATION_REQUIRED');
    expect((await check('kv:put', { profileId: 'prod' }, 'prod eu'))?.code).toBe('CONFIRMATION_REQUIRED');
    expect((await check('kv:put', { profileId: 'prod' }, 'Prod EU '))?.code).toBe('CONFIRMATION_REQUIRED');
    expect(await check('kv:put', { profileId: 'prod' }, 'Prod EU')).toBeNull();
    expect(await check('leases:grant', { profileId: 'prod' }, 'Prod EU')).toBeNull();
  });

  it('a single-key delete on production is confirmed by the key as text (the name does not do)', async () => {
    const req = { profileId: 'prod', key: text('config/db') };
    expect(await check('kv:delete', req, 'config/db')).toBeNull();
    expect((await check('kv:delete', req, 'Prod EU'))?.code).toBe('CONFIRMATION_REQUIRED');
    // a key that is not text: the profile's name instead
    expect(await check('kv:delete', { profileId: 'prod', key: { encoding: 'base64', data: '/w==' } }, 'Prod EU')).toBeNull();
  });

  it('a copy into a production target is confirmed by the target name, for the source check too', async () => {
    const req = { profileId: 'prod', targetProfileId: 'prod2' };
    expect(await check('bulk:copy', req, 'Prod US')).toBeNull();
    expect(await check('bulk:copy', req, 'Prod US', 'prod2')).toBeNull();
    expect((await check('bulk:copy', req, 'Prod EU', 'prod2'))?.code).toBe('CONFIRMATION_REQUIRED');
    // from production into a normal profile: the source's name
    expect(await check('bulk:copy', { profileId: 'prod', targetProfileId: 'dev' }, 'Prod EU')).toBeNull();
    // into a read-only one: refused whatever was typed
    expect((await check('bulk:copy', { profileId: 'dev', targetProfileId: 'ro' }, 'Archive', 'ro'))?.code).toBe('READ_ONLY');
  });
});
