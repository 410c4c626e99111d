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
import type { KeyEntry, KeyPreview, KeyValue, SeekPage, WatchBatch, WatchChange } from '../../../../shared/types';
import { isFeed, type Feed } from '../../app/feeds';
import type { ScopeGuard } from '../../app/scope';
import type { Notify, SliceCreator } from '../../app/slice';
import { compareKeys } from '../../ui/key-order';
import { createFrameBudget, createFrameCoalescer } from './frame-coalescer';
import { addDeltas, appendToRun, applyToJump, indexOfKey, joinRuns, pageRun, prependToRun, rowAt, shiftBefore, type JumpRun } from './jump-run';
import { appendPage, applyChanges, emptyBeyond, keyId, liveTotal, withoutRows, type KeyDelta, type ListingModel } from './live-listing';
import { entryFromKeyValue, lowerBound, PREVIEW_BYTES, startsWithPrefix } from './rows';

export const PAGE_SIZE = 500;
/** Rows read before the first one wanted when jumping into the middle (room to scroll up a little). */
const OVERSCAN_ROWS = 50;

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
  /** How many keys the prefix holds (counted at `listRevision`, plus the live changes since). */
  total: number | null;
  /**
   * Rows loaded where the user jumped (End, a dragged thumb, a typed key), past the head's
   * (`items`) end with unloaded rows between: the grid spans the whole keyspace (jump-run.ts).
   */
  jump: JumpRun | null;
  /** A page for the rows on screen is being read (a jump, or the page before or after the jump run). */
  jumpLoading: boolean;
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
  /**
   * The grid shows display rows first..last: read what of them is not loaded, directly where
   * they are (kv:seek with bounded windows, or the next page of a run), never the pages between.
   */
  ensureRows(first: number, last: number): void;
  /**
   * Load the rows at the end (`'end'`), or at the first key >= prefix + `key`; resolves with its
   * display index (null when nothing was read: no connection, an error, or no such key).
   */
  jumpTo(to: 'end' | { readonly key: string }): Promise<number | null>;

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
  jump: null as JumpRun | null,
  jumpLoading: false,
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

/**
 * Where a user whose roles cover some prefixes only may start listing: the first prefix it may
 * read (text prefixes only, in key order); null when there is none or it cannot be asked.
 */
async function readableStart(client: Parameters<SliceCreator<KeysSlice>>[2]['client'], guard: ScopeGuard): Promise<string | null | undefined> {
  const r = await guard.wait(client.access.mine({ profileId: guard.profileId }));
  if (r === undefined) return undefined;
  if (!r.ok) return null;
  const prefixes = r.value.permissions
    .filter((p) => (p.type === 'read' || p.type === 'readwrite') && p.scope === 'prefix' && p.key.encoding === 'utf8')
    .map((p) => p.key.data)
    .sort();
  return prefixes[0] ?? null;
}

