/**
 * Reading big ranges: the pages of KvService.list after the first, and the whole-range scan
 * (`scan`) that export and search read the keyspace with.
 *
 * The server is what makes paging slow. etcd (3.4, and still 3.5/3.6) walks the whole rest of
 * [key, range_end) in its in-memory index to compute `count`, whatever the `limit`: a page of 500
 * at the start of 1M keys costs ~130 ms on the server, the same page with a range_end 10k keys
 * further ~2 ms. So paging with an open range_end is O(N^2). We page with *bounded windows*: the
 * end of each window is guessed from the key density seen so far (keys as numbers, `KeyScale`); a
 * window that turns out to hold more than a page is split using its `count`; an empty one grows
 * the next guess. Guesses only affect speed: windows are disjoint and cover the range exactly.
 * Windows are independent, so a scan keeps several in flight and hands pages over in key order.
 *
 * Pages with values are read through etcd3's public `kv.range` (`readRange`); the whole-range scan
 * and keys-only pages use our own decoder (`readRangeRaw`; range-page.ts says why, with numbers).
 */
import { type RangePage, type RangeReq, toRangeRequest, KvsPage } from './range-page';
import type { EtcdSession } from './session';

/** Sends one Range; a RangeReader is how the windowed algorithms below read. */
export type RangeReader = (req: RangeReq) => Promise<RangePage>;

/**
 * One Range through etcd3's public client, decoded by etcd3. Must run inside
 * `session.run('read', ...)`, which gives it the deadline and the session's retry policy and maps
 * errors.
 */
export const readRange = (session: EtcdSession, req: RangeReq): Promise<RangePage> =>
  session.rpc.range(toRangeRequest(req)).then((res) => new KvsPage(res));

/** The same Range decoded by our own decoder (rpc.ts `rangeRaw`): whole-range scans, keys-only pages. */
export const readRangeRaw = (session: EtcdSession, req: RangeReq): Promise<RangePage> => session.rpc.rangeRaw(req);

// ---------------------------------------------------------------------------------------------
// Keys as numbers, to guess window ends

/**
 * Maps keys under `base` to integers: the `digits` bytes after the base, big-endian, zero padded
 * (longer keys are truncated, which keeps the order; a guess never needs more precision).
 */
export class KeyScale {
  readonly max: bigint;
  constructor(
    readonly base: Buffer,
    readonly digits: number,
  ) {
    this.max = 1n << BigInt(8 * digits);
  }

  static for(base: Buffer, ...keys: Buffer[]): KeyScale {
    const longest = Math.max(0, ...keys.map((k) => k.length));
    return new KeyScale(base, Math.min(64, Math.max(4, longest - base.length + 1)));
  }

  num(key: Buffer): bigint {
    const start = this.base.length;
    const end = Math.min(key.length, start + this.digits);
    const hex = start < end ? key.toString('hex', start, end) : '';
    return BigInt(`0x0${hex.padEnd(2 * this.digits, '0')}`);
  }

  key(n: bigint): Buffer {
    const hex = n.toString(16).padStart(2 * this.digits, '0');
    return Buffer.concat([this.base, Buffer.from(hex, 'hex')]);
  }

  /** Key-space units per key between keys[i] and keys[j] (i < j), at least 1. */
  static unitsPerKey(scale: KeyScale, a: Buffer, b: Buffer, keysBetween: number): bigint {
    const d = scale.num(b) - scale.num(a);
    const u = keysBetween > 0 ? d / BigInt(keysBetween) : d;
    return u > 0n ? u : 1n;
  }

  /**
   * `from` moved by `units`, as a window end: strictly greater than `from` (and than from + "\0"),
   * or `end` (null = end of keyspace) when it would reach or pass it.
   */
  advance(from: Buffer, units: bigint, end: Buffer | null): Buffer | null {
    const n = this.num(from) + (units > 0n ? units : 1n);
    if (n >= this.max) return end;
    const e = this.key(n);
    if (Buffer.compare(e, from) <= 0) return end; // from is not under base: no guess possible
    if (end && Buffer.compare(e, end) >= 0) return end;
    return e;
  }
}

