/**
 * The watch coalescer: a burst of 10,000 changes becomes few batches (at most one per interval),
 * one entry per key with its last state, ordered by mod revision; memory is one entry per key.
 */
import { text } from '../../../src/shared/bytes';
import type { WatchChange } from '../../../src/shared/types';
import { type CoalescerTimers, WatchCoalescer } from '../../../src/main/core/etcd/watch-coalescer';

/** A manual clock: timers fire only when the test advances time. */
function manualTimers() {
  let now = 0;
  let seq = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  const timers: CoalescerTimers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = ++seq;
      due.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (h) => void due.delete(h as number),
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const next = [...due.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      due.delete(next[0]);
      now = next[1].at;
      next[1].fn();
    }
    now = end;
  };
  return { timers, advance, pending: () => due.size };
}

const change = (key: string, rev: number, type: 'put' | 'delete' = 'put'): WatchChange => ({
  type,
  key: text(key),
  createRevision: rev,
  modRevision: rev,
  version: 1,
  lease: '0',
  size: 1,
});

describe('WatchCoalescer', () => {
  it('turns 10,000 changes over 100 keys into one batch per interval, last state wins, in revision order', () => {
    const { timers, advance } = manualTimers();
    const batches: WatchChange[][] = [];
    const c = new WatchCoalescer((b) => batches.push(b), 16, timers);
    let rev = 0;
    let maxPending = 0;
    // 10,000 events spread over 1 s (10 per ms), 100 distinct keys.
    for (let ms = 0; ms < 1000; ms++) {
      for (let i = 0; i < 10; i++) {
        rev++;
        c.add(`k${rev % 100}`, change(`k${rev % 100}`, rev, rev % 7 === 0 ? 'delete' : 'put'));
      }
      maxPending = Math.max(maxPending, c.size);
      advance(1);
    }
    advance(100);
    expect(rev).toBe(10_000);
    // At most one batch per 16 ms interval (plus the first, which goes at once).
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(1100 / 16) + 1);
    expect(batches.length).toBeGreaterThan(10);
    // Memory follows the keys, not the events.
    expect(maxPending).toBeLessThanOrEqual(100);
    for (const b of batches) {
      const keys = b.map((x) => x.key.data);
      expect(new Set(keys).size).toBe(keys.length);
      const revs = b.map((x) => x.modRevision);
      expect([...revs].sort((x, y) => x - y)).toEqual(revs);
    }
    // Replaying the batches gives each key's last state.
    const final = new Map<string, WatchChange>();
    for (const b of batches) for (const x of b) final.set(x.key.data, x);
    expect(final.size).toBe(100);
    for (let k = 0; k < 100; k++) {
      const last = 10_000 - ((10_000 - k) % 100);
      expect(final.get(`k${k}`)?.modRevision).toBe(last);
      expect(final.get(`k${k}`)?.type).toBe(last % 7 === 0 ? 'delete' : 'put');
    }
  });

  it('a synchronous burst of 10,000 changes to distinct keys is one batch, ordered', () => {
    const { timers, advance } = manualTimers();
    const batches: WatchChange[][] = [];
    const c = new WatchCoalescer((b) => batches.push(b), 16, timers);
    for (let rev = 1; rev <= 10_000; rev++) c.add(`k${rev}`, change(`k${rev}`, rev));
    advance(0);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(10_000);
    expect(batches[0].map((x) => x.modRevision)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
  });

  it('a key changed again moves behind the keys changed since', () => {
    const { timers, advance } = manualTimers();
    const batches: WatchChange[][] = [];
    const c = new WatchCoalescer((b) => batches.push(b), 16, timers);
    c.add('a', change('a', 1));
    c.add('b', change('b', 2));
    c.add('a', change('a', 3, 'delete'));
    advance(0);
    expect(batches[0].map((x) => [x.key.data, x.modRevision, x.type])).toEqual([
      ['b', 2, 'put'],
      ['a', 3, 'delete'],
    ]);
  });

  it('waits out the interval after a flush, flushes on demand, and hands nothing over once closed', () => {
    const { timers, advance, pending } = manualTimers();
    const batches: WatchChange[][] = [];
    const c = new WatchCoalescer((b) => batches.push(b), 16, timers);
    c.add('a', change('a', 1));
    advance(0);
    expect(batches).toHaveLength(1);
    c.add('b', change('b', 2));
    advance(10);
    expect(batches).toHaveLength(1);
    advance(6);
    expect(batches).toHaveLength(2);
    c.add('c', change('c', 3));
    c.flush();
    expect(batches).toHaveLength(3);
    expect(pending()).toBe(0);
    c.add('d', change('d', 4));
    c.close();
    advance(100);
    c.add('e', change('e', 5));
    advance(100);
    expect(batches).toHaveLength(3);
    expect(c.size).toBe(0);
  });
});
