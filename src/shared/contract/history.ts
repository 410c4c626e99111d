/**
 * What etcd still holds of the past (its MVCC history, until compaction): a key's versions,
 * the keys deleted under a prefix, and writing an old value back. Browsing a prefix at a past
 * revision is `kv:list` with `revision`.
 */
import { z } from 'zod';
import type { DeletedPage, HistoryPage, KeyValue, PutResult, RevisionBounds } from '../types';
import { keyInWords } from './words';
import { channel, returns, type Input } from './define';
import { key, profileId, profileRef, revision } from './schemas';

/** A history page holds at most this many versions (each may cost a round trip). */
export const HISTORY_PAGE_MAX = 50;
/** A deleted-keys page holds at most this many keys. */
export const DELETED_PAGE_MAX = 1000;

export const versionsRequest = z
  .object({
    profileId,
    key,
    /** Continue with versions older than this mod revision (a page's `next`); absent = from now. */
    before: revision.optional(),
    limit: z.number().int().min(1).max(HISTORY_PAGE_MAX),
  })
  .strict();
export type VersionsRequest = Input<typeof versionsRequest>;

export const atRevisionRequest = z.object({ profileId, key, revision: revision.min(1) }).strict();
export type AtRevisionRequest = Input<typeof atRevisionRequest>;

export const deletedRequest = z
  .object({
    profileId,
    /** Empty text means the whole keyspace. */
    prefix: key,
    /** Deletes after this revision (exclusive). */
    sinceRevision: revision,
    limit: z.number().int().min(1).max(DELETED_PAGE_MAX),
    /** Preview length of the last values, default 256. */
    previewBytes: z.number().int().min(0).max(4096).optional(),
  })
  .strict();
export type DeletedRequest = Input<typeof deletedRequest>;

export const restoreRequest = z
  .object({
    profileId,
    key,
    /** The revision whose value is written back (the value the key had at that revision). */
    revision: revision.min(1),
    /** Compare-and-swap: the key's current mod revision, or 0 = it must not exist (undelete). */
    expectedModRevision: revision,
  })
  .strict();
export type RestoreRequest = Input<typeof restoreRequest>;

export const history = {
  bounds: channel({
    effect: 'read',
    request: profileRef,
    response: returns<RevisionBounds>(),
    doc: 'The current revision and the compacted one: the range of revisions history can reach.',
  }),
  versions: channel({
    effect: 'read',
    request: versionsRequest,
    response: returns<HistoryPage>(),
    doc: "One page of a key's versions, newest first, back to its creation or the compaction.",
  }),
  get: channel({
    effect: 'read',
    request: atRevisionRequest,
    response: returns<KeyValue>(),
    doc: 'A key as it was at a revision (whole value); NOT_FOUND when it did not exist then, COMPACTED when etcd no longer holds it.',
  }),
  deleted: channel({
    effect: 'read',
    request: deletedRequest,
    response: returns<DeletedPage>(),
    doc: 'Keys under a prefix deleted after a revision, with their last values (a watch replay etcd still holds).',
  }),
  restore: channel({
    effect: 'write',
    describe: (r) => `Restore the key ${keyInWords(r.key)} to its value at revision ${String(r.revision)}`,
    auditDetails: (r) => ({ fromRevision: r.revision }),
    request: restoreRequest,
    response: returns<PutResult>(),
    doc: 'Write back the value a key had at a revision, compare-and-swap on its current mod revision (0 = undelete).',
  }),
};