/** What a listing learned about key density; carried from one page to the next. */
export interface DensityHint {
  readonly scale: KeyScale;
  readonly unitsPerKey: bigint;
}

/** Density of the last quarter of a page (recent density predicts the next page best). */
export function hintFromPage(base: Buffer, keys: readonly Buffer[]): DensityHint | undefined {
  if (keys.length < 2) return undefined;
  const last = keys[keys.length - 1];
  const i = keys.length >= 8 ? Math.floor((keys.length * 3) / 4) : 0;
  const scale = KeyScale.for(base, keys[0], last);
  return { scale, unitsPerKey: KeyScale.unitsPerKey(scale, keys[i], last, keys.length - 1 - i) };
}

const ZERO = Buffer.from([0]);
const succ = (key: Buffer): Buffer => Buffer.concat([key, ZERO]);
const cmpEnd = (a: Buffer | null, b: Buffer | null): number => (a === b ? 0 : a === null ? 1 : b === null ? -1 : Buffer.compare(a, b));

// ---------------------------------------------------------------------------------------------
// One page through bounded windows (used by KvService.list for pages after the first)

/** What `collectWindowed` collects: the first `want` keys of [from, end) at `revision`. */
export interface WindowedPageRequest {
  readonly from: Buffer;
  readonly end: Buffer | null;
  /** How many keys to collect (a list page asks limit + 1 to know whether there are more). */
  readonly want: number;
  readonly revision: number;
  readonly keysOnly: boolean;
  readonly hint: DensityHint;
  /**
   * Keys in [from, end) at the revision, when known (from the listing's first page): then no
   * request goes past the last key to find out that there is nothing more.
   */
  readonly remaining?: number;
}

/** The pages `collectWindowed` read, in key order (together at least `want` keys unless exhausted). */
export interface WindowedPage {
  readonly pages: RangePage[];
  readonly got: number;
  readonly revision: number;
  /** Every key of [from, end) at the revision was seen (fewer than `want` exist). */
  readonly exhausted: boolean;
  readonly requests: number;
  /**
   * Density over every window read (their widths over the keys etcd counted in them, gaps
   * included): a better guess for the next page than the keys of this one.
   */
  readonly hint?: DensityHint;
}

/** A window is sized to hold this many times the keys still needed (walking a few thousand
 * extra keys costs etcd well under a millisecond; one more round trip costs more). */
const WINDOW_SLACK = 4n;
/** A window that held too few keys: the next one is this many times wider. */
const WINDOW_GROWTH = 16n;
/** Windows holding more than this many times the keys needed do not teach the density. */
const WINDOW_LEARN_MAX = 32;
/** After this many windows in a row without enough keys, read to the end of the range. */
const MAX_MISSES = 12;

const commonPrefixLength = (a: Buffer, b: Buffer): number => {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
};

/**
 * After the window [a, b) held too few keys, the end of the next one: the end of a subtree that
 * contains b, `levels` bytes above the longest prefix a and b share. Keys cluster under common
 * prefixes, so gaps are crossed by climbing the key tree rather than by guessing numbers.
 */
function climb(base: Buffer, a: Buffer, b: Buffer, levels: number, end: Buffer | null): Buffer | null {
  const len = commonPrefixLength(a, b) - (levels - 1);
  if (len <= base.length) return end;
  const sub = Buffer.from(b.subarray(0, len));
  for (let i = sub.length - 1; i >= base.length; i--) {
    if (sub[i] < 0xff) {
      sub[i]++;
      const c = sub.subarray(0, i + 1);
      return end && Buffer.compare(c, end) >= 0 ? end : c;
    }
  }
  return end;
}

/**
 * Collects the first `want` keys of [from, end) with bounded windows: each request costs the
 * server O(keys in its window) instead of O(keys up to the end of the range). `read` sends one
 * Range (KvService.list passes `readRange` inside its `session.run('read', ...)`, so every window
 * shares the page's deadline).
 */
