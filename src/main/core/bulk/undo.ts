/**
 * Undo of a bulk delete: writes back the previous values kept in main, each only if the key does
 * not exist now (create_revision == 0), so a key written since the delete is never overwritten.
 * A key gets its old lease back when that lease is still alive; otherwise it is written without
 * one and reported. Batches, at-most-once and cancel as in bulk-delete.ts. The keys not
 * restored (failed, unknown, not attempted) stay in the undo data, so Undo can be run again:
 * must-not-exist makes a second attempt safe even for a write whose outcome was unknown.
 */
import type { IRequestOp } from 'etcd3';
import type { BulkUndoReport } from '../../../shared/job-reports';
import { AppFailure } from '../etcd/errors';
import { DEFAULT_MAX_REQUEST_BYTES, type EtcdSession } from '../etcd/session';
import type { JobContext } from '../tasks/connection-tasks';
import { batchesOf } from '../etcd/txn-batches';
import type { BulkState, DeletedKey, UndoRecord } from './bulk-state';
import { built, keyLists } from './key-list';

const KEYS_PER_TXN = 128;
/** Lease lookups in flight. */
const LEASE_CHECKS = 8;

/** The leases among `ids` that are still alive (TTL > 0). */
async function aliveLeases(session: EtcdSession, ids: readonly string[], signal: AbortSignal): Promise<Set<string>> {
  const alive = new Set<string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length && !signal.aborted) {
      const id = ids[next++];
      const res = await session.run('read', () => session.rpc.leaseTimeToLive({ ID: id }));
      if (Number(res.TTL) > 0) alive.add(id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LEASE_CHECKS, ids.length) }, worker));
  return alive;
}

export async function runUndo(session: EtcdSession, state: BulkState, rec: UndoRecord, ctx: JobContext): Promise<void> {
  const limit = session.config.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const entries = [...rec.entries].sort((a, b) => Buffer.compare(a.key, b.key));
  const total = entries.length;
  const lists = keyLists('restored', 'leaseExpired', 'existsNow', 'failed', 'unknown', 'notAttempted');
  const settled = new Set<string>();
  const settle = (e: DeletedKey): void => void settled.add(e.key.toString('latin1'));
  let remaining = total;
  let leaseReattached = 0;
  let transactions = 0;
  let done = 0;
  let stopError: AppFailure | undefined;
  const report = (): BulkUndoReport => ({
    kind: 'bulk-undo',
    planned: total,
    ...built(lists),
    leaseReattached,
    transactions,
    ...(remaining > 0 ? { undoId: rec.undoId } : {}),
  });
  try {
    ctx.progress({ done: 0, total, phase: 'checking leases' });
    const alive = await aliveLeases(session, [...new Set(entries.map((e) => e.lease).filter((l) => l !== '0'))], ctx.signal);
    // A key appears twice (compare, put) and its value once.
    const batches = batchesOf(entries, KEYS_PER_TXN, limit, (e) => 2 * e.key.length + e.value.length);
    ctx.progress({ done: 0, total, phase: 'restoring' });
    for (let b = 0; b < batches.length; b++) {
      if (ctx.signal.aborted || stopError) {
        for (const rest of batches.slice(b)) lists.notAttempted.addAll(rest.map((e) => e.key));
        break;
      }
      let pending = batches[b];
      while (pending.length > 0) {
        const keys = pending;
        const withLease = (e: DeletedKey): boolean => e.lease !== '0' && alive.has(e.lease);
        const txn = {
          compare: keys.map((e) => ({ key: e.key, target: 'Create' as const, result: 'Equal' as const, create_revision: 0 })),
          success: keys.map((e): IRequestOp => ({ request_put: { key: e.key, value: e.value, ...(withLease(e) ? { lease: e.lease } : {}) } })),
          failure: keys.map((e): IRequestOp => ({ request_range: { key: e.key, keys_only: true } })),
        };
        transactions++;
        let res;
        try {
          res = await session.run('write', () => session.rpc.txn(txn));
        } catch (err) {
          const failed = err instanceof AppFailure ? err : new AppFailure({ code: 'INTERNAL', message: 'The undo failed unexpectedly.' }, { cause: err });
          (failed.error.code === 'OUTCOME_UNKNOWN' ? lists.unknown : lists.failed).addAll(keys.map((e) => e.key));
          stopError = failed;
          break;
        }
        if (res.succeeded) {
          for (const e of keys) {
            settle(e);
            lists.restored.add(e.key);
            if (withLease(e)) leaseReattached++;
            else if (e.lease !== '0') lists.leaseExpired.add(e.key);
          }
          pending = [];
        } else {
          pending = keys.filter((e, i) => {
            const exists = (res.responses[i]?.response_range?.kvs.length ?? 0) > 0;
            if (exists) {
              settle(e);
              lists.existsNow.add(e.key);
            }
            return !exists;
          });
        }
      }
      done += batches[b].length;
      ctx.progress({ done, total, phase: 'restoring' });
      ctx.report(report());
    }
  } finally {
    // What was restored or exists now is settled; the rest can be tried again.
    rec.entries = rec.entries.filter((e) => !settled.has(e.key.toString('latin1')));
    remaining = rec.entries.length;
    if (remaining === 0) state.dropUndo(rec.undoId);
    rec.bytes = rec.entries.reduce((n, e) => n + e.key.length + e.value.length, 0);
    rec.busy = false;
    ctx.report(report());
  }
  if (stopError) throw stopError;
}
