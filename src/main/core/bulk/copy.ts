/**
 * Copy, rename and move: every source key under `base` is written to `targetPrefix` + the rest
 * of the key, in this cluster or another one. Every write is compare-and-swap:
 *
 *  - the target must not exist (create_revision == 0) unless the user chose overwrite;
 *  - within one cluster, each transaction also compares every source key's mod revision with
 *    the one read, and a move deletes the source in the same transaction: 64 keys per
 *    transaction (a put and a delete per key, under etcd's 128 operations);
 *  - across clusters, a batch is copied first (128 keys), then its sources are deleted with
 *    their mod revisions compared: a source changed after it was copied is kept, and reported.
 *
 * A failed compare wrote nothing; the failure branch reads the same keys in the same step, so
 * the keys at fault are reported (target exists, source changed) and the rest is sent again.
 * Unknown outcomes are never re-sent; any failure stops the job; cancel stops between batches.
 * Sources are read page by page at one revision, so memory holds one page of values at a time.
 */
import type { IRequestOp, ITxnResponse } from 'etcd3';
import { BULK_COPY_MAX_KEYS, type CopyRequest } from '../../../shared/contract/bulk';
import type { BulkCopyReport } from '../../../shared/job-reports';
import { toBuffer } from '../etcd/bytes';
import { AppFailure, failure } from '../etcd/errors';
import { scan } from '../etcd/scan';
import { DEFAULT_MAX_REQUEST_BYTES, type EtcdSession } from '../etcd/session';
import type { JobContext } from '../tasks/connection-tasks';
import { batchesOf, fitsAlone } from '../etcd/txn-batches';
import { built, keyLists } from './key-list';
import { countPrefix, readNamed } from './reads';

/** One source key as read, and where it goes. */
interface Item {
  readonly key: Buffer;
  readonly target: Buffer;
  readonly value: Buffer;
  readonly modRevision: number;
  readonly lease: string;
}

/** What a copy request means once checked: the base every source key starts with, and its replacement. */
export interface CopyPlan {
  readonly base: Buffer;
  readonly targetPrefix: Buffer;
}

const startsWith = (key: Buffer, base: Buffer): boolean => key.length >= base.length && key.subarray(0, base.length).equals(base);

/** Checks a copy request before its job starts; INVALID_ARGUMENT in words when it cannot work. */
export function checkCopy(req: CopyRequest): CopyPlan {
  const targetPrefix = toBuffer(req.targetPrefix);
  let base: Buffer;
  if (req.source.kind === 'prefix') {
    const prefix = toBuffer(req.source.prefix);
    base = req.base ? toBuffer(req.base) : prefix;
    if (!startsWith(prefix, base)) throw failure('INVALID_ARGUMENT', 'The part of the keys to replace must be the start of the prefix.', { field: 'base' });
  } else {
    const keys = req.source.keys.map(toBuffer);
    if (keys.some((k) => k.length === 0)) throw failure('INVALID_ARGUMENT', 'One of the keys is empty.', { field: 'source' });
    if (!req.base && keys.length > 1) throw failure('INVALID_ARGUMENT', 'Say which start of the keys the target prefix replaces.', { field: 'base' });
    base = req.base ? toBuffer(req.base) : keys[0];
    if (!keys.every((k) => startsWith(k, base))) throw failure('INVALID_ARGUMENT', 'Every key must start with the part that the target prefix replaces.', { field: 'base' });
    if (targetPrefix.length === 0 && keys.some((k) => k.length === base.length)) {
      throw failure('INVALID_ARGUMENT', 'The new name is empty.', { field: 'targetPrefix' });
    }
  }
  if (req.profileId === req.targetProfileId) {
    if (base.equals(targetPrefix)) throw failure('INVALID_ARGUMENT', 'The target is the same as the source: choose another prefix or another profile.', { field: 'targetPrefix' });
    if (req.mode === 'move' && (startsWith(targetPrefix, base) || startsWith(base, targetPrefix)) && req.source.kind === 'prefix') {
      throw failure('INVALID_ARGUMENT', 'A prefix cannot be moved inside itself (or over a prefix that contains it) in the same cluster: move it elsewhere first.', { field: 'targetPrefix' });
    }
  }
  return { base, targetPrefix };
}

/** Named keys are read and written this many at a time. */
const NAMED_CHUNK = 256;