export async function collectWindowed(read: RangeReader, req: WindowedPageRequest): Promise<WindowedPage> {
  const { scale } = req.hint;
  const pages: RangePage[] = [];
  let revision = req.revision;
  let got = 0;
  let from = req.from;
  const units = req.hint.unitsPerKey * BigInt(req.want) * WINDOW_SLACK;
  let requests = 0;
  let spanUnits = 0n;
  let spanKeys = 0;
  let misses = 0;
  let nextEnd: Buffer | null | undefined;
  const want = req.remaining === undefined ? req.want : Math.min(req.want, req.remaining);
  const learned = (): DensityHint | undefined =>
    spanKeys > 0 && spanUnits > 0n ? { scale, unitsPerKey: spanUnits / BigInt(spanKeys) || 1n } : undefined;
  if (want <= 0) return { pages, got, revision, exhausted: true, requests, hint: req.hint };
  for (;;) {
    const need = want - got;
    // Past a long gap (or the last key): one request to the end of the range. If the keys are
    // all behind us it costs nothing; if a far cluster is ahead, it costs what plain paging costs.
    const to = misses >= MAX_MISSES ? req.end : nextEnd !== undefined ? nextEnd : scale.advance(from, units, req.end);
    const page = await read({ key: from, end: to, limit: need, revision, keysOnly: req.keysOnly });
    requests++;
    if (!revision) revision = page.revision;
    if (page.length > 0) pages.push(page);
    got += page.length;
    const bounded = cmpEnd(to, req.end) !== 0;
    const width = bounded ? scale.num(to!) - scale.num(from) : 0n;
    // Learn from windows of a sensible size only: a window that walked a huge stretch (after
    // climbing over a gap) averages in empty key space and would oversize the next one.
    if (bounded && page.count <= WINDOW_LEARN_MAX * want) {
      spanUnits += width;
      spanKeys += page.count;
    }
    if (got >= want || page.more) {
      return { pages, got, revision, exhausted: got === req.remaining, requests, hint: learned() };
    }
    if (!bounded) return { pages, got, revision, exhausted: true, requests, hint: learned() };
    // Too few keys in this window (a gap in the keyspace): a much wider one next, numerically
    // and up the key tree (1, 1, 2, 2, 4, ... levels), whichever reaches further.
    misses++;
    const numeric = scale.advance(to!, width * WINDOW_GROWTH, req.end);
    const tree = climb(scale.base, from, to!, 2 ** ((misses - 1) >> 1), req.end);
    nextEnd = cmpEnd(numeric, tree) >= 0 ? numeric : tree;
    from = to!;
  }
}

// ---------------------------------------------------------------------------------------------
// Whole-range scan

/** What `scan` reads and how (defaults suit a whole-keyspace export or search). */
export interface ScanOptions {
  /** Keys with this prefix; empty or absent = the whole keyspace. */
  readonly prefix?: Buffer;
  readonly keysOnly?: boolean;
  /** Read at this revision (0/absent: the latest, fixed by the first request). */
  readonly revision?: number;
  /** Keys a window is sized for. Default: 10 000 keys only; with values, about 1 MiB. */
  readonly pageKeys?: number;
  /**
   * A window that holds more than expected is read whole up to this many response bytes
   * (default 2 MiB); beyond, the rest is read in further windows. Bounds the memory of a page.
   */
  readonly maxWindowBytes?: number;
  /** Requests in flight, default 4. */
  readonly concurrency?: number;
  /** Pages decoded but not yet handed over, at most (bounds memory), default concurrency + 1. */
  readonly maxBuffered?: number;
  /**
   * With values of very different sizes (a Kubernetes keyspace: 1 KB pods beside 1 MB
   * configmaps): keep each response near this many bytes. Every request's limit becomes this
   * over the largest key-value of the latest page (a handful of keys next to 1 MB values),
   * growing at most twofold per page and never above `maxLimit`; the first request asks for a
   * few keys. Absent: windows are sized from the first page's average (export, search).
   */
  readonly responseBytes?: number;
  /**
   * With `responseBytes`: the most keys one request asks for (default 128). Bounds a response
   * when small values are followed by large ones (128 x 1.5 MiB, etcd's largest value by
   * default, stays under the session's 256 MiB receive limit).
   */
  readonly maxLimit?: number;
}

