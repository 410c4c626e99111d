/**
 * Bulk operations on keys: delete a selection or a whole prefix (counted first, confirmed by the
 * user, undoable), and copy / rename / move keys within a profile or to another one. The
 * deletes, undos and copies run as jobs (see ./jobs.ts); their reports are in ../job-reports.ts.
 */
import { z } from 'zod';
import type { Bytes } from '../bytes';
import type { JobInfo } from '../types';
import { keyText } from './words';
import { channel, returns, type Input } from './define';
import { key, profileId } from './schemas';

/** A delete plan counts at most this many keys; a larger prefix is refused before anything is deleted. */
export const BULK_DELETE_MAX_KEYS = 250_000;
/** A selection names at most this many keys. */
export const BULK_SELECTION_MAX_KEYS = 10_000;
/** A copy or move reads at most this many keys. */
export const BULK_COPY_MAX_KEYS = 250_000;
/**
 * The previous values of deleted keys kept in main for Undo, per connection, at most (keys and
 * values, in memory only, for the session). A delete whose values exceed it has no undo; older
 * undo data is dropped to make room for newer.
 */
export const UNDO_CAP_BYTES = 256 * 1024 * 1024;
/** Reports list at most this many keys per outcome (the counts are always exact). */
export const REPORT_KEYS_MAX = 100;

const handleId = z.string().min(1).max(100);

/** What a bulk operation works on: every key under a prefix, or named keys. */
export const bulkSource = z.discriminatedUnion('kind', [
  /** Empty text means the whole keyspace. */
  z.object({ kind: z.literal('prefix'), prefix: key }).strict(),
  z.object({ kind: z.literal('keys'), keys: z.array(key).min(1).max(BULK_SELECTION_MAX_KEYS) }).strict(),
]);
export type BulkSource = Input<typeof bulkSource>;

export const planDeleteRequest = z.object({ profileId, source: bulkSource }).strict();
export type PlanDeleteRequest = Input<typeof planDeleteRequest>;

/** What a delete would remove: shown to the user before they confirm. */
export interface DeletePlan {
  readonly planId: string;
  /** Exactly the keys the delete will remove (each compared by its mod revision). */
  readonly count: number;
  /** The revision the keys were counted at. */
  readonly revision: number;
  /** A few of the keys, in key order. */
  readonly sample: readonly Bytes[];
  /** Named keys that do not exist (a selection only). */
  readonly missing: number;
  /** Sum of key and value sizes of the counted keys. */
  readonly bytes: number;
  /** Whether Undo will be possible (the values fit in UNDO_CAP_BYTES). */
  readonly undoAvailable: boolean;
  /** Why not, in words, when it is not. */
  readonly undoUnavailableReason?: string;
  /** What the user must type to confirm: the prefix (when it is text) or the count. */
  readonly confirmWith: readonly string[];
}

export const deleteRequest = z
  .object({
    profileId,
    planId: handleId,
    /** What the user typed: the prefix, or the count in decimal. */
    typed: z.string().max(70_000),
  })
  .strict();
export type BulkDeleteRequest = Input<typeof deleteRequest>;

export const undoRequest = z.object({ profileId, undoId: handleId }).strict();
export type UndoRequest = Input<typeof undoRequest>;

export const copyRequest = z
  .object({
    /** The source profile (the job is owned by its connection, and by the target's). */
    profileId,
    /** Keys under a prefix, or named keys (each must start with `base`). */
    source: bulkSource,
    /**
     * The part of every source key that is replaced by `targetPrefix`: the prefix for a prefix
     * source; for named keys a common start of them all (a single key renamed: the key itself).
     */
    base: key.optional(),
    targetProfileId: profileId,
    targetPrefix: key,
    mode: z.enum(['copy', 'move']),
    /** Replace target keys that exist; otherwise they are skipped and reported. */
    overwrite: z.boolean(),
  })
  .strict();
export type CopyRequest = Input<typeof copyRequest>;

export const bulk = {
  planDelete: channel({
    effect: 'read',
    request: planDeleteRequest,
    response: returns<DeletePlan>(),
    doc: 'Count exactly what a bulk delete would remove (prefix or selection) at one revision; the plan is kept in main for bulk:delete.',
  }),
  delete: channel({
    effect: 'write',
    describe: () => 'Delete the counted keys',
    request: deleteRequest,
    response: returns<JobInfo>(),
    doc: "Delete a plan's keys as a job (transactions, each key compared by its counted mod revision); needs the typed confirmation.",
  }),
  undo: channel({
    effect: 'write',
    describe: () => 'Undo a delete (write the deleted keys back)',
    request: undoRequest,
    response: returns<JobInfo>(),
    doc: 'Restore what a bulk delete removed (values and live leases), writing only keys that do not exist now; a job.',
  }),
  copy: channel({
    effect: 'write',
    describe: (r, { targetName }) => `${r.mode === 'move' ? 'Move' : 'Copy'} keys to “${keyText(r.targetPrefix)}”${targetName ? ` in “${targetName}”` : ''}`,
    request: copyRequest,
    response: returns<JobInfo>(),
    doc: 'Copy, rename or move keys to another prefix, in this profile or another, compare-and-swap per key; a job.',
  }),
};
