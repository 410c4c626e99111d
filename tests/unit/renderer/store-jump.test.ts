/**
 * The grid spans the whole keyspace: jumps (End, a dragged thumb, a typed key) read the rows
 * where they are with kv:seek, never the pages before them; the jump run grows both ways, joins
 * the head when they meet, and follows live changes (inside it: merged; below it: moves it).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { text, type Bytes } from '../../../src/shared/bytes';
import type { KeyEntry, WatchChange } from '../../../src/shared/types';
import { rowAt } from '../../../src/renderer/src/features/keys/jump-run';
import { PAGE_SIZE } from '../../../src/renderer/src/features/keys/keys-slice';
import { entry, errR, flush, okR, page } from './fake-api';
import { setupStore } from './helpers';

const N = 10_000;
const name = (i: number) => `k/${String(i).padStart(5, '0')}`;

/** A keyspace of N keys at revision 100, answered by kv:list, kv:count and kv:seek like main does. */
async function bigListing(opts: { live?: boolean } = {}) {
  const { store, fake, cleanup } = await setupStore();
  const keys = Array.from({ length: N }, (_, i) => name(i));
  const rows = (from: number, n: number): KeyEntry[] => keys.slice(from, from + n).map((k) => ({ ...entry(k, 50), size: undefined, preview: undefined }) as KeyEntry);
  const pageFrom = (from: number, limit: number) => {
    const items = rows(from, limit);
    const more = from + items.length < keys.length;
    return { items, more, nextCursor: more ? items[items.length - 1].key : null };
  };
  const indexAfter = (cursor: Bytes | undefined) => (cursor ? keys.findIndex((k) => k > cursor.data) : 0);
  fake.ep['kv:list'].handle((req) => okR(page(pageFrom(indexAfter(req.cursor), req.limit ?? PAGE_SIZE).items, { ...pageFrom(indexAfter(req.cursor), req.limit ?? PAGE_SIZE), revision: 100 })));
  fake.ep['kv:count'].handle(() => okR({ count: keys.length, revision: 100 }));
  fake.ep['kv:seek'].handle((req) => {
    const to = req.to;
    const index = 'end' in to ? Math.max(0, keys.length - req.limit) : 'offset' in to ? to.offset : keys.findIndex((k) => k >= to.key.data);
    const at = index < 0 ? keys.length : index;
    return okR({ ...pageFrom(at, req.limit), index: at, total: keys.length, revision: req.revision ?? 100, roundTrips: 7 });
  });
  let sub = 0;
  fake.ep['watch:prefix'].handle((req) => okR({ subscriptionId: `s${++sub}`, profileId: req.profileId, kind: 'watch', state: 'open' as const }));
  fake.ep['subscriptions:close'].handle((req) => okR({ subscriptionId: req.subscriptionId, profileId: req.profileId, kind: 'watch', state: 'ended' as const }));
  store.getState().setLive(opts.live ?? false);
  await store.getState().setPrefix('k/');
  void store.getState().switchProfile('a');
  await flush();
  const emit = (changes: WatchChange[]) =>
    fake.emit('event:watch', { profileId: 'a', subscriptionId: 's1', changes, revision: Math.max(0, ...changes.map((c) => c.modRevision)) });
  return { store, fake, cleanup, emit };
}

