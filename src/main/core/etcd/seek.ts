/**
 * Jumping into a big listing without walking the pages before the place: the last keys of a
 * prefix (End), the page at an index (a dragged scrollbar thumb), the page at the first key >= a
 * typed key. All at one revision, keys only.
 *
 * Never a descending Range: etcd 3.4 answers one by reading the whole range, values included, and
 * sorting it (~1 s and +170 MB at 500k keys for `limit 10`). Instead a key at a wanted index is
 * located by count-only bisection over key bytes: each probe counts one bounded window, the side of
 * the current interval nearer to the index (near the end for End), so what etcd walks shrinks with
 * every probe. Probes are placed by interpolation (keys as numbers, `KeyScale`) while that halves
 * the interval, by numeric bisection otherwise, so round trips stay logarithmic. Then one
 * keys-only ascending read through bounded windows (`collectWindowed`) returns the page.
 */
import type { Bytes } from '../../../shared/bytes';
import type { KeyEntry, SeekPage } from '../../../shared/types';
import { prefixEnd, toBuffer } from './bytes';
import { failure } from './errors';
import { bytesOf, entryOf, type RangeReq } from './range-page';
import { collectWindowed, KeyScale, readRangeRaw, type RangeReader } from './scan';
import type { EtcdSession } from './session';

/** Where to jump: the last page, the page at a 0-based index, or the first key >= a key. */
export type SeekTarget = { readonly end: true } | { readonly offset: number } | { readonly key: Bytes };

export interface SeekRequest {
  readonly prefix: Bytes;
  readonly to: SeekTarget;
  readonly limit: number;
  /** 0/absent: the latest revision, fixed by the first request. */
  readonly revision?: number;
}

/** Extra keys the final read may have to skip before the wanted index (saves probes near the end). */
const SLACK_MIN = 4096;
/** Safety net: each probe strictly narrows the interval, this is never reached with real keys. */
const MAX_PROBES = 4096;
const ZERO = Buffer.from([0]);

const commonPrefixLength = (a: Buffer, b: Buffer): number => {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
};

/** [start, end) of a prefix; end null = to the end of the keyspace. */
function prefixBounds(prefix: Buffer): { start: Buffer; end: Buffer | null } {
  if (prefix.length === 0) return { start: ZERO, end: null };
  const e = prefixEnd(prefix);
  return { start: prefix, end: e.length === 1 && e[0] === 0 ? null : e };
}

/** Totals are fixed at a pinned revision: remembered per session, prefix and revision. */
const totals = new WeakMap<object, Map<string, number>>();
const TOTALS_MAX = 32;

function rememberTotal(owner: object, prefix: Buffer, revision: number, total: number): void {
  let m = totals.get(owner);
  if (!m) totals.set(owner, (m = new Map()));
  m.set(`${revision}:${prefix.toString('hex')}`, total);
  if (m.size > TOTALS_MAX) m.delete(m.keys().next().value!);
}
const knownTotal = (owner: object, prefix: Buffer, revision: number): number | undefined =>
  revision > 0 ? totals.get(owner)?.get(`${revision}:${prefix.toString('hex')}`) : undefined;

/**
 * A point with the number of keys of the prefix below it (`rank`): the prefix's start, a probe,
 * or the first key at or after a probe (which has the probe's rank).
 */
interface Bound {
  readonly at: Buffer;
  readonly rank: number;
}

/**
 * A point whose rank is in [target - slack, target], found by count-only probes over bounded
 * windows inside [lo, hi). `hi.at` null is the end of the keyspace.
 *
 * Two kinds of probe. Numeric: a point between lo and hi as numbers over the bytes after their
 * common prefix, by interpolation while that halves the interval, else halfway. Above: counting
 * [m, hi) with keys only and limit 1 also returns the first key >= m, which has m's rank and
 * becomes the new bound (a real key, so the next common prefix is as long as the keys allow).
 * A probe of lo's enclosing folders (prefixEnd of lo's first j bytes) was tried and dropped: it
 * saved round trips under deep folders but counted 7x more keys (bench: slower on both shapes).
 * Known cost: keys that share long stretches of bytes take up to 8 probes per shared byte.
 */
async function locate(
  read: RangeReader,
  revision: number,
  target: number,
  slack: number,
  lo0: Bound,
  hi0: { at: Buffer | null; rank: number },
): Promise<{ lo: Bound; hi: { at: Buffer | null; rank: number } }> {
  let lo = lo0;
  let hi = hi0;
  let interpolate = true;
  const above = async (m: Buffer): Promise<Bound & { found: boolean }> => {
    const p = await read({ key: m, end: hi.at, limit: 1, revision, keysOnly: true });
    return p.length > 0 ? { at: Buffer.from(p.key(0)), rank: hi.rank - p.count, found: true } : { at: m, rank: hi.rank, found: false };
  };
  for (let probes = 0; target - lo.rank > slack && probes < MAX_PROBES; probes++) {
    const width = hi.rank - lo.rank;
    const common = hi.at === null ? 0 : commonPrefixLength(lo.at, hi.at);
    const base = lo.at.subarray(0, common);
    const hiUnder = hi.at !== null && hi.at.length >= base.length && hi.at.subarray(0, base.length).equals(base);
    let m: Buffer | undefined;
    const first = Math.min(64, Math.max(4, Math.max(lo.at.length, hi.at?.length ?? 0) - base.length + 1));
    for (let digits = first; ; digits = Math.min(64, digits + 8)) {
      const scale = new KeyScale(base, digits);
      const a = scale.num(lo.at);
      const b = hiUnder ? scale.num(hi.at!) : scale.max;
      // Interpolate aiming a little past the target (so a probe at the target lands on the low
      // side); bisect after a probe that did not halve the interval.
      const t = interpolate ? Math.min(0.999, Math.max(0.001, (target - lo.rank + 1) / width)) : 0.5;
      const n = a + ((b - a) * BigInt(Math.round(t * 1e6))) / 1_000_000n;
      const c = scale.key(n > a ? n : a + 1n);
      if (Buffer.compare(c, lo.at) > 0 && (hi.at === null || Buffer.compare(c, hi.at) < 0)) {
        m = c;
        break;
      }
      if (digits === 64) break;
    }
    if (!m) break; // lo and hi cannot be told apart in 64 bytes: the final read walks the rest
    let next: Bound;
    if ((target - lo.rank) / width > 0.5) {
      next = await above(m);
    } else {
      const p = await read({ key: lo.at, end: m, revision, countOnly: true });
      next = { at: m, rank: lo.rank + p.count };
      // Nothing between lo and m: the keys cluster further up; the first of them is the new lo.
      if (p.count === 0 && next.rank <= target) next = await above(m);
    }
    if (next.rank <= target) lo = next;
    else hi = next;
    interpolate = hi.rank - lo.rank <= width / 2;
  }
  return { lo, hi };
}