export const createKeysSlice: SliceCreator<KeysSlice, Pick<Notify, 'pushToast'>> = (set, get, { client, scope, now, feeds }) => {
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
  /** Keys created (+1) or deleted (−1) since the listing's revision, per key: where a jump run sits. */
  let net = new Map<string, KeyDelta>();
  /** The rows the grid last asked for, read again once the read in flight ends. */
  let wantedRows: { first: number; last: number } | null = null;
  /** Bumped by each listing: a jump read for an older one is dropped. */
  let jumpEpoch = 0;

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
    addDeltas(net, r.deltas);
    const jump = s.jump && r.applied > 0 ? applyToJump(s.jump, changes.filter((c) => c.modRevision > s.listRevision), r.deltas) : s.jump;
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
      jump,
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
      // A user whose roles cover some prefixes only may not list everything: start at a prefix it
      // may read instead (the refusal names the user and what it lacks, see main's kv.ts).
      if (!pastView && r.error.code === 'PERMISSION_DENIED' && prefix === '' && revision === 0) {
        const start = await readableStart(client, guard);
        if (start === undefined) return;
        if (start !== null && get().prefix === '') {
          set({ prefix: start, listLoading: false });
          get().pushToast('info', `${r.error.details?.user ? `User “${r.error.details.user}”` : 'This user'} may not list all keys: showing the prefix ${start}, which it may read.`);
          return runListing(0, false);
        }
      }
      // The view on screen stays (its count, if one was on its way, is not: this run replaced it).
      if (pastView) set({ viewRevisionLoading: false, viewRevisionError: { revision, error: r.error }, listLoading: false, counting: false });
      else set({ listLoading: false, listError: r.error, listStale: keep });
      return;
    }
    const page = r.value;
    // The new listing replaces the rows the old watch was following, and their previews.
    stopWatch();
    previewsAsked = new Set();
    net = new Map();
    jumpEpoch++;
    const live = get().live && revision === 0;
    set({
      items: page.items,
      listRevision: page.revision,
      nextCursor: page.nextCursor,
      more: page.more && page.nextCursor !== null,
      total: page.more ? null : page.items.length,
      jump: null,
      jumpLoading: false,
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

  /** The app's own write changed the count in the head: remembered per key, and the jump run moves. */
  const ownCount = (s: KeysSlice, key: Bytes, d: number): Partial<KeysSlice> => {
    const delta = [{ key, d }];
    addDeltas(net, delta);
    return s.jump ? { jump: applyToJump(s.jump, [], delta) } : {};
  };

  /** The changes still waiting for a page: those past the head's loaded range. */
  const beyondOf = (head: { items: readonly KeyEntry[]; more: boolean }, beyond: ReadonlyMap<string, WatchChange>): ReadonlyMap<string, WatchChange> => {
    if (beyond.size === 0) return beyond;
    const last = head.items[head.items.length - 1];
    if (!head.more) return emptyBeyond;
    const rest = new Map<string, WatchChange>();
    for (const [id, c] of beyond) if (!last || compareKeys(c.key, last.key) > 0) rest.set(id, c);
    return rest;
  };

  /** A display index as an index at the listing's revision (for kv:seek): approximate past live changes. */
  const listIndexOf = (display: number): number => {
    let shift = 0;
    for (const { d } of net.values()) shift += d;
    const s = get();
    // Changes inside the head are all below `display`; those past it are not placed: half of them.
    return Math.max(0, display - (display < s.items.length ? 0 : Math.round(shift / 2)));
  };

  /** Place a page read by kv:seek at the listing's revision (join the head, or be the jump run): its first and last display index. */
  const placeSeekPage = (page: SeekPage): { first: number; last: number } | null => {
    const s = get();
    const first = page.items[0];
    if (!first) return null;
    const start = page.index + shiftBefore(net, first.key);
    const run = pageRun({ start, listIndex: page.index }, page.items, page.more && page.nextCursor !== null, page.nextCursor, s.liveBeyond);
    const joined = joinRuns({ items: s.items, more: s.more, nextCursor: s.nextCursor }, run);
    if (joined) {
      set({ items: joined.items, more: joined.more, nextCursor: joined.nextCursor, jump: null, liveBeyond: beyondOf(joined, s.liveBeyond) });
      const i = indexOfKey(joined.items, null, first.key);
      const at = i >= 0 ? i : Math.min(start, joined.items.length - 1);
      return { first: at, last: Math.min(joined.items.length - 1, at + page.items.length - 1) };
    }
    set({ jump: run });
    return { first: start, last: start + run.items.length - 1 };
  };

  /** The read for rows on screen in flight, if any (one at a time). */
  let inFlight: Promise<unknown> | null = null;
  /** Bumped by each user jump: a jump waiting for the read in flight gives way to a newer one. */
  let jumpSeq = 0;

  /**
   * One read for rows on screen at a time; the latest wanted rows are looked at again after it.
   * `wait`: a user's jump waits for the read in flight (the newest jump only); rows the grid asks
   * for are not read twice.
   */
  const readForRows = async (read: (guard: ScopeGuard) => Promise<boolean>, wait = false): Promise<boolean> => {
    if (wait) {
      const seq = ++jumpSeq;
      while (inFlight) {
        await inFlight.catch(() => undefined);
        if (seq !== jumpSeq) return false;
      }
    }
    const guard = listing.join();
    if (!guard || inFlight) return false;
    const epoch = jumpEpoch;
    set({ jumpLoading: true });
    let ok = false;
    const running = read(guard);
    inFlight = running;
    try {
      ok = await running;
    } finally {
      inFlight = null;
      if (epoch === jumpEpoch && guard.current()) set({ jumpLoading: false });
    }
    if (ok && epoch === jumpEpoch && wantedRows) get().ensureRows(wantedRows.first, wantedRows.last);
    return ok;
  };

  /** A failed read for rows on screen: the listing's error place says it (Retry reads them again). */
  const jumpFailed = (error: AppError): void => {
    if (error.code === 'COMPACTED') {
      // The listing's revision is gone: list again (said once, like a resync).
      set({ liveNotice: resyncNotice('compacted') });
      void get().reloadKeys();
      return;
    }
    set({ listError: error });
  };

  const seekTo = async (to: { end: true } | { offset: number } | { key: Bytes }, userJump = false): Promise<{ first: number; last: number } | null> => {
    let placed: { first: number; last: number } | null = null;
    await readForRows(async (guard) => {
      const s = get();
      const epoch = jumpEpoch;
      const r = await guard.wait(
        client.kv.seek({ profileId: guard.profileId, prefix: text(s.prefix), revision: s.listRevision, to, limit: PAGE_SIZE }),
      );
      if (!r || epoch !== jumpEpoch) return false;
      if (!r.ok) {
        jumpFailed(r.error);
        return false;
      }
      if (get().total === null) set({ total: liveTotal(r.value.total, get().liveDelta) });
      placed = placeSeekPage(r.value);
      return true;
    }, userJump);
    return placed;
  };

  /** The jump run's next page (from its cursor) or the page before it (kv:seek at its start). */
  const growJump = async (direction: 'next' | 'prev'): Promise<void> => {
    await readForRows(async (guard) => {
      const s = get();
      const jump = s.jump;
      if (!jump) return false;
      const epoch = jumpEpoch;
      if (direction === 'next') {
        if (!jump.more || !jump.nextCursor) return false;
        const r = await guard.wait(
          client.kv.list({ profileId: guard.profileId, prefix: text(s.prefix), cursor: jump.nextCursor, limit: PAGE_SIZE, revision: s.listRevision, keysOnly: true }),
        );
        if (!r || epoch !== jumpEpoch) return false;
        if (!r.ok) {
          jumpFailed(r.error);
          return false;
        }
        const cur = get().jump;
        if (!cur || cur.nextCursor !== jump.nextCursor) return false;
        set({ jump: appendToRun(cur, r.value.items, r.value.more && r.value.nextCursor !== null, r.value.nextCursor, get().liveBeyond) });
        return true;
      }
      const rows = Math.min(PAGE_SIZE, jump.start - s.items.length, jump.listIndex);
      if (rows <= 0) return false;
      const r = await guard.wait(
        client.kv.seek({ profileId: guard.profileId, prefix: text(s.prefix), revision: s.listRevision, to: { offset: jump.listIndex - rows }, limit: rows + 1 }),
      );
      if (!r || epoch !== jumpEpoch) return false;
      if (!r.ok) {
        jumpFailed(r.error);
        return false;
      }
      const cur = get();
      if (!cur.jump || cur.jump.start !== jump.start) return false;
      const grown = prependToRun(cur.jump, r.value.items, cur.liveBeyond);
      if (grown === cur.jump) return false;
      const joined = joinRuns({ items: cur.items, more: cur.more, nextCursor: cur.nextCursor }, grown);
      if (joined) set({ items: joined.items, more: joined.more, nextCursor: joined.nextCursor, jump: null, liveBeyond: beyondOf(joined, cur.liveBeyond) });
      else set({ jump: grown });
      return true;
    });
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
      // The head reached the jump run: one run from here on.
      const joined = joinRuns({ items: m.items, more, nextCursor: page.nextCursor }, get().jump);
      set({
        items: joined?.items ?? m.items,
        liveBeyond: joined ? beyondOf(joined, m.beyond) : m.beyond,
        nextCursor: joined ? joined.nextCursor : page.nextCursor,
        more: joined ? joined.more : more,
        ...(joined ? { jump: null } : {}),
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
        let jumpItems: KeyEntry[] | null = null;
        let unread = false;
        /** Puts the preview on the row of `rows` that is this key at that revision; the copy made, if any. */
        const fill = (rows: readonly KeyEntry[], copy: KeyEntry[] | null, w: KeyEntry, p: Exclude<KeyPreview, { missing: true }>): KeyEntry[] | null | false => {
          const i = lowerBound(rows, w.key);
          const row = rows[i];
          if (!row || keyId(row.key) !== keyId(w.key)) return false;
          if (row.modRevision !== p.modRevision || row.size !== undefined) return copy;
          const out = copy ?? [...rows];
          out[i] = { ...row, size: p.size, preview: p.preview, truncated: p.truncated };
          return out;
        };
        for (const w of wanted) {
          const p = got.get(keyId(w.key));
          if (!p) {
            // The call's byte budget was spent first: ask again below.
            forget(w);
            unread = true;
            continue;
          }
          if ('missing' in p) continue;
          const inHead = fill(cur.items, items, w, p);
          if (inHead !== false) items = inHead;
          else if (cur.jump) {
            const inJump = fill(cur.jump.items, jumpItems, w, p);
            if (inJump !== false) jumpItems = inJump;
          }
        }
        const jumpNow = get().jump;
        if (items || (jumpItems && jumpNow === cur.jump)) {
          set({ ...(items ? { items } : {}), ...(jumpItems && jumpNow && jumpNow === cur.jump ? { jump: { ...jumpNow, items: jumpItems } } : {}) });
        }
        if (unread) get().ensurePreviews(wanted);
      })();
    },

    async retryListing() {
      const s = get();
      if (!s.listStale && s.items.length > 0 && (s.more || s.jump)) {
        set({ listError: null });
        // The rows on screen first (a jump's), then the head's next page if that is what is missing.
        if (wantedRows) get().ensureRows(wantedRows.first, wantedRows.last);
        if (!get().jumpLoading && s.more) await get().loadNextPage();
      } else {
        await get().reloadKeys();
      }
    },

    ensureRows(first, last) {
      wantedRows = { first, last };
      const s = get();
      if (s.listRevision === 0 || s.listError || s.jumpLoading || s.filter.trim() !== '') return;
      let i = first;
      while (i <= last && rowAt(s.items, s.jump, i) !== undefined) i++;
      if (i > last) return;
      const headEnd = s.items.length;
      const total = s.total;
      // Right after the head: its next page (the grid's own load-ahead asks for it too).
      if (s.more && i >= headEnd && i < headEnd + PAGE_SIZE) {
        if (!s.listLoading) void get().loadNextPage();
        return;
      }
      const jump = s.jump;
      if (jump) {
        const end = jump.start + jump.items.length;
        if (jump.more && i >= end && i < end + PAGE_SIZE) {
          void growJump('next');
          return;
        }
        if (i < jump.start && last >= jump.start - 1 && i >= jump.start - PAGE_SIZE) {
          void growJump('prev');
          return;
        }
      }
      // Far from anything loaded: read there directly. The last rows: the end, exactly.
      if (total !== null && last >= total - 1) void seekTo({ end: true });
      else void seekTo({ offset: listIndexOf(Math.max(headEnd, i - OVERSCAN_ROWS)) });
    },

    async jumpTo(to) {
      let s = get();
      if (s.listRevision === 0 || s.filter.trim() !== '') return null;
      if (to === 'end') {
        // The grid may be reading the end already (it scrolled there): wait for it, then look.
        if (inFlight) await inFlight.catch(() => undefined);
        s = get();
        if (!s.more && !s.jump) return s.items.length > 0 ? s.items.length - 1 : null;
        // Already loaded to the end (the jump run reaches it).
        if (s.jump && !s.jump.more && s.jump.items.length > 0) return s.jump.start + s.jump.items.length - 1;
        return (await seekTo({ end: true }, true))?.last ?? null;
      }
      const key = text(s.prefix + to.key);
      // Inside the loaded head: no read at all.
      const last = s.items[s.items.length - 1];
      if (last && (!s.more || compareKeys(key, last.key) <= 0)) {
        const i = lowerBound(s.items, key);
        return i < s.items.length ? i : s.items.length - 1;
      }
      const seq = jumpSeq + 1;
      const at = await seekTo({ key }, true);
      // Past the last key: the end is where it would be (unless a newer jump came meanwhile).
      if (at === null && seq === jumpSeq && !get().listError && get().listRevision === s.listRevision) return (await seekTo({ end: true }, true))?.last ?? null;
      return at?.first ?? null;
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
            return { items: next, deletedRows, total: s.total === null ? null : s.total + 1, liveDelta: s.liveDelta + 1, ...ownCount(s, kv.key, 1) };
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
        // Beyond the loaded end while more pages exist: the next page will bring it (or not, being
        // pinned); a row of the jump run shows the new value (a new key there comes with the watch).
        if (i === items.length && s.more) {
          const j = s.jump ? lowerBound(s.jump.items, kv.key) : -1;
          const old = j >= 0 ? s.jump?.items[j] : undefined;
          if (!s.jump || !old || compareKeys(old.key, kv.key) !== 0 || old.modRevision > kv.modRevision) return {};
          const rows = s.jump.items.slice();
          rows[j] = { ...entry, createRevision: entry.createRevision || old.createRevision, version: entry.version || old.version + 1 };
          return { jump: { ...s.jump, items: rows } };
        }
        const next = items.slice();
        next.splice(i, 0, entry);
        return { items: next, total: s.total === null ? null : s.total + 1, liveDelta: s.liveDelta + 1, ...ownCount(s, kv.key, 1) };
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
        return { items: next, total: s.total === null ? null : Math.max(0, s.total - 1), liveDelta: s.liveDelta - 1, ...ownCount(s, key, -1) };
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
