/**
 * Coalesces a watch's changes before they cross to the renderer: one entry per key (the last
 * state wins), in the order of the keys' last change (mod revision), handed over at most once
 * per interval. A burst of any size holds at most one entry per distinct key written since the
 * last flush, so memory follows the keys touched, not the events seen.
 */
import type { WatchChange } from '../../../shared/types';

export interface CoalescerTimers {
  readonly now: () => number;
  readonly setTimeout: (fn: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
}

export const realTimers: CoalescerTimers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** About one frame: the renderer applies at most one batch per frame. */
export const DEFAULT_FLUSH_MS = 16;

export class WatchCoalescer {
  /** Keyed by the key's bytes as latin1 text (one character per byte: distinct keys stay distinct). */
  private pending = new Map<string, WatchChange>();
  private timer: unknown;
  private lastFlush = -Infinity;
  private closed = false;

  constructor(
    private readonly onFlush: (changes: WatchChange[]) => void,
    private readonly intervalMs = DEFAULT_FLUSH_MS,
    private readonly timers: CoalescerTimers = realTimers,
  ) {}

  /** Changes waiting for the next flush (distinct keys). */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Records the newest state of a key. `id` identifies the key exactly (its bytes); changes must
   * arrive in revision order, as etcd sends them.
   */
  add(id: string, change: WatchChange): void {
    if (this.closed) return;
    // Delete first so the key moves to the end: the map's order stays the order of last change.
    this.pending.delete(id);
    this.pending.set(id, change);
    this.schedule();
  }

  /** Hands over what is pending now (if anything), outside the timer. */
  flush(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.size === 0) return;
    const changes = [...this.pending.values()];
    this.pending = new Map();
    this.lastFlush = this.timers.now();
    this.onFlush(changes);
  }

  /** Drops what is pending and stops the timer; nothing is handed over afterwards. */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.timers.now());
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }
}
