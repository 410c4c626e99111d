/**
 * The listing model that live updates merge into: loaded rows (sorted by key bytes), how many
 * keys the prefix holds, and what changed beyond the loaded pages. Pure functions with a small
 * interface (insert, update, remove, count), so a grid that loads its rows differently can keep it.
 *
 * A listing is read at one revision (`listRevision`) and its later pages are pinned to it. A
 * watch from `listRevision + 1` brings every change after it:
 *  - inside the loaded range (a key at or before the last loaded key, or any key once every page
 *    is loaded), a put updates or inserts its row and a delete removes it;
 *  - beyond it, the change is remembered (`beyond`) and counted, and merged into the page that
 *    later brings that part of the key range (that page is pinned to the old revision);
 *  - a change at or below the listing's revision (or older than the row) is already on screen.
 */
import type { Bytes } from '../../../../shared/bytes';
import { toUint8 } from '../../../../shared/bytes';
import type { KeyEntry, WatchChange } from '../../../../shared/types';
import { compareKeys } from '../../ui/key-order';
import { lowerBound } from './rows';

/** One string per key, whatever its encoding (a key's bytes have one encoding on the wire). */
export const keyId = (k: Bytes): string => (k.encoding === 'utf8' ? `u:${k.data}` : `b:${k.data}`);

export interface ListingModel {
  readonly items: readonly KeyEntry[];
  /** More pages follow the loaded ones. */
  readonly more: boolean;
  /** The revision the listing was read at. */
  readonly listRevision: number;
  /** Keys gained (+) or lost (−) since the listing: added to the count taken at `listRevision`. */
  readonly delta: number;
  /** Changes to keys past the loaded pages, newest per key, waiting for their page. */
  readonly beyond: ReadonlyMap<string, WatchChange>;
  /**
   * Rows still shown, marked deleted, for a moment after their delete (ids); they count as absent.
   * Only when `markDeletes` is set on apply; the owner removes them later (`withoutRows`).
   */
  readonly gone?: { has(id: string): boolean };
}

export interface ApplyResult {
  readonly model: ListingModel;
  /** Ids of the loaded rows that were inserted or updated (for a brief highlight). */
  readonly changed: readonly string[];
  /** Ids of rows deleted and kept on screen, marked (with `markDeletes`). */
  readonly marked: readonly string[];
  /** Ids of marked rows that a put brought back. */
  readonly revived: readonly string[];
  /** Changes that were not already on screen. */
  readonly applied: number;
  /** How the count changed per key (+1 created, −1 deleted; keys whose count did not change are absent). */
  readonly deltas: readonly KeyDelta[];
}

/** A key's contribution to the count's change since the listing's revision. */
export interface KeyDelta {
  readonly key: Bytes;
  readonly d: number;
}

/**
 * A string whose code-unit order is the key's byte order: the key itself when it is ASCII, else
 * its bytes as char codes 0–255. Computed once per key, it makes a sort of a burst cheap.
 */
export function orderKey(k: Bytes): string {
  if (k.encoding === 'utf8' && ASCII.test(k.data)) return k.data;
  const b = toUint8(k);
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}
const ASCII = /^[\x00-\x7f]*$/;

export const emptyBeyond: ReadonlyMap<string, WatchChange> = new Map();

function entryOf(c: WatchChange, old: KeyEntry | undefined): KeyEntry {
  return {
    key: c.key,
    createRevision: c.createRevision || old?.createRevision || c.modRevision,
    modRevision: c.modRevision,
    version: c.version || (old ? old.version + 1 : 1),
    lease: c.lease,
    ...(c.size !== undefined ? { size: c.size } : old?.size !== undefined ? { size: old.size } : {}),
    ...(c.preview !== undefined ? { preview: c.preview, truncated: c.truncated ?? false } : {}),
  };
}

/** The key is inside the loaded range: a page that arrives later would not bring it. */
function inLoadedRange(m: Pick<ListingModel, 'items' | 'more'>, key: Bytes): boolean {
  if (!m.more) return true;
  const last = m.items[m.items.length - 1];
  return last !== undefined && compareKeys(key, last.key) <= 0;
}

/** Did the key exist at the listing's revision? (For keys past the loaded pages, which the app has not seen.) */
const existedAtListing = (c: WatchChange, listRevision: number) => c.createRevision > 0 && c.createRevision <= listRevision;

/**
 * Apply watch changes (in revision order; several per key allowed) to the model: one new items
 * array at most, built in one pass.
 */
