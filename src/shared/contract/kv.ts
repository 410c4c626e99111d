import { z } from 'zod';
import type { CountResult, DeleteResult, FolderChildren, KeyValue, Page, PreviewsResult, PutResult, SeekPage } from '../types';
import { keyInWords } from './words';
import { channel, returns, type Input } from './define';
import { PAGE_LIMIT_MAX, PREVIEW_BYTES_MAX, PREVIEW_KEYS_MAX, PREVIEW_READ_BYTES_MAX } from './limits';
import { key, leaseId, profileId, revision, value } from './schemas';

/**
 * What a put does to the key's lease. Absent = `keep`: an existing key keeps its lease, a new key
 * gets none. Any other choice is explicit: `none` detaches, `attach` an existing lease, `grant` a
 * new lease with this TTL (seconds) granted just before the write.
 */
export const leaseChoice = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('keep') }).strict(),
  z.object({ mode: z.literal('none') }).strict(),
  z.object({ mode: z.literal('attach'), id: leaseId.refine((s) => s !== '0', 'lease 0 means no lease') }).strict(),
  z.object({ mode: z.literal('grant'), ttl: z.number().int().min(1).max(100 * 365 * 24 * 3600) }).strict(),
]);
export type LeaseChoice = Input<typeof leaseChoice>;

export const listRequest = z
  .object({
    profileId,
    /** Empty text means the whole keyspace. */
    prefix: key,
    /** Continue after this key (the `nextCursor` of the previous page). */
    cursor: key.optional(),
    limit: z.number().int().min(1).max(PAGE_LIMIT_MAX),
    keysOnly: z.boolean().optional(),
    /** Pin the page to this revision (the `revision` of the first page). 0/absent = latest. */
    revision: revision.optional(),
    /** Also return how many keys the prefix holds (at the same revision). */
    count: z.boolean().optional(),
    /** Preview length in bytes for values, default 256. */
    previewBytes: z.number().int().min(0).max(PREVIEW_BYTES_MAX).optional(),
  })
  .strict();
export type ListRequest = Input<typeof listRequest>;

export const getRequest = z.object({ profileId, key }).strict();
export type GetRequest = Input<typeof getRequest>;

export const putRequest = z
  .object({
    profileId,
    key,
    value,
    /** Compare-and-swap on the mod revision the caller last saw; 0 = must not exist yet; absent = unconditional. */
    expectedModRevision: revision.optional(),
    lease: leaseChoice.optional(),
  })
  .strict();
export type PutRequest = Input<typeof putRequest>;

export const deleteRequest = z.object({ profileId, key, expectedModRevision: revision.optional() }).strict();
export type DeleteRequest = Input<typeof deleteRequest>;

export const countRequest = z
  .object({
    profileId,
    /** Empty text means the whole keyspace. */
    prefix: key,
    /** Count at this revision (0/absent = latest). */
    revision: revision.optional(),
  })
  .strict();
export type CountRequest = Input<typeof countRequest>;

export const previewsRequest = z
  .object({
    profileId,
    /** The keys whose sizes and previews are wanted (the rows on screen). */
    keys: z.array(key).min(1).max(PREVIEW_KEYS_MAX),
    /** Read at this revision (the listing's), 0/absent = latest. */
    revision: revision.optional(),
    /** Preview length in bytes, default 256. */
    previewBytes: z.number().int().min(0).max(PREVIEW_BYTES_MAX).optional(),
    /** Stop starting reads once this many value bytes came back (default 8 MiB). */
    maxBytes: z.number().int().min(1).max(PREVIEW_READ_BYTES_MAX).optional(),
  })
  .strict();
export type PreviewsRequest = Input<typeof previewsRequest>;

export const childrenRequest = z
  .object({
    profileId,
    /** The folder's prefix, delimiter included ("" is the root). */
    folder: key,
    /** What separates folders, "/" by default in the UI; not empty. */
    delimiter: key,
    limit: z.number().int().min(1).max(PAGE_LIMIT_MAX),
    /** Continue here (the `nextCursor` of the previous call). */
    cursor: key.optional(),
    /** Read at this revision (the previous call's), 0/absent = latest. */
    revision: revision.optional(),
  })
  .strict();
export type ChildrenRequest = Input<typeof childrenRequest>;

export const seekRequest = z
  .object({
    profileId,
    /** Empty text means the whole keyspace. */
    prefix: key,
    /** Read at this revision (the listing's), 0/absent = latest. */
    revision: revision.optional(),
    /** The last page, the page at a 0-based index, or the page at the first key >= a key. */
    to: z.union([
      z.object({ end: z.literal(true) }).strict(),
      z.object({ offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).strict(),
      z.object({ key }).strict(),
    ]),
    limit: z.number().int().min(1).max(PAGE_LIMIT_MAX),
  })
  .strict();
export type SeekRequest = Input<typeof seekRequest>;

export const kv = {
  list: channel({
    effect: 'read',
    request: listRequest,
    response: returns<Page>(),
    doc: 'One page of keys under a prefix, pinned to a revision across pages.',
  }),
  get: channel({
    effect: 'read',
    request: getRequest,
    response: returns<KeyValue>(),
    doc: 'One key with its whole value; NOT_FOUND when absent.',
  }),
  put: channel({
    effect: 'write',
    describe: (r) => (r.expectedModRevision === 0 ? `Create the key ${keyInWords(r.key)}` : `Save the key ${keyInWords(r.key)}`),
    request: putRequest,
    response: returns<PutResult>(),
    doc: 'Write a key, optionally compare-and-swap on its mod revision. Never retried once it may have reached etcd.',
  }),
  delete: channel({
    effect: 'write',
    describe: (r) => `Delete the key ${keyInWords(r.key)}`,
    confirmBy: 'key',
    request: deleteRequest,
    response: returns<DeleteResult>(),
    doc: 'Delete one key, optionally compare-and-swap; returns what was deleted.',
  }),
  count: channel({
    effect: 'read',
    request: countRequest,
    response: returns<CountResult>(),
    doc: 'The exact number of keys under a prefix, and the revision it was counted at.',
  }),
  children: channel({
    effect: 'read',
    request: childrenRequest,
    response: returns<FolderChildren>(),
    doc: "A folder's direct children by delimiter (sub-folders and keys), in round trips proportional to the children.",
  }),
  seek: channel({
    effect: 'read',
    request: seekRequest,
    response: returns<SeekPage>(),
    doc: 'A keys-only page at the end, at an index or at the first key >= a key, found with bounded count-only windows (never a descending read).',
  }),
  previews: channel({
    effect: 'read',
    request: previewsRequest,
    response: returns<PreviewsResult>(),
    doc: "Sizes and value previews of named keys (a keys-only listing's rows on screen), bounded by bytes read per call.",
  }),
};
