/**
 * Deleting a plan's keys (see delete-plan.ts) in transactions: each key is compared by the mod
 * revision it was counted at, so a key written after the count is never removed.
 *
 *  - A transaction whose compares fail wrote nothing; its failure branch reads the same keys in
 *    the same atomic step, which says exactly which ones changed or are gone. Those are reported
 *    and dropped, and the rest is sent again (a new transaction: the first one did not apply).
 *  - A transaction whose outcome is unknown (OUTCOME_UNKNOWN) is never sent again: its keys are
 *    reported as unknown, and the job stops there, as it does on any other failure.
 *  - Cancel is honoured between transactions: the keys not attempted are reported as such.
 *  - With Undo available, each delete returns the previous key-value (prev_kv), kept in main.
 */
import type { IRequestOp } from 'etcd3';
import type { BulkDeleteReport } from '../../../shared/job-reports';
import { AppFailure } from '../etcd/errors';
import { scan } from '../etcd/scan';
import { DEFAULT_MAX_REQUEST_BYTES, type EtcdSession } from '../etcd/session';
import type { JobContext } from '../tasks/connection-tasks';
import { batchesOf } from '../etcd/txn-batches';
import type { BulkState, DeletedKey, PlannedKey, StoredPlan } from './bulk-state';
import { built, keyLists } from './key-list';

/** etcd's default --max-txn-ops: compares and deletes, one of each per key. */
const KEYS_PER_TXN = 128;

export async function runDelete(session: EtcdSession, state: BulkState, plan: StoredPlan, ctx: JobContext): Promise<void> {
  const limit = session.config.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  // A key appears twice in a request (its compare and its delete).
  const batches = batchesOf(plan.keys, KEYS_PER_TXN, limit, (k) => 2 * k.key.length);
  const lists = keyLists('deleted', 'changed', 'gone', 'failed', 'unknown', 'notAttempted');
  const saved: DeletedKey[] = [];
  let transactions = 0;
  let done = 0;
  let stopError: AppFailure | undefined;
  const total = plan.keys.length;
  const report = (extra: Partial<BulkDeleteReport> = {}): BulkDeleteReport => ({
    kind: 'bulk-delete',
    planned: total,
    ...built(lists),
    transactions,
    ...(plan.undoAvailable ? {} : { undoUnavailableReason: plan.undoUnavailableReason }),
    ...extra,
  });
  ctx.progress({ done: 0, total, phase: 'deleting' });

  for (let b = 0; b < batches.length; b++) {
    if (ctx.signal.aborted || stopError) {
      for (const rest of batches.slice(b)) lists.notAttempted.addAll(rest.map((k) => k.key));
      break;
    }
    let pending: PlannedKey[] = batches[b];
    while (pending.length > 0) {
      const keys = pending;
      const txn = {
        compare: keys.map((k) => ({ key: k.key, target: 'Mod' as const, result: 'Equal' as const, mod_revision: k.modRevision })),
        success: keys.map((k): IRequestOp => ({ request_delete_range: { key: k.key, prev_kv: plan.undoAvailable } })),
        failure: keys.map((k): IRequestOp => ({ request_range: { key: k.key, keys_only: true } })),
      };
      transactions++;
      let res;
      try {
        res = await session.run('write', () => session.rpc.txn(txn));
      } catch (err) {
        const failed = err instanceof AppFailure ? err : new AppFailure({ code: 'INTERNAL', message: 'The delete failed unexpectedly.' }, { cause: err });
        (failed.error.code === 'OUTCOME_UNKNOWN' ? lists.unknown : lists.failed).addAll(keys.map((k) => k.key));
        stopError = failed;
        break;
      }
      if (res.succeeded) {
        for (let i = 0; i < keys.length; i++) {
          lists.deleted.add(keys[i].key);
          const prev = res.responses[i]?.response_delete_range?.prev_kvs?.[0];
          if (prev) saved.push({ key: keys[i].key, value: prev.value, lease: String(prev.lease ?? '0') });
        }
        pending = [];
      } else {
        const still: PlannedKey[] = [];
        keys.forEach((k, i) => {
          const now = res.responses[i]?.response_range?.kvs[0];
          if (!now) lists.gone.add(k.key);
          else if (Number(now.mod_revision) !== k.modRevision) lists.changed.add(k.key);
          else still.push(k);
        });
        pending = still;
      }
    }
    done += batches[b].length;
    ctx.progress({ done, total, phase: 'deleting' });
    ctx.report(report());
  }

  const extra: { -readonly [K in keyof BulkDeleteReport]?: BulkDeleteReport[K] } = {};
  if (plan.undoAvailable && saved.length > 0) {
    const rec = state.addUndo(saved);
    if (rec) extra.undoId = rec.undoId;
    else extra.undoUnavailableReason = 'Undo is not available: the deleted values do not fit in the memory the app keeps for Undo.';
  }
  if (plan.prefix && !ctx.signal.aborted && !stopError) {
    ctx.progress({ done, total, phase: 'checking for keys written since the count' });
    extra.writtenAfterCount = await writtenAfterCount(session, plan);
  }
  ctx.report(report(extra));
  state.dropPlan(plan.planId);
  if (stopError) throw stopError;
}

/** Keys under the plan's prefix now that were not counted (written after the count): left alone, reported. */
async function writtenAfterCount(session: EtcdSession, plan: StoredPlan): Promise<BulkDeleteReport['writtenAfterCount']> {
  const counted = new Set(plan.keys.map((k) => k.key.toString('latin1')));
  const lists = keyLists('after');
  try {
    await scan(session, { prefix: plan.prefix, keysOnly: true }, (page) => {
      for (let i = 0; i < page.length; i++) {
        const key = page.key(i);
        if (!counted.has(key.toString('latin1'))) lists.after.add(Buffer.from(key));
      }
    });
  } catch {
    // The deletes are done; a failed check leaves the field out rather than failing the job.
    return undefined;
  }
  return lists.after.build();
}
