/**
 * Jobs (search, bulk delete, copy, import, export) on the renderer side: one place that starts a
 * job in main, routes its `event:job` updates (and any output events of its own, such as search
 * hits) to the feature that started it by job id, and cancels what is still running when the app
 * leaves the connection's scope (main ends a job with its connection; a scope the app has left
 * shows nobody its progress).
 *
 * A push can overtake the answer of the call that started the job (two IPC paths), so events
 * for an id not known yet are held briefly and replayed once the id is known.
 */
import type { AppError, Result } from '../../../shared/result';
import type { JobInfo } from '../../../shared/types';
import type { EtcdClient } from '../api/etcd-client';
import { createEarlyEvents } from './early-events';
import type { ConnectionScope } from './scope';

const ORPHAN_MS = 5000;
const ORPHAN_MAX = 500;

export interface JobHandlers<O = never> {
  /** Started, progress, and the final state (done, failed, cancelled) with its report. */
  onUpdate(info: JobInfo): void;
  /** Output events of the job's own (e.g. search hits), in the order main sent them. */
  onOutput?(output: O): void;
}

export interface TrackedJob {
  readonly jobId: string;
  readonly profileId: string;
  /** Ask main to stop it; its final update says cancelled. Idempotent. */
  cancel(): void;
  /**
   * False once its final update was handled, which can be before `start` resolves (a short job's
   * end overtakes the start answer): a feature keeps the handle as "running" only while this is true.
   */
  isRunning(): boolean;
}

export interface Jobs {
  /** Track the job `starting` starts; resolves with the handle, or the error that kept it from starting. */
  start<O = never>(profileId: string, starting: Promise<Result<JobInfo>>, handlers: JobHandlers<O>): Promise<TrackedJob | AppError>;
  /** Hand an output event of a job to whoever tracks it (held briefly when nobody does yet). */
  deliver(jobId: string, output: unknown): void;
  /** How many tracked jobs are still running. */
  runningCount(): number;
}

export const isTrackedJob = (x: TrackedJob | AppError): x is TrackedJob => 'jobId' in x;

interface Entry {
  readonly profileId: string;
  readonly handlers: JobHandlers<unknown>;
  ended: boolean;
}

type Held = { kind: 'update'; info: JobInfo } | { kind: 'output'; output: unknown };

export function createJobs(client: EtcdClient, scope: ConnectionScope, now: () => number = Date.now): Jobs {
  const tracked = new Map<string, Entry>();
  const orphans = createEarlyEvents<Held>({ maxAgeMs: ORPHAN_MS, maxPerId: ORPHAN_MAX, now });
  // The latest update matters most: kept even when the list is full.
  const hold = (jobId: string, held: Held): void => orphans.hold(jobId, held, held.kind === 'update');

  const apply = (entry: Entry, jobId: string, held: Held): void => {
    if (entry.ended) return;
    if (held.kind === 'output') {
      entry.handlers.onOutput?.(held.output);
      return;
    }
    if (held.info.state !== 'running') {
      entry.ended = true;
      tracked.delete(jobId);
    }
    entry.handlers.onUpdate(held.info);
  };

  const route = (jobId: string, held: Held): void => {
    const entry = tracked.get(jobId);
    if (entry) apply(entry, jobId, held);
    else hold(jobId, held);
  };

  client.on('event:job', (info) => route(info.jobId, { kind: 'update', info }));
  // A search's hits are its output: the tracker of that job receives the whole batch.
  client.on('event:search-hits', (batch) => route(batch.jobId, { kind: 'output', output: batch }));

  const cancel = (jobId: string, profileId: string): void => {
    void client.jobs.cancel({ profileId, jobId });
  };

  scope.own({
    reset() {
      for (const [jobId, entry] of [...tracked]) {
        entry.ended = true;
        tracked.delete(jobId);
        cancel(jobId, entry.profileId);
      }
      orphans.clear();
    },
  });

  return {
    async start<O>(profileId: string, starting: Promise<Result<JobInfo>>, handlers: JobHandlers<O>) {
      const guard = scope.capture();
      const r = await starting;
      if (!r.ok) return r.error;
      const { jobId } = r.value;
      if (!guard || !guard.current() || guard.profileId !== profileId) {
        cancel(jobId, profileId);
        return { code: 'NOT_CONNECTED', message: 'The connection changed while the job was starting.' } satisfies AppError;
      }
      const entry: Entry = { profileId, handlers: handlers as JobHandlers<unknown>, ended: false };
      tracked.set(jobId, entry);
      const early = orphans.take(jobId);
      // The answer itself is the first update unless a pushed one already said more.
      if (!early.some((e) => e.kind === 'update')) apply(entry, jobId, { kind: 'update', info: r.value });
      for (const e of early) apply(entry, jobId, e);
      return { jobId, profileId, cancel: () => cancel(jobId, profileId), isRunning: () => !entry.ended };
    },
    deliver: (jobId, output) => route(jobId, { kind: 'output', output }),
    runningCount: () => tracked.size,
  };
}