/** What a finished `scan` read. */
export interface ScanStats {
  /** The revision every page was read at. */
  readonly revision: number;
  /** Keys handed to `onPage`. */
  readonly keys: number;
  /** Pages handed to `onPage` (empty windows are not handed over). */
  readonly pages: number;
  /** Range requests sent. */
  readonly requests: number;
  /** Bytes of keys and values handed over (about the response sizes). */
  readonly bytes: number;
  /** Keys etcd counted in the range at the revision (from the first response). */
  readonly total: number;
}

interface Window {
  readonly from: Buffer;
  /** Where this request ends. */
  readonly to: Buffer | null;
  readonly limit: number;
  readonly top: boolean;
  /**
   * Set on the windows that read the rest of a window which held more keys than its limit:
   * they go one after the other up to `until`, each sized from the density just seen, so the
   * keys of the crowded stretch are walked about once more instead of again and again.
   */
  readonly rest?: { readonly until: Buffer | null; readonly unitsPerKey: bigint };
  started: boolean;
  page?: RangePage;
  error?: unknown;
}

const DEFAULT_KEYS_ONLY_PAGE = 10_000;
/** With `responseBytes`: keys asked for by the first request, before any value size is known. */
const ADAPTIVE_FIRST_LIMIT = 4;
const ADAPTIVE_MAX_LIMIT = 128;
/** Tags, lengths and revisions of one key-value in a Range response. */
const KV_OVERHEAD = 24;
/** With values, windows are sized to hold about this much. */
const TARGET_PAGE_BYTES = 1024 * 1024;
/**
 * 1M keys-only, 4 in flight (bench, 2 cores, measured on the former raw decoder): 1 MiB 1.5 s /
 * 3.7 s (nested keys), 2 MiB 1.5 / 3.5, 8 MiB 1.2 / 2.8, etcdctl 4.4 / 5.4; RSS growth of the
 * scan ~80-130 MB at 2 MiB, ~240 at 8.
 */
const MAX_WINDOW_BYTES = 2 * 1024 * 1024;

/**
 * Reads every key (and value) under a prefix (empty: the whole keyspace) at one revision, and
 * hands the pages to `onPage` in key order, one at a time. For export and search.
 *
 * Guarantees:
 *  - Consistent: every page is read at the revision of the first response (or `opts.revision`),
 *    so concurrent writes never show up half-way; a compacted revision fails with COMPACTED.
 *  - Exact: every key of the range exactly once, in order, byte-exact (windows are disjoint and
 *    cover the range; keys and values as raw buffers, views into each response: copy what you
 *    keep beyond `onPage`).
 *  - Bounded: `onPage` is awaited (a slow consumer slows the scan), at most `maxBuffered` pages
 *    wait for it and at most `concurrency` requests are in flight; each page holds about
 *    `pageKeys` keys, or for big values about 1 MiB, and never more than `maxWindowBytes` unless
 *    a single window's first keys already exceed it.
 *  - Deadline and retries: each window is its own session read (`session.run('read')`): it has
 *    the session's full deadline and its retry policy (reads only, never a write). A scan of N
 *    keys therefore takes as long as it needs; each request is bounded. A failure of any window
 *    stops the scan and rejects with that window's AppFailure; pages already handed over stay
 *    valid.
 */
export function scan(session: EtcdSession, opts: ScanOptions, onPage: (page: RangePage) => void | Promise<void>): Promise<ScanStats> {
  return scanRanges((req) => session.run('read', () => readRangeRaw(session, req)), opts, onPage);
}

/**
 * `scan` over any Range operation: `get` must be a whole operation (its own deadline and error
 * mapping), as `scan` passes it. Exported for the tests of the window logic on an in-memory
 * keyspace (tests/unit/main/scan-windows.test.ts) and the benchmark's comparison of Range paths.
 */
