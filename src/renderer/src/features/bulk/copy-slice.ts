/**
 * The Copy / Move / Rename dialog over `bulk:copy`: the source (the grid's selection, the
 * current prefix, or one key to rename) is fixed when the dialog opens; the user types the
 * target prefix (or the new name), chooses the target profile (this one, or another saved
 * profile that must be connected: the dialog offers to connect it without leaving this one)
 * and whether existing target keys are overwritten. The job runs with progress and Cancel;
 * its report says what was copied or moved, skipped and why, and what is unknown.
 *
 * The draft (target, profile, overwrite) is never lost on an error: a refused start leaves the
 * dialog editable with the reason, and a failed job offers to edit and try again.
 */
import { text, type Bytes } from '../../../../shared/bytes';
import type { BulkCopyReport } from '../../../../shared/job-reports';
import type { AppError } from '../../../../shared/result';
import type { ConnectionStatus, JobProgress, Profile } from '../../../../shared/types';
import { isTrackedJob, type TrackedJob } from '../../app/jobs';
import type { Notify, SliceCreator } from '../../app/slice';

export type CopyMode = 'copy' | 'move';
export type CopyPhase = 'edit' | 'starting' | 'running' | 'done' | 'failed' | 'cancelled';

export type CopySource =
  /** Every key under a prefix (text, as in the grid; empty: the whole keyspace). */
  | { readonly kind: 'prefix'; readonly prefix: string }
  /** Named keys; `base` is the start of them all that the target prefix replaces. */
  | { readonly kind: 'keys'; readonly keys: readonly Bytes[]; readonly base: Bytes }
  /** One key renamed (a move) or copied under a new name: the target is the whole new name. */
  | { readonly kind: 'key'; readonly key: Bytes };

export interface CopyDialogState {
  readonly mode: CopyMode;
  readonly source: CopySource;
  readonly sourceProfileId: string;
  readonly sourceProfileName: string;
  /** The target prefix (or the new name of one key), as typed. */
  readonly target: string;
  readonly targetProfileId: string;
  /** Replace target keys that exist; off: they are skipped and reported. */
  readonly overwrite: boolean;
  readonly phase: CopyPhase;
  readonly progress: JobProgress | null;
  readonly report: BulkCopyReport | null;
  /** Why the start was refused, or why the job failed; shown next to the dialog. */
  readonly error: AppError | null;
  /** Connecting the target profile from the dialog. */
  readonly connectingTarget: boolean;
  readonly connectError: AppError | null;
}

export interface CopySlice {
  copyDialog: CopyDialogState | null;
  /** The grid's context menu for one key (right-click on a row), where it was opened. */
  keyMenu: { readonly key: Bytes; readonly x: number; readonly y: number } | null;

  openKeyMenu(key: Bytes, x: number, y: number): void;
  closeKeyMenu(): void;

  /** Copy or move the grid's selection (when any) or the current prefix. */
  openCopy(mode: CopyMode, what: 'selection' | 'prefix'): void;
  /** Rename (move) one key, or copy it under a new name. */
  openCopyKey(mode: CopyMode, key: Bytes): void;
  updateCopy(patch: { target?: string; targetProfileId?: string; overwrite?: boolean }): void;
  /** Open the target profile's connection (this profile stays the active one). */
  connectCopyTarget(): Promise<void>;
  startCopy(): Promise<void>;
  cancelCopy(): void;
  /** Back to the form after a failed or cancelled job, the draft as it was. */
  editCopyAgain(): void;
  closeCopy(): void;
}

interface CopyNeeds extends Notify {
  readonly prefix: string;
  readonly bulkSelected: ReadonlyMap<string, Bytes>;
  readonly profiles: readonly Profile[];
  readonly statuses: Readonly<Record<string, ConnectionStatus>>;
  readonly treeOpen: boolean;
  activeProfile(): Profile | undefined;
  applyConnectionStatus(status: ConnectionStatus, authoritative?: boolean): void;
  treeDelimiter(): string;
  bulkClear(): void;
  reload(): void;
  reloadTree(): Promise<void>;
}

/**
 * The part of named keys that a target prefix replaces: the grid's prefix when every key starts
 * with it, otherwise their longest common start cut after the last delimiter (empty when a key
 * is not text: the target prefix is then put in front of the whole keys).
 */
export function copyBase(keys: readonly Bytes[], prefix: string, delimiter: string): Bytes {
  if (keys.some((k) => k.encoding !== 'utf8')) return text('');
  const names = keys.map((k) => k.data);
  if (prefix !== '' && names.every((n) => n.startsWith(prefix))) return text(prefix);
  let common = names[0] ?? '';
  for (const n of names) {
    let i = 0;
    while (i < common.length && i < n.length && common[i] === n[i]) i++;
    common = common.slice(0, i);
  }
  const cut = delimiter ? common.lastIndexOf(delimiter) : -1;
  return text(cut >= 0 ? common.slice(0, cut + delimiter.length) : '');
}

/** Whether the target profile can take the job now (the source's profile always can). */
export function targetReady(d: CopyDialogState, statuses: Readonly<Record<string, ConnectionStatus>>): boolean {
  return d.targetProfileId === d.sourceProfileId || statuses[d.targetProfileId]?.state === 'connected';
}

