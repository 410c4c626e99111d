/**
 * Every channel the contract declares as a write passes the gate; reads never do. The table
 * is built from the contract, so a new write channel is covered without editing this test.
 */
import { describe, expect, it, vi } from 'vitest';
import { channels, type ChannelName, type Handlers } from '../../../src/shared/contract';
import { ok } from '../../../src/shared/result';
import { gateWrites, type WritePolicy } from '../../../src/main/core/write-gate';

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
    expect(check).toHaveBeenCalledWith({ channel: name, profileId: 'prod' });
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
