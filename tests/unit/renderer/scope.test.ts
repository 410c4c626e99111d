import { describe, expect, it, vi } from 'vitest';
import { createConnectionScope, type ScopeState } from '../../../src/renderer/src/app/scope';

function scopeWith(activeProfileId: string | null = 'a') {
  let state: ScopeState = { activeProfileId };
  const scope = createConnectionScope({ get: () => state, set: (s) => (state = s) });
  return { scope, state: () => state };
}

describe('connection scope', () => {
  it('entering a scope resets every owner and records the active profile', () => {
    const { scope, state } = scopeWith(null);
    const one = { reset: vi.fn() };
    const two = { reset: vi.fn() };
    scope.own(one);
    scope.own(two);
    scope.enter('b');
    expect(one.reset).toHaveBeenCalledTimes(1);
    expect(two.reset).toHaveBeenCalledTimes(1);
    expect(state().activeProfileId).toBe('b');
    expect(scope.profileId).toBe('b');
    scope.enter(null);
    expect(one.reset).toHaveBeenCalledTimes(2);
    expect(scope.capture()).toBeNull();
  });

  it('a guard stays current until the scope is entered again, even for the same profile', async () => {
    const { scope } = scopeWith('a');
    const guard = scope.capture()!;
    expect(guard.profileId).toBe('a');
    expect(guard.current()).toBe(true);
    expect(await guard.wait(Promise.resolve('answer'))).toBe('answer');

    let answer!: (v: string) => void;
    const late = guard.wait(new Promise<string>((r) => (answer = r)));
    scope.enter('a'); // reconnecting with new settings is a new scope too
    answer('from the old session');
    expect(await late).toBeUndefined();
    expect(guard.current()).toBe(false);
    expect(scope.capture()!.current()).toBe(true);
  });

  it('a sequence keeps only its latest run; join follows the run in progress; cancel ends them all', () => {
    const { scope } = scopeWith('a');
    const seq = scope.sequence();
    const first = seq.begin()!;
    const followUp = seq.join()!;
    expect(first.current() && followUp.current()).toBe(true);
    const second = seq.begin()!;
    expect(first.current()).toBe(false);
    expect(followUp.current()).toBe(false);
    expect(second.current()).toBe(true);
    seq.cancel();
    expect(second.current()).toBe(false);
    const third = seq.begin()!;
    scope.enter('b');
    expect(third.current()).toBe(false); // the scope's generation wins over the sequence
  });

  it('a sequence begins nothing without a connection', () => {
    const { scope } = scopeWith(null);
    expect(scope.sequence().begin()).toBeNull();
  });
});