const keyAt = (s: { items: readonly KeyEntry[]; jump: Parameters<typeof rowAt>[1] }, i: number) => rowAt(s.items, s.jump, i)?.key.data;
const put = (key: string, rev: number, created = rev): WatchChange => ({ type: 'put', key: text(key), createRevision: created, modRevision: rev, version: 1, lease: '0', size: 3, preview: text('new') });
const del = (key: string, rev: number): WatchChange => ({ type: 'delete', key: text(key), createRevision: 2, modRevision: rev, version: 1, lease: '0' });
/** Animation frames the test runs by hand: a live batch reaches the store at the next one. */
let frames: FrameRequestCallback[] = [];
const frame = async () => {
  await flush();
  const cbs = frames;
  frames = [];
  for (const cb of cbs) cb(performance.now());
};
beforeEach(() => {
  frames = [];
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb));
  vi.stubGlobal('cancelAnimationFrame', () => undefined);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the grid spans the whole keyspace', () => {
  it('End reads the last page directly at the listing revision: no page in between, the last key at index N-1', async () => {
    const { store, fake } = await bigListing();
    expect(store.getState().total).toBe(N);
    expect(store.getState().items).toHaveLength(PAGE_SIZE);
    const last = await store.getState().jumpTo('end');
    expect(last).toBe(N - 1);
    expect(fake.ep['kv:seek'].requests).toEqual([{ profileId: 'a', prefix: text('k/'), revision: 100, to: { end: true }, limit: PAGE_SIZE }]);
    expect(fake.ep['kv:list'].requests).toHaveLength(1);
    const s = store.getState();
    expect(s.jump?.start).toBe(N - PAGE_SIZE);
    expect(keyAt(s, N - 1)).toBe(name(N - 1));
    expect(keyAt(s, N - PAGE_SIZE)).toBe(name(N - PAGE_SIZE));
    // between the runs: not loaded
    expect(keyAt(s, PAGE_SIZE + 10)).toBeUndefined();
  });

  it('rows on screen in the middle are read there; scrolling up from a jump reads the page before it; the head joins the run when they meet', async () => {
    const { store, fake } = await bigListing();
    store.getState().ensureRows(5000, 5030);
    await flush();
    expect(fake.ep['kv:seek'].requests.at(-1)?.to).toEqual({ offset: 5000 - 50 });
    let s = store.getState();
    expect(keyAt(s, 5000)).toBe(name(5000));
    expect(keyAt(s, 5030)).toBe(name(5030));

    store.getState().ensureRows(4930, 4960);
    await flush();
    s = store.getState();
    expect(fake.ep['kv:seek'].requests.at(-1)?.to).toEqual({ offset: 4950 - PAGE_SIZE });
    expect(s.jump?.start).toBe(4950 - PAGE_SIZE);
    for (const i of [4450, 4930, 4949, 4950, 5449]) expect(keyAt(s, i)).toBe(name(i));
    expect(keyAt(s, 4449)).toBeUndefined();

    // Past the run's end: its next page from its cursor.
    store.getState().ensureRows(5449, 5470);
    await flush();
    s = store.getState();
    expect(fake.ep['kv:list'].requests.at(-1)?.cursor).toEqual(text(name(5449)));
    expect(keyAt(s, 5470)).toBe(name(5470));

    // A jump near the head's end reaches it: one run.
    store.getState().ensureRows(700, 720);
    await flush();
    s = store.getState();
    expect(keyAt(s, 700)).toBe(name(700));
    while (store.getState().jump !== null && store.getState().more) await store.getState().loadNextPage();
    s = store.getState();
    expect(s.jump).toBeNull();
    expect(s.items.map((e) => e.key.data)).toEqual(Array.from({ length: s.items.length }, (_, i) => name(i)));
  });

  it('a typed key goes to the first key >= prefix + typed; past the last key, to the end', async () => {
    const { store, fake } = await bigListing();
    expect(await store.getState().jumpTo({ key: '07000' })).toBe(7000);
    expect(fake.ep['kv:seek'].requests.at(-1)?.to).toEqual({ key: text('k/07000') });
    expect(keyAt(store.getState(), 7000)).toBe(name(7000));
    // inside the loaded head: no read
    const before = fake.ep['kv:seek'].requests.length;
    expect(await store.getState().jumpTo({ key: '00042' })).toBe(42);
    expect(fake.ep['kv:seek'].requests).toHaveLength(before);
    expect(await store.getState().jumpTo({ key: 'zzz' })).toBe(N - 1);
  });

  it('live: a key created below the jump run moves it down; changes inside it are merged; a delete below moves it up', async () => {
    const { store, emit } = await bigListing({ live: true });
    await store.getState().jumpTo('end');
    const start = store.getState().jump!.start;
    emit([put('k/00600x', 101)]);
    await frame();
    let s = store.getState();
    expect(s.total).toBe(N + 1);
    expect(s.jump?.start).toBe(start + 1);
    expect(keyAt(s, N)).toBe(name(N - 1));

    emit([put(name(9990), 102, 2), put('k/09990a', 103), del(name(9995), 104)]);
    await frame();
    s = store.getState();
    const run = s.jump!.items.map((e) => e.key.data);
    expect(run).toContain('k/09990a');
    expect(run).not.toContain(name(9995));
    expect(s.jump!.items.find((e) => e.key.data === name(9990))?.modRevision).toBe(102);
    expect(s.total).toBe(N + 1);

    emit([del(name(700), 105)]);
    await frame();
    s = store.getState();
    expect(s.jump?.start).toBe(start);
    expect(s.total).toBe(N);
    expect(keyAt(s, s.total! - 1)).toBe(name(N - 1));
  });

  it('a jump that fails says so in the listing error place; Retry reads the rows again', async () => {
    const { store, fake } = await bigListing();
    fake.ep['kv:seek'].handle(() => errR('UNAVAILABLE', 'no member answered'));
    expect(await store.getState().jumpTo('end')).toBeNull();
    expect(store.getState().listError?.code).toBe('UNAVAILABLE');
    // no retry storm while the error stands
    const n = fake.ep['kv:seek'].requests.length;
    store.getState().ensureRows(N - 30, N - 1);
    await flush();
    expect(fake.ep['kv:seek'].requests).toHaveLength(n);
  });

  it('a jump answered after the listing was replaced is dropped', async () => {
    const { store, fake } = await bigListing();
    fake.ep['kv:seek'].handle(null);
    const jumping = store.getState().jumpTo('end');
    await flush();
    await store.getState().reloadKeys();
    fake.ep['kv:seek'].next().resolve(okR({ items: [entry('k/zz')], index: N - 1, total: N, revision: 100, more: false, nextCursor: null, roundTrips: 3 }));
    expect(await jumping).toBeNull();
    expect(store.getState().jump).toBeNull();
    expect(store.getState().jumpLoading).toBe(false);
  });
});
