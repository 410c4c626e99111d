/**
 * The dry run of an import: streams the file, reads what etcd holds for its keys (in read-only
 * transactions, all at the revision of the first one, several in flight) and classifies each key:
 *
 *  - create:    the key does not exist;
 *  - unchanged: it exists with exactly the file's bytes (nothing to write);
 *  - overwrite: it exists with other bytes, and the import replaces existing values;
 *  - conflict:  it exists with other bytes, and the import keeps existing values: it is left as it
 *               is and listed, so the person sees what the file and the cluster disagree on.
 *
 * Nothing is written. The result is kept as a plan (plans.ts) that `apply` executes with
 * compare-and-swap against what this dry run saw.
 */
import { pace } from '../tasks/pace';
import { crc32 } from 'node:zlib';
import type { ImportPlanReport, OnExisting, TransferItem } from '../../../shared/transfer-reports';
import { TRANSFER_LIST_MAX } from '../../../shared/transfer-reports';
import { fromBuffer } from '../etcd/bytes';
import { failure } from '../etcd/errors';
import { DEFAULT_MAX_REQUEST_BYTES, type EtcdSession } from '../etcd/session';
import type { JobContext } from '../tasks/connection-tasks';
import { inBatches } from './batches';
import { fitsAlone } from '../etcd/txn-batches';
import { DuplicateCheck, NotSorted } from './duplicates';
import { MalformedLine } from './format';
import { Action, PlanColumns, type ImportPlan, type PlanStore } from './plans';
import { openSource, type ImportEntry } from './source';
import { readState, type Current } from './state';

export interface PlanOptions {
  readonly profileId: string;
  readonly path: string;
  readonly onExisting: OnExisting;
}

/** Keys per read-only txn (etcd's default --max-txn-ops). */
const READ_BATCH = 128;
/** File bytes per read batch: the answer holds about as many bytes of current values. */
const READ_BATCH_BYTES = 4 * 1024 * 1024;
/** Read transactions in flight. */
const READS_IN_FLIGHT = 4;

export const entrySum = (e: { key: Buffer; value: Buffer }): number => crc32(e.value, crc32(e.key));

const item = (e: ImportEntry, cur?: Current): TransferItem => ({
  key: fromBuffer(e.key),
  line: e.line,
  size: e.value.length,
  ...(cur ? { currentSize: cur.value.length } : {}),
});

export async function runPlan(session: EtcdSession, opts: PlanOptions, ctx: JobContext, store: PlanStore): Promise<void> {
  try {
    await planPass(session, opts, ctx, store, false);
  } catch (err) {
    if (!(err instanceof NotSorted)) throw err;
    // Keys out of order: read the file again, remembering every key to find repeats.
    await planPass(session, opts, ctx, store, true);
  }
}