/** What `bulk:copy` is asked, from the dialog. */
function requestOf(d: CopyDialogState) {
  const common = { profileId: d.sourceProfileId, targetProfileId: d.targetProfileId, targetPrefix: text(d.target), mode: d.mode, overwrite: d.overwrite };
  switch (d.source.kind) {
    case 'prefix':
      return { ...common, source: { kind: 'prefix' as const, prefix: text(d.source.prefix) } };
    case 'keys':
      return { ...common, source: { kind: 'keys' as const, keys: [...d.source.keys] }, base: d.source.base };
    case 'key':
      return { ...common, source: { kind: 'keys' as const, keys: [d.source.key] }, base: d.source.key };
  }
}

export const createCopySlice: SliceCreator<CopySlice, CopyNeeds> = (set, get, { client, scope, jobs }) => {
  let running: TrackedJob | null = null;
  scope.own({
    reset: () => {
      running = null;
      set({ copyDialog: null, keyMenu: null });
    },
  });

  const patch = (p: Partial<CopyDialogState>): void => {
    const d = get().copyDialog;
    if (d) set({ copyDialog: { ...d, ...p } });
  };

  const open = (mode: CopyMode, source: CopySource, target: string): void => {
    const profileId = scope.profileId;
    if (!profileId) {
      get().setStatus('info', 'Connect to a profile first.');
      return;
    }
    set({
      copyDialog: {
        mode,
        source,
        sourceProfileId: profileId,
        sourceProfileName: get().activeProfile()?.name ?? profileId,
        target,
        targetProfileId: profileId,
        overwrite: false,
        phase: 'edit',
        progress: null,
        report: null,
        error: null,
        connectingTarget: false,
        connectError: null,
      },
    });
  };

  return {
    copyDialog: null,
    keyMenu: null,

    openKeyMenu(key, x, y) {
      if (scope.profileId) set({ keyMenu: { key, x, y } });
    },

    closeKeyMenu() {
      set({ keyMenu: null });
    },

    openCopy(mode, what) {
      const selected = [...get().bulkSelected.values()];
      const prefix = get().prefix;
      if (what === 'selection' && selected.length > 0) {
        const base = copyBase(selected, prefix, get().treeDelimiter());
        open(mode, { kind: 'keys', keys: selected, base }, base.encoding === 'utf8' ? base.data : '');
      } else {
        open(mode, { kind: 'prefix', prefix }, prefix);
      }
    },

    openCopyKey(mode, key) {
      open(mode, { kind: 'key', key }, key.encoding === 'utf8' ? key.data : '');
    },

    updateCopy(p) {
      const d = get().copyDialog;
      if (!d || d.phase !== 'edit') return;
      patch({
        ...(p.target !== undefined ? { target: p.target } : {}),
        ...(p.targetProfileId !== undefined ? { targetProfileId: p.targetProfileId, connectError: null } : {}),
        ...(p.overwrite !== undefined ? { overwrite: p.overwrite } : {}),
        error: null,
      });
    },

    async connectCopyTarget() {
      const d = get().copyDialog;
      if (!d || d.connectingTarget || d.targetProfileId === d.sourceProfileId) return;
      const guard = scope.capture();
      if (!guard) return;
      const profileId = d.targetProfileId;
      patch({ connectingTarget: true, connectError: null });
      const r = await guard.wait(client.connection.connect({ profileId }));
      if (!r) return;
      if (r.ok) get().applyConnectionStatus(r.value, true);
      // Only the dialog that asked (still aimed at that profile) hears how it went.
      if (get().copyDialog?.targetProfileId !== profileId) return;
      patch({ connectingTarget: false, connectError: r.ok ? null : r.error });
    },

    async startCopy() {
      const d = get().copyDialog;
      const guard = scope.capture();
      if (!d || d.phase !== 'edit' || !guard || guard.profileId !== d.sourceProfileId) return;
      patch({ phase: 'starting', error: null, progress: null, report: null });
      const started = await jobs.start(guard.profileId, client.bulk.copy(requestOf(d)), {
        onUpdate: (info) => {
          const report = info.report?.kind === 'bulk-copy' ? info.report : null;
          if (info.state === 'running') {
            if (get().copyDialog?.source !== d.source) return;
            patch({ phase: 'running', progress: info.progress ?? null, ...(report ? { report } : {}) });
            return;
          }
          running = null;
          // A dialog opened since (for other keys) is not this job's.
          if (get().copyDialog?.source === d.source) patch({ phase: info.state, report, error: info.error ?? null });
          if (d.mode === 'move' && d.source.kind === 'keys') get().bulkClear();
          get().reload();
          if (get().treeOpen) void get().reloadTree();
        },
      });
      if (isTrackedJob(started)) running = started.isRunning() ? started : null;
      // Refused (the target exists as a prefix of the source, not connected, read-only...): the
      // form stays as typed, with the reason.
      else patch({ phase: 'edit', error: started.code === 'CANCELLED' ? null : started });
    },

    cancelCopy() {
      running?.cancel();
    },

    editCopyAgain() {
      const d = get().copyDialog;
      if (!d || running || d.phase === 'edit' || d.phase === 'starting' || d.phase === 'running') return;
      patch({ phase: 'edit', progress: null, report: null, error: null });
    },

    closeCopy() {
      if (running) return;
      set({ copyDialog: null });
    },
  };
};
