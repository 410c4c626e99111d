/**
 * What a job says when it ends (done, failed or cancelled): one variant per job kind, told apart
 * by `kind` (the same string as the job's `JobInfo.kind`). Each feature adds its own variant
 * here; the renderer branches on `kind`, never on text.
 */

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

export type JobReport = PlainReport | SearchReport;