async function planPass(session: EtcdSession, opts: PlanOptions, ctx: JobContext, store: PlanStore, remember: boolean): Promise<void> {
  const source = await openSource(opts.path, ctx.signal);
  const limit = session.config.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const cols = new PlanColumns();
  const counts = { create: 0, overwrite: 0, unchanged: 0, conflict: 0 };
  const lists = { create: [] as TransferItem[], overwrite: [] as TransferItem[], unchanged: [] as TransferItem[], conflict: [] as TransferItem[] };
  const duplicates = new DuplicateCheck(remember);
  let tooLarge = 0;
  let revision = 0;
  let malformed: { line: number; reason: string } | undefined;
  // Set once the plan is stored (an object: closures above read it).
  const stored: { planId?: string } = {};
  const due = pace();

  const warnings = (): string[] => {
    const w: string[] = [];
    const info = source.info();
    if (info.format === 'etcdctl-json' && cols.length > 0 && source.valuesAbsent() === cols.length) {
      w.push(`None of the ${cols.length} keys has a value: if the file is \`etcdctl get --keys-only\` output, importing it sets every value to empty.`);
    }
    if (info.count !== undefined && !malformed && stored.planId && info.count !== cols.length) {
      w.push(`The file's header says it holds ${info.count} keys, but it holds ${cols.length}: it may be cut short.`);
    }
    if (tooLarge > 0) w.push(`${tooLarge} keys are larger than the cluster accepts in one request (${limit} bytes): applying will fail for them.`);
    return w;
  };
  const report = (): void => {
    const info = source.info();
    const r: ImportPlanReport = {
      kind: 'import-plan',
      ...(stored.planId ? { planId: stored.planId } : {}),
      path: opts.path,
      format: info.format,
      source: {
        ...(info.cluster ? { cluster: info.cluster } : {}),
        ...(info.revision !== undefined ? { revision: info.revision } : {}),
        ...(info.prefix ? { prefix: info.prefix } : {}),
      },
      onExisting: opts.onExisting,
      revision,
      entries: cols.length,
      counts: { ...counts },
      lists,
      warnings: warnings(),
      ...(malformed ? { malformed } : {}),
    };
    ctx.report(r);
  };
  const progress = (force = false): void => {
    if (!due(force)) return;
    report();
    ctx.progress({ done: source.bytesRead(), total: source.size, phase: `dry run: ${cols.length} keys read` });
  };

  const classify = (batch: readonly ImportEntry[], state: readonly (Current | undefined)[]): void => {
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i];
      const cur = state[i];
      let action: Action;
      if (!cur) action = Action.create;
      else if (cur.value.equals(e.value)) action = Action.unchanged;
      else action = opts.onExisting === 'overwrite' ? Action.overwrite : Action.conflict;
      const name = action === Action.create ? 'create' : action === Action.unchanged ? 'unchanged' : action === Action.overwrite ? 'overwrite' : 'conflict';
      counts[name]++;
      if (lists[name].length < TRANSFER_LIST_MAX) lists[name].push(item(e, cur));
      cols.push(action, cur?.modRevision ?? 0, entrySum(e));
      if (action !== Action.unchanged && action !== Action.conflict && !fitsAlone(2 * e.key.length + e.value.length, limit)) tooLarge++;
    }
  };

  const pending: Array<{ batch: ImportEntry[]; read: Promise<{ revision: number; state: (Current | undefined)[] }> }> = [];
  const settleOldest = async (): Promise<void> => {
    const p = pending.shift()!;
    const r = await p.read;
    classify(p.batch, r.state);
    progress();
  };

  try {
    const entries = inBatches(source.entries(), (e) => e.key.length + e.value.length, READ_BATCH, READ_BATCH_BYTES);
    for await (const batch of entries) {
      if (ctx.signal.aborted) break;
      for (const e of batch) duplicates.check(e.key, e.line);
      if (revision === 0) {
        // The first read fixes the revision every other read is pinned to.
        const first = await readState(session, batch.map((e) => e.key), 0);
        revision = first.revision;
        classify(batch, first.state);
        progress();
        continue;
      }
      if (pending.length >= READS_IN_FLIGHT) await settleOldest();
      const read = readState(session, batch.map((e) => e.key), revision);
      // Settled in order below; a rejection is handled there (not an unhandled one meanwhile).
      read.catch(() => undefined);
      pending.push({ batch, read });
    }
    while (pending.length > 0) await settleOldest();
  } catch (err) {
    await Promise.allSettled(pending.map((p) => p.read));
    if (err instanceof NotSorted) throw err;
    if (err instanceof MalformedLine) {
      malformed = { line: err.line, reason: err.reason };
      report();
      throw failure('INVALID_ARGUMENT', `Line ${err.line} of the file ${err.reason}. Nothing was written.`, { field: 'path', hint: `line ${err.line}` });
    }
    report();
    throw err;
  }
  if (ctx.signal.aborted) {
    report();
    return;
  }
  if (revision === 0) {
    // No keys in the file: still say which revision the cluster was at.
    revision = (await readState(session, [], 0)).revision;
  }
  const plan: Omit<ImportPlan, 'id'> = {
    profileId: opts.profileId,
    path: opts.path,
    size: source.size,
    mtimeMs: source.mtimeMs,
    format: source.info().format,
    onExisting: opts.onExisting,
    revision,
    ...cols.done(),
  };
  stored.planId = store.add(plan).id;
  progress(true);
}
