/**
 * A bounded watch replay: what etcd still holds of a range's past, read through a Watch stream
 * from a start revision up to a target revision, then cancelled. Used for the deletes of a key
 * or a prefix (NOPUT filter, prev_kv: exactly the deletes with their last values) and to learn
 * the compacted revision (a watch from revision 1 is refused with `compact_revision`).
 *
 * When is the replay complete? Not when a header reaches the target: etcd sends nothing for a
 * batch whose events were all filtered out, and a catching-up watcher's events carry the store's
 * current revision whatever they hold. Not at a progress notification either: etcd 3.4 (3.4.23
 * here) answers a progress request at once with the current revision, caught up or not. What
 * does prove it is a fence on the same stream. A catching-up ("unsynced") watcher is served by
 * etcd's sync loop: one pass reads the events from the oldest start revision to now and queues
 * each watcher's batch, in turn, on the stream's one channel; a batch holds at most 1000
 * revisions (etcd's watchBatchMaxRevs; the caller replays windows no longer than that,
 * REPLAY_WINDOW). So:
 *  1. watcher A (the replay) is created, then fence F: the whole keyspace from the target
 *     revision. The target revision has at least one event (a revision exists only because
 *     something was written; revision 1 is the empty store and is never a target), so F answers.
 *  2. F is served in the same pass as A or a later one; A's batch of that pass may still be
 *     behind F's in the channel. So when F answers, fence G (the same watch) is created: it is
 *     served in a later pass, and its answer comes after everything queued before it.
 *  3. G answered: A has sent every event up to the target. Cancel all, end the stream.
 *     Unless the member that serves the stream (routed apart from the Range that gave the
 *     target) had not applied the target yet when it created A: then F started in its future and
 *     was served when it caught up, outside any pass, so a third fence H (a pass after G's) is
 *     what proves it.
 * Events of A past the target (writes made meanwhile) are dropped: the caller asked up to it.
 *
 * The stream goes to the session's first stream target (the next one when it cannot be opened),
 * and is always cancelled and ended: on completion, on the caller's "stop", on an error and at
 * the deadline (a partial replay is then returned, `complete: false`).
 */
import type { IDuplexStream, IEvent, IWatchRequest, IWatchResponse } from 'etcd3';
import { AppFailure, failure, toAppError } from './errors';
import type { EtcdSession } from './session';

/** The longest window of revisions one replay may cover (etcd's watchBatchMaxRevs). */
export const REPLAY_WINDOW = 1000;

export interface ReplayOptions {
  readonly key: Buffer;
  /** Absent: the single key. */
  readonly rangeEnd?: Buffer;
  /** The first revision replayed (inclusive). */
  readonly startRevision: number;
  /** Stop once etcd has shown everything up to this revision. */
  readonly untilRevision: number;
  readonly noPut?: boolean;
  readonly noDelete?: boolean;
  readonly prevKv?: boolean;
  /** Absolute time (Date.now()) at which the replay gives up and returns what it has. */
  readonly deadline: number;
  /** Sees each response's events, in revision order; return 'stop' to end the replay early. */
  readonly onEvents?: (events: readonly IEvent[]) => 'more' | 'stop';
}

export type ReplayResult =
  | { readonly kind: 'compacted'; readonly compactRevision: number }
  /** `complete`: everything up to `untilRevision` was seen; else stopped early or out of time. */
  | { readonly kind: 'done'; readonly complete: boolean; readonly stopped: boolean };

type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

/** The session's deadline, for streams (which have none of their own). */
export const replayDeadline = (session: EtcdSession): number => Date.now() + session.config.deadlineMs;

/** Replays [startRevision, untilRevision] of a range; never leaves a watch open. */
export async function replay(session: EtcdSession, opts: ReplayOptions): Promise<ReplayResult> {
  // Revision 1 is the empty store: nothing to replay, and no event to fence on.
  if (opts.untilRevision < 2 || opts.untilRevision < opts.startRevision) return { kind: 'done', complete: true, stopped: false };
  const targets = session.streamTargets();
  let lastError: unknown;
  for (const target of targets) {
    if (Date.now() >= opts.deadline) break;
    let stream: WatchStream;
    try {
      stream = await withDeadline(target.rpc.watch(), opts.deadline);
    } catch (err) {
      lastError = err;
      continue;
    }
    try {
      return await runReplay(stream, opts);
    } catch (err) {
      if (err instanceof AppFailure) throw err;
      lastError = err;
      // Not opened or broken before anything came back: the next member may answer.
    }
  }
  if (lastError === undefined || lastError instanceof ReplayBroken) throw failure('TIMEOUT', `No answer to the history replay within the ${session.config.deadlineMs} ms deadline.`);
  throw new AppFailure(toAppError(lastError, { kind: 'read', endpoints: session.endpoints, deadlineMs: session.config.deadlineMs }), { cause: lastError });
}