export async function scanRanges(
  get0: (req: RangeReq) => Promise<RangePage>,
  opts: ScanOptions,
  onPage: (page: RangePage) => void | Promise<void>,
): Promise<ScanStats> {
  const base = opts.prefix ?? Buffer.alloc(0);
  const start = base.length === 0 ? ZERO : base;
  const end = base.length === 0 ? null : prefixEndOrNull(base);
  const keysOnly = opts.keysOnly === true;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const maxBuffered = Math.max(1, opts.maxBuffered ?? concurrency + 1);
  const adaptive = !keysOnly && opts.responseBytes !== undefined;
  const maxLimit = Math.max(2, opts.maxLimit ?? ADAPTIVE_MAX_LIMIT);
  let pageKeys = opts.pageKeys ?? (keysOnly ? DEFAULT_KEYS_ONLY_PAGE : adaptive ? ADAPTIVE_FIRST_LIMIT : 2_000);
  const stats = { revision: opts.revision ?? 0, keys: 0, pages: 0, requests: 0, bytes: 0, total: 0 };
  const get = (req: RangeReq): Promise<RangePage> => {
    stats.requests++;
    return get0(req);
  };
  const deliver = async (page: RangePage): Promise<void> => {
    stats.keys += page.length;
    stats.pages++;
    stats.bytes += page.bytes;
    await onPage(page);
  };

  const first = await get({ key: start, end, limit: pageKeys, revision: stats.revision, keysOnly });
  // A response's header carries the store's current revision, not the one read at: a revision
  // given by the caller stays the one every window reads at (else the windows after the first
  // would read the latest, writes after the caller's count included).
  if (!stats.revision) stats.revision = first.revision;
  stats.total = first.count;
  if (first.length > 0) await deliver(first);
  if (!first.more) return stats;
  const perKey = first.bytes / Math.max(1, first.length);
  if (opts.pageKeys === undefined && !keysOnly && !adaptive) {
    pageKeys = Math.max(100, Math.min(50_000, Math.floor(TARGET_PAGE_BYTES / perKey)));
  }
  // A window is sized to hold about pageKeys, but one that holds more is read whole up to this
  // cap: reading it again in parts would make etcd walk those keys again.
  let windowLimit = adaptive ? pageKeys : Math.max(pageKeys, Math.floor((opts.maxWindowBytes ?? MAX_WINDOW_BYTES) / perKey));
  /** `responseBytes`: the limit of the next requests from the largest key-value just read. */
  const adapt = (page: RangePage): void => {
    if (!adaptive || page.length === 0) return;
    let largest = 1;
    for (let i = 0; i < page.length; i++) largest = Math.max(largest, page.key(i).length + page.valueSize(i) + KV_OVERHEAD);
    pageKeys = Math.max(1, Math.min(maxLimit, pageKeys * 2, Math.floor(opts.responseBytes! / largest)));
    windowLimit = pageKeys;
  };
  adapt(first);

  const keys: Buffer[] = [];
  for (let i = 0; i < first.length; i++) keys.push(first.key(i));
  const hint = hintFromPage(base, keys);
  if (!hint) {
    // Fewer than two keys in the first page (pageKeys 1): no density to size windows by; page on.
    let page = first;
    while (page.more) {
      page = await get({ key: succ(page.lastKey()!), end, limit: pageKeys, revision: stats.revision, keysOnly });
      await deliver(page);
    }
    return stats;
  }

  // Windows in key order. `order` holds what is not yet delivered; a window that held more than
  // its limit is followed (in `order`) by the windows that read the rest of it.
  const scale = KeyScale.for(base, ...keys.slice(-1), first.key(0));
  let unitsPerKey = hint.unitsPerKey;
  let frontier: Buffer | null = succ(first.lastKey()!);
  let accounted = first.length; // keys known to be covered by finished top-level windows
  const order: Window[] = [];
  let inFlight = 0;
  // Level-triggered wake-up: a completion while we are handing a page over is not lost.
  let wake: (() => void) | null = null;
  let signalled = false;
  const signal = (): void => {
    signalled = true;
    const w = wake;
    wake = null;
    w?.();
  };

  /** The next window of a crowded stretch [from, until), holding about pageKeys keys. */
  const restWindow = (from: Buffer, until: Buffer | null, upk: bigint): Window => {
    const to = scale.advance(from, upk * BigInt(pageKeys), until);
    return { from, to, limit: windowLimit, top: false, rest: { until, unitsPerKey: upk }, started: false };
  };

  /** What follows a finished window inside the stretch it belongs to (none: the stretch is done). */
  const follow = (w: Window, page: RangePage): Window | undefined => {
    const until = w.rest ? w.rest.until : w.to;
    if (page.more) {
      // More keys than the limit: continue after the last one, at the density of this page's end.
      const n = page.length;
      const i = n >= 8 ? Math.floor((n * 3) / 4) : 0;
      const upk = n >= 2 ? KeyScale.unitsPerKey(scale, page.key(i), page.key(n - 1), n - 1 - i) : unitsPerKey;
      return restWindow(succ(page.lastKey()!), until, upk);
    }
    if (!w.rest || cmpEnd(w.to, until) >= 0) return undefined;
    // A rest window read all of its keys: the next one, sized from what this one held.
    const width = scale.num(w.to!) - scale.num(w.from);
    const upk = page.count > 0 ? width / BigInt(page.count) || 1n : w.rest.unitsPerKey * 16n;
    return restWindow(w.to!, until, upk);
  };

  const launch = (w: Window): void => {
    w.started = true;
    inFlight++;
    get({ key: w.from, end: w.to, limit: w.limit, revision: stats.revision, keysOnly }).then(
      (page) => {
        inFlight--;
        w.page = page;
        adapt(page);
        if (w.top) {
          accounted += page.count;
          // Re-estimate the density at the frontier from this window.
          const width = (w.to ? scale.num(w.to) : scale.max) - scale.num(w.from);
          unitsPerKey = page.count > 0 ? width / BigInt(page.count) || 1n : unitsPerKey * 4n;
          if (accounted >= stats.total) frontier = null;
        }
        const next = follow(w, page);
        if (next) order.splice(order.indexOf(w) + 1, 0, next);
        signal();
      },
      (err) => {
        inFlight--;
        w.error = err;
        signal();
      },
    );
  };

  const buffered = (): number => order.filter((w) => w.page || w.error).length;

  // Stopped (the consumer threw, or a window failed): the requests still in flight are waited
  // for, so that no read of this scan outlives it (a cancelled job reads nothing after it ends).
  try {
    for (;;) {
      // Start what we may, earliest keys first; new frontier windows last.
      while (inFlight < concurrency) {
        const i = order.findIndex((w) => !w.started);
        if (i >= 0) {
          // A window before every finished one must start even when the buffer is full, or the
          // pages waiting behind it would never be handed over.
          const firstDone = order.findIndex((w) => w.page !== undefined || w.error !== undefined);
          if (buffered() >= maxBuffered && firstDone >= 0 && firstDone < i) break;
          launch(order[i]);
          continue;
        }
        if (frontier === null || buffered() >= maxBuffered) break;
        const to = scale.advance(frontier, unitsPerKey * BigInt(pageKeys), end);
        const w: Window = { from: frontier, to, limit: windowLimit, top: true, started: false };
        frontier = cmpEnd(to, end) === 0 ? null : to;
        order.push(w);
        launch(w);
      }
      // Hand over finished pages in order.
      while (order.length > 0 && (order[0].page || order[0].error)) {
        const w = order.shift()!;
        if (w.error) throw w.error;
        signalled = true; // room in the buffer: look for work again before waiting
        if (w.page!.length > 0) await deliver(w.page!);
        w.page = undefined;
      }
      if (order.length === 0 && frontier === null && inFlight === 0) return stats;
      if (!signalled) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      signalled = false;
    }
  } catch (err) {
    while (inFlight > 0) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    throw err;
  }
}

function prefixEndOrNull(prefix: Buffer): Buffer | null {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return null;
}
