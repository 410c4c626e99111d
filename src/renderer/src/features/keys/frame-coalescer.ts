/**
 * Buffers what arrives between two frames and hands it over at most once per animation frame,
 * so a burst of watch batches costs one store update per frame however many batches came (or
 * fewer: the owner may ask for a gap between deliveries while a burst lasts).
 *
 * A hidden window gets no animation frames: a fallback timer flushes anyway, so the buffer
 * cannot grow without bound and the grid is current when the window shows again.
 */

export interface FrameScheduler {
  request(cb: () => void): number;
  cancel(handle: number): void;
}

export interface FrameCoalescer<T> {
  push(item: T): void;
  /** Hand over what is buffered now (tests, or before a listing replaces the model). */
  flush(): void;
  /** Drop what is buffered and cancel the pending frame. */
  clear(): void;
  /** Items waiting for the next frame. */
  pending(): number;
  /** Ask for a delivery at the next frame even if nothing new arrives (work carried over). */
  again(): void;
}

/** How long a buffer may wait when no frame comes (hidden window), ms. */
export const FALLBACK_MS = 250;

const windowFrames = (): FrameScheduler | null =>
  typeof requestAnimationFrame === 'function' ? { request: (cb) => requestAnimationFrame(cb), cancel: (h) => cancelAnimationFrame(h) } : null;

const timerFrames = (ms: number): FrameScheduler => ({
  request: (cb) => setTimeout(cb, ms) as unknown as number,
  cancel: (h) => clearTimeout(h),
});

export function createFrameCoalescer<T>(
  deliver: (items: T[]) => void,
  opts: {
    frames?: FrameScheduler | null;
    fallback?: FrameScheduler | null;
    /** The least time between two deliveries, ms, asked before each (0: every frame). */
    gap?: () => number;
    clock?: () => number;
  } = {},
): FrameCoalescer<T> {
  const frames = opts.frames === undefined ? (windowFrames() ?? timerFrames(16)) : opts.frames;
  const fallback = opts.fallback === undefined ? timerFrames(FALLBACK_MS) : opts.fallback;
  let buffer: T[] = [];
  let frame: number | null = null;
  let timer: number | null = null;
  let forced = false;
  const clock = opts.clock ?? (() => performance.now());
  let delivered = -Infinity;

  const cancel = () => {
    if (frame !== null) frames?.cancel(frame);
    if (timer !== null) fallback?.cancel(timer);
    frame = null;
    timer = null;
  };

  const deliverNow = () => {
    cancel();
    if (buffer.length === 0 && !forced) return;
    forced = false;
    const items = buffer;
    buffer = [];
    delivered = clock();
    deliver(items);
  };

  /** At a frame: deliver, or wait for a later frame while the gap since the last delivery lasts. */
  const atFrame = () => {
    frame = null;
    if (opts.gap && frames && clock() - delivered < opts.gap()) {
      frame = frames.request(atFrame);
      return;
    }
    deliverNow();
  };

  const schedule = () => {
    if (frame !== null || timer !== null) return;
    if (frames) frame = frames.request(atFrame);
    if (fallback) timer = fallback.request(deliverNow);
    if (!frames && !fallback) deliverNow();
  };

  return {
    push(item) {
      buffer.push(item);
      schedule();
    },
    again() {
      forced = true;
      schedule();
    },
    flush: deliverNow,
    clear() {
      cancel();
      buffer = [];
      forced = false;
    },
    pending: () => buffer.length,
  };
}

/**
 * How many items one frame may take, adapted to what they cost: after each delivery the time it
 * took (its own work and the render it scheduled, measured at the end of the microtasks) sizes
 * the next one to fit `targetMs`, between `min` and `max`. Measured (a burst of 10,000 puts in
 * the e2e test, Chrome trace): 2,000 changes per frame cost up to 28 ms of frame callbacks
 * (merge + React) plus 23 ms of layout and paint, so frames took 40–50 ms on an idle machine and
 * several times that when the 2 cores were shared; ~8 ms of work per frame keeps frames short.
 */
export interface FrameBudget {
  /** Items the next delivery may take. */
  limit(): number;
  /** A delivery of `items` items starts now; call the answer once it updated the store. */
  start(items: number): () => void;
}

export function createFrameBudget(opts: {
  targetMs: number;
  min: number;
  max: number;
  /** The limit before anything was measured. */
  initial: number;
  clock?: () => number;
  afterWork?: (cb: () => void) => void;
}): FrameBudget {
  const clock = opts.clock ?? (() => performance.now());
  const afterWork = opts.afterWork ?? ((cb) => queueMicrotask(cb));
  let limit = opts.initial;
  return {
    limit: () => limit,
    start(items) {
      const t0 = clock();
      return () => {
        if (items === 0) return;
        // Queued after the store update: it runs once the render that update scheduled (React
        // renders a store update in a microtask) is done.
        afterWork(() => {
          const ms = clock() - t0;
          limit = ms <= 0 ? opts.max : Math.max(opts.min, Math.min(opts.max, Math.floor((items * opts.targetMs) / ms)));
        });
      };
    },
  };
}
