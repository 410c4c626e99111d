/**
 * Writing many keys fast, for import and bulk operations: puts grouped into transactions (etcd
 * applies a txn as one raft entry, so one fsync per batch instead of per key), several
 * transactions in flight. Measured (FACTS.md, `npm run bench`): 100k keys in 1.3-3.9 s as txns of
 * 128, 8 in flight, vs 19.5 s as single puts 64 in flight.
 *
 * Each transaction is one write, sent at most once (session.run('write')): it is retried only
 * when it certainly never left this machine. When a batch fails the run stops starting new
 * batches, waits for those in flight, and throws a BulkPutFailure that says which batches were
 * certainly applied, which one failed first, and which may or may not have been applied.
 */
import { TxnBatcher } from './txn-batches';
import type { IRequestOp } from 'etcd3';
import type { AppError } from '../../../shared/result';
import { AppFailure, failure } from './errors';
import { DEFAULT_MAX_REQUEST_BYTES, type EtcdSession } from './session';

/** One put: raw key and value bytes (the key must not be empty). */
export interface BulkEntry {
  readonly key: Buffer;
  readonly value: Buffer;
}

/** How `putMany` batches and paces its transactions. */
export interface PutManyOptions {
  /** Puts per transaction, default 128 (etcd's default --max-txn-ops). */
  readonly batch?: number;
  /** Transactions in flight, default 8. */
  readonly inFlight?: number;
  /** Called after each applied batch with the entries certainly written so far. */
  readonly onProgress?: (written: number, total: number) => void;
}

/** What a successful `putMany` wrote. */
export interface PutManyResult {
  /** Entries written: all of them, except earlier puts of a repeated key (the last one wins). */
  readonly written: number;
  /** The highest revision among the transactions (the revision after the last one applied). */
  readonly revision: number;
  readonly batches: number;
}

/** A batch: entries [from, to) of the input (after dropping earlier puts of a repeated key). */
export interface BatchRange {
  readonly index: number;
  readonly from: number;
  readonly to: number;
}

/** Where a failed `putMany` stopped: exactly what is applied, unknown, and not applied. */
export interface BulkProgress {
  readonly batches: number;
  /** Batches applied for certain, and how many entries they hold. */
  readonly appliedBatches: number;
  readonly written: number;
  /** Indexes of the batches applied for certain. */
  readonly applied: readonly number[];
  /** The first batch that failed, and whether it may have been applied (OUTCOME_UNKNOWN). */
  readonly failed: BatchRange & { readonly outcome: 'not-applied' | 'unknown'; readonly error: AppError };
  /** Every batch whose outcome is unknown (the failed one included when so). */
  readonly unknown: readonly BatchRange[];
  /** The highest revision among applied batches (0 if none). */
  readonly revision: number;
}

/** Thrown by putMany when a batch fails; `error` is the failing batch's error. */
export class BulkPutFailure extends AppFailure {
  constructor(
    error: AppError,
    readonly progress: BulkProgress,
  ) {
    super(error);
    this.name = 'BulkPutFailure';
  }
}

/** Puts per transaction by default: etcd's default --max-txn-ops. */
export const DEFAULT_BATCH = 128;
/** Transactions in flight by default. */
export const DEFAULT_IN_FLIGHT = 8;
/** Room for the txn envelope around one put (same allowance as KvService.put). */
const REQUEST_OVERHEAD_BYTES = 512;
/** Per put inside a txn: RequestOp + PutRequest tags and lengths. */
const PER_OP_BYTES = 16;

/**
 * Splits entries into batches of at most `batch` puts whose txn stays under the request limit.
 * The entries must not name a key twice (see `lastOfEachKey`).
 */
function planBatches(entries: readonly BulkEntry[], batch: number, limitBytes: number): BatchRange[] {
  const out: BatchRange[] = [];
  const batcher = new TxnBatcher<number>(batch, limitBytes, REQUEST_OVERHEAD_BYTES, PER_OP_BYTES);
  const push = (indexes: number[] | undefined): void => {
    if (indexes) out.push({ index: out.length, from: indexes[0], to: indexes[indexes.length - 1] + 1 });
  };
  for (let i = 0; i < entries.length; i++) push(batcher.add(i, entries[i].key.length + entries[i].value.length));
  push(batcher.flush());
  return out;
}

/**
 * The entries with earlier puts of a repeated key dropped. etcd refuses a txn that puts a key
 * twice, and two batches in flight may apply in either order; the final state is the same as
 * putting every entry in order: the last value of each key.
 */
function lastOfEachKey(entries: readonly BulkEntry[]): readonly BulkEntry[] {
  const names = entries.map((e) => e.key.toString('latin1'));
  const last = new Map<string, number>();
  for (let i = 0; i < names.length; i++) last.set(names[i], i);
  if (last.size === entries.length) return entries;
  return entries.filter((_, i) => last.get(names[i]) === i);
}

