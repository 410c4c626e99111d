/**
 * The search over the whole keyspace (main's `search:start` job): one search at a time per
 * window; hits stream in as `event:search-hits` batches through the job tracker (app/jobs.ts),
 * progress comes with the job's updates, and the search is cancelled when the app leaves the
 * connection's scope (the tracker does that). Hits are kept up to the job's cap (main stops there).
 */
import type { Bytes } from '../../../../shared/bytes';
import type { SearchHit, SearchHits } from '../../../../shared/contract';
import type { AppError } from '../../../../shared/result';
import type { JobInfo } from '../../../../shared/types';
import { isTrackedJob, type TrackedJob } from '../../app/jobs';
import type { SliceCreator } from '../../app/slice';

export interface SearchParams {
  readonly prefix: string;
  readonly query: string;
  readonly regex: boolean;
  readonly caseSensitive: boolean;
  readonly inValues: boolean;
}

export interface SearchState {
  readonly params: SearchParams;
  readonly status: 'running' | 'done' | 'failed' | 'cancelled';
  readonly hits: readonly SearchHit[];
  readonly scanned: number;
  readonly total?: number;
  readonly capped: boolean;
  readonly error?: AppError;
  readonly jobId?: string;
}

export interface SearchSlice {
  search: SearchState | null;
  /** The command palette (Ctrl/Cmd+K) is open. */
  paletteOpen: boolean;
  setPaletteOpen(open: boolean): void;
  /** Starts a search (cancelling one still running). */
  startSearch(params: SearchParams): Promise<void>;
  cancelSearch(): void;
  /** Opens a hit's key in the value panel, the way the grid does. */
  openSearchHit(key: Bytes): void;
}

interface SearchNeeds {
  readonly activeProfileId: string | null;
  selectKey(key: Bytes): Promise<void>;
}

export const createSearchSlice: SliceCreator<SearchSlice, SearchNeeds> = (set, get, { jobs, client }) => {
  let current: TrackedJob | null = null;
  /** Bumped per search: updates of an older search never touch the newer one. */
  let generation = 0;

  const update = (gen: number, change: (s: SearchState) => Partial<SearchState>): void => {
    const s = get().search;
    if (gen !== generation || !s) return;
    set({ search: { ...s, ...change(s) } });
  };

  return {
    search: null,
    paletteOpen: false,

    setPaletteOpen(open) {
      if (get().paletteOpen !== open) set({ paletteOpen: open });
    },

    async startSearch(params) {
      const profileId = get().activeProfileId;
      if (!profileId || params.query === '') return;
      current?.cancel();
      current = null;
      const gen = ++generation;
      set({ search: { params, status: 'running', hits: [], scanned: 0, capped: false } });
      const onUpdate = (info: JobInfo): void =>
        update(gen, () => {
          const report = info.report?.kind === 'search' ? info.report : undefined;
          return {
            jobId: info.jobId,
            status: info.state === 'running' ? 'running' : info.state,
            scanned: report?.scanned ?? info.progress?.done ?? 0,
            ...(info.progress?.total !== undefined ? { total: info.progress.total } : {}),
            capped: report?.capped ?? false,
            ...(info.error && info.state === 'failed' ? { error: info.error } : {}),
          };
        });
      const onOutput = (batch: SearchHits): void => update(gen, (s) => ({ hits: [...s.hits, ...batch.hits] }));
      const started = await jobs.start<SearchHits>(
        profileId,
        client.search.start({
          profileId,
          prefix: { encoding: 'utf8', data: params.prefix },
          query: params.query,
          mode: params.regex ? 'regex' : 'text',
          caseSensitive: params.caseSensitive,
          inValues: params.inValues,
        }),
        { onUpdate, onOutput },
      );
      if (gen !== generation) {
        if (isTrackedJob(started)) started.cancel();
        return;
      }
      if (isTrackedJob(started)) current = started.isRunning() ? started : null;
      else update(gen, () => ({ status: 'failed', error: started }));
    },

    cancelSearch() {
      current?.cancel();
    },

    openSearchHit(key) {
      void get().selectKey(key);
    },
  };
};
