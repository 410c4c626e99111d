/**
 * The jobs and subscriptions of one connection. Every long piece of work (export, bulk
 * delete, defragment…) and every live feed (watch, keep-alive) is started here, reports
 * through push events, can be cancelled, and is ended when its connection ends: a
 * disconnected profile never keeps working in the background.
 */
import { randomUUID } from 'node:crypto';
import type { AppError } from '../../../shared/result';
import type { JobReport } from '../../../shared/job-reports';
import type { JobInfo, JobProgress, SubscriptionInfo } from '../../../shared/types';
import { AppFailure, failure } from '../etcd/errors';

export interface JobContext {
  /** Aborted when the job is cancelled or its connection ends: stop at the next safe point. */
  readonly signal: AbortSignal;
  /** Report progress; dropped once the job has ended. */
  progress(p: JobProgress): void;
  /**
   * Set what the job did so far (replaces the previous report); carried by the job's final
   * event, also when it fails or is cancelled. Not sent on its own: the next event carries it.
   */
  report(r: JobReport): void;
}

export interface SubscriptionContext {
  /** Aborted when the subscription is closed or its connection ends. */
  readonly signal: AbortSignal;
  /** The feed ended by itself (stream closed, compaction): report it and release it. */
  end(error?: AppError): void;
}

/** Releases what a subscription holds (a watcher, a keep-alive). Called exactly once. */
export type Release = () => void | Promise<void>;

export interface TaskEvents {
  job(info: JobInfo): void;
  subscription(info: SubscriptionInfo): void;
}

interface RunningJob {
  info: JobInfo;
  readonly controller: AbortController;
}

interface OpenSubscription {
  info: SubscriptionInfo;
  readonly controller: AbortController;
  release?: Release;
}

const ended = (code: 'NOT_CONNECTED' | 'INTERNAL', message: string): AppError => ({ code, message });

export class ConnectionTasks {
  private readonly jobs = new Map<string, RunningJob>();
  private readonly subs = new Map<string, OpenSubscription>();
  /** Jobs of other connections that also end with this one (a copy between two clusters). */
  private readonly linked = new Set<(reason: AppError) => void>();
  private closed = false;

  constructor(
    readonly profileId: string,
    private readonly events: TaskEvents,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Starts `run` as a job and returns at once with its id; the outcome arrives as job events.
   * `alsoEndsWith`: other connections the job works with (the target of a copy to another
   * cluster); the job is cancelled when any of them ends too.
   */
  startJob(kind: string, run: (ctx: JobContext) => Promise<void>, opts: { readonly alsoEndsWith?: readonly ConnectionTasks[] } = {}): JobInfo {
    this.assertOpen();
    for (const other of opts.alsoEndsWith ?? []) other.assertOpen();
    const controller = new AbortController();
    const job: RunningJob = {
      info: { jobId: randomUUID(), profileId: this.profileId, kind, state: 'running', startedAt: this.now() },
      controller,
    };
    this.jobs.set(job.info.jobId, job);
    const cancelFromOther = (reason: AppError): void => {
      if (this.jobs.has(job.info.jobId)) this.cancelJob(job.info.jobId, reason);
    };
    for (const other of opts.alsoEndsWith ?? []) other.linked.add(cancelFromOther);
    const unlink = (): void => {
      for (const other of opts.alsoEndsWith ?? []) other.linked.delete(cancelFromOther);
    };
    this.events.job(job.info);
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (progress) => {
        if (job.info.state !== 'running') return;
        job.info = { ...job.info, progress };
        this.events.job(job.info);
      },
      report: (report) => {
        if (job.info.state !== 'running') return;
        job.info = { ...job.info, report };
      },
    };
    // A job's own exception is its failure, never an unhandled rejection.
    void Promise.resolve()
      .then(() => run(ctx))
      .then(
        () => this.finishJob(job, controller.signal.aborted ? 'cancelled' : 'done'),
        (err: unknown) =>
          this.finishJob(job, controller.signal.aborted ? 'cancelled' : 'failed', err instanceof AppFailure ? err.error : ended('INTERNAL', 'The job failed unexpectedly.')),
      )
      .finally(unlink);
    return job.info;
  }

