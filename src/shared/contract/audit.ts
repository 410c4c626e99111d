/**
 * The audit trail: every write this app made (or tried to make) to a profile's cluster, kept
 * on this machine per profile (a JSON Lines file in the user data folder, rotated by size).
 * Entries name the key or prefix written, the revisions and the outcome; never a value.
 */
import { z } from 'zod';
import type { Bytes } from '../bytes';
import type { ErrorCode } from '../result';
import type { PutResult } from '../types';
import { channel, returns, type Input } from './define';
import { profileId } from './schemas';

/** An audit page holds at most this many entries. */
export const AUDIT_PAGE_MAX = 500;

export const AUDIT_OUTCOMES = ['applied', 'failed', 'unknown'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One line of the audit file (format version 1). */
export interface AuditEntry {
  readonly v: 1;
  /** Unique id of the entry (audit:restore names it). */
  readonly id: string;
  /** When the write ended, ms since epoch. */
  readonly at: number;
  readonly profileId: string;
  readonly profileName?: string;
  /** The cluster's id in hex (etcd's header.cluster_id), when the connection knew it. */
  readonly clusterId?: string;
  /** The channel (e.g. 'kv:put') or a readable operation of a main module (e.g. 'maintenance:defragment'). */
  readonly operation: string;
  /** The single key written. */
  readonly key?: Bytes;
  /** The prefix a bulk operation worked on ('' = the whole keyspace). */
  readonly prefix?: Bytes;
  /** Copies and moves: the prefix the keys were written under (in `details.targetProfileId`). */
  readonly target?: Bytes;
  /** The key's mod revision before the write, when the request or the response knew it. */
  readonly revisionBefore?: number;
  /** The revision of the write (the response header's revision). */
  readonly revisionAfter?: number;
  /** A put that created its key (nothing to restore before it). */
  readonly created?: boolean;
  readonly outcome: AuditOutcome;
  /** The error code when the outcome is failed or unknown. */
  readonly errorCode?: ErrorCode;
  /** Facts that are neither keys nor values: a lease id, a target profile, a mode. */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  /** Jobs: what the job did, as counts, when it ended. */
  readonly job?: { readonly kind: string; readonly state: 'done' | 'failed' | 'cancelled'; readonly counts: Readonly<Record<string, number>> };
}

export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  /** Pass as `before` for older entries; null when there are none. */
  readonly next: string | null;
}

export const auditListRequest = z
  .object({
    profileId,
    /** Entries whose operation contains this text. */
    operation: z.string().max(100).optional(),
    /** Entries whose key or prefix (as text) contains this text. */
    keyContains: z.string().max(4096).optional(),
    outcome: z.enum(AUDIT_OUTCOMES).optional(),
    /** ms since epoch, inclusive. */
    from: z.number().int().min(0).optional(),
    to: z.number().int().min(0).optional(),
    /** Older than this entry (a page's `next`). */
    before: z.string().min(1).max(100).optional(),
    limit: z.number().int().min(1).max(AUDIT_PAGE_MAX),
  })
  .strict();
export type AuditListRequest = Input<typeof auditListRequest>;

export const auditRestoreRequest = z.object({ profileId, entryId: z.string().min(1).max(100) }).strict();
export type AuditRestoreRequest = Input<typeof auditRestoreRequest>;

export interface AuditRestoreResult extends PutResult {
  /** The key written back. */
  readonly key: Bytes;
  /** The revision whose value was written back (the entry's revisionAfter - 1). */
  readonly restoredFrom: number;
  /** The key's mod revision the write was compared against (0 = it did not exist). */
  readonly expectedModRevision: number;
}

/** Operations whose entries can be restored: one key overwritten or deleted. */
export const RESTORABLE_OPERATIONS: readonly string[] = ['kv:put', 'kv:delete', 'history:restore', 'audit:restore'];

/** Whether "Restore the value before this write" applies to an entry. */
export const isRestorable = (e: AuditEntry): boolean =>
  RESTORABLE_OPERATIONS.includes(e.operation) && e.outcome === 'applied' && e.key !== undefined && (e.revisionAfter ?? 0) > 1 && e.created !== true;


export const audit = {
  list: channel({
    effect: 'read',
    request: auditListRequest,
    response: returns<AuditPage>(),
    doc: "One page of a profile's audit trail, newest first, filtered by operation, key text, outcome and time.",
  }),
  restore: channel({
    effect: 'write',
    auditDetails: (_r, v): Record<string, number> => (typeof v?.restoredFrom === 'number' ? { fromRevision: v.restoredFrom } : {}),
    request: auditRestoreRequest,
    response: returns<AuditRestoreResult>(),
    doc: 'Write back the value a key had before an audited write (MVCC read at its revision - 1), compare-and-swap on its current mod revision; COMPACTED when etcd no longer holds it.',
  }),
};
