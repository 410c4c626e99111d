/**
 * One watch: a Watch stream on one member (rpc.ts `watch`, etcd3's typed client, because its
 * WatchBuilder drops `compact_revision` and cannot ask for progress), its changes coalesced
 * (watch-coalescer.ts) and pushed as WatchUpdates, and kept alive across members:
 *
 *  - created with start_revision (the listing's revision + 1), prev_kv (deletes carry the size
 *    and meta of what was deleted) and progress_notify; a key watch is the exact key, a prefix
 *    watch [prefix, prefixEnd), the empty prefix ["\0", "\0") (the whole keyspace);
 *  - `delivered` is the revision every change up to which has been handed over: the last event's
 *    mod revision (etcd sends a revision's events together), or the header revision of a progress
 *    notification for this watch (etcd sends those only to watchers that have caught up). Never
 *    the header revision of an event response: while a watcher catches up, etcd stamps each
 *    chunk with the store's current revision, not the chunk's last;
 *  - a stream that errors, ends, or says nothing for `silenceMs` (a hung member keeps its TCP
 *    connection open; a progress request goes out after `probeMs` of quiet, and a healthy etcd
 *    3.4 answers it at once) is dropped: the feed says 'reconnecting', opens a stream on the
 *    next member from `delivered + 1` (events at or below it are skipped, so nothing is
 *    duplicated and nothing lost), and says 'live' once the watch is created there; with no
 *    member reachable it tries again with backoff until it is closed;
 *  - start revision compacted: the watch is created again from now, and the update carries
 *    `resync: compacted` with the revision it goes on from (whoever holds a listing lists
 *    again); cancelled by etcd for another reason: created again from `delivered + 1`, with
 *    `resync: cancelled`; permission denied: the feed fails (its subscription ends).
 *  - closing cancels the watch and the stream (etcd's watcher and watch-stream gauges drop).
 *
 * Messages are plain words; raw library text goes to the log, never a key or a value.
 */
import type { IDuplexStream, IWatchRequest, IWatchResponse } from 'etcd3';
import type { AppError } from '../../../shared/result';
import type { WatchBatch } from '../../../shared/types';
import type { Logger } from '../logging/logger';
import { AppFailure, failure, toAppError } from './errors';
import type { StreamTarget } from './session';
import { changeOf, keyId, type WatchValues } from './watch-changes';
import { DEFAULT_FLUSH_MS, WatchCoalescer } from './watch-coalescer';

export type WatchUpdate = Omit<WatchBatch, 'profileId' | 'subscriptionId'>;

export interface WatchTimings {
  /** Coalescing interval: at most one update per interval. */
  readonly flushMs: number;
  /** After this long without a word from the stream, a progress request goes out. */
  readonly probeMs: number;
  /** After this long without a word (progress requests unanswered), the member is treated as gone. */
  readonly silenceMs: number;
  /** Opening a stream (the login included) and creating its watch must take less than this. */
  readonly openMs: number;
  readonly backoffMinMs: number;
  readonly backoffMaxMs: number;
}

export const DEFAULT_WATCH_TIMINGS: WatchTimings = {
  flushMs: DEFAULT_FLUSH_MS,
  probeMs: 1000,
  silenceMs: 5000,
  openMs: 5000,
  backoffMinMs: 200,
  backoffMaxMs: 5000,
};

export interface WatchFeedOptions {
  /** Members to open the stream on, best first (EtcdSession.streamTargets). */
  readonly targets: () => readonly StreamTarget[];
  readonly key: Buffer;
  /** Absent: the single key `key`. */
  readonly rangeEnd?: Buffer;
  /** First revision to deliver; 0: from now. */
  readonly startRevision: number;
  readonly values: WatchValues;
  readonly emit: (update: WatchUpdate) => void;
  /** The feed cannot go on (its permission was withdrawn): end it with this error. */
  readonly fail: (error: AppError) => void;
  readonly log: Logger;
  readonly timings?: Partial<WatchTimings>;
}

type Duplex = IDuplexStream<IWatchRequest, IWatchResponse>;

/** One stream on one member. */
interface Attached {
  readonly endpoint: string;
  readonly target: StreamTarget;
  readonly call: Duplex;
  /** The id of this stream's current watch (absent while one is being created). */
  watchId?: string;
  lastHeard: number;
  tick?: ReturnType<typeof setInterval>;
  dead: boolean;
  /** Waiting for the stream's first watch to be created. */
  pending?: { resolve(): void; reject(err: unknown): void };
}

