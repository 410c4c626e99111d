/**
 * The key listing: a server-side prefix, pages pinned to the first page's revision, and a quick
 * filter over what is loaded. Writes elsewhere reflect themselves here through upsertRow/removeRow.
 * A failed listing is kept in `listError`, which the grid shows (and nothing else does).
 *
 * A reload of the same prefix keeps the rows on screen until its answer arrives. When it fails,
 * the last listing stays, marked stale (`listStale`, with `listedAt` saying when it was read),
 * instead of emptying the grid; the next successful reload replaces it. A listing of another
 * prefix (or another connection: the scope resets it) never shows under this one.
 *
 * Live: after each listing a prefix watch starts at the listing's revision + 1 (nothing between
 * the two is missed); its batches are buffered and merged into the rows at most once per
 * animation frame (live-listing.ts, frame-coalescer.ts). A resync (compaction, cancelled watch)
 * lists again and says so. A past revision (`viewRevision`) is listed read-only, not watched.
 */
import type { Bytes } from '../../../../shared/bytes';
import { text } from '../../../../shared/bytes';
import { PREVIEW_KEYS_MAX } from '../../../../shared/contract/limits';
import type { AppError } from '../../../../shared/result';
import type { KeyEntry, KeyPreview, KeyValue, WatchBatch, WatchChange } from '../../../../shared/types';
import { isFeed, type Feed } from '../../app/feeds';
import type { ScopeGuard } from '../../app/scope';
import type { SliceCreator } from '../../app/slice';
import { compareKeys } from '../../ui/key-order';
import { createFrameBudget, createFrameCoalescer } from './frame-coalescer';
import { appendPage, applyChanges, emptyBeyond, keyId, liveTotal, withoutRows, type ListingModel } from './live-listing';
import { entryFromKeyValue, lowerBound, PREVIEW_BYTES, startsWithPrefix } from './rows';

export const PAGE_SIZE = 500;

/**
 * At most this many live changes are merged per frame; the rest wait for the next one (a burst
 * is spread over frames instead of one long one). Within it, a frame takes as many as fit
 * FRAME_BUDGET_MS of work, as the last frames measured it (frame-coalescer.ts, createFrameBudget).
 */
export const MAX_CHANGES_PER_FRAME = 2000;
/** Work per frame a burst may take (merge and render), ms; layout and paint come on top. */
export const FRAME_BUDGET_MS = 8;
const MIN_CHANGES_PER_FRAME = 100;
/**
 * A delivery of this many changes or more is a burst's: the next one waits BURST_GAP_MS, so a
 * burst updates the grid ten times a second and the frames between cost only the receiving.
 * Measured (live-grid-burst.spec.ts, 10,000 puts in a second, 2 cores): frame p95 66–83 ms
 * with an update every frame, 33–50 ms with this gap.
 */
const BURST_CHANGES = 200;
const BURST_GAP_MS = 100;

/** How long a row changed by a live update is highlighted, ms (the CSS animation's length). */
export const FLASH_MS = 1000;
/** How long a row deleted by someone else stays on screen, marked deleted, before it leaves, ms. */
export const DELETED_MARK_MS = 2000;

/**
 * The grid's watch: off (the user's choice, a past revision, nothing listed), opening, delivering,
 * resuming on another member after its stream broke, or stopped by a failure (`liveError`).
 */
export type LiveState = 'off' | 'opening' | 'live' | 'reconnecting' | 'stopped';

/** What a resync says, by its reason. */
export function resyncNotice(reason: 'compacted' | 'cancelled'): string {
  return reason === 'compacted'
    ? 'Changes were compacted away; the list was reloaded.'
    : 'etcd cancelled the live watch; the list was reloaded.';
}

export interface KeysSlice {
  /** Server-side prefix (text); '' lists the whole keyspace, page by page. */
  prefix: string;
  items: readonly KeyEntry[];
  /** The revision every page of this listing is pinned to (0 until the first page arrived). */
  listRevision: number;
  nextCursor: Bytes | null;
  more: boolean;
  /** How many keys the prefix holds at `listRevision`. */
  total: number | null;
  /** The exact total is being counted (kv:count) after the first page. */
  counting: boolean;
  listLoading: boolean;
  listError: AppError | null;
  /** The rows are the last listing, kept after a reload failed (`listError` says why). */
  listStale: boolean;
  /** When the listing on screen was read (its first page arrived), ms since epoch; null when none. */
  listedAt: number | null;
  /** The prefix the rows on screen were listed with; null when none was listed yet. */
  listedPrefix: string | null;
  /** Client-side filter over loaded keys. */
  filter: string;
  /** Bumped to ask the quick filter to take focus. */
  focusFilterSeq: number;

