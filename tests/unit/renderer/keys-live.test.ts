import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { text } from '../../../src/shared/bytes';
import type { WatchBatch, WatchChange } from '../../../src/shared/types';
import { MAX_CHANGES_PER_FRAME, resyncNotice } from '../../../src/renderer/src/features/keys/keys-slice';
import { runCommand } from '../../../src/renderer/src/app/commands';
import { entry, errR, flush, okR, page } from './fake-api';
import { setupStore } from './helpers';

/** Animation frames the test runs by hand. */
let frames: Map<number, FrameRequestCallback>;
let nextFrame = 1;
const runFrame = () => {
  const cbs = [...frames.values()];
  frames.clear();
  for (const cb of cbs) cb(performance.now());
};

beforeEach(() => {
  frames = new Map();
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => {
    frames.set(nextFrame, cb);
    return nextFrame++;
  });
  vi.stubGlobal('cancelAnimationFrame', (h: number) => frames.delete(h));
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const put = (key: string, rev: number, value = `v${rev}`): WatchChange => ({
  type: 'put',
  key: text(key),
  createRevision: rev,
  modRevision: rev,
  version: 1,
  lease: '0',
  size: value.length,
  preview: text(value),
  truncated: false,
});
const del = (key: string, rev: number): WatchChange => ({ type: 'delete', key: text(key), createRevision: 2, modRevision: rev, version: 1, lease: '0' });

/** Connected to "a" with prefix k/, listed [k/a, k/c] at revision 100, watch opened as s1. */
async function live(opts: { more?: boolean } = {}) {
  const { store, fake, cleanup } = await setupStore();
  let sub = 0;
  fake.ep['watch:prefix'].handle((req) => okR({ subscriptionId: `s${++sub}`, profileId: req.profileId, kind: 'watch', state: 'open' as const }));
  fake.ep['subscriptions:close'].handle((req) => okR({ subscriptionId: req.subscriptionId, profileId: req.profileId, kind: 'watch', state: 'ended' as const }));
  await store.getState().setPrefix('k/');
  void store.getState().switchProfile('a');
  await flush();
  fake.ep['kv:list'].next().resolve(okR(page([entry('k/a', 50), entry('k/c', 60)], { revision: 100, more: !!opts.more, nextCursor: opts.more ? text('k/c\0') : null })));
  await flush();
  const emit = (subscriptionId: string, changes: WatchChange[], extra: Partial<WatchBatch> = {}) =>
    fake.emit('event:watch', { profileId: 'a', subscriptionId, changes, revision: Math.max(0, ...changes.map((c) => c.modRevision)), ...extra });
  return { store, fake, cleanup, emit };
}

const keys = (s: { items: readonly { key: { data: string } }[] }) => s.items.map((e) => e.key.data);

describe('live grid', () => {
  it('watches the listed prefix from the listing revision + 1, with previews', async () => {
    const { store, fake } = await live();
    expect(fake.ep['watch:prefix'].requests).toEqual([{ profileId: 'a', prefix: text('k/'), startRevision: 101, previewBytes: expect.any(Number) }]);
    expect(store.getState().liveState).toBe('live');
  });

  it('applies inserts, updates and deletes once per frame, total follows, rows at or below the listing revision ignored', async () => {
    const { store, emit } = await live();
    expect(store.getState().total).toBe(2);
    const updates = store.getState().liveUpdates;
    let storeUpdates = 0;
    const unsub = store.subscribe(() => storeUpdates++);
    emit('s1', [put('k/b', 101)]);
    emit('s1', [put('k/c', 102, 'changed'), put('k/a', 100, 'old news')]);
    emit('s1', [del('k/a', 103), put('k/d', 104)]);
    // nothing is applied before the frame
    expect(keys(store.getState())).toEqual(['k/a', 'k/c']);
    expect(storeUpdates).toBe(0);
    runFrame();
    unsub();
    expect(storeUpdates).toBe(1);
    const s = store.getState();
    expect(s.liveUpdates).toBe(updates + 1);
    // k/a is deleted: still shown a moment, marked, and not counted
    expect(keys(s)).toEqual(['k/a', 'k/b', 'k/c', 'k/d']);
    expect([...s.deletedRows.keys()]).toEqual(['u:k/a']);
    expect(s.items[2]).toMatchObject({ modRevision: 102, preview: text('changed') });
    expect(s.total).toBe(3);
    expect(s.liveRevision).toBe(104);
    expect(s.listRevision).toBe(100);
    expect([...s.flashes.keys()].sort()).toEqual(['u:k/b', 'u:k/c', 'u:k/d']);
    // then it leaves, and the highlights go (one timer for the grid)
    await vi.waitFor(() => expect(keys(store.getState())).toEqual(['k/b', 'k/c', 'k/d']), { timeout: 5000, interval: 50 });
    expect(store.getState().deletedRows.size).toBe(0);
    expect(store.getState().flashes.size).toBe(0);
    expect(store.getState().total).toBe(3);
  });

  it('a row marked deleted: selecting it (not found) removes it without counting twice; a put brings it back, counted', async () => {
    const { store, emit } = await live();
    emit('s1', [del('k/a', 101), del('k/c', 102)]);
    runFrame();
    expect(store.getState().total).toBe(0);
    expect(keys(store.getState())).toEqual(['k/a', 'k/c']);
    store.getState().removeRow(text('k/a'));
    expect(keys(store.getState())).toEqual(['k/c']);
    expect(store.getState().total).toBe(0);
    emit('s1', [put('k/c', 103, 'back')]);
    runFrame();
    expect(store.getState().total).toBe(1);
    expect(store.getState().deletedRows.size).toBe(0);
    expect(store.getState().items[0]).toMatchObject({ modRevision: 103, preview: text('back') });
  });

  it('a burst of 10,000 events in many batches: at most one store update per frame, at most MAX_CHANGES_PER_FRAME each', async () => {
    const { store, emit } = await live();
    let storeUpdates = 0;
    let framesRun = 0;
    const unsub = store.subscribe(() => storeUpdates++);
    const frame = () => {
      const before = storeUpdates;
      const itemsBefore = store.getState().items.length;
      runFrame();
      framesRun++;
      expect(storeUpdates - before).toBeLessThanOrEqual(1);
      expect(store.getState().items.length - itemsBefore).toBeLessThanOrEqual(MAX_CHANGES_PER_FRAME);
    };
    for (let b = 0; b < 100; b++) {
      emit(
        's1',
        Array.from({ length: 100 }, (_, i) => put(`k/n${String(b * 100 + i).padStart(5, '0')}`, 101 + b * 100 + i)),
      );
      if (b % 25 === 24) frame();
    }
    while (frames.size > 0) frame();
    unsub();
    expect(storeUpdates).toBeLessThanOrEqual(framesRun);
    expect(storeUpdates).toBeGreaterThanOrEqual(Math.ceil(10_000 / MAX_CHANGES_PER_FRAME));
    expect(store.getState().items).toHaveLength(10_002);
    expect(store.getState().total).toBe(10_002);
    expect(keys(store.getState()).slice(0, 3)).toEqual(['k/a', 'k/c', 'k/n00000']);
  });

  it('changes already on screen make no store update', async () => {
    const { store, emit } = await live();
    let storeUpdates = 0;
    const unsub = store.subscribe(() => storeUpdates++);
    emit('s1', [put('k/a', 99), put('k/zz', 100)]);
    runFrame();
    unsub();
    expect(storeUpdates).toBe(0);
  });

  it('a change past the loaded pages is counted and merged into the page that brings it', async () => {
    const { store, fake, emit } = await live({ more: true });
    fake.ep['kv:count'].next().resolve(okR({ count: 600, revision: 100 }));
    await flush();
    emit('s1', [put('k/x', 101), put('k/b', 102)]);
    runFrame();
    expect(keys(store.getState())).toEqual(['k/a', 'k/b', 'k/c']);
    expect(store.getState().total).toBe(602);
    void store.getState().loadNextPage();
    await flush();
    const next = fake.ep['kv:list'].next();
    expect(next.req).toMatchObject({ cursor: text('k/c\0'), revision: 100 });
    next.resolve(okR(page([entry('k/d', 70), entry('k/z', 70)], { revision: 100 })));
    await flush();
    expect(keys(store.getState())).toEqual(['k/a', 'k/b', 'k/c', 'k/d', 'k/x', 'k/z']);
    expect(store.getState().total).toBe(602);
  });

  it('a count that arrives after live changes includes them', async () => {
    const { store, fake, emit } = await live({ more: true });
    emit('s1', [put('k/b', 101)]);
    runFrame();
    expect(store.getState().total).toBeNull();
    fake.ep['kv:count'].next().resolve(okR({ count: 600, revision: 100 }));
    await flush();
    expect(store.getState().total).toBe(601);
  });

  it('resync: lists again (rows stay meanwhile), says so, and watches from the new listing', async () => {
    const { store, fake, emit } = await live();
    emit('s1', [], { resync: { reason: 'compacted', compactRevision: 150, message: 'compacted' }, revision: 160 });
    runFrame();
    await flush();
    expect(fake.ep['subscriptions:close'].requests).toEqual([{ profileId: 'a', subscriptionId: 's1' }]);
    expect(store.getState().liveNotice).toBe(resyncNotice('compacted'));
    expect(store.getState().liveNotice).toBe('Changes were compacted away; the list was reloaded.');
    const relist = fake.ep['kv:list'].next();
    expect(relist.req).toMatchObject({ prefix: text('k/'), revision: 0 });
    expect(keys(store.getState())).toEqual(['k/a', 'k/c']);
    // a late batch of the closed watch changes nothing
    emit('s1', [put('k/late', 161)]);
    runFrame();
    relist.resolve(okR(page([entry('k/a', 50), entry('k/q', 170)], { revision: 170 })));
    await flush();
    expect(keys(store.getState())).toEqual(['k/a', 'k/q']);
    expect(fake.ep['watch:prefix'].requests[1]).toMatchObject({ startRevision: 171 });
    emit('s2', [put('k/r', 171)]);
    runFrame();
    expect(keys(store.getState())).toEqual(['k/a', 'k/q', 'k/r']);
  });

  it('reconnecting is shown until the watch delivers again', async () => {
    const { store, emit } = await live();
    emit('s1', [], { state: 'reconnecting', revision: 100 });
    runFrame();
    expect(store.getState().liveState).toBe('reconnecting');
    emit('s1', [put('k/b', 101)], { state: 'live' });
    runFrame();
    expect(store.getState().liveState).toBe('live');
  });

  it('a prefix change closes the watch of the previous prefix; its late batches are dropped', async () => {
    const { store, fake, emit } = await live();
    void store.getState().setPrefix('other/');
    await flush();
    expect(fake.ep['subscriptions:close'].requests).toEqual([{ profileId: 'a', subscriptionId: 's1' }]);
    emit('s1', [put('k/zz', 101)]);
    runFrame();
    expect(keys(store.getState())).toEqual([]);
    fake.ep['kv:list'].next().resolve(okR(page([entry('other/1', 50)], { revision: 120 })));
    await flush();
    expect(fake.ep['watch:prefix'].requests[1]).toMatchObject({ prefix: text('other/'), startRevision: 121 });
  });

  it('a profile switch closes the watch (the scope does)', async () => {
    const { store, fake } = await live();
    void store.getState().switchProfile('b');
    await flush();
    expect(fake.ep['subscriptions:close'].requests).toEqual([{ profileId: 'a', subscriptionId: 's1' }]);
    expect(store.getState().liveState).toBe('off');
  });

  it('Live off closes the watch and applies nothing; on lists again and watches from there', async () => {
    const { store, fake, emit } = await live();
    await store.getState().setLive(false);
    expect(fake.ep['subscriptions:close'].requests).toHaveLength(1);
    expect(store.getState().liveState).toBe('off');
    emit('s1', [put('k/b', 101)]);
    runFrame();
    expect(keys(store.getState())).toEqual(['k/a', 'k/c']);
    void store.getState().setLive(true);
    await flush();
    fake.ep['kv:list'].next().resolve(okR(page([entry('k/a', 50), entry('k/b', 101), entry('k/c', 60)], { revision: 105 })));
    await flush();
    expect(keys(store.getState())).toEqual(['k/a', 'k/b', 'k/c']);
    expect(fake.ep['watch:prefix'].requests[1]).toMatchObject({ startRevision: 106 });
    expect(store.getState().liveState).toBe('live');
  });

  it('a watch that cannot open, or that main ends, says so (stopped, with why)', async () => {
    const { store, fake } = await setupStore();
    fake.ep['watch:prefix'].handle(() => errR('PERMISSION_DENIED', 'no watch for you'));
    void store.getState().switchProfile('a');
    await flush();
    fake.ep['kv:list'].next().resolve(okR(page([entry('k/a', 50)], { revision: 100 })));
    await flush();
    expect(store.getState().liveState).toBe('stopped');
    expect(store.getState().liveError?.code).toBe('PERMISSION_DENIED');
  });

  it('the app’s own older read does not overwrite a newer live row', async () => {
    const { store, emit } = await live();
    emit('s1', [put('k/c', 110, 'newest')]);
    runFrame();
    store.getState().upsertRow({ key: text('k/c'), value: text('older'), size: 5, createRevision: 2, modRevision: 105, version: 2, lease: '0' });
    expect(store.getState().items[1]).toMatchObject({ modRevision: 110, preview: text('newest') });
  });
});

describe('past revision', () => {
  it('lists the prefix at the revision read-only, with no watch; writes are refused; back to live lists and watches again', async () => {
    const { store, fake } = await live();
    void store.getState().viewAtRevision(80);
    await flush();
    const past = fake.ep['kv:list'].next();
    expect(past.req).toMatchObject({ prefix: text('k/'), revision: 80 });
    // the live rows stay until the past listing arrived
    expect(store.getState().readOnlyView).toBe(false);
    past.resolve(okR(page([entry('k/a', 40)], { revision: 80 })));
    await flush();
    const s = store.getState();
    expect(s.readOnlyView).toBe(true);
    expect(s.viewRevision).toBe(80);
    expect(keys(s)).toEqual(['k/a']);
    expect(s.liveState).toBe('off');
    expect(fake.ep['subscriptions:close'].requests).toEqual([{ profileId: 'a', subscriptionId: 's1' }]);
    expect(fake.ep['watch:prefix'].requests).toHaveLength(1);

    // nothing is written from a past listing
    runCommand(store, 'new-key');
    expect(store.getState().newKey).toBeNull();
    runCommand(store, 'delete');
    expect(store.getState().confirm).toBeNull();
    store.getState().upsertRow({ key: text('k/new'), value: text('x'), size: 1, createRevision: 120, modRevision: 120, version: 1, lease: '0' });
    expect(keys(store.getState())).toEqual(['k/a']);

    // a reload lists the same past revision again
    store.getState().reload();
    await flush();
    expect(fake.ep['kv:list'].next().req).toMatchObject({ revision: 80 });

    void store.getState().backToLive();
    await flush();
    const current = fake.ep['kv:list'].pending.at(-1)!;
    expect(current.req).toMatchObject({ revision: 0 });
    current.resolve(okR(page([entry('k/a', 50), entry('k/c', 60)], { revision: 130 })));
    await flush();
    expect(store.getState().readOnlyView).toBe(false);
    expect(store.getState().viewRevision).toBeNull();
    expect(fake.ep['watch:prefix'].requests[1]).toMatchObject({ startRevision: 131 });
  });

  it('a compacted revision: the error by code next to the control, the live view stays', async () => {
    const { store, fake, emit } = await live();
    void store.getState().viewAtRevision(3);
    await flush();
    fake.ep['kv:list'].next().resolve(errR('COMPACTED', 'required revision has been compacted'));
    await flush();
    const s = store.getState();
    expect(s.viewRevisionError).toMatchObject({ revision: 3, error: { code: 'COMPACTED' } });
    expect(s.readOnlyView).toBe(false);
    expect(s.listError).toBeNull();
    expect(keys(s)).toEqual(['k/a', 'k/c']);
    // still live
    emit('s1', [put('k/b', 101)]);
    runFrame();
    expect(keys(store.getState())).toEqual(['k/a', 'k/b', 'k/c']);
  });

  it('a revision that is not a whole number from 1 is refused without a call', async () => {
    const { store, fake } = await live();
    await store.getState().viewAtRevision(0);
    expect(store.getState().viewRevisionError?.error.code).toBe('INVALID_ARGUMENT');
    expect(fake.ep['kv:list'].pending).toHaveLength(0);
  });

  it('the value panel reads the selected key at the past revision, read-only and unwatched', async () => {
    const { store, fake } = await live();
    void store.getState().viewAtRevision(80);
    await flush();
    fake.ep['kv:list'].next().resolve(okR(page([entry('k/a', 40)], { revision: 80 })));
    await flush();
    fake.ep['history:get'].handle((req) => okR({ key: req.key, value: text('then'), size: 4, createRevision: 40, modRevision: 40, version: 1, lease: '0' }));
    await store.getState().selectKey(text('k/a'));
    expect(fake.ep['history:get'].requests).toEqual([{ profileId: 'a', key: text('k/a'), revision: 80 }]);
    expect(fake.ep['kv:get'].requests).toEqual([]);
    expect(fake.ep['watch:key'].requests).toEqual([]);
    expect(store.getState()).toMatchObject({ pastRevision: 80, draft: 'then' });
    store.getState().setDraft('edited');
    expect(store.getState().draft).toBe('then');
    await store.getState().save();
    expect(fake.ep['kv:put'].requests).toEqual([]);
  });
});