type Resync = NonNullable<WatchBatch['resync']>;

const addr = (endpoint: string): string => endpoint.replace(/^https?:\/\//, '');

/** The stream broke without an error of its own. */
class StreamLost extends Error {
  constructor(readonly problem: string) {
    super(problem);
  }
}

/** etcd refused the stream's login token ("invalid auth token"): it forgot it (a restart) or it expired. */
class StaleLogin extends StreamLost {
  constructor() {
    super('refused its login token');
  }
}

const PERMANENT = new Set(['AUTH_FAILED', 'PERMISSION_DENIED', 'NOT_CONNECTED']);

export class WatchFeed {
  private readonly t: WatchTimings;
  private readonly coalescer: WatchCoalescer;
  private readonly streams = new Set<Attached>();
  /** Called when the feed closes: wake sleeping retries, give up on opens in flight. */
  private readonly onClose = new Set<() => void>();
  private current?: Attached;
  /** Every change up to this revision has been handed over (or is pending in the coalescer). */
  private delivered: number;
  /** The next watch starts "now" and learns its revision from its creation. */
  private fromNow: boolean;
  private resync?: Resync;
  private reconnecting = false;
  private recovering = false;
  private cancels = 0;
  private closed = false;

  constructor(private readonly o: WatchFeedOptions) {
    this.t = { ...DEFAULT_WATCH_TIMINGS, ...o.timings };
    this.delivered = Math.max(0, o.startRevision - 1);
    this.fromNow = o.startRevision <= 0;
    this.coalescer = new WatchCoalescer((changes) => this.send({ changes, revision: this.delivered }), this.t.flushMs);
  }

  /** The revision every change up to which has been seen. */
  get revision(): number {
    return this.delivered;
  }

  /**
   * Opens the first stream: on the first member that creates the watch within `openMs`. Throws
   * an AppFailure when none does (or one refuses for good: permission, login).
   */
  async start(): Promise<void> {
    const targets = this.o.targets();
    const problems: string[] = [];
    for (const target of targets) {
      if (this.closed) return;
      try {
        await this.attach(target, this.nextStart());
        return;
      } catch (err) {
        const error = this.errorOf(err, target.endpoint);
        this.o.log.warn('watch could not be opened on a member', { endpoint: target.endpoint, code: error.code, problem: this.problemOf(err), detail: rawText(err) });
        if (PERMANENT.has(error.code)) throw new AppFailure(error, { cause: err });
        problems.push(`${addr(target.endpoint)} ${this.problemOf(err)}`);
      }
    }
    if (this.closed) return;
    throw failure('UNAVAILABLE', `The watch could not be started: ${problems.join(', ') || 'no member to ask'}. Check that etcd runs there.`);
  }

  /** Ends the watch: cancels it and its stream on the member; nothing is emitted afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.coalescer.close();
    for (const fn of [...this.onClose]) fn();
    this.onClose.clear();
    for (const s of [...this.streams]) this.detach(s);
    this.current = undefined;
  }

  // ---------- streams ----------

  private nextStart(): number {
    return this.fromNow ? 0 : this.delivered + 1;
  }

  /**
   * Opens a stream on `target` and creates the watch; resolves once etcd confirms it. A member
   * that refuses the login token (restarted: etcd keeps simple tokens in memory only) gets one
   * more try with a fresh login; refused again, the login is what fails (AUTH_FAILED).
   */
  private async attach(target: StreamTarget, startRevision: number): Promise<void> {
    try {
      await this.attachOnce(target, startRevision);
    } catch (err) {
      if (!(err instanceof StaleLogin) || this.closed) throw err;
      this.o.log.info('watch login token refused; logging in again', { endpoint: target.endpoint });
      target.rpc.renewLogin();
      try {
        await this.attachOnce(target, this.nextStart());
      } catch (again) {
        if (again instanceof StaleLogin) throw new AppFailure(authFailed(target.endpoint), { cause: again });
        throw again;
      }
    }
  }

  private async attachOnce(target: StreamTarget, startRevision: number): Promise<void> {
    const call = await this.openStream(target);
    if (this.closed) {
      shut(call);
      throw failure('NOT_CONNECTED', 'The watch was closed.');
    }
    const s: Attached = { endpoint: target.endpoint, target, call, lastHeard: performance.now(), dead: false };
    this.streams.add(s);
    call.on('data', (res) => this.onData(s, res));
    call.on('error', (err) => this.lost(s, err));
    call.on('end', () => this.lost(s, new StreamLost('closed the watch stream')));
    s.tick = setInterval(() => this.check(s), Math.max(10, Math.min(this.t.probeMs, this.t.silenceMs) / 2));
    await new Promise<void>((resolve, reject) => {
      s.pending = { resolve, reject };
      this.create(s, startRevision);
    });
  }

  /** rpc.watch() under `openMs` (with auth it logs in first, which a hung member never answers). */
  private openStream(target: StreamTarget): Promise<Duplex> {
    return new Promise<Duplex>((resolve, reject) => {
      let done = false;
      const giveUp = (problem: string) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.onClose.delete(closed);
        reject(new StreamLost(problem));
      };
      const timer = setTimeout(() => giveUp(`did not answer within ${this.t.openMs} ms`), this.t.openMs);
      // Closing the feed does not wait for a member that never answers.
      const closed = () => giveUp('was closed');
      this.onClose.add(closed);
      target.rpc.watch().then(
        (call) => {
          clearTimeout(timer);
          this.onClose.delete(closed);
          if (done) shut(call);
          else {
            done = true;
            resolve(call);
          }
        },
        (err: unknown) => {
          clearTimeout(timer);
          this.onClose.delete(closed);
          if (!done) {
            done = true;
            reject(err);
          }
        },
      );
    });
  }

  private create(s: Attached, startRevision: number): void {
    s.watchId = undefined;
    s.lastHeard = performance.now();
    const req: IWatchRequest = {
      create_request: {
        key: this.o.key,
        ...(this.o.rangeEnd ? { range_end: this.o.rangeEnd } : {}),
        start_revision: startRevision,
        prev_kv: true,
        progress_notify: true,
      },
    };
    write(s.call, req);
  }

  /** The liveness check: a progress request after `probeMs` of quiet, dropped after `silenceMs`. */
  private check(s: Attached): void {
    if (s.dead) return;
    const quiet = performance.now() - s.lastHeard;
    if (quiet >= this.t.silenceMs) {
      this.lost(s, new StreamLost(`did not answer for ${Math.round(quiet)} ms`));
      return;
    }
    if (quiet >= this.t.probeMs) write(s.call, { progress_request: {} });
  }

  private onData(s: Attached, res: IWatchResponse): void {
    if (s.dead || this.closed) return;
    s.lastHeard = performance.now();
    const id = String(res.watch_id);
    if (res.created && !res.canceled) {
      s.watchId = id;
      if (this.fromNow) {
        // Created from "now": etcd starts it right after the revision in this header.
        this.delivered = Math.max(this.delivered, Number(res.header?.revision ?? 0));
        this.fromNow = false;
      }
      this.becameLive(s);
      return;
    }
    if (res.created || res.canceled) {
      if (res.canceled && (s.watchId === undefined || id === s.watchId)) this.onCancelled(s, res);
      return;
    }
    // Answers to progress requests (watch id -1) and a stale watch's last words: liveness only.
    if (s.watchId === undefined || id !== s.watchId) return;
    const events = res.events ?? [];
    if (events.length === 0) {
      // A progress notification for this watch: etcd sends it once the watcher has caught up.
      this.delivered = Math.max(this.delivered, Number(res.header?.revision ?? 0));
      return;
    }
    this.cancels = 0;
    const floor = this.delivered;
    let top = floor;
    for (const ev of events) {
      const rev = Number(ev.kv?.mod_revision ?? 0);
      // Already delivered (a resumed watch starts after it; this only guards against repeats).
      if (rev <= floor) continue;
      this.coalescer.add(keyId(ev.kv.key), changeOf(ev, this.o.values));
      if (rev > top) top = rev;
    }
    this.delivered = top;
  }

  /** The watch is created on `s`: it is the current stream; say so if anything changed. */
  private becameLive(s: Attached): void {
    const pending = s.pending;
    s.pending = undefined;
    const previous = this.current;
    this.current = s;
    if (previous && previous !== s) this.detach(previous);
    const resync = this.resync;
    this.resync = undefined;
    const wasReconnecting = this.reconnecting;
    this.reconnecting = false;
    if (resync || wasReconnecting) {
      this.coalescer.flush();
      this.send({ changes: [], revision: this.delivered, ...(resync ? { resync } : {}), ...(wasReconnecting ? { state: 'live' as const } : {}) });
    }
    if (wasReconnecting) this.o.log.info('watch resumed', { endpoint: s.endpoint, revision: this.delivered });
    pending?.resolve();
  }

  private onCancelled(s: Attached, res: IWatchResponse): void {
    s.watchId = undefined;
    const compactRevision = Number(res.compact_revision ?? 0);
    const reason = String(res.cancel_reason ?? '');
    this.coalescer.flush();
    if (compactRevision > 0) {
      const from = this.delivered + 1;
      this.o.log.warn('watch start revision compacted; resuming from now', { endpoint: s.endpoint, from, compactRevision });
      this.resync = {
        reason: 'compacted',
        compactRevision,
        message: `etcd no longer holds the changes since revision ${from} (its history was compacted up to revision ${compactRevision}). The watch goes on from the current revision; reload the list to see the current state.`,
      };
      this.fromNow = true;
      this.create(s, 0);
      return;
    }
    if (STALE_LOGIN.test(reason)) {
      // Not the user's fault: log in again and go on (attach renews the login). A watch being
      // created fails its attach; a live one is resumed from `delivered + 1`.
      this.o.log.warn('watch login token refused by etcd', { endpoint: s.endpoint, detail: reason.slice(0, 200) });
      if (!s.pending) s.target.rpc.renewLogin();
      this.drop(s, new StaleLogin(), false);
      return;
    }
    const error = cancelError(reason, s.endpoint);
    if (error) {
      this.o.log.warn('watch refused by etcd', { endpoint: s.endpoint, code: error.code, detail: reason.slice(0, 200) });
      this.drop(s, new AppFailure(error), true);
      return;
    }
    this.o.log.warn('watch cancelled by etcd; creating it again', { endpoint: s.endpoint, detail: reason.slice(0, 200), revision: this.delivered });
    this.resync = {
      reason: 'cancelled',
      message: 'etcd cancelled the watch. It was started again from the last change received; reload the list to be sure it is current.',
    };
    const wait = this.cancels++ === 0 ? 0 : this.backoff(this.cancels);
    const retry = setTimeout(() => {
      this.onClose.delete(wake);
      if (!s.dead && !this.closed) this.create(s, this.nextStart());
    }, wait);
    const wake = () => clearTimeout(retry);
    this.onClose.add(wake);
  }

  /** The stream broke (error, end, silence). */
  private lost(s: Attached, err: unknown): void {
    if (s.dead || this.closed) return;
    this.drop(s, err, false);
  }

  private drop(s: Attached, err: unknown, permanent: boolean): void {
    const pending = s.pending;
    s.pending = undefined;
    this.detach(s);
    if (pending) {
      // Still opening: the caller (start or recover) moves on to the next member.
      pending.reject(err);
      return;
    }
    if (s !== this.current) return;
    this.current = undefined;
    if (permanent) {
      const error = this.errorOf(err, s.endpoint);
      this.close();
      this.o.fail(error);
      return;
    }
    this.o.log.warn('watch stream lost; resuming on the next member', { endpoint: s.endpoint, problem: this.problemOf(err), detail: rawText(err), revision: this.delivered });
    void this.recover(s.endpoint);
  }

  private detach(s: Attached): void {
    if (s.dead) return;
    s.dead = true;
    this.streams.delete(s);
    if (s.tick) clearInterval(s.tick);
    shut(s.call, s.watchId);
    // Closed while its watch was being created: whoever waits for it must not wait forever.
    const pending = s.pending;
    s.pending = undefined;
    pending?.reject(new StreamLost('was closed'));
  }

  /** Reopens the watch from `delivered + 1`, member after member, with backoff, until it works or the feed closes. */
  private async recover(failed: string): Promise<void> {
    if (this.recovering || this.closed) return;
    this.recovering = true;
    try {
      this.coalescer.flush();
      if (!this.reconnecting) {
        this.reconnecting = true;
        this.send({ changes: [], revision: this.delivered, state: 'reconnecting' });
      }
      for (let round = 0; !this.closed; round++) {
        let targets: readonly StreamTarget[];
        try {
          targets = this.o.targets();
        } catch {
          // The session is closed: the connection ends this subscription with it.
          return;
        }
        // The member that just failed goes last.
        const ordered = [...targets.filter((t) => t.endpoint !== failed), ...targets.filter((t) => t.endpoint === failed)];
        for (const target of ordered) {
          if (this.closed) return;
          try {
            await this.attach(target, this.nextStart());
            return;
          } catch (err) {
            if (this.closed) return;
            const error = this.errorOf(err, target.endpoint);
            if (error.code === 'PERMISSION_DENIED' || error.code === 'AUTH_FAILED') {
              this.close();
              this.o.fail(error);
              return;
            }
            this.o.log.debug('watch resume attempt failed', { endpoint: target.endpoint, problem: this.problemOf(err), detail: rawText(err) });
          }
        }
        await this.sleep(this.backoff(round));
      }
    } finally {
      this.recovering = false;
    }
  }

  private backoff(round: number): number {
    return Math.min(this.t.backoffMaxMs, this.t.backoffMinMs * 2 ** Math.min(round, 16));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.onClose.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.onClose.add(wake);
    });
  }

  private send(update: WatchUpdate): void {
    if (this.closed) return;
    this.o.emit(update);
  }

  private errorOf(err: unknown, endpoint: string): AppError {
    if (err instanceof AppFailure) return err.error;
    if (err instanceof StreamLost) return { code: 'UNAVAILABLE', message: `${addr(endpoint)} ${err.problem}.`, details: { endpoint } };
    return toAppError(err, { kind: 'read', endpoints: [endpoint], deadlineMs: this.t.openMs });
  }

  /** A few words for a message or the log: never the library's raw text with data in it. */
  private problemOf(err: unknown): string {
    if (err instanceof StreamLost) return err.problem;
    if (err instanceof AppFailure) return err.error.code;
    const name = err instanceof Error ? err.name : 'error';
    const message = err instanceof Error ? err.message : '';
    if (/no leader/i.test(message)) return 'has no leader';
    if (/Unavailable/.test(name)) return 'could not be reached';
    if (/DeadlineExceeded/.test(name)) return 'did not answer in time';
    if (/Cancelled/.test(name)) return 'cancelled the stream';
    return 'closed the stream';
  }
}

