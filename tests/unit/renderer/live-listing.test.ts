import { describe, expect, it } from 'vitest';
import { text, fromUint8 } from '../../../src/shared/bytes';
import type { KeyEntry, WatchChange } from '../../../src/shared/types';
import { createFrameBudget, createFrameCoalescer, type FrameScheduler } from '../../../src/renderer/src/features/keys/frame-coalescer';
import { appendPage, applyChanges, emptyBeyond, keyId, liveTotal, type ListingModel } from '../../../src/renderer/src/features/keys/live-listing';
import { entry } from './fake-api';

const put = (key: string, modRevision: number, extra: Partial<WatchChange> = {}): WatchChange => ({
  type: 'put',
  key: text(key),
  createRevision: modRevision,
  modRevision,
  version: 1,
  lease: '0',
  size: 3,
  preview: text(`v${modRevision}`),
  truncated: false,
  ...extra,
});
const del = (key: string, modRevision: number, createRevision = 2): WatchChange => ({
  type: 'delete',
  key: text(key),
  createRevision,
  modRevision,
  version: 1,
  lease: '0',
});

const listing = (items: KeyEntry[], opts: Partial<ListingModel> = {}): ListingModel => ({
  items,
  more: false,
  listRevision: 100,
  delta: 0,
  beyond: emptyBeyond,
  ...opts,
});
const keys = (m: ListingModel) => m.items.map((e) => e.key.data);

describe('listing model', () => {
  it('inserts new keys in byte order, updates existing rows, removes deleted ones, and counts', () => {
    const m = listing([entry('a', 50), entry('c', 50), entry('e', 50)]);
    const r = applyChanges(m, [put('d', 101), put('c', 102, { createRevision: 2, version: 2, size: 9, preview: text('new c') }), del('a', 103), put('b', 104)]);
    expect(keys(r.model)).toEqual(['b', 'c', 'd', 'e']);
    const c = r.model.items[1];
    expect(c).toMatchObject({ modRevision: 102, version: 2, size: 9, preview: text('new c'), createRevision: 2 });
    expect(r.model.delta).toBe(1); // +b +d -a
    expect(liveTotal(3, r.model.delta)).toBe(4);
    expect([...r.changed].sort()).toEqual([keyId(text('b')), keyId(text('c')), keyId(text('d'))].sort());
    expect(r.applied).toBe(4);
  });

  it('orders by bytes, not by UTF-16 code units (a non-UTF-8 key, a key above U+FFFF)', () => {
    const m = listing([entry('a', 50), entry('\uff61', 50)]);
    const binary = fromUint8(new Uint8Array([0xf0, 0x00]));
    const r = applyChanges(m, [put('\u{1F600}', 101), { ...put('x', 102), key: binary }]);
    // U+FF61 is EF BD A1, U+1F600 is F0 9F 98 80, then F0 00 sorts before F0 9F.
    expect(r.model.items.map((e) => e.key)).toEqual([text('a'), text('\uff61'), binary, text('\u{1F600}')]);
  });

  it('ignores changes at or below the listing revision, and changes older than the row', () => {
    const m = listing([entry('a', 50), entry('b', 120)]);
    const r = applyChanges(m, [put('a', 100), del('a', 90), put('z', 100), put('b', 110)]);
    expect(r.model).toBe(m);
    expect(r.applied).toBe(0);
  });

  it('keeps the last change per key when a burst holds several', () => {
    const m = listing([entry('a', 50)]);
    const r = applyChanges(m, [put('k', 101), put('k', 102, { preview: text('second') }), del('a', 103), put('a', 104, { createRevision: 104 })]);
    expect(keys(r.model)).toEqual(['a', 'k']);
    expect(r.model.items[1].preview).toEqual(text('second'));
    expect(r.model.items[0].modRevision).toBe(104);
    expect(r.model.delta).toBe(1);
  });

  it('counts changes past the loaded pages and merges them into the page that brings their range', () => {
    const m = listing([entry('k/1', 50), entry('k/2', 50)], { more: true });
    const r = applyChanges(m, [put('k/15', 101), put('k/5', 102), del('k/7', 103, 40), del('k/9', 104, 103), put('k/8', 105, { createRevision: 30, version: 3 })]);
    // k/15 is inside the loaded range: inserted. The others wait for their page.
    expect(keys(r.model)).toEqual(['k/1', 'k/15', 'k/2']);
    // +k/15 +k/5 -k/7 (it existed at the listing) ; k/9 was created after the listing and never seen: 0 ; k/8 existed: 0
    expect(r.model.delta).toBe(1);
    expect([...r.model.beyond.keys()].sort()).toEqual(['u:k/5', 'u:k/7', 'u:k/8', 'u:k/9']);

    // The next page, read at the listing's revision, still holds k/7 and the old k/8, not k/5.
    const next = appendPage(r.model, [entry('k/3', 50), entry('k/7', 40), entry('k/8', 30)], true);
    expect(keys(next)).toEqual(['k/1', 'k/15', 'k/2', 'k/3', 'k/5', 'k/8']);
    expect(next.items[5].modRevision).toBe(105);
    expect([...next.beyond.keys()]).toEqual(['u:k/9']);
    expect(next.delta).toBe(1);

    // The last page: everything left is due.
    const last = appendPage(next, [entry('k/99', 50)], false);
    expect(keys(last)).toEqual(['k/1', 'k/15', 'k/2', 'k/3', 'k/5', 'k/8', 'k/99']);
    expect(last.beyond.size).toBe(0);
  });

  it('a key past the loaded pages put then deleted counts once each way', () => {
    const m = listing([entry('a', 50)], { more: true });
    const r1 = applyChanges(m, [put('z', 101)]);
    expect(r1.model.delta).toBe(1);
    const r2 = applyChanges(r1.model, [del('z', 102, 101)]);
    expect(r2.model.delta).toBe(0);
    const r3 = applyChanges(r2.model, [del('z', 102, 101)]);
    expect(r3.model.delta).toBe(0);
  });

  it('merges 10,000 changes into 10,000 rows in one pass, quickly', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => entry(`k/${String(i * 2).padStart(6, '0')}`, 50));
    const changes = Array.from({ length: 10_000 }, (_, i) => put(`k/${String(i * 2 + 1).padStart(6, '0')}`, 101 + i));
    const t = performance.now();
    const r = applyChanges(listing(items), changes);
    const ms = performance.now() - t;
    expect(r.model.items).toHaveLength(20_000);
    expect(r.model.items[1].key).toEqual(text('k/000001'));
    expect(r.model.delta).toBe(10_000);
    expect(ms).toBeLessThan(1000);
  });
});

