/**
 * One worker thread per app for the Kubernetes codec (decode now; the encoder can join it as
 * another operation of worker-ops.ts), so that a 1 MB object never blocks main's event loop.
 *
 * Started on first use and again after it died. Requests queue in order with ids; one runs at a
 * time, so each has its own deadline from when the worker starts it. Past the deadline the
 * worker is terminated (a decode cannot be interrupted otherwise) and that request fails in
 * words; the queue goes on with a fresh worker. A crash (an uncaught error, running out of
 * memory) fails the request it was running, and the next one starts a new worker.
 *
 * Where the worker's code is: the built main bundle has it next to itself
 * (out/main/k8s-decode-worker.js, a second input in electron.vite.config.ts); run from source
 * (vitest, tsx scripts) it is the TypeScript entry, loaded through tsx.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { AppError } from '../../../shared/result';
import { AppFailure, failure } from '../etcd/errors';
import type { WorkerInput, WorkerOpName, WorkerOutput } from './worker-ops';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

/** How long one operation may run in the worker. A 1 MB object decodes in well under a second. */
export const K8S_WORKER_DEADLINE_MS = 20_000;

export interface WorkerEntry {
  readonly file: string;
  /** The file is TypeScript: load it through tsx's require hook. */
  readonly typescript?: boolean;
}

/** The worker's script: beside the built bundle, or the TypeScript source (vitest, tsx). */
export function workerEntry(dir: string = __dirname): WorkerEntry {
  const built = join(dir, 'k8s-decode-worker.js');
  if (existsSync(built)) return { file: built };
  return { file: join(dir, 'k8s-decode-worker.ts'), typescript: true };
}

/**
 * A worker's own loader does not inherit vitest's or tsx's: from source, a tiny CommonJS
 * bootstrap registers tsx's require hook, then requires the entry. (`--import tsx` in the
 * worker's execArgv does not reach a worker's main script on Node 20.)
 */