  /** Live updates wanted (the "Live" toggle; the user's choice, kept across connections). */
  live: boolean;
  liveState: LiveState;
  /** Why the watch could not open, or why main ended it (liveState 'stopped'). */
  liveError: AppError | null;
  /** Said once above the rows after a resync re-listed ("Changes were compacted away; …"). */
  liveNotice: string | null;
  /** Keys gained (+) or lost (−) since the listing's revision (live updates and the app's own writes). */
  liveDelta: number;
  /** Live changes to keys past the loaded pages, merged into the page that brings their range. */
  liveBeyond: ReadonlyMap<string, WatchChange>;
  /** Rows changed by live updates: key id → when (ms), for a brief highlight; pruned after FLASH_MS. */
  flashes: ReadonlyMap<string, number>;
  /** Rows deleted by a live update, still shown marked: key id → when (ms); they leave after DELETED_MARK_MS. Not counted. */
  deletedRows: ReadonlyMap<string, number>;
  /** Store updates made by live batches so far (at most one per animation frame). */
  liveUpdates: number;
  /** Every change up to this revision is on screen (the watch's delivered revision; the listing's before any batch). */
  liveRevision: number;
  /** The listing is of a past revision (read-only, not live); null: the current one. */
  viewRevision: number | null;
  /** Nothing may be written from what is on screen (a past revision): editor, new key and delete read this. */
  readOnlyView: boolean;
  /** Why the last "View at revision" failed (shown next to its control); the view stayed as it was. */
  viewRevisionError: { readonly revision: number; readonly error: AppError } | null;
  viewRevisionLoading: boolean;

  setPrefix(prefix: string): Promise<void>;
  setFilter(filter: string): void;
  focusFilter(): void;
  reloadKeys(): Promise<void>;
  loadNextPage(): Promise<void>;
  /**
   * Sizes and previews for these rows (the ones on screen): the listing is keys-only, so a page
   * costs the same whatever the values weigh, and values are read only for what is seen.
   */
  ensurePreviews(rows: readonly KeyEntry[]): void;
  /** Try the failed part again: the next page when some are loaded, else (or after a failed reload) the whole listing. */
  retryListing(): Promise<void>;

  /** Reflect a write in the loaded rows (insert if it falls inside the loaded range). */
  upsertRow(kv: KeyValue): void;
  removeRow(key: Bytes): void;

  /** Turn live updates on (list again, then watch) or off (close the watch). */
  setLive(on: boolean): Promise<void>;
  /** List the current prefix at a past revision, read-only; on failure the view stays as it was. */
  viewAtRevision(revision: number): Promise<void>;
  /** Leave a past revision: list the current one again (and watch it when live). */
  backToLive(): Promise<void>;
  dismissLiveNotice(): void;
  clearViewRevisionError(): void;
}

/** The listing of a fresh connection; the prefix is the user's and outlives connections. */
const initialKeys = () => ({
  items: [] as readonly KeyEntry[],
  listRevision: 0,
  nextCursor: null,
  more: false,
  total: null,
  counting: false,
  listLoading: false,
  listError: null,
  listStale: false,
  listedAt: null,
  listedPrefix: null,
  filter: '',
  liveState: 'off' as LiveState,
  liveError: null,
  liveNotice: null,
  liveDelta: 0,
  liveBeyond: emptyBeyond,
  flashes: new Map<string, number>() as ReadonlyMap<string, number>,
  deletedRows: new Map<string, number>() as ReadonlyMap<string, number>,
  liveRevision: 0,
  viewRevision: null,
  readOnlyView: false,
  viewRevisionError: null,
  viewRevisionLoading: false,
});

