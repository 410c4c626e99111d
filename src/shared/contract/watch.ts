/**
 * Live feeds of changes. A watch is a subscription (see jobs.ts): it is owned by one profile's
 * connection, pushes `event:watch` batches carrying its subscription id, and ends when it is
 * closed (`subscriptions:close`) or its connection ends.
 */
import { z } from 'zod';
import type { SubscriptionInfo } from '../types';
import { channel, returns, type Input } from './define';
import { PREVIEW_BYTES_MAX } from './limits';
import { key, profileId, revision } from './schemas';

export const watchPrefixRequest = z
  .object({
    profileId,
    /** Empty text means the whole keyspace. */
    prefix: key,
    /** First revision to deliver: the listing's revision + 1, so nothing between the two is missed. */
    startRevision: revision,
    /** Preview length of put values, default 256. */
    previewBytes: z.number().int().min(0).max(PREVIEW_BYTES_MAX).optional(),
  })
  .strict();
export type WatchPrefixRequest = Input<typeof watchPrefixRequest>;

export const watchKeyRequest = z
  .object({
    profileId,
    key,
    /** First revision to deliver: the loaded value's revision + 1 (or the read's header revision + 1). */
    startRevision: revision,
  })
  .strict();
export type WatchKeyRequest = Input<typeof watchKeyRequest>;

export const watch = {
  prefix: channel({
    effect: 'read',
    request: watchPrefixRequest,
    response: returns<SubscriptionInfo>(),
    doc: 'Watch every key under a prefix from a revision: coalesced batches with sizes and previews (event:watch).',
  }),
  key: channel({
    effect: 'read',
    request: watchKeyRequest,
    response: returns<SubscriptionInfo>(),
    doc: 'Watch one key from a revision: batches with whole values (event:watch).',
  }),
};