/** The library's own words, for the log only (watch errors carry no keys or values). */
function rawText(err: unknown): string {
  if (err instanceof StreamLost) return err.problem;
  if (err instanceof AppFailure) return err.error.code;
  return (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 300);
}

/** What a cancel reason means when it is not worth trying again. */
function cancelError(reason: string, endpoint: string): AppError | undefined {
  if (/permission denied/i.test(reason)) {
    return { code: 'PERMISSION_DENIED', message: "Permission denied: this user's roles do not allow reading what this watch covers.", details: { endpoint } };
  }
  if (/unauthenticated/i.test(reason)) return authFailed(endpoint);
  return undefined;
}

/**
 * etcd 3.4.22+ cancels a watch whose token it does not know with "rpc error: code =
 * Unauthenticated desc = etcdserver: invalid auth token" (older: "permission denied"; etcd's own
 * client logs in again on this reason too).
 */
const STALE_LOGIN = /invalid auth token/i;

function authFailed(endpoint: string): AppError {
  return { code: 'AUTH_FAILED', message: "The cluster rejected the login of the watch: reconnect, and check the profile's user name and password.", details: { endpoint } };
}

function write(call: Duplex, req: IWatchRequest): void {
  try {
    call.write(req);
  } catch {
    // The stream is closing; its error or end arrives on its own.
  }
}

/**
 * Cancels the watch and the stream. end() first: etcd3 marks a member failed (and drops its
 * connections) when a stream that is still writable errors, and our own cancel makes it error.
 * etcd ends the stream (and every watcher on it) when the call is cancelled; a half-close alone
 * would leave it open.
 */
function shut(call: Duplex, watchId?: string): void {
  if (watchId !== undefined) write(call, { cancel_request: { watch_id: watchId } });
  try {
    call.end();
  } catch {
    // already ended
  }
  try {
    call.cancel();
  } catch {
    // already gone
  }
}
