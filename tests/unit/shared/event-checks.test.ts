import { describe, expect, it } from 'vitest';
import { events } from '../../../src/shared/contract/events';

describe("push events' checks (the renderer drops a payload that fails its check)", () => {
  const batch = (changes: unknown) => ({ profileId: 'p', subscriptionId: 's', revision: 3, changes });
  const ok = (v: unknown) => events.watch.check.safeParse(v).success;

  it('a watch batch passes with put and delete changes, or none', () => {
    expect(ok(batch([{ type: 'put', key: {} }, { type: 'delete' }]))).toBe(true);
    expect(ok(batch([]))).toBe(true);
  });

  it('a watch batch fails when a change has no known type, is not an object, or changes is not a list', () => {
    expect(ok(batch([{ type: 'put' }, { type: 'upsert' }]))).toBe(false);
    expect(ok(batch([{ type: 'put' }, null]))).toBe(false);
    expect(ok(batch([{}]))).toBe(false);
    expect(ok(batch({ 0: { type: 'put' } }))).toBe(false);
    expect(ok({ ...batch([]), revision: '3' })).toBe(false);
  });
});
