/**
 * The Export and Import dialogs: which file, the job running in main (progress, cancel) and its
 * report. Import is two steps: the dry run (writes nothing) and, only once its summary is on
 * screen and the user accepts it, Apply with the dry run's plan id. The jobs belong to the
 * connection the dialog was opened in: leaving it cancels them (the scope) and closes the dialog.
 */
import type { AppError, Result } from '../../../../shared/result';
import type { ExportReport, ImportApplyReport, ImportPlanReport, OnExisting } from '../../../../shared/transfer-reports';
import type { JobInfo } from '../../../../shared/types';
import { text, type Bytes } from '../../../../shared/bytes';
import { EXPORT_KEYS_MAX } from '../../../../shared/contract/transfer';
import { isTrackedJob, type TrackedJob } from '../../app/jobs';
import type { Notify, SliceCreator } from '../../app/slice';

export interface ExportDialog {
  readonly mode: 'export';
  /** Every key under the prefix, or the keys selected (in the grid or the tree) when the dialog opened. */
  readonly source: 'prefix' | 'selection';
  readonly prefix: string;
  /** The selection when the dialog opened (may be empty, or more than EXPORT_KEYS_MAX: then it cannot be chosen). */
  readonly keys: readonly Bytes[];
  readonly path: string;
  readonly job: JobInfo | null;
  readonly error: AppError | null;
}

export interface ImportDialog {
  readonly mode: 'import';
  readonly path: string;
  readonly onExisting: OnExisting;
  /** The dry run's job (its report holds the summary and the plan id). */
  readonly plan: JobInfo | null;
  /** The apply's job, once the dry run was accepted. */
  readonly apply: JobInfo | null;
  readonly error: AppError | null;
}

export type TransferDialog = ExportDialog | ImportDialog;

export interface TransferSlice {
  transfer: TransferDialog | null;
  /** `selection`: the selected keys are chosen (when there are any and not too many); the prefix is offered too. */
  openExport(what?: 'prefix' | 'selection'): void;
  openImport(): void;
  closeTransfer(): void;
  updateTransfer(patch: { path?: string; prefix?: string; source?: 'prefix' | 'selection'; onExisting?: OnExisting }): void;
  /** The system's save (export) or open (import) dialog fills the path. */
  browseTransferFile(): Promise<void>;
  startExport(): Promise<void>;
  startDryRun(): Promise<void>;
  applyPlan(): Promise<void>;
  cancelTransfer(): void;
}

interface TransferNeeds extends Notify {
  readonly prefix: string;
  readonly bulkSelected: ReadonlyMap<string, Bytes>;
}

/** Whether a selection of `n` keys can be exported as such. */
export const selectionExportable = (n: number): boolean => n > 0 && n <= EXPORT_KEYS_MAX;

export const exportReportOf = (job: JobInfo | null): ExportReport | undefined => (job?.report?.kind === 'export' ? job.report : undefined);
export const planReportOf = (job: JobInfo | null): ImportPlanReport | undefined => (job?.report?.kind === 'import-plan' ? job.report : undefined);
export const applyReportOf = (job: JobInfo | null): ImportApplyReport | undefined => (job?.report?.kind === 'import-apply' ? job.report : undefined);

export const createTransferSlice: SliceCreator<TransferSlice, TransferNeeds> = (set, get, { client, scope, jobs }) => {
  let running: TrackedJob | null = null;
  scope.own({
    reset: () => {
      running = null;
      set({ transfer: null });
    },
  });

  /** Applies `patch` to the dialog if it is still the one of that mode (not closed meanwhile). */
  const patchDialog = <D extends TransferDialog>(mode: D['mode'], patch: Partial<D>): void => {
    const d = get().transfer;
    if (d?.mode === mode) set({ transfer: { ...d, ...patch } as TransferDialog });
  };

  const track = async (mode: TransferDialog['mode'], field: 'job' | 'plan' | 'apply', starting: Promise<Result<JobInfo>>): Promise<void> => {
    const profileId = scope.profileId;
    if (!profileId) return;
    const t = await jobs.start(profileId, starting, {
      onUpdate: (info) => {
        if (info.state !== 'running' && running?.jobId === info.jobId) running = null;
        patchDialog(mode, { [field]: info } as Partial<TransferDialog>);
      },
    });
    if (isTrackedJob(t)) running = t.isRunning() ? t : null;
    // A production confirmation cancelled: nothing was started, nothing to say.
    else if (t.code !== 'CANCELLED') patchDialog(mode, { error: t });
  };

  return {
    transfer: null,

    openExport(what = 'prefix') {
      if (!scope.profileId) {
        get().setStatus('info', 'Connect to a profile first, then export keys.');
        return;
      }
      const keys = [...get().bulkSelected.values()];
      const source = what === 'selection' && selectionExportable(keys.length) ? 'selection' : 'prefix';
      set({ transfer: { mode: 'export', source, prefix: get().prefix, keys, path: '', job: null, error: null } });
    },

    openImport() {
      if (!scope.profileId) {
        get().setStatus('info', 'Connect to a profile first, then import keys.');
        return;
      }
      set({ transfer: { mode: 'import', path: '', onExisting: 'keep', plan: null, apply: null, error: null } });
    },

    closeTransfer() {
      running?.cancel();
      running = null;
      set({ transfer: null });
    },

    updateTransfer(patch) {
      const d = get().transfer;
      if (!d) return;
      if (d.mode === 'export') {
        const source = patch.source === 'selection' && !selectionExportable(d.keys.length) ? d.source : (patch.source ?? d.source);
        set({ transfer: { ...d, ...(patch.path !== undefined ? { path: patch.path } : {}), ...(patch.prefix !== undefined ? { prefix: patch.prefix } : {}), source } });
      }
      // A different file or choice makes the dry run on screen stale.
      else set({ transfer: { ...d, ...(patch.path !== undefined ? { path: patch.path } : {}), ...(patch.onExisting ? { onExisting: patch.onExisting } : {}), plan: null, apply: null, error: null } });
    },

    async browseTransferFile() {
      const d = get().transfer;
      if (!d) return;
      const r = await client.transfer.chooseFile({ purpose: d.mode, ...(d.path ? { current: d.path } : {}) });
      if (!r.ok) {
        patchDialog(d.mode, { error: r.error });
        return;
      }
      if (r.value.path) get().updateTransfer({ path: r.value.path });
    },

    async startExport() {
      const d = get().transfer;
      const profileId = scope.profileId;
      if (d?.mode !== 'export' || !profileId || !d.path) return;
      patchDialog('export', { error: null, job: null });
      const what = d.source === 'selection' && selectionExportable(d.keys.length) ? { keys: [...d.keys] } : { prefix: text(d.prefix) };
      await track('export', 'job', client.transfer.export({ profileId, path: d.path, ...what }));
    },

    async startDryRun() {
      const d = get().transfer;
      const profileId = scope.profileId;
      if (d?.mode !== 'import' || !profileId || !d.path) return;
      patchDialog('import', { error: null, plan: null, apply: null });
      await track('import', 'plan', client.transfer.plan({ profileId, path: d.path, onExisting: d.onExisting }));
    },

    async applyPlan() {
      const d = get().transfer;
      const profileId = scope.profileId;
      const planId = d?.mode === 'import' ? planReportOf(d.plan)?.planId : undefined;
      if (d?.mode !== 'import' || !profileId || !planId || d.plan?.state !== 'done') return;
      patchDialog('import', { error: null, apply: null });
      await track('import', 'apply', client.transfer.apply({ profileId, planId }));
    },

    cancelTransfer() {
      running?.cancel();
    },
  };
};
