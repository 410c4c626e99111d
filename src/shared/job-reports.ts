/**
 * What a job says when it ends (done, failed or cancelled): one variant per job kind, told apart
 * by `kind` (the same string as the job's `JobInfo.kind`). Each feature adds its own variant
 * here; the renderer branches on `kind`, never on text.
 */
import type { Bytes } from './bytes';
import type { K8sAnalyzeReport } from './k8s';
import type { DefragReport, SnapshotReport } from './maintenance-reports';
import type { ExportReport, ImportApplyReport, ImportPlanReport } from './transfer-reports';

/** A job whose kind has no structured report (yet): a count and nothing else. */
export interface PlainReport {
  readonly kind: 'plain';
  readonly done: number;
}

/** A search (`search:start`): how far it got and what it found. */
export interface SearchReport {
  readonly kind: 'search';
  /** Keys looked at (all of them unless cancelled, failed or capped). */
  readonly scanned: number;
  /** Keys that matched (hits sent as event:search-hits). */
  readonly matched: number;
  /** Stopped at the result cap: more keys may match past the last one scanned. */
  readonly capped: boolean;
  /** The revision the whole search read at. */
  readonly revision: number;
}

/** Keys with one outcome: the exact count, and the first REPORT_KEYS_MAX of them in key order. */
export interface KeyList {
  readonly count: number;
  readonly keys: readonly Bytes[];
}

/** A bulk delete (kind 'bulk-delete'): what was deleted, what was not and why, what is unknown. */
export interface BulkDeleteReport {
  readonly kind: 'bulk-delete';
  /** Keys counted in the confirmation. */
  readonly planned: number;
  readonly deleted: KeyList;
  /** Modified after they were counted: not deleted. */
  readonly changed: KeyList;
  /** Deleted by someone else after they were counted. */
  readonly gone: KeyList;
  /** In a transaction that failed (nothing of it was applied). */
  readonly failed: KeyList;
  /** In a transaction whose outcome is unknown: maybe deleted, maybe not. */
  readonly unknown: KeyList;
  /** Not attempted: the job was cancelled or stopped at a failure first. */
  readonly notAttempted: KeyList;
  /** Prefix deletes: keys under the prefix now that were not counted (written after the count), left alone. */
  readonly writtenAfterCount?: KeyList;
  readonly transactions: number;
  /** Set when Undo can restore the deleted keys (bulk:undo with this id). */
  readonly undoId?: string;
  /** Why Undo is not available, in words, when it is not. */
  readonly undoUnavailableReason?: string;
}

/** An undo of a bulk delete (kind 'bulk-undo'). */
export interface BulkUndoReport {
  readonly kind: 'bulk-undo';
  readonly planned: number;
  readonly restored: KeyList;
  /** Restored, with their lease reattached (a subset of restored). */
  readonly leaseReattached: number;
  /** Restored without a lease: their lease had expired or was revoked. */
  readonly leaseExpired: KeyList;
  /** Exist again (written by someone since the delete): left as they are. */
  readonly existsNow: KeyList;
  readonly failed: KeyList;
  readonly unknown: KeyList;
  readonly notAttempted: KeyList;
  readonly transactions: number;
  /** Undo can be run again for the keys not restored (failed, unknown, not attempted). */
  readonly undoId?: string;
}

/** A copy, rename or move (kind 'bulk-copy'). */
export interface BulkCopyReport {
  readonly kind: 'bulk-copy';
  readonly mode: 'copy' | 'move';
  readonly planned: number;
  /** Copies: written at the target. Moves: written at the target but the source kept (see sourceKept, failed, unknown). */
  readonly copied: KeyList;
  /** Moves: written at the target and the source deleted. */
  readonly moved: KeyList;
  /** Moves across clusters: copied, but the source changed after it was read, so it was kept. */
  readonly sourceKept: KeyList;
  /** The target key exists (and overwrite was off). */
  readonly targetExists: KeyList;
  /** The source key changed or was deleted after it was read: not copied. */
  readonly sourceChanged: KeyList;
  readonly failed: KeyList;
  readonly unknown: KeyList;
  readonly notAttempted: KeyList;
  /** Copies to another cluster are written without lease (lease ids belong to their cluster). */
  readonly leasesDropped: number;
  readonly transactions: number;
}

export type JobReport = PlainReport | SearchReport | BulkDeleteReport | BulkUndoReport | BulkCopyReport | ExportReport | ImportPlanReport | ImportApplyReport | DefragReport | SnapshotReport | K8sAnalyzeReport;
