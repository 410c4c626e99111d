/**
 * Applying an accepted dry run: the file is streamed again and every key the plan creates or
 * overwrites is written with compare-and-swap against what the dry run saw (create: the key must
 * still not exist; overwrite: its mod revision must still be the one seen), in transactions of at
 * most 128 writes and at most the session's maxRequestBytes, several in flight.
 *
 *  - A transaction whose compare fails wrote nothing: its keys are read again; those that already
 *    hold the file's bytes count as unchanged (an interrupted apply run again), those changed by
 *    someone else since the dry run are skipped and listed, and the rest is sent again.
 *  - Each transaction is sent at most once (session.run('write')); one whose outcome is unknown
 *    (OUTCOME_UNKNOWN) is reported as unknown, never as done or failed, and the run stops.
 *  - Cancel stops starting transactions; the ones in flight settle and are counted.
 *  - So a run interrupted anywhere can be run again (a new dry run, or the same plan): keys
 *    already written show as unchanged and are not written again.
 */
import { pace } from '../tasks/pace';
import { stat } from 'node:fs/promises';
import type { AppError } from '../../../shared/result';
import type { ImportApplyReport, SkipReason, TransferItem } from '../../../shared/transfer-reports';
import { TRANSFER_LIST_MAX } from '../../../shared/transfer-reports';
import { fromBuffer } from '../etcd/bytes';
import { AppFailure, failure } from '../etcd/errors';
import { DEFAULT_MAX_REQUEST_BYTES, type EtcdSession } from '../etcd/session';
import type { JobContext } from '../tasks/connection-tasks';
import { MalformedLine } from './format';
import { entrySum } from './plan';
import { fitsAlone, TXN_OVERHEAD_BYTES, TxnBatcher } from '../etcd/txn-batches';
import { Action, type ImportPlan } from './plans';
import { openSource, type ImportEntry } from './source';
import { readState } from './state';

/** Writes per transaction: etcd's default --max-txn-ops. */
const WRITE_BATCH = 128;
/** Transactions in flight (as bulk.ts putMany). */
const WRITES_IN_FLIGHT = 8;
/** A batch whose compare keeps failing although its keys look unchanged is given up after this many tries. */
const MAX_TRIES = 4;

interface Write {
  readonly e: ImportEntry;
  readonly action: typeof Action.create | typeof Action.overwrite;
  readonly modRevision: number;
}