function newWorker(entry: WorkerEntry, resourceLimits: ResourceLimits): Worker {
  if (!entry.typescript) return new Worker(entry.file, { resourceLimits });
  const tsx = createRequire(__filename).resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry.file)});`, { eval: true, resourceLimits });
}

export interface K8sWorkerOptions {
  readonly entry?: WorkerEntry;
  readonly deadlineMs?: number;
  /** Heap limits of the worker: a runaway decode ends the worker, not the app. */
  readonly resourceLimits?: ResourceLimits;
}

export interface WorkerAnswer<T> {
  readonly value: T;
  /** The thread that ran it. */
  readonly threadId: number;
}

interface Job {
  readonly request: WorkerRequest;
  readonly transfer: ArrayBuffer[];
  readonly deadlineMs: number;
  resolve(a: WorkerAnswer<unknown>): void;
  reject(err: AppFailure | K8sWorkerUnavailable): void;
}

const DEFAULT_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 512 };

/**
 * The worker script could not be loaded (e.g. a packaged app whose Electron cannot start a
 * worker from its archive): callers run the codec inline instead. Not an AppFailure: it never
 * reaches a person.
 */
export class K8sWorkerUnavailable extends Error {
  constructor(cause: unknown) {
    super('The Kubernetes worker could not be started.', { cause });
    this.name = 'K8sWorkerUnavailable';
  }
}

const OP_WORDS: Record<WorkerOpName, string> = { decode: 'Decoding this value', encode: 'Re-encoding this object' };

export class K8sWorker {
  private worker: Worker | undefined;
  /** Set once a worker died before answering anything (its script did not load): no more tries. */
  private unavailableCause: unknown;
  private answered = new WeakSet<Worker>();
  private readonly queue: Job[] = [];
  private running: { job: Job; timer: ReturnType<typeof setTimeout>; worker: Worker } | undefined;
  private nextId = 1;
  private closed = false;
  private readonly entry: WorkerEntry;
  private readonly deadlineMs: number;
  private readonly resourceLimits: ResourceLimits;

  constructor(opts: K8sWorkerOptions = {}) {
    this.entry = opts.entry ?? workerEntry();
    this.deadlineMs = opts.deadlineMs ?? K8S_WORKER_DEADLINE_MS;
    this.resourceLimits = opts.resourceLimits ?? DEFAULT_LIMITS;
  }

  /** Runs `op` in the worker. `transfer`: buffers moved to the worker instead of copied. */
  run<Op extends WorkerOpName>(
    op: Op,
    input: WorkerInput<Op>,
    opts: { readonly transfer?: ArrayBuffer[]; readonly deadlineMs?: number } = {},
  ): Promise<WorkerAnswer<WorkerOutput<Op>>> {
    if (this.closed) return Promise.reject(failure('UNAVAILABLE', 'The Kubernetes decoder has stopped (the app is closing).'));
    if (this.unavailableCause !== undefined) return Promise.reject(new K8sWorkerUnavailable(this.unavailableCause));
    return new Promise((resolve, reject) => {
      this.queue.push({
        request: { id: this.nextId++, op, input },
        transfer: opts.transfer ?? [],
        deadlineMs: opts.deadlineMs ?? this.deadlineMs,
        resolve: resolve as (a: WorkerAnswer<unknown>) => void,
        reject,
      });
      this.pump();
    });
  }

  /** The current worker's thread id, or undefined when none is running. */
  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  /** Ends the worker; queued and running requests fail. */
  async close(): Promise<void> {
    this.closed = true;
    const stopped = failure('UNAVAILABLE', 'The Kubernetes decoder has stopped (the app is closing).');
    for (const job of this.queue.splice(0)) job.reject(stopped);
    this.finish(stopped);
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  private start(): Worker {
    const w = newWorker(this.entry, this.resourceLimits);
    w.on('message', (m: WorkerReply) => this.onReply(w, m));
    w.on('error', (err) => this.onDeath(w, err));
    w.on('exit', (code) => this.onDeath(w, new Error(`the worker exited with code ${code}`)));
    // An idle worker must not keep the process alive (tests, a quitting app).
    w.unref();
    return w;
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    const worker = (this.worker ??= this.start());
    const timer = setTimeout(() => {
      this.finish(
        failure(
          'TIMEOUT',
          job.request.op === 'decode'
            ? `${OP_WORDS.decode} took longer than ${(job.deadlineMs / 1000).toLocaleString('en-US')} s, so it was stopped. The value is shown as bytes; it may be corrupt or unusually large.`
            : `${OP_WORDS[job.request.op]} took longer than ${(job.deadlineMs / 1000).toLocaleString('en-US')} s, so it was stopped. Nothing was saved; your draft is kept.`,
        ),
      );
      this.discard(worker);
    }, job.deadlineMs);
    this.running = { job, timer, worker };
    try {
      worker.postMessage(job.request, job.transfer);
    } catch (e) {
      this.finish(new AppFailure({ code: 'INTERNAL', message: 'The Kubernetes decoder could not be given the value.' }, { cause: e }));
      this.discard(worker);
    }
  }

  private onReply(w: Worker, m: WorkerReply): void {
    const r = this.running;
    if (!r || r.worker !== w || r.job.request.id !== m.id) return;
    clearTimeout(r.timer);
    this.running = undefined;
    this.answered.add(w);
    if (m.ok) r.job.resolve({ value: m.value, threadId: m.threadId });
    else r.job.reject(m.error ? new AppFailure(m.error as AppError) : new AppFailure({ code: 'INTERNAL', message: 'The Kubernetes decoder failed on this value.' }, { cause: new Error(m.detail) }));
    this.pump();
  }

  private onDeath(w: Worker, err: unknown): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    const oom = (err as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
    if (!oom && !this.answered.has(w)) {
      // Died before answering anything: its script did not load. Every queued request goes inline.
      this.unavailableCause = err;
      const gone = new K8sWorkerUnavailable(err);
      const r = this.running;
      this.running = undefined;
      if (r) {
        clearTimeout(r.timer);
        r.job.reject(gone);
      }
      for (const job of this.queue.splice(0)) job.reject(gone);
      return;
    }
    this.finish(
      new AppFailure(
        {
          code: 'INTERNAL',
          message: oom
            ? 'The Kubernetes decoder ran out of memory on this value and was restarted. The value is shown as bytes.'
            : 'The Kubernetes decoder stopped unexpectedly on this value and was restarted. The value is shown as bytes.',
        },
        { cause: err },
      ),
    );
  }

  /** Fails the running request (if any) and goes on with the queue. */
  private finish(err: AppFailure): void {
    const r = this.running;
    if (!r) return;
    clearTimeout(r.timer);
    this.running = undefined;
    r.job.reject(err);
    queueMicrotask(() => this.pump());
  }

  private discard(w: Worker): void {
    if (this.worker === w) this.worker = undefined;
    void w.terminate();
  }
}