export function applyChanges(model: ListingModel, changes: readonly WatchChange[], opts: { markDeletes?: boolean } = {}): ApplyResult {
  // Newest change per key, past the listing's revision.
  const latest = new Map<string, WatchChange>();
  for (const c of changes) {
    if (c.modRevision <= model.listRevision) continue;
    const id = keyId(c.key);
    const prev = latest.get(id);
    if (!prev || prev.modRevision <= c.modRevision) latest.set(id, c);
  }
  if (latest.size === 0) return { model, changed: [], marked: [], revived: [], applied: 0, deltas: [] };

  let delta = model.delta;
  let beyond: Map<string, WatchChange> | null = null;
  let counted = 0;
  const deltas: KeyDelta[] = [];
  const inRange: WatchChange[] = [];
  for (const [id, c] of latest) {
    if (inLoadedRange(model, c.key)) {
      inRange.push(c);
      continue;
    }
    const known = (beyond ?? model.beyond).get(id);
    if (known && known.modRevision >= c.modRevision) continue;
    const existed = known ? known.type === 'put' : existedAtListing(c, model.listRevision);
    const exists = c.type === 'put';
    const d = (exists ? 1 : 0) - (existed ? 1 : 0);
    delta += d;
    if (d !== 0) deltas.push({ key: c.key, d });
    beyond ??= new Map(model.beyond);
    beyond.set(id, c);
    counted++;
  }
  const merged = mergeSorted(model.items, inRange, model.gone, opts.markDeletes ?? false);
  delta += merged.delta;
  const applied = merged.changed.length + merged.removed + counted;
  if (applied === 0) return { model, changed: [], marked: [], revived: [], applied: 0, deltas: [] };
  return {
    model: { ...model, items: merged.items, delta, beyond: beyond ?? model.beyond },
    changed: merged.changed,
    marked: merged.marked,
    revived: merged.revived,
    applied,
    deltas: merged.deltas.length > 0 ? deltas.concat(merged.deltas) : deltas,
  };
}

/** Merge changes (any order, one per key) into key-sorted rows: a sort of the changes, then one pass. */
function mergeSorted(items: readonly KeyEntry[], unsorted: readonly WatchChange[], gone?: { has(id: string): boolean }, markDeletes = false) {
  const marked: string[] = [];
  const revived: string[] = [];
  const deltas: KeyDelta[] = [];
  if (unsorted.length === 0) return { items, changed: [] as string[], removed: 0, delta: 0, marked, revived, deltas };
  const sorted = unsorted.map((c) => ({ c, o: orderKey(c.key) })).sort((a, b) => (a.o < b.o ? -1 : a.o > b.o ? 1 : 0));
  const out: KeyEntry[] = [];
  const changed: string[] = [];
  let removed = 0;
  let delta = 0;
  let i = 0;
  // Rows before the first change are copied without comparing each of them.
  const first = lowerBound(items, sorted[0].c.key);
  for (; i < first; i++) out.push(items[i]);
  let io = i < items.length ? orderKey(items[i].key) : '';
  const advance = () => {
    out.push(items[i++]);
    io = i < items.length ? orderKey(items[i].key) : '';
  };
  for (const { c, o } of sorted) {
    while (i < items.length && io < o) advance();
    const same = i < items.length && io === o ? items[i] : undefined;
    if (same) {
      i++;
      io = i < items.length ? orderKey(items[i].key) : '';
    }
    if (same && same.modRevision >= c.modRevision) {
      // The row already shows this or a newer write (the app's own save, for example).
      out.push(same);
      continue;
    }
    const id = keyId(c.key);
    const wasGone = same !== undefined && gone !== undefined && gone.has(id);
    if (c.type === 'put') {
      out.push(entryOf(c, same));
      changed.push(id);
      if (!same || wasGone) {
        delta++;
        deltas.push({ key: c.key, d: 1 });
      }
      if (wasGone) revived.push(id);
    } else if (same && wasGone) {
      out.push(same);
    } else if (same) {
      removed++;
      delta--;
      deltas.push({ key: c.key, d: -1 });
      if (markDeletes) {
        out.push(same);
        marked.push(id);
      }
    }
  }
  for (; i < items.length; i++) out.push(items[i]);
  if (changed.length === 0 && removed === 0) return { items, changed, removed, delta, marked, revived, deltas };
  return { items: out, changed, removed, delta, marked, revived, deltas };
}

/**
 * A later page of the listing arrived (read at `listRevision`): add it, then merge the changes
 * remembered for its key range, which the page cannot know. Counted already, so `delta` stays.
 */
export function appendPage(model: ListingModel, page: readonly KeyEntry[], more: boolean): ListingModel {
  const withPage: ListingModel = { ...model, items: model.items.concat(page), more };
  if (model.beyond.size === 0) return withPage;
  const due: WatchChange[] = [];
  const rest = new Map<string, WatchChange>();
  for (const [id, c] of model.beyond) {
    if (inLoadedRange(withPage, c.key)) due.push(c);
    else rest.set(id, c);
  }
  const merged = mergeSorted(withPage.items, due);
  return { ...withPage, items: merged.items, beyond: rest };
}

/** Rows with changes merged in (one per key, any order); rows already newer than a change keep theirs. */
export function mergeChanges(items: readonly KeyEntry[], changes: readonly WatchChange[]): readonly KeyEntry[] {
  return mergeSorted(items, changes).items;
}

/** The rows without those whose ids are in `ids` (marked deleted rows whose moment passed). */
export function withoutRows(items: readonly KeyEntry[], ids: { has(id: string): boolean }): readonly KeyEntry[] {
  const kept = items.filter((e) => !ids.has(keyId(e.key)));
  return kept.length === items.length ? items : kept;
}

/** The total to show: the count at the listing's revision plus what changed since. */
export const liveTotal = (count: number | null, delta: number): number | null => (count === null ? null : Math.max(0, count + delta));