export async function runApply(session: EtcdSession, plan: ImportPlan, ctx: JobContext): Promise<void> {
  const st = await stat(plan.path).catch(() => undefined);
  if (!st || st.size !== plan.size || st.mtimeMs !== plan.mtimeMs) {
    throw failure('CONFLICT', 'The file changed (or was removed) since the dry run: run the dry run again. Nothing was written.', { field: 'path' });
  }
  const limit = session.config.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const counts = { created: 0, overwritten: 0, unchanged: 0, skipped: 0, changedSinceDryRun: 0, failed: 0, unknown: 0, notAttempted: 0 };
  const lists = {
    created: [] as TransferItem[],
    overwritten: [] as TransferItem[],
    skipped: [] as (TransferItem & { reason: SkipReason })[],
    failed: [] as TransferItem[],
    unknown: [] as TransferItem[],
  };
  let settled = 0;
  let revision = 0;
  let transactions = 0;
  const due = pace();
  const state: { error?: AppError } = {};

  const item = (e: ImportEntry): TransferItem => ({ key: fromBuffer(e.key), line: e.line, size: e.value.length });
  const add = <T>(list: T[], x: () => T): void => {
    if (list.length < TRANSFER_LIST_MAX) list.push(x());
  };
  const report = (): void => {
    const r: ImportApplyReport = {
      kind: 'import-apply',
      planId: plan.id,
      entries: plan.entries,
      settled,
      counts: { ...counts, notAttempted: plan.entries - settled },
      lists,
      revision,
      transactions,
    };
    ctx.report(r);
  };
  const progress = (force = false): void => {
    if (!due(force)) return;
    report();
    ctx.progress({ done: settled, total: plan.entries, phase: 'importing' });
  };
  const skip = (e: ImportEntry, reason: SkipReason): void => {
    counts.skipped++;
    if (reason === 'changed-since-dry-run') counts.changedSinceDryRun++;
    add(lists.skipped, () => ({ ...item(e), reason }));
    settled++;
  };
  const fail = (writes: readonly Write[], error: AppError): void => {
    const unknown = error.code === 'OUTCOME_UNKNOWN';
    for (const w of writes) {
      if (unknown) {
        counts.unknown++;
        add(lists.unknown, () => item(w.e));
      } else {
        counts.failed++;
        add(lists.failed, () => item(w.e));
      }
      settled++;
    }
    // The first error stops the run; an unknown outcome outranks a plain failure in the message.
    if (!state.error || (unknown && state.error.code !== 'OUTCOME_UNKNOWN')) state.error = error;
  };

  const send = async (batch: readonly Write[]): Promise<void> => {
    let todo = batch;
    for (let attempt = 1; todo.length > 0; attempt++) {
      let res;
      try {
        res = await session.run('write', () =>
          session.rpc.txn({
            compare: todo.map((w) =>
              w.action === Action.create
                ? { key: w.e.key, target: 'Create' as const, result: 'Equal' as const, create_revision: 0 }
                : { key: w.e.key, target: 'Mod' as const, result: 'Equal' as const, mod_revision: w.modRevision },
            ),
            success: todo.map((w) => ({ request_put: { key: w.e.key, value: w.e.value } })),
            failure: [],
          }),
        );
      } catch (err) {
        fail(todo, err instanceof AppFailure ? err.error : { code: 'INTERNAL', message: 'The import failed unexpectedly; the details are in the log.' });
        return;
      }
      transactions++;
      const rev = Number(res.header.revision);
      if (rev > revision) revision = rev;
      if (res.succeeded) {
        for (const w of todo) {
          if (w.action === Action.create) {
            counts.created++;
            add(lists.created, () => item(w.e));
          } else {
            counts.overwritten++;
            add(lists.overwritten, () => item(w.e));
          }
          settled++;
        }
        return;
      }
      // A compare failed: nothing of this txn was written. See where each key stands now.
      let now;
      try {
        now = await readState(session, todo.map((w) => w.e.key), 0);
      } catch (err) {
        // Certainly not written (the txn's compare failed); we just do not know why.
        fail(todo, err instanceof AppFailure ? err.error : { code: 'INTERNAL', message: 'The import failed unexpectedly; the details are in the log.' });
        return;
      }
      const again: Write[] = [];
      todo.forEach((w, i) => {
        const cur = now.state[i];
        const asPlanned = w.action === Action.create ? cur === undefined : cur?.modRevision === w.modRevision;
        if (cur && cur.value.equals(w.e.value)) {
          counts.unchanged++;
          settled++;
        } else if (asPlanned && attempt < MAX_TRIES) {
          again.push(w);
        } else {
          skip(w.e, 'changed-since-dry-run');
        }
      });
      todo = again;
    }
  };

  const inFlight = new Set<Promise<void>>();
  const launch = async (batch: Write[]): Promise<void> => {
    while (inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(inFlight);
    const p = send(batch).finally(() => {
      inFlight.delete(p);
      progress();
    });
    inFlight.add(p);
  };

  const source = await openSource(plan.path, ctx.signal);
  const batcher = new TxnBatcher<Write>(WRITE_BATCH, limit);
  let seen = 0;
  const stopped = (): boolean => ctx.signal.aborted || state.error !== undefined;
  try {
    for await (const e of source.entries()) {
      if (stopped()) break;
      if (e.index >= plan.entries || entrySum(e) !== plan.sums[e.index]) {
        throw failure('CONFLICT', `The file changed since the dry run (line ${e.line} differs): run the dry run again.`, { field: 'path', hint: `line ${e.line}` });
      }
      seen++;
      const action = plan.actions[e.index] as Action;
      if (action === Action.unchanged) {
        counts.unchanged++;
        settled++;
      } else if (action === Action.conflict) {
        skip(e, 'kept-existing');
      } else {
        const size = 2 * e.key.length + e.value.length;
        if (!fitsAlone(size, limit)) {
          // Never sent: etcd would refuse the whole transaction it is in.
          fail([{ e, action, modRevision: 0 }], {
            code: 'TOO_LARGE',
            message: `The key on line ${e.line} with its value is ${e.key.length + e.value.length} bytes; the cluster accepts at most ${limit - TXN_OVERHEAD_BYTES} in one request.`,
            details: { size: e.key.length + e.value.length, limit: limit - TXN_OVERHEAD_BYTES, hint: `line ${e.line}` },
          });
          break;
        }
        const closed = batcher.add({ e, action, modRevision: plan.modRevisions[e.index] }, size);
        if (closed) {
          await launch(closed);
          if (stopped()) break;
        }
      }
      progress();
    }
    const last = batcher.flush();
    if (last && !stopped()) await launch(last);
  } catch (err) {
    await Promise.allSettled(inFlight);
    report();
    if (err instanceof MalformedLine) {
      throw failure('CONFLICT', `The file changed since the dry run (line ${err.line} ${err.reason}): run the dry run again.`, { field: 'path', hint: `line ${err.line}` });
    }
    throw err;
  }
  await Promise.allSettled(inFlight);
  progress(true);
  if (state.error) {
    const e = state.error;
    const c = counts;
    const what =
      e.code === 'OUTCOME_UNKNOWN'
        ? `${c.unknown} keys may or may not have been written: run the dry run again to see where they stand.`
        : `${c.failed} keys were not written.`;
    throw new AppFailure({
      code: e.code,
      message: `The import stopped: ${e.message} ${what} ${c.created} created, ${c.overwritten} overwritten, ${plan.entries - settled} not attempted.`,
      ...(e.details ? { details: e.details } : {}),
    });
  }
  if (!ctx.signal.aborted && seen !== plan.entries) {
    throw failure('CONFLICT', `The file changed since the dry run (it holds ${seen} keys, the dry run read ${plan.entries}): run the dry run again.`, { field: 'path' });
  }
}
