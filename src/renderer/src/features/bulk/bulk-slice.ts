/**
 * Bulk work on keys from the grid: the multi-selection (Ctrl/Cmd-click toggles, Shift-click
 * selects a range, Ctrl+A the loaded rows) and the bulk Delete dialog: count first (main keeps
 * the plan), the user types the prefix or the count, the delete runs as a job with progress and
 * Cancel, its report says what was and was not deleted, and Undo is offered when main kept the
 * previous values. Everything here belongs to the active connection and is reset with it.
 */
import { text, type Bytes } from '../../../../shared/bytes';
import type { DeletePlan } from '../../../../shared/contract';
import type { BulkDeleteReport, BulkUndoReport } from '../../../../shared/job-reports';
import type { AppError } from '../../../../shared/result';
import type { JobProgress, Profile } from '../../../../shared/types';
import { isTrackedJob, type TrackedJob } from '../../app/jobs';
import type { Notify, SliceCreator } from '../../app/slice';
import { keyId } from '../keys/live-listing';

export type BulkDeletePhase = 'counting' | 'confirm' | 'starting' | 'running' | 'done' | 'failed' | 'cancelled';

export interface BulkDeleteState {
  /** A prefix (text, as typed in the grid) or the selected keys. */
  readonly source: { readonly kind: 'prefix'; readonly prefix: string } | { readonly kind: 'keys'; readonly keys: readonly Bytes[] };
  /** The profile the delete runs on, named in the dialog. */
  readonly profileName: string;
  readonly phase: BulkDeletePhase;
  readonly plan: DeletePlan | null;
  readonly typed: string;
  readonly progress: JobProgress | null;
  readonly report: BulkDeleteReport | null;
  readonly error: AppError | null;
  readonly undo: { readonly phase: 'running' | 'done' | 'failed'; readonly report: BulkUndoReport | null; readonly error: AppError | null } | null;
}

export interface BulkSlice {
  /** The grid's multi-selection, by key id. */
  bulkSelected: ReadonlyMap<string, Bytes>;
  bulkDelete: BulkDeleteState | null;

  /** A modified click on a row: `toggle` (Ctrl/Cmd) or `range` (Shift, from the last clicked row) within `rows`. */
  bulkClick(key: Bytes, rows: readonly Bytes[], mode: 'toggle' | 'range'): void;
  bulkSelectAll(rows: readonly Bytes[]): void;
  bulkClear(): void;
  /** Open the Delete dialog for the selection (when any) or the current prefix, and count. */
  openBulkDelete(what: 'selection' | 'prefix'): Promise<void>;
  setBulkDeleteTyped(typed: string): void;
  confirmBulkDelete(): Promise<void>;
  cancelBulkDelete(): void;
  closeBulkDelete(): void;
  undoBulkDelete(): Promise<void>;
}

interface BulkNeeds extends Notify {
  readonly prefix: string;
  activeProfile(): Profile | undefined;
  reload(): void;
}

export const createBulkSlice: SliceCreator<BulkSlice, BulkNeeds> = (set, get, { client, scope, jobs }) => {
  let anchor: Bytes | null = null;
  let running: TrackedJob | null = null;
  scope.own({
    reset: () => {
      anchor = null;
      running = null;
      set({ bulkSelected: new Map(), bulkDelete: null });
    },
  });

  const patch = (p: Partial<BulkDeleteState>): void => {
    const d = get().bulkDelete;
    if (d) set({ bulkDelete: { ...d, ...p } });
  };

  return {
    bulkSelected: new Map(),
    bulkDelete: null,

    bulkClick(key, rows, mode) {
      const next = new Map(get().bulkSelected);
      const id = keyId(key);
      if (mode === 'range' && anchor) {
        const ids = rows.map(keyId);
        const from = ids.indexOf(keyId(anchor));
        const to = ids.indexOf(id);
        if (from >= 0 && to >= 0) {
          for (let i = Math.min(from, to); i <= Math.max(from, to); i++) next.set(ids[i], rows[i]);
          set({ bulkSelected: next });
          return;
        }
      }
      if (next.has(id)) next.delete(id);
      else next.set(id, key);
      anchor = key;
      set({ bulkSelected: next });
    },

    bulkSelectAll(rows) {
      set({ bulkSelected: new Map(rows.map((k) => [keyId(k), k])) });
    },

    bulkClear() {
      anchor = null;
      set({ bulkSelected: new Map() });
    },

    async openBulkDelete(what) {
      const guard = scope.capture();
      if (!guard) {
        get().setStatus('info', 'Connect to a profile first.');
        return;
      }
      const selected = [...get().bulkSelected.values()];
      const source: BulkDeleteState['source'] =
        what === 'selection' && selected.length > 0 ? { kind: 'keys', keys: selected } : { kind: 'prefix', prefix: get().prefix };
      set({
        bulkDelete: {
          source,
          profileName: get().activeProfile()?.name ?? guard.profileId,
          phase: 'counting',
          plan: null,
          typed: '',
          progress: null,
          report: null,
          error: null,
          undo: null,
        },
      });
      const r = await guard.wait(
        client.bulk.planDelete({
          profileId: guard.profileId,
          source: source.kind === 'prefix' ? { kind: 'prefix', prefix: text(source.prefix) } : { kind: 'keys', keys: [...source.keys] },
        }),
      );
      if (!r || get().bulkDelete?.source !== source) return;
      if (r.ok) patch({ phase: 'confirm', plan: r.value });
      else patch({ phase: 'failed', error: r.error });
    },

    setBulkDeleteTyped(typed) {
      patch({ typed, error: null });
    },

    async confirmBulkDelete() {
      const d = get().bulkDelete;
      const guard = scope.capture();
      if (!d || !d.plan || d.phase !== 'confirm' || !guard) return;
      patch({ phase: 'starting', error: null });
      const started = await jobs.start(guard.profileId, client.bulk.delete({ profileId: guard.profileId, planId: d.plan.planId, typed: d.typed }), {
        onUpdate: (info) => {
          const report = info.report?.kind === 'bulk-delete' ? info.report : null;
          if (info.state === 'running') {
            patch({ phase: 'running', progress: info.progress ?? null, ...(report ? { report } : {}) });
            return;
          }
          running = null;
          patch({ phase: info.state, report, error: info.error ?? null });
          get().bulkClear();
          get().reload();
        },
      });
      if (isTrackedJob(started)) running = started.isRunning() ? started : null;
      // A refused confirmation (or any other refusal) leaves the dialog open with the reason;
      // a production confirmation cancelled leaves it as it was.
      else patch({ phase: 'confirm', error: started.code === 'CANCELLED' ? null : started });
    },

    cancelBulkDelete() {
      running?.cancel();
    },

    closeBulkDelete() {
      if (running) return;
      set({ bulkDelete: null });
    },

    async undoBulkDelete() {
      const d = get().bulkDelete;
      const undoId = d?.report?.undoId;
      const guard = scope.capture();
      if (!d || !undoId || !guard || d.undo?.phase === 'running') return;
      patch({ undo: { phase: 'running', report: null, error: null } });
      const started = await jobs.start(guard.profileId, client.bulk.undo({ profileId: guard.profileId, undoId }), {
        onUpdate: (info) => {
          if (info.state === 'running') return;
          const report = info.report?.kind === 'bulk-undo' ? info.report : null;
          patch({ undo: { phase: info.state === 'done' ? 'done' : 'failed', report, error: info.error ?? null } });
          get().reload();
        },
      });
      if (!isTrackedJob(started)) patch({ undo: started.code === 'CANCELLED' ? null : { phase: 'failed', report: null, error: started } });
    },
  };
};