/** Refuses the whole run before any write when one entry can never be written. */
function validate(entries: readonly BulkEntry[], limit: number): void {
  for (let i = 0; i < entries.length; i++) {
    const { key, value } = entries[i];
    if (!Buffer.isBuffer(key) || key.length === 0) {
      throw failure('INVALID_ARGUMENT', `Entry ${i}: the key is empty.`, { field: 'key', hint: `entry ${i}` });
    }
    const size = key.length + value.length;
    if (size + REQUEST_OVERHEAD_BYTES > limit) {
      throw failure(
        'TOO_LARGE',
        `Entry ${i}: the key and value are ${size} bytes; the cluster accepts at most ${limit - REQUEST_OVERHEAD_BYTES}. Nothing was written.`,
        { size, limit: limit - REQUEST_OVERHEAD_BYTES, field: 'value', hint: `entry ${i}` },
      );
    }
  }
}

/**
 * Puts every entry (plain puts: an existing key is overwritten and loses its lease, as with
 * `etcdctl put`). Resolves when all batches are applied.
 *
 * Guarantees:
 *  - Validated first: nothing is written when an entry has an empty key (INVALID_ARGUMENT) or is
 *    larger than the cluster accepts (TOO_LARGE, naming the entry).
 *  - Atomic batches: each batch is one txn of at most `batch` puts and at most the session's
 *    `maxRequestBytes`, applied whole or not at all. Batches may apply in any order; a repeated
 *    key keeps its last value (earlier puts of it are dropped before batching).
 *  - At most once per batch: a batch is re-sent only when it certainly never left this machine
 *    (the session's retry policy); one whose outcome is unknown is reported as such, never re-sent.
 *  - Deadline: each batch is its own session write with the session's deadline; the whole run
 *    takes as long as it needs.
 *  - Bounded: at most `inFlight` transactions at once; `onProgress` is called after each applied
 *    batch with a growing count. The entries are held by the caller (no copy of the values).
 *  - On failure: throws BulkPutFailure (an AppFailure with the first failing batch's code) once
 *    the batches in flight have settled; its `progress` lists applied, unknown and failed batches.
 */
export async function putMany(session: EtcdSession, entries: readonly BulkEntry[], opts: PutManyOptions = {}): Promise<PutManyResult> {
  const limit = session.config.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  validate(entries, limit);
  const batchSize = Math.max(1, Math.floor(opts.batch ?? DEFAULT_BATCH));
  const inFlight = Math.max(1, Math.floor(opts.inFlight ?? DEFAULT_IN_FLIGHT));
  const unique = lastOfEachKey(entries);
  const batches = planBatches(unique, batchSize, limit);

  let next = 0;
  let written = 0;
  let applied = 0;
  const appliedIdx: number[] = [];
  let revision = 0;
  type Failed = BatchRange & { outcome: 'not-applied' | 'unknown'; error: AppError };
  // In an object: TypeScript does not see the workers' assignments to a plain `let`.
  const state: { failed?: Failed } = {};
  const failedSoFar = (): Failed | undefined => state.failed;
  const unknown: BatchRange[] = [];

  const worker = async (): Promise<void> => {
    while (!failedSoFar() && next < batches.length) {
      const b = batches[next++];
      const success: IRequestOp[] = [];
      for (let i = b.from; i < b.to; i++) success.push({ request_put: { key: unique[i].key, value: unique[i].value } });
      try {
        const res = await session.run('write', () => session.rpc.txn({ compare: [], success, failure: [] }));
        const rev = Number(res.header.revision);
        if (rev > revision) revision = rev;
        applied++;
        appliedIdx.push(b.index);
        written += b.to - b.from;
        opts.onProgress?.(written, unique.length);
      } catch (err) {
        const error: AppError =
          err instanceof AppFailure ? err.error : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
        const outcome = error.code === 'OUTCOME_UNKNOWN' ? 'unknown' : 'not-applied';
        if (outcome === 'unknown') unknown.push(b);
        // The first failure in input order is the one to report (batches finish out of order).
        const prev = failedSoFar();
        if (!prev || b.index < prev.index) state.failed = { ...b, outcome, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, batches.length) }, worker));

  if (state.failed) {
    const f = state.failed;
    const what = f.outcome === 'unknown' ? 'may or may not have been applied' : 'was not applied';
    throw new BulkPutFailure(
      {
        code: f.error.code,
        message:
          `Batch ${f.index + 1} of ${batches.length} (entries ${f.from}–${f.to - 1}) ${what}: ${f.error.message} ` +
          `${applied} batches (${written} entries) were applied` +
          (unknown.length > 0 ? `, ${unknown.length} may or may not have been` : '') +
          '; the others were not.',
        details: { ...f.error.details, hint: `batch ${f.index}` },
      },
      {
        batches: batches.length,
        appliedBatches: applied,
        written,
        applied: appliedIdx.sort((a, b) => a - b),
        failed: f,
        unknown: unknown.sort((a, b) => a.index - b.index),
        revision,
      },
    );
  }
  return { written, revision, batches: batches.length };
}
