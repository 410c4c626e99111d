/**
 * Maintenance from the cluster view (contract: maintenance:*): compact, defragment (one member
 * or all), snapshot to a file, disarm alarms, compare HashKV, move the leader. Defragment and
 * snapshot are jobs of the connection (progress, cancel, report); the rest are single calls.
 * What changes the cluster is confirmed first (compact: typed in the panel). Everything belongs to the connection it was
 * started in: leaving it cancels the job and clears what is shown.
 */
import type { HashKvResult } from '../../../../shared/contract';
import type { DefragReport, SnapshotReport } from '../../../../shared/maintenance-reports';
import type { AppError, Result } from '../../../../shared/result';
import type { JobInfo, RevisionBounds } from '../../../../shared/types';
import { isTrackedJob, type TrackedJob } from '../../app/jobs';
import type { Confirm, Notify, SliceCreator } from '../../app/slice';

export interface MaintenanceSlice {
  /** The defragment or snapshot job running (or the last one, with its report). */
  maintenanceJob: JobInfo | null;
  /** A single call in flight ('compact', 'disarm', 'hashKv', 'moveLeader'). */
  maintenanceBusy: string | null;
  maintenanceError: AppError | null;
  /** The last HashKV comparison. */
  hashKv: HashKvResult | null;
  /** The cluster's current and compacted revisions, as last read (the compact form shows them). */
  revisionBounds: RevisionBounds | null;
  /** Read the current and compacted revisions again (failures keep the last ones). */
  readRevisionBounds(): Promise<void>;
  /** Compact (the panel's type-to-confirm is the confirmation); `physical`: wait until every member freed the space. */
  compactTo(revision: number, physical: boolean): void;
  defragment(target: 'all' | string, label: string): void;
  saveSnapshot(memberId: string, label: string): Promise<void>;
  disarmAlarms(): Promise<void>;
  checkHashes(): Promise<void>;
  moveLeaderTo(memberId: string, label: string): void;
  cancelMaintenanceJob(): void;
}

interface MaintenanceNeeds extends Notify, Confirm {
  loadClusterStatus(): Promise<void>;
}

export const defragReportOf = (job: JobInfo | null): DefragReport | undefined => (job?.report?.kind === 'defragment' ? job.report : undefined);
export const snapshotReportOf = (job: JobInfo | null): SnapshotReport | undefined => (job?.report?.kind === 'snapshot' ? job.report : undefined);

const initial = () => ({ maintenanceJob: null, maintenanceBusy: null, maintenanceError: null, hashKv: null, revisionBounds: null });

export const createMaintenanceSlice: SliceCreator<MaintenanceSlice, MaintenanceNeeds> = (set, get, { client, scope, jobs }) => {
  let running: TrackedJob | null = null;
  scope.own({
    reset: () => {
      running = null;
      set(initial());
    },
  });

  const track = async (starting: Promise<Result<JobInfo>>): Promise<void> => {
    const profileId = scope.profileId;
    if (!profileId) return;
    set({ maintenanceError: null, maintenanceJob: null });
    const t = await jobs.start(profileId, starting, {
      onUpdate: (info) => {
        if (info.state !== 'running' && running?.jobId === info.jobId) running = null;
        set({ maintenanceJob: info });
        if (info.state !== 'running') void get().loadClusterStatus();
      },
    });
    if (isTrackedJob(t)) running = t.isRunning() ? t : null;
    else set({ maintenanceError: t });
  };

  /** One call: busy while it runs, its error shown in the panel; returns the value on success. */
  const single = async <T>(what: string, call: (profileId: string) => Promise<Result<T>>): Promise<T | undefined> => {
    const guard = scope.capture();
    if (!guard || get().maintenanceBusy) return undefined;
    set({ maintenanceBusy: what, maintenanceError: null });
    const r = await guard.wait(call(guard.profileId));
    if (!r) return undefined;
    set({ maintenanceBusy: null, ...(r.ok ? {} : { maintenanceError: r.error }) });
    void get().loadClusterStatus();
    return r.ok ? r.value : undefined;
  };

  return {
    ...initial(),

    compactTo(revision, physical) {
      void single('compact', (profileId) => client.maintenance.compact({ profileId, revision, physical })).then((v) => {
        if (v) get().pushToast('success', `Compacted up to revision ${v.revision}${v.physical ? ' (space freed on every member)' : ''}.`);
      });
    },

    defragment(target, label) {
      get().askConfirm({
        title: target === 'all' ? 'Defragment every member' : `Defragment ${label}`,
        message:
          target === 'all'
            ? 'Each member is defragmented in turn (followers first, the leader last) and blocks reads and writes while it is; the job stops at the first failure.'
            : 'The member blocks reads and writes while it is defragmented.',
        confirmLabel: 'Defragment',
        onConfirm: () => {
          const profileId = scope.profileId;
          if (profileId) void track(client.maintenance.defragment({ profileId, target }));
        },
      });
    },

    async saveSnapshot(memberId, label) {
      const profileId = scope.profileId;
      if (!profileId) return;
      const chosen = await client.maintenance.chooseFile({ current: `etcd-${label.replace(/[^\w.-]+/g, '_')}.db` });
      if (!chosen.ok) {
        set({ maintenanceError: chosen.error });
        return;
      }
      if (!chosen.value.path || scope.profileId !== profileId) return;
      await track(client.maintenance.snapshot({ profileId, memberId, path: chosen.value.path }));
    },

    async disarmAlarms() {
      const r = await single('disarm', (profileId) => client.maintenance.disarm({ profileId }));
      if (r) get().pushToast(r.remaining.length ? 'warning' : 'success', r.remaining.length ? `${r.remaining.length} alarm(s) are still active (raised again).` : `Disarmed ${r.disarmed.length} alarm(s).`);
    },

    async checkHashes() {
      const r = await single('hashKv', (profileId) => client.maintenance.hashKv({ profileId }));
      if (r) set({ hashKv: r });
    },

    moveLeaderTo(memberId, label) {
      get().askConfirm({
        title: 'Move the leader',
        message: `Leadership moves to ${label}; writes pause for a moment while it does.`,
        confirmLabel: 'Move leader',
        onConfirm: () =>
          void single('moveLeader', (profileId) => client.maintenance.moveLeader({ profileId, targetMemberId: memberId })).then((v) => {
            if (v) get().pushToast('success', `${label} is the leader now.`);
          }),
      });
    },

    async readRevisionBounds() {
      const guard = scope.capture();
      if (!guard) return;
      const r = await guard.wait(client.history.bounds({ profileId: guard.profileId }));
      if (r?.ok) set({ revisionBounds: r.value });
    },

    cancelMaintenanceJob() {
      running?.cancel();
    },
  };
};
