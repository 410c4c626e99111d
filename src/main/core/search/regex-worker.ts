/**
 * A regular expression run in a worker thread, so that a pattern that backtracks badly (e.g.
 * /(a+)+$/ on "aaaa…b") can be stopped: a regex cannot be interrupted on the thread that runs
 * it, but a worker can be terminated. Each batch has a time budget; past it the worker is
 * terminated and the batch fails with a clear message. Cancelling terminates it too.
 *
 * The worker is made from source text (`eval: true`), so the bundler needs no extra entry and
 * the built main bundle carries it as a string.
 */
import { Worker } from 'node:worker_threads';
import { AppFailure, failure } from '../etcd/errors';

/**
 * Plain JavaScript run in the worker. A batch is one buffer of items back to back with their
 * boundaries; each item is decoded as UTF-8 (invalid bytes become U+FFFD) and tested. The
 * answer is one byte per item (1: matches).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const re = new RegExp(workerData.source, workerData.flags);
const decoder = new TextDecoder('utf-8');
parentPort.on('message', (m) => {
  const data = new Uint8Array(m.data);
  const bounds = new Uint32Array(m.bounds);
  const n = bounds.length - 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (re.test(decoder.decode(data.subarray(bounds[i], bounds[i + 1])))) out[i] = 1;
  }
  parentPort.postMessage({ id: m.id, hits: out.buffer }, [out.buffer]);
});
`;

/** Default time one batch (a page of keys, or about 1 MiB of values) may take. */
export const REGEX_BATCH_BUDGET_MS = 5000;

/** Thrown for a batch whose worker was terminated (cancel, or the end of the search). */
export class RegexWorkerStopped extends Error {
  constructor() {
    super('The regex worker was stopped.');
    this.name = 'RegexWorkerStopped';
  }
}

interface Pending {
  readonly id: number;
  resolve(hits: Uint8Array): void;
  reject(err: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

export class RegexWorker {
  private readonly worker: Worker;
  private pending: Pending | undefined;
  private nextId = 1;
  private stopped = false;
  private readonly budgetMs: number;

  constructor(source: string, flags: string, opts: { readonly budgetMs?: number } = {}) {
    this.budgetMs = opts.budgetMs ?? REGEX_BATCH_BUDGET_MS;
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { source, flags } });
    this.worker.on('message', (m: { id: number; hits: ArrayBuffer }) => {
      const p = this.pending;
      if (!p || p.id !== m.id) return;
      this.settle();
      p.resolve(new Uint8Array(m.hits));
    });
    this.worker.on('error', (err) => this.fail(new AppFailure({ code: 'INTERNAL', message: 'The search stopped: its regular expression worker failed.' }, { cause: err })));
    this.worker.on('exit', () => this.fail(this.stopped ? new RegexWorkerStopped() : failure('INTERNAL', 'The search stopped: its regular expression worker ended unexpectedly.')));
  }

  /** Which items match (one byte each, 1 = match). One batch at a time. */
  match(items: readonly Buffer[]): Promise<Uint8Array> {
    if (this.stopped) return Promise.reject(new RegexWorkerStopped());
    if (this.pending) return Promise.reject(new Error('RegexWorker: one batch at a time'));
    let total = 0;
    for (const it of items) total += it.length;
    // A fresh buffer of our own, moved (not copied) to the worker.
    const data = new Uint8Array(total);
    const bounds = new Uint32Array(items.length + 1);
    let at = 0;
    items.forEach((it, i) => {
      data.set(it, at);
      at += it.length;
      bounds[i + 1] = at;
    });
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          failure(
            'INVALID_ARGUMENT',
            `The regular expression took longer than ${(this.budgetMs / 1000).toLocaleString('en-US')} s on one batch of keys, so the search was stopped. It probably backtracks badly (nested repeats such as (a+)+): simplify it, or search for plain text.`,
            { field: 'query' },
          ),
        );
        void this.terminate();
      }, this.budgetMs);
      this.pending = { id, resolve, reject, timer };
      this.worker.postMessage({ id, data: data.buffer, bounds: bounds.buffer }, [data.buffer, bounds.buffer]);
    });
  }

  /** Stops the worker at once (even mid-match); a pending batch rejects with RegexWorkerStopped. */
  async terminate(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.fail(new RegexWorkerStopped());
    await this.worker.terminate();
  }

  private settle(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = undefined;
  }

  private fail(err: unknown): void {
    const p = this.pending;
    if (!p) return;
    this.settle();
    p.reject(err);
  }
}
