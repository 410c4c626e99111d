/**
 * The grid spans every key under the prefix, loaded or not. Rows are loaded in at most two runs:
 * the head (from the first key, page after page: `items`) and one jump run where the user went
 * (End, a dragged thumb, a typed key), with placeholder rows between and after them. A run is
 * contiguous and sorted; the head and the jump run become one when they meet.
 *
 * Indices are display indices: the listing's revision's index plus the keys created (+1) or
 * deleted (−1) since, below the row (`shiftBefore`). The jump run's pages are read at the
 * listing's revision like the head's, so live changes in its range are merged into it on arrival.
 */
import type { Bytes } from '../../../../shared/bytes';
import type { KeyEntry, WatchChange } from '../../../../shared/types';
import { compareKeys } from '../../ui/key-order';
import { keyId, mergeChanges, type KeyDelta } from './live-listing';
import { lowerBound } from './rows';

export interface JumpRun {
  /** The display index of `items[0]`. */
  readonly start: number;
  /**
   * The index of `items[0]` at the listing's revision (kv:seek's), where the page before the run
   * is read from; live changes at the run's first row may leave it a row or two off.
   */
  readonly listIndex: number;
  readonly items: readonly KeyEntry[];
  /** Keys follow the run's last one: its next page continues from `nextCursor`. */
  readonly more: boolean;
  readonly nextCursor: Bytes | null;
}

export interface HeadRun {
  readonly items: readonly KeyEntry[];
  readonly more: boolean;
  readonly nextCursor: Bytes | null;
}

/** The row at display index `i`, or undefined for a placeholder (not loaded). */
export function rowAt(head: readonly KeyEntry[], jump: JumpRun | null, i: number): KeyEntry | undefined {
  if (i < head.length) return head[i];
  if (jump && i >= jump.start && i < jump.start + jump.items.length) return jump.items[i - jump.start];
  return undefined;
}

/** The display index of a loaded key, or -1. Binary searches: the runs are sorted. */
export function indexOfKey(head: readonly KeyEntry[], jump: JumpRun | null, key: Bytes): number {
  const i = lowerBound(head, key);
  if (i < head.length && compareKeys(head[i].key, key) === 0) return i;
  if (jump) {
    const j = lowerBound(jump.items, key);
    if (j < jump.items.length && compareKeys(jump.items[j].key, key) === 0) return jump.start + j;
  }
  return -1;
}

/** Index of the first row whose key is > `key`. */
function upperBound(items: readonly KeyEntry[], key: Bytes): number {
  const i = lowerBound(items, key);
  return i < items.length && compareKeys(items[i].key, key) === 0 ? i + 1 : i;
}

/**
 * The head once it met the jump run (it reached the run's start, or the end of the keyspace):
 * one run, with the jump run's continuation. Null while a gap remains between them.
 */
export function joinRuns(head: HeadRun, jump: JumpRun | null): HeadRun | null {
  if (!jump) return null;
  if (!head.more || jump.items.length === 0) return head;
  const last = head.items[head.items.length - 1];
  const meets = head.items.length >= jump.start || (last !== undefined && compareKeys(last.key, jump.items[0].key) >= 0);
  if (!meets) return null;
  const from = last ? upperBound(jump.items, last.key) : 0;
  if (from === jump.items.length) return jump.more ? head : { ...head, more: false, nextCursor: null };
  return { items: head.items.concat(jump.items.slice(from)), more: jump.more, nextCursor: jump.nextCursor };
}

/** How many keys were created (+) or deleted (−) since the listing below `key`. */
export function shiftBefore(net: ReadonlyMap<string, KeyDelta>, key: Bytes): number {
  let shift = 0;
  for (const { key: k, d } of net.values()) if (compareKeys(k, key) < 0) shift += d;
  return shift;
}

/** Add per-key count changes to the running net (entries that cancel out are dropped). */
export function addDeltas(net: Map<string, KeyDelta>, deltas: readonly KeyDelta[]): void {
  for (const { key, d } of deltas) {
    const id = keyId(key);
    const sum = (net.get(id)?.d ?? 0) + d;
    if (sum === 0) net.delete(id);
    else net.set(id, { key, d: sum });
  }
}