function manualFrames(): FrameScheduler & { run(): void; pending(): number } {
  let next = 1;
  const cbs = new Map<number, () => void>();
  return {
    request(cb) {
      cbs.set(next, cb);
      return next++;
    },
    cancel(h) {
      cbs.delete(h);
    },
    run() {
      const now = [...cbs.values()];
      cbs.clear();
      for (const cb of now) cb();
    },
    pending: () => cbs.size,
  };
}

describe('frame coalescer', () => {
  it('hands over everything that arrived between two frames at once, one delivery per frame', () => {
    const frames = manualFrames();
    const fallback = manualFrames();
    const got: number[][] = [];
    const c = createFrameCoalescer<number>((items) => got.push(items), { frames, fallback });
    for (let i = 0; i < 1000; i++) c.push(i);
    expect(got).toHaveLength(0);
    expect(frames.pending()).toBe(1);
    frames.run();
    expect(got).toHaveLength(1);
    expect(got[0]).toHaveLength(1000);
    // the fallback was cancelled with the frame
    expect(fallback.pending()).toBe(0);
    frames.run();
    expect(got).toHaveLength(1);
    c.push(1);
    c.push(2);
    frames.run();
    expect(got).toEqual([got[0], [1, 2]]);
  });

  it('flushes on the fallback timer when no frame comes (a hidden window)', () => {
    const frames = manualFrames();
    const fallback = manualFrames();
    const got: number[][] = [];
    const c = createFrameCoalescer<number>((items) => got.push(items), { frames, fallback });
    c.push(1);
    fallback.run();
    expect(got).toEqual([[1]]);
    expect(frames.pending()).toBe(0);
  });

  it('with a gap: frames inside the gap pass without a delivery, the first frame after it delivers all', () => {
    const frames = manualFrames();
    let now = 0;
    let gap = 0;
    const got: number[][] = [];
    const c = createFrameCoalescer<number>((items) => got.push(items), { frames, fallback: null, gap: () => gap, clock: () => now });
    c.push(1);
    frames.run();
    expect(got).toEqual([[1]]);
    gap = 100;
    c.push(2);
    now = 16;
    frames.run();
    c.push(3);
    now = 33;
    frames.run();
    expect(got).toEqual([[1]]);
    expect(frames.pending()).toBe(1);
    now = 100;
    frames.run();
    expect(got).toEqual([[1], [2, 3]]);
    // The gap counts from the last delivery; none asked for, no frame waits.
    expect(frames.pending()).toBe(0);
    gap = 0;
    c.push(4);
    now = 101;
    frames.run();
    expect(got.at(-1)).toEqual([4]);
  });

  it('clear drops what was buffered', () => {
    const frames = manualFrames();
    const got: number[][] = [];
    const c = createFrameCoalescer<number>((items) => got.push(items), { frames, fallback: null });
    c.push(1);
    c.clear();
    frames.run();
    expect(got).toEqual([]);
    expect(c.pending()).toBe(0);
  });
});

describe('frame budget', () => {
  /** A clock the test moves, and "after the work" callbacks it runs. */
  function harness() {
    let now = 0;
    const after: (() => void)[] = [];
    const budget = createFrameBudget({ targetMs: 8, min: 100, max: 2000, initial: 500, clock: () => now, afterWork: (cb) => after.push(cb) });
    const deliver = (items: number, ms: number) => {
      const done = budget.start(items);
      now += ms;
      done();
      for (const cb of after.splice(0)) cb();
    };
    return { budget, deliver };
  }

  it('sizes the next frame to fit the target from what the last one cost, within min and max', () => {
    const { budget, deliver } = harness();
    expect(budget.limit()).toBe(500);
    deliver(500, 40); // 12.5 items per ms -> 100 fit in 8 ms
    expect(budget.limit()).toBe(100);
    deliver(100, 2); // 50 per ms -> 400
    expect(budget.limit()).toBe(400);
    deliver(400, 100); // 4 per ms -> 32, held at the minimum
    expect(budget.limit()).toBe(100);
    deliver(100, 0.1); // very cheap -> held at the maximum
    expect(budget.limit()).toBe(2000);
  });

  it('an empty delivery or one measured as free teaches nothing wrong', () => {
    const { budget, deliver } = harness();
    deliver(0, 50);
    expect(budget.limit()).toBe(500);
    deliver(300, 0);
    expect(budget.limit()).toBe(2000);
  });
});