export async function runCopy(src: EtcdSession, dst: EtcdSession, req: CopyRequest, ctx: JobContext): Promise<void> {
  const plan = checkCopy(req);
  const sameCluster = src === dst;
  const move = req.mode === 'move';
  const targetLimit = dst.config.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const sourceLimit = src.config.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const lists = keyLists('copied', 'moved', 'sourceKept', 'targetExists', 'sourceChanged', 'failed', 'unknown', 'notAttempted');
  let transactions = 0;
  let leasesDropped = 0;
  let planned = 0;
  let done = 0;
  let notAttemptedUnlisted = 0;
  let stopError: AppFailure | undefined;
  const report = (): BulkCopyReport => {
    const b = built(lists);
    return {
      kind: 'bulk-copy',
      mode: req.mode,
      planned,
      ...b,
      notAttempted: { count: b.notAttempted.count + notAttemptedUnlisted, keys: b.notAttempted.keys },
      leasesDropped,
      transactions,
    };
  };
  const targetOf = (key: Buffer): Buffer => Buffer.concat([plan.targetPrefix, key.subarray(plan.base.length)]);

  /** Sends one txn at most once; on an error marks its keys and stops the job. */
  const send = async (session: EtcdSession, txn: { compare: object[]; success: IRequestOp[]; failure: IRequestOp[] }, keys: readonly Item[]): Promise<ITxnResponse | null> => {
    transactions++;
    try {
      return await session.run('write', () => session.rpc.txn(txn as Parameters<typeof session.rpc.txn>[0]));
    } catch (err) {
      const failed = err instanceof AppFailure ? err : new AppFailure({ code: 'INTERNAL', message: 'The copy failed unexpectedly.' }, { cause: err });
      (failed.error.code === 'OUTCOME_UNKNOWN' ? lists.unknown : lists.failed).addAll(keys.map((i) => i.key));
      stopError = failed;
      return null;
    }
  };
  const targetFree = (i: Item) => ({ key: i.target, target: 'Create', result: 'Equal', create_revision: 0 });
  const sourceSame = (i: Item) => ({ key: i.key, target: 'Mod', result: 'Equal', mod_revision: i.modRevision });
  const readKey = (key: Buffer): IRequestOp => ({ request_range: { key, keys_only: true } });
  const kvAt = (res: ITxnResponse, n: number) => res.responses[n]?.response_range?.kvs[0];

  /** Within one cluster: compare source and target, put target (keeping the lease), delete source for a move. */
  const sameClusterBatch = async (batch: Item[]): Promise<void> => {
    let pending = batch;
    while (pending.length > 0 && !stopError) {
      const keys = pending;
      const compare = keys.flatMap((i) => (req.overwrite ? [sourceSame(i)] : [sourceSame(i), targetFree(i)]));
      const success = keys.flatMap((i): IRequestOp[] => {
        const put: IRequestOp = { request_put: { key: i.target, value: i.value, ...(i.lease !== '0' ? { lease: i.lease } : {}) } };
        return move ? [put, { request_delete_range: { key: i.key } }] : [put];
      });
      const res = await send(src, { compare, success, failure: keys.flatMap((i) => [readKey(i.key), readKey(i.target)]) }, keys);
      if (!res) return;
      if (res.succeeded) {
        for (const i of keys) (move ? lists.moved : lists.copied).add(i.key);
        return;
      }
      pending = keys.filter((i, n) => {
        const source = kvAt(res, 2 * n);
        if (!source || Number(source.mod_revision) !== i.modRevision) lists.sourceChanged.add(i.key);
        else if (!req.overwrite && kvAt(res, 2 * n + 1)) lists.targetExists.add(i.key);
        else return true;
        return false;
      });
    }
  };

  /** Across clusters: copy to the target with compare-and-swap, then (a move) delete the sources unchanged since read. */
  const crossClusterBatch = async (batch: Item[]): Promise<void> => {
    let pending = batch;
    const copied: Item[] = [];
    while (pending.length > 0 && !stopError) {
      const keys = pending;
      const compare = req.overwrite ? [] : keys.map(targetFree);
      const success = keys.map((i): IRequestOp => ({ request_put: { key: i.target, value: i.value } }));
      const res = await send(dst, { compare, success, failure: keys.map((i) => readKey(i.target)) }, keys);
      if (!res) return;
      if (res.succeeded) {
        copied.push(...keys);
        for (const i of keys) if (i.lease !== '0') leasesDropped++;
        break;
      }
      pending = keys.filter((i, n) => {
        if (kvAt(res, n)) lists.targetExists.add(i.key);
        return !kvAt(res, n);
      });
    }
    if (!move) {
      for (const i of copied) lists.copied.add(i.key);
      return;
    }
    let toDelete = copied;
    while (toDelete.length > 0 && !stopError) {
      const keys = toDelete;
      const res = await send(
        src,
        { compare: keys.map(sourceSame), success: keys.map((i): IRequestOp => ({ request_delete_range: { key: i.key } })), failure: keys.map((i) => readKey(i.key)) },
        keys,
      );
      if (!res) {
        // Copied for certain; their sources' fate is in failed/unknown.
        for (const i of keys) lists.copied.add(i.key);
        return;
      }
      if (res.succeeded) {
        for (const i of keys) lists.moved.add(i.key);
        return;
      }
      toDelete = keys.filter((i, n) => {
        const now = kvAt(res, n);
        if (now && Number(now.mod_revision) === i.modRevision) return true;
        // Changed (or deleted) after it was copied: the copy stays, the source is not touched.
        lists.sourceKept.add(i.key);
        lists.copied.add(i.key);
        return false;
      });
    }
  };

  /** Writes one page of read sources, batch by batch. */
  const process = async (items: Item[]): Promise<void> => {
    const fit: Item[] = [];
    for (const i of items) {
      if (fitsAlone(i.key.length + i.target.length * 2 + i.value.length, Math.min(targetLimit, sameCluster ? targetLimit : sourceLimit))) fit.push(i);
      else lists.failed.add(i.key);
    }
    const perTxn = sameCluster ? 64 : 128;
    const size = (i: Item): number => (sameCluster ? 2 * i.key.length + 2 * i.target.length + i.value.length : 2 * i.target.length + i.value.length);
    const batches = batchesOf(fit, perTxn, targetLimit, size);
    for (let b = 0; b < batches.length; b++) {
      if (ctx.signal.aborted || stopError) {
        for (const rest of batches.slice(b)) lists.notAttempted.addAll(rest.map((i) => i.key));
        break;
      }
      await (sameCluster ? sameClusterBatch(batches[b]) : crossClusterBatch(batches[b]));
      done += batches[b].length;
      ctx.progress({ done, total: planned, phase: move ? 'moving' : 'copying' });
      ctx.report(report());
    }
  };

  ctx.progress({ done: 0, phase: 'reading' });
  if (req.source.kind === 'prefix') {
    const prefix = toBuffer(req.source.prefix);
    const counted = await countPrefix(src, prefix);
    if (counted.count > BULK_COPY_MAX_KEYS) {
      throw failure('TOO_LARGE', `This prefix holds ${counted.count.toLocaleString('en-US')} keys; a copy or move takes at most ${BULK_COPY_MAX_KEYS.toLocaleString('en-US')}. Nothing was written.`, {
        size: counted.count,
        limit: BULK_COPY_MAX_KEYS,
      });
    }
    planned = counted.count;
    let seen = 0;
    const stop = new Error('stop');
    try {
      await scan(src, { prefix, revision: counted.revision }, async (page) => {
        if (ctx.signal.aborted || stopError) throw stop;
        const items: Item[] = [];
        for (let i = 0; i < page.length; i++) {
          const key = Buffer.from(page.key(i));
          items.push({ key, target: targetOf(key), value: Buffer.from(page.value(i)), modRevision: page.modRevision(i), lease: page.lease(i) });
        }
        seen += items.length;
        await process(items);
      });
    } catch (err) {
      if (err !== stop) throw err;
    } finally {
      // Keys the scan never handed over (cancelled, or the read failed): not attempted.
      notAttemptedUnlisted = planned - seen;
      ctx.report(report());
    }
  } else {
    const keys = [...new Set(req.source.keys.map((k) => toBuffer(k).toString('latin1')))].map((k) => Buffer.from(k, 'latin1')).sort(Buffer.compare);
    planned = keys.length;
    let revision: number | undefined;
    for (let c = 0; c < keys.length; c += NAMED_CHUNK) {
      if (ctx.signal.aborted || stopError) {
        lists.notAttempted.addAll(keys.slice(c));
        break;
      }
      const r = await readNamed(src, keys.slice(c, c + NAMED_CHUNK), { withValues: true, ...(revision ? { revision } : {}) });
      revision = r.revision;
      const items: Item[] = [];
      for (const { key, kv } of r.reads) {
        if (!kv) {
          lists.sourceChanged.add(key);
          done++;
        } else items.push({ key, target: targetOf(key), value: kv.value, modRevision: Number(kv.mod_revision), lease: String(kv.lease ?? '0') });
      }
      await process(items);
    }
  }
  ctx.report(report());
  if (stopError) throw stopError;
}