/** The key is inside the run's range: a page read later would not bring a change to it. */
function inRun(run: Pick<JumpRun, 'items' | 'more'>, key: Bytes): boolean {
  const first = run.items[0];
  if (!first || compareKeys(key, first.key) < 0) return false;
  if (!run.more) return true;
  return compareKeys(key, run.items[run.items.length - 1].key) <= 0;
}

/** The newest change per key. */
function dedupe(changes: Iterable<WatchChange>): WatchChange[] {
  const latest = new Map<string, WatchChange>();
  for (const c of changes) {
    const id = keyId(c.key);
    const prev = latest.get(id);
    if (!prev || prev.modRevision <= c.modRevision) latest.set(id, c);
  }
  return [...latest.values()];
}

/** Changes whose key lies in the run's range, the newest per key. */
function changesIn(run: Pick<JumpRun, 'items' | 'more'>, changes: Iterable<WatchChange>): WatchChange[] {
  return dedupe([...changes].filter((c) => inRun(run, c.key)));
}

/**
 * Live changes reach the jump run: those in its range are merged into its rows, and those below
 * it that changed the count move it (`deltas`, from applyChanges or the app's own writes).
 */
export function applyToJump(jump: JumpRun, changes: readonly WatchChange[], deltas: readonly KeyDelta[]): JumpRun {
  const first = jump.items[0];
  if (!first) return jump;
  let start = jump.start;
  for (const { key, d } of deltas) if (compareKeys(key, first.key) < 0) start += d;
  const mine = changesIn(jump, changes);
  const items = mine.length > 0 ? mergeChanges(jump.items, mine) : jump.items;
  return start === jump.start && items === jump.items ? jump : { ...jump, start, items };
}

/**
 * A page read at the listing's revision, placed at `start`: the changes seen since for its range
 * (`beyond`, the ones past the head) are merged in, which the page cannot know.
 */
export function pageRun(
  at: { readonly start: number; readonly listIndex: number },
  items: readonly KeyEntry[],
  more: boolean,
  nextCursor: Bytes | null,
  beyond: ReadonlyMap<string, WatchChange>,
): JumpRun {
  const run = { ...at, items, more, nextCursor };
  const due = changesIn(run, beyond.values());
  return due.length > 0 ? { ...run, items: mergeChanges(items, due) } : run;
}

/** The run with the next page (read from its cursor) appended, and the changes for that range merged. */
export function appendToRun(run: JumpRun, page: readonly KeyEntry[], more: boolean, nextCursor: Bytes | null, beyond: ReadonlyMap<string, WatchChange>): JumpRun {
  const last = run.items[run.items.length - 1];
  const fresh = last ? page.slice(upperBound(page, last.key)) : page;
  const grown: JumpRun = { ...run, items: run.items.concat(fresh), more, nextCursor };
  const due = changesIn(grown, beyond.values()).filter((c) => !last || compareKeys(c.key, last.key) > 0);
  return due.length > 0 ? { ...grown, items: mergeChanges(grown.items, due) } : grown;
}

/** The run with the page before it prepended (only its keys below the run's first), start moved back. */
export function prependToRun(run: JumpRun, page: readonly KeyEntry[], beyond: ReadonlyMap<string, WatchChange>): JumpRun {
  const first = run.items[0];
  const before = first ? page.slice(0, lowerBound(page, first.key)) : page;
  if (before.length === 0) return run;
  const due = [...beyond.values()].filter((c) => compareKeys(c.key, before[0].key) >= 0 && (!first || compareKeys(c.key, first.key) < 0));
  const merged = due.length > 0 ? mergeChanges(before, dedupe(due)) : before;
  // What the page's range holds now sits right before the run.
  return { ...run, start: run.start - merged.length, listIndex: Math.max(0, run.listIndex - before.length), items: merged.concat(run.items) };
}