/**
 * One jump: the page at the place `req.to` names. `read` sends one Range (it must be a whole read
 * operation: `seek` runs it inside `session.run('read')`); `owner` keys the memory of totals.
 */
export async function seekWith(read0: RangeReader, req: SeekRequest, owner: object = read0): Promise<SeekPage> {
  const prefix = toBuffer(req.prefix);
  const { start, end } = prefixBounds(prefix);
  const limit = Math.max(1, Math.floor(req.limit));
  let roundTrips = 0;
  const read: RangeReader = (r: RangeReq) => {
    roundTrips++;
    return read0(r);
  };
  let revision = req.revision && req.revision > 0 ? req.revision : 0;
  let total = knownTotal(owner, prefix, revision);
  const to = req.to;
  let from: Bound;
  let hi: { at: Buffer | null; rank: number };
  let wantIndex: number;
  if ('key' in to) {
    // The rank of the typed key, counted on its near side is unknown: count below it (bounded by
    // the key) and, if the total is not known yet, above it too (bounded by the prefix end).
    let k = toBuffer(to.key);
    if (Buffer.compare(k, start) < 0) k = start;
    if (end !== null && Buffer.compare(k, end) > 0) k = end;
    const below = await read({ key: start, end: k, revision, countOnly: true });
    if (!revision) revision = below.revision;
    if (total === undefined) {
      const above = await read({ key: k, end, revision, countOnly: true });
      total = below.count + above.count;
    }
    from = { at: k, rank: below.count };
    hi = { at: end, rank: total };
    wantIndex = below.count;
  } else {
    if (total === undefined) {
      const all = await read({ key: start, end, revision, countOnly: true });
      if (!revision) revision = all.revision;
      total = all.count;
    }
    wantIndex = 'end' in to ? Math.max(0, total - limit) : Math.max(0, Math.floor(to.offset));
    if (wantIndex >= total) {
      rememberTotal(owner, prefix, revision, total);
      return { items: [], index: total, total, revision, more: false, nextCursor: null, roundTrips };
    }
    const located = await locate(read, revision, wantIndex, Math.max(SLACK_MIN, limit), { at: start, rank: 0 }, { at: end, rank: total });
    from = located.lo;
    hi = located.hi;
  }
  rememberTotal(owner, prefix, revision, total);
  if (wantIndex >= total) {
    return { items: [], index: total, total, revision, more: false, nextCursor: null, roundTrips };
  }
  const skip = wantIndex - from.rank;
  const want = Math.min(skip + limit + 1, total - from.rank);
  // Density for the windows of the final read, from the interval the probes narrowed down to.
  const scale = KeyScale.for(prefix, from.at, ...(hi.at ? [hi.at] : []));
  const underPrefix = hi.at !== null && hi.at.subarray(0, prefix.length).equals(prefix);
  const span = (underPrefix ? scale.num(hi.at!) : scale.max) - scale.num(from.at);
  const keysBetween = Math.max(1, hi.rank - from.rank);
  const w = await collectWindowed(read, {
    from: from.at,
    end,
    want,
    revision,
    keysOnly: true,
    hint: { scale, unitsPerKey: span / BigInt(keysBetween) > 0n ? span / BigInt(keysBetween) : 1n },
    remaining: total - from.rank,
  });
  const items: KeyEntry[] = [];
  let seen = 0;
  let last: Buffer | undefined;
  for (const p of w.pages) {
    for (let i = 0; i < p.length && items.length < limit; i++, seen++) {
      if (seen < skip) continue;
      items.push(entryOf(p, i, true, 0));
      last = p.key(i);
    }
  }
  const index = wantIndex;
  const more = index + items.length < total;
  return { items, index, total, revision, more, nextCursor: more && last ? bytesOf(last) : null, roundTrips };
}

/** `seekWith` on a session: one read operation (the session's deadline and retry policy). */
export function seek(session: EtcdSession, req: SeekRequest): Promise<SeekPage> {
  if (req.revision !== undefined && (!Number.isSafeInteger(req.revision) || req.revision < 0)) {
    return Promise.reject(failure('INVALID_ARGUMENT', 'The revision must be a whole number ≥ 0.', { field: 'revision' }));
  }
  return session.run('read', () => seekWith((r) => readRangeRaw(session, r), req, session));
}