export const createKeysSlice: SliceCreator<KeysSlice> = (set, get, { client, scope, now, feeds }) => {
  // A reload or prefix change replaces the listing: pages of the previous one are dropped.
  const listing = scope.sequence();

  // ---- the live watch of the listing on screen ----
  let feed: Feed | null = null;
  /** Bumped whenever the watch is replaced or closed: events and answers of older ones are dropped. */
  let watchToken = 0;
  /** One timer per grid prunes old highlights (none per row). */
  let pruneTimer: ReturnType<typeof setTimeout> | null = null;
  /** The highest revision the watch's batches said they delivered up to. */
  let seenRevision = 0;
  /** Changes of a burst beyond one frame's share, applied first at the next frame. */
  let carry: readonly WatchChange[] = [];
  /** The last delivery was a burst's: the next waits BURST_GAP_MS. */
  let inBurst = false;
  /** How many changes a frame may take (measured per frame, FRAME_BUDGET_MS). */
  const budget = createFrameBudget({ targetMs: FRAME_BUDGET_MS, min: MIN_CHANGES_PER_FRAME, max: MAX_CHANGES_PER_FRAME, initial: 500 });
  /** Watches refused in a row because their start was compacted (each re-lists; a loop stops). */
  let compactedOpens = 0;
  /** Rows whose previews were asked for (keyId@modRevision) in the listing on screen. */
  let previewsAsked = new Set<string>();

  const model = (): ListingModel => {
    const s = get();
    return { items: s.items, more: s.more, listRevision: s.listRevision, delta: s.liveDelta, beyond: s.liveBeyond, gone: s.deletedRows };
  };

  /** Drop highlights past FLASH_MS and marked deleted rows past DELETED_MARK_MS: one store update. */
  const schedulePrune = () => {
    if (pruneTimer !== null) return;
    pruneTimer = setTimeout(() => {
      pruneTimer = null;
      const t = now();
      const s = get();
      const flashes = new Map<string, number>();
      for (const [id, at] of s.flashes) if (at > t - FLASH_MS) flashes.set(id, at);
      const deletedRows = new Map<string, number>();
      const expired = new Set<string>();
      for (const [id, at] of s.deletedRows) {
        if (at > t - DELETED_MARK_MS) deletedRows.set(id, at);
        else expired.add(id);
      }
      if (flashes.size !== s.flashes.size || expired.size > 0) {
        set({ flashes, deletedRows, liveUpdates: s.liveUpdates + 1, ...(expired.size > 0 ? { items: withoutRows(s.items, expired) } : {}) });
      }
      if (flashes.size > 0 || deletedRows.size > 0) schedulePrune();
    }, FLASH_MS / 2);
  };

  /** One store update for everything that arrived since the last frame. */
  const applyBatches = (batches: WatchBatch[]) => {
    const s = get();
    const resync = batches.find((b) => b.resync)?.resync;
    if (resync) {
      // Changes were lost: the rows cannot be trusted to follow any more. List again, watch again.
      stopWatch();
      set({ liveNotice: resyncNotice(resync.reason), liveUpdates: s.liveUpdates + 1 });
      void get().reloadKeys();
      return;
    }
    let liveState = s.liveState;
    for (const b of batches) {
      if (b.state) liveState = b.state;
      if (b.revision > seenRevision) seenRevision = b.revision;
    }
    const arrived = batches.length === 1 ? batches[0].changes : batches.flatMap((b) => b.changes);
    let changes = carry.length > 0 ? carry.concat(arrived) : arrived;
    carry = [];
    const limit = budget.limit();
    if (changes.length > limit) {
      carry = changes.slice(limit);
      changes = changes.slice(0, limit);
      coalescer.again();
    }
    inBurst = changes.length >= BURST_CHANGES;
    const measured = budget.start(changes.length);
    const r = applyChanges(model(), changes, { markDeletes: true });
    // Delivered up to the batches' revision once nothing of them waits for a later frame.
    const liveRevision = carry.length === 0 ? Math.max(s.liveRevision, seenRevision) : s.liveRevision;
    // Nothing new (all already on screen): no store update at all.
    if (r.applied === 0 && liveState === s.liveState && liveRevision === s.liveRevision) return;
    let flashes = s.flashes;
    let deletedRows = s.deletedRows;
    const at = now();
    if (r.changed.length > 0) {
      const next = new Map(flashes);
      for (const id of r.changed) next.set(id, at);
      flashes = next;
      schedulePrune();
    }
    if (r.marked.length > 0 || r.revived.length > 0) {
      const next = new Map(deletedRows);
      for (const id of r.revived) next.delete(id);
      for (const id of r.marked) next.set(id, at);
      deletedRows = next;
      schedulePrune();
    }
    set({
      items: r.model.items,
      liveDelta: r.model.delta,
      liveBeyond: r.model.beyond,
      total: s.total === null ? null : Math.max(0, s.total + r.model.delta - s.liveDelta),
      flashes,
      deletedRows,
      liveState,
      liveRevision,
      liveUpdates: s.liveUpdates + 1,
    });
    measured();
  };

  const coalescer = createFrameCoalescer<WatchBatch>(applyBatches, { gap: () => (inBurst ? BURST_GAP_MS : 0) });

  function stopWatch() {
    watchToken++;
    coalescer.clear();
    carry = [];
    seenRevision = 0;
    feed?.close();
    feed = null;
  }

  const startWatch = async (guard: ScopeGuard, prefix: string, revision: number): Promise<void> => {
    stopWatch();
    const token = watchToken;
    const mine = () => token === watchToken && guard.current();
    set({ liveState: 'opening', liveError: null });
    const r = await feeds.watchPrefix(
      { profileId: guard.profileId, prefix: text(prefix), startRevision: revision + 1, previewBytes: PREVIEW_BYTES },
      {
        onEvent: (batch) => {
          if (token === watchToken) coalescer.push(batch);
        },
        onEnd: (error) => {
          if (token !== watchToken) return;
          coalescer.flush();
          feed = null;
          watchToken++;
          set({ liveState: 'stopped', liveError: error ?? { code: 'UNAVAILABLE', message: 'The live watch ended.' } });
        },
      },
    );
    if (!isFeed(r)) {
      if (!mine()) return;
      if (r.code === 'COMPACTED' && compactedOpens++ < 3) {
        // The listing's revision was compacted before the watch could start from it: list again.
        set({ liveNotice: resyncNotice('compacted') });
        void get().reloadKeys();
        return;
      }
      set({ liveState: 'stopped', liveError: r });
      return;
    }
    if (!mine()) {
      r.close();
      return;
    }
    feed = r;
    compactedOpens = 0;
    // A batch may already have said 'reconnecting' (events that overtook the answer).
    if (get().liveState === 'opening') set({ liveState: 'live' });
  };

  scope.own({
    reset: () => {
      stopWatch();
      set(initialKeys());
    },
  });

  /**
   * List the prefix at `revision` (0: the current one). `pastView` lists a past revision
   * read-only: when that fails, the view on screen stays and the error goes next to the control.
   */
  const runListing = async (revision: number, pastView: boolean): Promise<void> => {
    const guard = listing.begin();
    if (!guard) return;
    const { prefix, filter, listedPrefix, viewRevision } = get();
    // The rows of this prefix (and revision) stay while it is listed again (and after, marked
    // stale, if that fails); another prefix's rows go at once. A count still on its way is for
    // the listing being replaced: its answer will be dropped.
    const keep = listedPrefix === prefix && (viewRevision ?? 0) === revision;
    if (pastView) set({ viewRevisionLoading: true, viewRevisionError: null });
    else if (keep) set({ listLoading: true, counting: false });
    else {
      stopWatch();
      set({ ...initialKeys(), filter, viewRevision: get().viewRevision, readOnlyView: get().readOnlyView, listLoading: true });
    }
    const r = await guard.wait(
      client.kv.list({ profileId: guard.profileId, prefix: text(prefix), limit: PAGE_SIZE, revision, keysOnly: true }),
    );
    if (!r) return;
    if (!r.ok) {
      // The view on screen stays (its count, if one was on its way, is not: this run replaced it).
      if (pastView) set({ viewRevisionLoading: false, viewRevisionError: { revision, error: r.error }, listLoading: false, counting: false });
      else set({ listLoading: false, listError: r.error, listStale: keep });
      return;
    }
    const page = r.value;
    // The new listing replaces the rows the old watch was following, and their previews.
    stopWatch();
    previewsAsked = new Set();
    const live = get().live && revision === 0;
    set({
      items: page.items,
      listRevision: page.revision,
      nextCursor: page.nextCursor,
      more: page.more && page.nextCursor !== null,
      total: page.more ? null : page.items.length,
      listLoading: false,
      listError: null,
      listStale: false,
      listedAt: now(),
      listedPrefix: prefix,
      liveDelta: 0,
      liveBeyond: emptyBeyond,
      deletedRows: new Map<string, number>(),
      liveRevision: page.revision,
      liveState: live ? 'opening' : 'off',
      liveError: null,
      viewRevision: revision === 0 ? null : revision,
      readOnlyView: revision !== 0,
      viewRevisionLoading: false,
      viewRevisionError: null,
      ...(revision !== 0 ? { flashes: new Map<string, number>() } : {}),
    });
    if (live) void startWatch(guard, prefix, page.revision);
    // The exact total, at the listing's revision, arrives on its own: etcd walks its index to
    // count, so the first rows are not held back by it. A failed count only leaves it unknown.
    if (page.more) {
      set({ counting: true });
      const c = await guard.wait(client.kv.count({ profileId: guard.profileId, prefix: text(prefix), revision: page.revision }));
      if (c) set({ counting: false, ...(c.ok ? { total: liveTotal(c.value.count, get().liveDelta) } : {}) });
    }
  };

  return {
    prefix: '',
    ...initialKeys(),
    focusFilterSeq: 0,
    live: true,
    liveUpdates: 0,

    async setPrefix(prefix) {
      set({ prefix });
      await get().reloadKeys();
    },

    setFilter(filter) {
      set({ filter });
    },

    focusFilter() {
      set((s) => ({ focusFilterSeq: s.focusFilterSeq + 1 }));
    },

    async reloadKeys() {
      await runListing(get().viewRevision ?? 0, false);
    },

    async loadNextPage() {
      const s = get();
      if (!s.more || s.listLoading || !s.nextCursor || s.listError) return;
      const guard = listing.join();
      if (!guard) return;
      set({ listLoading: true });
      const r = await guard.wait(
        client.kv.list({
          profileId: guard.profileId,
          prefix: text(s.prefix),
          cursor: s.nextCursor,
          limit: PAGE_SIZE,
          revision: s.listRevision,
          keysOnly: true,
        }),
      );
      if (!r) return;
      if (!r.ok) {
        set({ listLoading: false, listError: r.error });
        return;
      }
      const page = r.value;
      const more = page.more && page.nextCursor !== null;
      // Live changes past the loaded pages are merged into the page that brings their range.
      const m = appendPage(model(), page.items, more);
      set({
        items: m.items,
        liveBeyond: m.beyond,
        nextCursor: page.nextCursor,
        more,
        listLoading: false,
        ...(page.count !== undefined ? { total: liveTotal(page.count, get().liveDelta) } : {}),
      });
    },

    ensurePreviews(rows) {
      const s = get();
      if (s.listRevision === 0) return;
      const wanted: KeyEntry[] = [];
      for (const r of rows) {
        if (r.size !== undefined) continue;
        const id = `${keyId(r.key)}@${r.modRevision}`;
        if (previewsAsked.has(id)) continue;
        previewsAsked.add(id);
        wanted.push(r);
        if (wanted.length === PREVIEW_KEYS_MAX) break;
      }
      if (wanted.length === 0) return;
      const guard = listing.join();
      if (!guard) return;
      const asked = previewsAsked;
      const forget = (r: KeyEntry) => asked.delete(`${keyId(r.key)}@${r.modRevision}`);
      void (async () => {
        const keys = wanted.map((r) => r.key);
        // At the listing's revision, so a preview matches its row; if that was compacted since,
        // the latest, applied only to rows still at the revision read.
        let r = await guard.wait(client.kv.previews({ profileId: guard.profileId, keys, revision: s.listRevision, previewBytes: PREVIEW_BYTES }));
        if (r && !r.ok && r.error.code === 'COMPACTED') r = await guard.wait(client.kv.previews({ profileId: guard.profileId, keys, previewBytes: PREVIEW_BYTES }));
        if (!r) return;
        if (!r.ok) {
          // Not shown as an error: the rows keep their keys; a later scroll asks again.
          for (const w of wanted) forget(w);
          return;
        }
        const got = new Map<string, KeyPreview>();
        for (const p of r.value.items) got.set(keyId(p.key), p);
        const cur = get();
        let items: KeyEntry[] | null = null;
        let unread = false;
        for (const w of wanted) {
          const p = got.get(keyId(w.key));
          if (!p) {
            // The call's byte budget was spent first: ask again below.
            forget(w);
            unread = true;
            continue;
          }
          if ('missing' in p) continue;
          const i = lowerBound(cur.items, w.key);
          const row = cur.items[i];
          if (!row || keyId(row.key) !== keyId(w.key) || row.modRevision !== p.modRevision || row.size !== undefined) continue;
          items ??= [...cur.items];
          items[i] = { ...row, size: p.size, preview: p.preview, truncated: p.truncated };
        }
        if (items) set({ items });
        if (unread) get().ensurePreviews(wanted);
      })();
    },

    async retryListing() {
      const s = get();
      if (!s.listStale && s.items.length > 0 && s.more) {
        set({ listError: null });
        await get().loadNextPage();
      } else {
        await get().reloadKeys();
      }
    },

    upsertRow(kv) {
      set((s) => {
        // A past revision shows what was, not what the app just read or wrote.
        if (s.readOnlyView) return {};
        if (!startsWithPrefix(kv.key, s.prefix)) return {};
        const items = s.items;
        const i = lowerBound(items, kv.key);
        const entry = entryFromKeyValue(kv);
        if (i < items.length && compareKeys(items[i].key, kv.key) === 0) {
          const old = items[i];
          const id = keyId(kv.key);
          if (s.deletedRows.has(id)) {
            // A row shown as deleted comes back (the app re-created it): counted again.
            const next = items.slice();
            next[i] = entry;
            const deletedRows = new Map(s.deletedRows);
            deletedRows.delete(id);
            return { items: next, deletedRows, total: s.total === null ? null : s.total + 1, liveDelta: s.liveDelta + 1 };
          }
          // The row already shows a newer revision (a live update overtook this answer).
          if (kv.modRevision > 0 && old.modRevision > kv.modRevision) return {};
          const merged: KeyEntry = {
            ...entry,
            createRevision: entry.createRevision || old.createRevision,
            version: entry.version || old.version + 1,
          };
          const next = items.slice();
          next[i] = merged;
          return { items: next };
        }
        // Beyond the loaded end while more pages exist: the next page will bring it (or not, being pinned).
        if (i === items.length && s.more) return {};
        const next = items.slice();
        next.splice(i, 0, entry);
        return { items: next, total: s.total === null ? null : s.total + 1, liveDelta: s.liveDelta + 1 };
      });
    },

    removeRow(key) {
      set((s) => {
        if (s.readOnlyView) return {};
        const i = lowerBound(s.items, key);
        if (i >= s.items.length || compareKeys(s.items[i].key, key) !== 0) return {};
        const next = s.items.slice();
        next.splice(i, 1);
        const id = keyId(key);
        if (s.deletedRows.has(id)) {
          // Already counted as gone: only the marked row leaves.
          const deletedRows = new Map(s.deletedRows);
          deletedRows.delete(id);
          return { items: next, deletedRows };
        }
        return { items: next, total: s.total === null ? null : Math.max(0, s.total - 1), liveDelta: s.liveDelta - 1 };
      });
    },

    async setLive(on) {
      if (get().live === on) return;
      set({ live: on });
      if (!on) {
        stopWatch();
        set({ liveState: 'off', liveError: null });
        return;
      }
      // Catch up: list again (rows stay while it runs), then watch from that listing.
      if (scope.profileId && get().viewRevision === null) await get().reloadKeys();
    },

    async viewAtRevision(revision) {
      if (!Number.isSafeInteger(revision) || revision < 1) {
        set({ viewRevisionError: { revision, error: { code: 'INVALID_ARGUMENT', message: 'A revision is a whole number from 1.' } } });
        return;
      }
      await runListing(revision, true);
    },

    async backToLive() {
      if (get().viewRevision === null) return;
      // The past rows go (another revision's), then the current listing, watched when live.
      set({ viewRevision: null, readOnlyView: false, viewRevisionError: null, listedPrefix: null });
      await runListing(0, false);
    },

    dismissLiveNotice() {
      set({ liveNotice: null });
    },

    clearViewRevisionError() {
      set({ viewRevisionError: null });
    },
  };
};