  /** Asks a running job to stop; its final event says cancelled. NOT_FOUND once it has ended. */
  cancelJob(jobId: string, reason?: AppError): JobInfo {
    const job = this.jobs.get(jobId);
    if (!job) throw failure('NOT_FOUND', 'That job has already ended.');
    // The job is finished by its own promise settling; this only signals it.
    if (reason) job.info = { ...job.info, error: reason };
    job.controller.abort();
    return job.info;
  }

  listJobs(): JobInfo[] {
    return [...this.jobs.values()].map((j) => j.info);
  }

  /**
   * Opens a subscription: `open` sets the feed up and returns what releases it. A feed that
   * fails to open is reported as ended with its error, and the error is thrown to the caller.
   */
  async openSubscription(kind: string, open: (ctx: SubscriptionContext) => Release | Promise<Release>): Promise<SubscriptionInfo> {
    this.assertOpen();
    const controller = new AbortController();
    const sub: OpenSubscription = {
      info: { subscriptionId: randomUUID(), profileId: this.profileId, kind, state: 'open' },
      controller,
    };
    this.subs.set(sub.info.subscriptionId, sub);
    const ctx: SubscriptionContext = { signal: controller.signal, end: (error) => void this.endSubscription(sub, error) };
    try {
      const release = await open(ctx);
      if (sub.info.state === 'ended') {
        // Closed (or its connection ended) while it was opening.
        await release();
        return sub.info;
      }
      sub.release = release;
    } catch (err) {
      await this.endSubscription(sub, err instanceof AppFailure ? err.error : ended('INTERNAL', 'The subscription could not be opened.'));
      throw err;
    }
    this.events.subscription(sub.info);
    return sub.info;
  }

  async closeSubscription(subscriptionId: string): Promise<SubscriptionInfo> {
    const sub = this.subs.get(subscriptionId);
    if (!sub) throw failure('NOT_FOUND', 'That subscription has already ended.');
    await this.endSubscription(sub);
    return sub.info;
  }

  listSubscriptions(): SubscriptionInfo[] {
    return [...this.subs.values()].filter((s) => s.release).map((s) => s.info);
  }

  /**
   * The connection is ending: cancel every job and close every subscription, and refuse new
   * ones. Resolves when every subscription has been released (jobs end on their own promise).
   */
  async endAll(reason: AppError = ended('NOT_CONNECTED', 'The connection was closed.')): Promise<void> {
    this.closed = true;
    for (const id of [...this.jobs.keys()]) this.cancelJob(id, reason);
    for (const cancel of [...this.linked]) cancel(reason);
    await Promise.all([...this.subs.values()].map((s) => this.endSubscription(s, reason)));
  }

  /**
   * Closes every subscription but keeps the connection open: the page that asked for them is
   * gone (a reload), and the new page opens its own.
   */
  async closeSubscriptions(reason: AppError): Promise<void> {
    await Promise.all([...this.subs.values()].map((s) => this.endSubscription(s, reason)));
  }

  private assertOpen(): void {
    if (this.closed) throw failure('NOT_CONNECTED', 'This connection is closing. Connect again first.');
  }

  private finishJob(job: RunningJob, state: 'done' | 'failed' | 'cancelled', error?: AppError): void {
    if (!this.jobs.delete(job.info.jobId)) return;
    const err = error ?? (state === 'cancelled' ? job.info.error : undefined);
    job.info = { ...job.info, state, endedAt: this.now(), ...(err ? { error: err } : {}) };
    this.events.job(job.info);
  }

  private async endSubscription(sub: OpenSubscription, error?: AppError): Promise<void> {
    if (sub.info.state === 'ended') return;
    const wasAnnounced = sub.release !== undefined;
    sub.info = { ...sub.info, state: 'ended', ...(error ? { error } : {}) };
    this.subs.delete(sub.info.subscriptionId);
    sub.controller.abort();
    const release = sub.release;
    sub.release = undefined;
    try {
      await release?.();
    } catch {
      // Releasing is best effort: the connection is going away anyway.
    }
    if (wasAnnounced) this.events.subscription(sub.info);
  }
}