class ReplayBroken extends Error {}

function runReplay(stream: WatchStream, opts: ReplayOptions): Promise<ReplayResult> {
  return new Promise<ReplayResult>((resolve, reject) => {
    /** Watch ids in creation order: the replay, then fence F, then fence G. */
    const ids: string[] = [];
    let answered = false;
    let finished = false;
    /** Fences asked for so far, and how many must answer (3 when the member lagged behind the target). */
    let fences = 0;
    let fencesNeeded = 2;
    const finish = (outcome: { result: ReplayResult } | { error: unknown }) => {
      if (finished) return;
      finished = true;
      clearTimeout(deadlineTimer);
      try {
        for (const id of ids) stream.write({ cancel_request: { watch_id: id } });
        stream.end();
      } catch {
        // the stream is already gone
      }
      // Ending our side is not enough for a server that keeps its side open: tear the call down.
      try {
        stream.cancel();
      } catch {
        // idem
      }
      if ('result' in outcome) resolve(outcome.result);
      else reject(outcome.error);
    };
    const partial = { result: { kind: 'done', complete: false, stopped: false } } as const;
    const deadlineTimer = setTimeout(
      () => finish(answered ? partial : { error: new ReplayBroken('no answer before the deadline') }),
      Math.max(0, opts.deadline - Date.now()),
    );
    const fence = () => {
      fences++;
      stream.write({ create_request: { key: Buffer.from([0]), range_end: Buffer.from([0]), start_revision: opts.untilRevision } });
    };
    stream.on('error', (err) => {
      // Once etcd answered, a broken stream ends the replay with what it has; before, it is a failure.
      if (!finished) finish(answered ? partial : { error: err });
    });
    stream.on('end', () => {
      if (!finished) finish(answered ? partial : { error: new ReplayBroken('stream ended') });
    });
    stream.on('data', (res: IWatchResponse) => {
      if (finished) return;
      answered = true;
      const id = String(res.watch_id);
      // A watch refused at creation comes back created and cancelled at once (etcd 3.4: permission).
      if (res.created && !res.canceled) {
        // The member's own revision when it created the replay: behind the target, fence F
        // starts in its future, is served when the member catches up (not by a sync pass), and
        // proves only that; G and H then each need a pass of their own.
        if (ids.length === 0 && Number(res.header.revision) < opts.untilRevision) fencesNeeded = 3;
        ids.push(id);
        return;
      }
      const which = ids.indexOf(id); // 0: the replay, then the fences in order
      const compact = Number(res.compact_revision ?? '0');
      if (compact > 0) return finish(which === 0 ? { result: { kind: 'compacted', compactRevision: compact } } : partial);
      if (res.canceled) {
        const reason = res.cancel_reason ?? '';
        return finish({
          error: /permission denied/i.test(reason)
            ? failure('PERMISSION_DENIED', "Permission denied: reading the history needs read access to the keys (and the whole keyspace's revisions).")
            : failure('INTERNAL', 'etcd cancelled the history replay; the details are in the log.'),
        });
      }
      if (res.events.length === 0) return; // a progress notification: proves nothing here
      if (which === 0) {
        const upTo = res.events.filter((e) => Number(e.kv.mod_revision) <= opts.untilRevision);
        if (upTo.length > 0 && opts.onEvents?.(upTo) === 'stop') finish({ result: { kind: 'done', complete: false, stopped: true } });
      } else if (which === fences) {
        // The newest fence answered: everything queued before it has arrived.
        if (fences >= fencesNeeded) finish({ result: { kind: 'done', complete: true, stopped: false } });
        else fence();
      }
    });
    const filters: (0 | 1)[] = [];
    if (opts.noPut) filters.push(0);
    if (opts.noDelete) filters.push(1);
    stream.write({
      create_request: {
        key: opts.key,
        ...(opts.rangeEnd ? { range_end: opts.rangeEnd } : {}),
        start_revision: opts.startRevision,
        filters,
        prev_kv: opts.prevKv === true,
      },
    });
    fence();
  });
}

function withDeadline<T>(p: Promise<T>, deadline: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReplayBroken('the stream did not open before the deadline')), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * The compacted revision (0 = none): a watch from revision 1 on the key "\0" with every event
 * filtered out. etcd refuses it with `compact_revision` when revision 1 is gone (at the start of
 * its first sync pass, so before the fences answer); otherwise the fences answer.
 */
export async function compactedRevision(session: EtcdSession, current: number): Promise<number> {
  const r = await replay(session, {
    key: Buffer.from([0]),
    startRevision: 1,
    untilRevision: current,
    noPut: true,
    noDelete: true,
    deadline: replayDeadline(session),
  });
  if (r.kind === 'compacted') return r.compactRevision;
  if (!r.complete) throw failure('TIMEOUT', `etcd did not say within ${session.config.deadlineMs} ms how much of its history it keeps.`);
  return 0;
}
