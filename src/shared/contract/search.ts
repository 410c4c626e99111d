/**
 * Search across the whole keyspace under a prefix (not only the keys loaded in the grid): one
 * job per search, at one revision, with hits streamed as `event:search-hits` and a cap on them.
 */
import { z } from 'zod';
import type { Bytes } from '../bytes';
import type { JobInfo } from '../types';
import { channel, returns, type Input } from './define';
import { key, profileId } from './schemas';

/** Hits per search, by default and at most (a search past the cap stops and says "capped"). */
export const SEARCH_RESULTS_DEFAULT = 1000;
export const SEARCH_RESULTS_MAX = 10_000;
/** Longest query text, in characters. */
export const SEARCH_QUERY_MAX = 4096;

export const searchRequest = z
  .object({
    profileId,
    /** Search the keys with this prefix; empty text = the whole keyspace. */
    prefix: key,
    /** What to find: text (substring) or a JavaScript regular expression's source. */
    query: z.string().min(1).max(SEARCH_QUERY_MAX),
    /** 'text': substring of the bytes; 'regex': a regular expression on the UTF-8 text. */
    mode: z.enum(['text', 'regex']),
    /** Default false: ASCII letters match either case (text), the `i` flag (regex). */
    caseSensitive: z.boolean().optional(),
    /** Also look into values (reads them in bounded windows); default keys only. */
    inValues: z.boolean().optional(),
    /** Stop after this many hits (default SEARCH_RESULTS_DEFAULT). */
    maxResults: z.number().int().min(1).max(SEARCH_RESULTS_MAX).optional(),
  })
  .strict();
export type SearchRequest = Input<typeof searchRequest>;

export const search = {
  start: channel({
    effect: 'read',
    request: searchRequest,
    response: returns<JobInfo>(),
    doc: 'Start a search job over every key under a prefix (optionally values too); hits arrive as event:search-hits, the end as event:job with a search report. An invalid regular expression is refused with INVALID_ARGUMENT before the job starts.',
  }),
};

/** One key that matched. */
export interface SearchHit {
  readonly key: Bytes;
  readonly modRevision: number;
  /** The value's size in bytes, when values were read (`inValues`). */
  readonly size?: number;
  /** The match is in the value only (the key itself does not match). */
  readonly inValue: boolean;
}

/** A batch of hits of one search job, in key order (one event per page searched, not per hit). */
export interface SearchHits {
  readonly profileId: string;
  readonly jobId: string;
  readonly hits: readonly SearchHit[];
}
