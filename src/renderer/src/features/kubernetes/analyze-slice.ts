/**
 * The Kubernetes analyze view (main's `k8s:analyze` job, like `auger analyze`): first the number
 * of keys under /registry/ (the view says it reads every one of their values), then the job with
 * its progress and Cancel, then its report. A cancelled or failed run keeps the partial report it
 * carries, labelled as partial by its status. One analysis at a time; leaving the connection's
 * scope cancels it (the job tracker does) and forgets it.
 */
import type { Bytes } from '../../../../shared/bytes';
import type { K8sAnalyzeReport } from '../../../../shared/k8s';
import type { AppError } from '../../../../shared/result';
import type { JobInfo } from '../../../../shared/types';
import { isTrackedJob, type TrackedJob } from '../../app/jobs';
import type { SliceCreator } from '../../app/slice';

export const ANALYZE_ROOT = '/registry/';

export type AnalyzeCount =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly count: number; readonly revision: number }
  | { readonly state: 'failed'; readonly error: AppError };

export interface AnalyzeRun {
  readonly status: 'running' | 'done' | 'failed' | 'cancelled';
  readonly jobId?: string;
  /** Keys read so far, and the total once counted. */
  readonly done: number;
  readonly total?: number;
  readonly phase?: string;
  /** Set when the job ended (complete when done; partial when cancelled or failed). */
  readonly report?: K8sAnalyzeReport;
  readonly error?: AppError;
}

export interface AnalyzeSlice {
  /** How many keys the analysis would read (asked when the view opens). */
  analyzeCount: AnalyzeCount | null;
  analyzeRun: AnalyzeRun | null;
  /** Count the keys under /registry/ (what the view says before starting). */
  loadAnalyzeCount(): Promise<void>;
  /** Start the analysis (cancelling one still running). */
  startAnalyze(): Promise<void>;
  cancelAnalyze(): void;
  /** Open a key of the report in the value panel, the way the grid does. */
  openAnalyzedKey(key: Bytes): void;
}

interface AnalyzeNeeds {
  readonly activeProfileId: string | null;
  selectKey(key: Bytes): Promise<void>;
}

const root: Bytes = { encoding: 'utf8', data: ANALYZE_ROOT };

export const createAnalyzeSlice: SliceCreator<AnalyzeSlice, AnalyzeNeeds> = (set, get, { jobs, client, scope }) => {
  let current: TrackedJob | null = null;
  /** Bumped per run: updates of an older run never touch the newer one. */
  let generation = 0;
  const counting = scope.sequence();
  scope.own({
    reset: () => {
      // The tracker cancels the job itself; what it showed belonged to the other connection.
      current = null;
      generation++;
      counting.cancel();
      set({ analyzeCount: null, analyzeRun: null });
    },
  });

  const update = (gen: number, change: (r: AnalyzeRun) => Partial<AnalyzeRun>): void => {
    const r = get().analyzeRun;
    if (gen !== generation || !r) return;
    set({ analyzeRun: { ...r, ...change(r) } });
  };

  return {
    analyzeCount: null,
    analyzeRun: null,

    async loadAnalyzeCount() {
      const guard = counting.begin();
      if (!guard) return;
      set({ analyzeCount: { state: 'loading' } });
      const r = await guard.wait(client.kv.count({ profileId: guard.profileId, prefix: root }));
      if (!r) return;
      set({ analyzeCount: r.ok ? { state: 'ready', count: r.value.count, revision: r.value.revision } : { state: 'failed', error: r.error } });
    },

    async startAnalyze() {
      const profileId = get().activeProfileId;
      if (!profileId) return;
      // An ended job is not cancelled again (main would answer NOT_FOUND).
      if (current?.isRunning()) current.cancel();
      current = null;
      const gen = ++generation;
      set({ analyzeRun: { status: 'running', done: 0 } });
      const onUpdate = (info: JobInfo): void =>
        update(gen, () => {
          const report = info.report?.kind === 'k8s-analyze' ? info.report : undefined;
          return {
            jobId: info.jobId,
            status: info.state === 'running' ? 'running' : info.state,
            done: report?.scanned ?? info.progress?.done ?? 0,
            ...(info.progress?.total !== undefined ? { total: info.progress.total } : {}),
            ...(info.progress?.phase !== undefined ? { phase: info.progress.phase } : {}),
            ...(report ? { report } : {}),
            ...(info.error && info.state !== 'running' ? { error: info.error } : {}),
          };
        });
      const started = await jobs.start(profileId, client.k8s.analyze({ profileId, root }), { onUpdate });
      if (gen !== generation) {
        if (isTrackedJob(started)) started.cancel();
        return;
      }
      if (isTrackedJob(started)) current = started.isRunning() ? started : null;
      else update(gen, () => ({ status: 'failed', error: started }));
    },

    cancelAnalyze() {
      if (current?.isRunning()) current.cancel();
    },

    openAnalyzedKey(key) {
      void get().selectKey(key);
    },
  };
};
