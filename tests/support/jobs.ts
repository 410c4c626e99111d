/** Waiting for jobs in integration tests: by their events, never by sleeping. */
import type { JobReport } from '../../src/shared/job-reports';
import type { JobInfo } from '../../src/shared/types';
import type { JobContext } from '../../src/main/core/tasks/connection-tasks';
import type { Harness } from './harness';

const ENDED = new Set(['done', 'failed', 'cancelled']);

/** The final event of a job (already arrived or still to come). */
export function jobEnd(h: Harness, jobId: string): Promise<JobInfo> {
  const find = (): JobInfo | undefined =>
    h.events.filter((e) => e.event === 'event:job').map((e) => e.payload as JobInfo).find((j) => j.jobId === jobId && ENDED.has(j.state));
  const now = find();
  if (now) return Promise.resolve(now);
  return new Promise((resolve) => {
    const off = h.onEvent((event, payload) => {
      const j = payload as JobInfo;
      if (event === 'event:job' && j.jobId === jobId && ENDED.has(j.state)) {
        off();
        resolve(j);
      }
    });
  });
}

/** The first progress event of a job with at least `done` units (already arrived or still to come). */
export function jobProgress(h: Harness, jobId: string, done: number): Promise<JobInfo> {
  const ok = (j: JobInfo): boolean => j.jobId === jobId && (j.progress?.done ?? 0) >= done;
  const now = h.events.filter((e) => e.event === 'event:job').map((e) => e.payload as JobInfo).find(ok);
  if (now) return Promise.resolve(now);
  return new Promise((resolve) => {
    const off = h.onEvent((event, payload) => {
      if (event === 'event:job' && ok(payload as JobInfo)) {
        off();
        resolve(payload as JobInfo);
      }
    });
  });
}

/** A job context for running a job function directly (core-level tests). */
export function testJobContext(onProgress?: (done: number, ctx: { abort(): void }) => void): JobContext & { last?: JobReport; abort(): void } {
  const controller = new AbortController();
  const ctx = {
    signal: controller.signal,
    last: undefined as JobReport | undefined,
    abort: () => controller.abort(),
    progress: (p: { done: number }) => onProgress?.(p.done, ctx),
    report: (r: JobReport) => {
      ctx.last = r;
    },
  };
  return ctx;
}
