/**
 * What the export and import jobs report (variants of `JobReport`, told apart by `kind`). Lists
 * of keys are bounded (TRANSFER_LIST_MAX each): counts are exact, lists hold up to that many keys
 * (the dry run's: the first ones in file order).
 */
import type { Bytes } from './bytes';

/** At most this many keys in each list of a report. */
export const TRANSFER_LIST_MAX = 100;

/** A key of an import file, where it is in the file and how big its value is there. */
export interface TransferItem {
  readonly key: Bytes;
  /** 1-based line of the file (etcd desktop format), or of the entry's start (etcdctl JSON). */
  readonly line: number;
  /** Bytes of the file's value. */
  readonly size: number;
  /** Bytes of the value in etcd, when it exists. */
  readonly currentSize?: number;
}

/** The file formats an import reads (docs/file-format.md). */
export type TransferFormat = 'etcd-desktop' | 'etcdctl-json';

/** What an export wrote (so far, when it failed or was cancelled: then no file is left). */
export interface ExportReport {
  readonly kind: 'export';
  /** The file written; only there when `complete`. */
  readonly path: string;
  readonly complete: boolean;
  readonly keys: number;
  /** Keys the prefix held at the revision (known once the export started reading). */
  readonly total: number;
  /** Bytes written to the file. */
  readonly bytes: number;
  readonly revision: number;
  /** The source cluster's id, in hex. */
  readonly cluster: string;
  /** Keys attached to a lease (exported with the lease's remaining TTL as metadata). */
  readonly withLease: number;
}

/** How an import treats a key that exists with a different value. */
export type OnExisting = 'overwrite' | 'keep';

/** The dry run of an import: what apply would do, read at one revision; nothing is written. */
export interface ImportPlanReport {
  readonly kind: 'import-plan';
  /** Give it to transfer:apply; absent when the dry run did not finish. */
  readonly planId?: string;
  readonly path: string;
  readonly format?: TransferFormat;
  /** What the file says about where it came from (absent fields: the file does not say). */
  readonly source?: { readonly cluster?: string; readonly revision?: number; readonly prefix?: Bytes };
  readonly onExisting: OnExisting;
  /** The revision the cluster was read at. */
  readonly revision: number;
  /** Keys read from the file so far. */
  readonly entries: number;
  readonly counts: { readonly create: number; readonly overwrite: number; readonly unchanged: number; readonly conflict: number };
  readonly lists: {
    readonly create: readonly TransferItem[];
    readonly overwrite: readonly TransferItem[];
    readonly unchanged: readonly TransferItem[];
    readonly conflict: readonly TransferItem[];
  };
  /** Things worth knowing before applying (e.g. etcdctl keys-only output: every value empty). */
  readonly warnings: readonly string[];
  /** The first malformed line, when the file has one (the dry run then fails). */
  readonly malformed?: { readonly line: number; readonly reason: string };
}

/** Why a key of the plan was not written. */
export type SkipReason = 'kept-existing' | 'changed-since-dry-run';

/** What applying a plan did, exactly (so far, when it failed or was cancelled). */
export interface ImportApplyReport {
  readonly kind: 'import-apply';
  readonly planId: string;
  /** Keys in the plan, and keys settled so far. */
  readonly entries: number;
  readonly settled: number;
  readonly counts: {
    readonly created: number;
    readonly overwritten: number;
    /** Already had the file's value (in the dry run, or written meanwhile: e.g. by an interrupted apply). */
    readonly unchanged: number;
    /** Not written on purpose: kept the existing value (`keep`), or changed in etcd since the dry run. */
    readonly skipped: number;
    /** Of `skipped`: changed in etcd since the dry run (a compare-and-swap that did not match). */
    readonly changedSinceDryRun: number;
    /** Certainly not written because of an error. */
    readonly failed: number;
    /** May or may not have been written (OUTCOME_UNKNOWN): run the dry run again to see. */
    readonly unknown: number;
    /** Not tried: the apply stopped (cancel, failure) before reaching them. */
    readonly notAttempted: number;
  };
  readonly lists: {
    readonly created: readonly TransferItem[];
    readonly overwritten: readonly TransferItem[];
    readonly skipped: readonly (TransferItem & { readonly reason: SkipReason })[];
    readonly failed: readonly TransferItem[];
    readonly unknown: readonly TransferItem[];
  };
  /** The highest revision among the transactions applied (0: none). */
  readonly revision: number;
  readonly transactions: number;
}
