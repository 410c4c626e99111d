/**
 * What etcd still holds of the past: a key's versions, the keys deleted under a prefix, a key at
 * a revision, and writing an old value back. etcd keeps revisions, not times.
 *
 *  - A key's versions are walked back one per round trip: a Range of the key at revision X returns
 *    the version live at X; its mod_revision - 1 is where the previous one is live. A generation
 *    starts at its create_revision; before it the key did not exist, and the generation before
 *    (if any) ended with a delete. Those deletes, with the last value of each generation
 *    (prev_kv), come from one watch replay of the key with the NOPUT filter (history-replay.ts),
 *    made only when the walk needs it.
 *  - Compaction: a Range below the compacted revision C fails, but the version live at X < C is
 *    still held when it is also the one live at C (etcd keeps each key's latest version at C).
 *    So a read at X < C reads at C and keeps the answer when its mod_revision <= X; otherwise
 *    the page reports `compactedAt: C`, never an error.
 *  - Recently deleted under a prefix: a watch replay of the prefix from a chosen revision, NOPUT
 *    and prev_kv, read until etcd's progress notification says it has caught up.
 *  - Restore: read the value at the revision, then one compare-and-swap put (kv.ts `put`: sent at
 *    most once, OUTCOME_UNKNOWN when it may have applied), byte-exact.
 */
import type { IEvent, IKeyValue } from 'etcd3';
import type { AtRevisionRequest, DeletedRequest, RestoreRequest, VersionsRequest } from '../../../shared/contract';
import type { DeletedKey, DeletedPage, HistoryPage, KeyValue, KeyVersion, PutResult, RevisionBounds } from '../../../shared/types';
import { fromBuffer, prefixEnd, previewOf, toBuffer } from './bytes';
import { AppFailure, failure } from './errors';
import { compactedRevision, REPLAY_WINDOW, replay, replayDeadline } from './history-replay';
import { DEFAULT_PREVIEW_BYTES, type KvService, toKeyValue } from './kv';
import type { EtcdSession } from './session';

/** etcd's default --max-txn-ops: existence checks are batched this many per read-only txn. */
const TXN_OPS = 128;

/** One delete of a key, with the generation's last version. */
interface DeleteEvent {
  readonly deletedAt: number;
  readonly key: Buffer;
  readonly prev: IKeyValue;
}

const metaOf = (kv: IKeyValue) => ({
  createRevision: Number(kv.create_revision),
  modRevision: Number(kv.mod_revision),
  version: Number(kv.version),
  lease: String(kv.lease ?? '0'),
});

const versionOf = (kv: IKeyValue, deletedAt?: number): KeyVersion => ({
  ...metaOf(kv),
  size: kv.value?.length ?? 0,
  ...(deletedAt === undefined ? {} : { deletedAt }),
});

const isCode = (err: unknown, code: string): err is AppFailure => err instanceof AppFailure && err.error.code === code;

/** What one request learned about the cluster's history bounds. */
class Walk {
  compacted?: number;
}

export class HistoryService {
  constructor(
    private readonly session: EtcdSession,
    private readonly kv: KvService,
  ) {}

  /** The current revision (a Range header: a single-key lookup, no index walk). */
  private async current(): Promise<number> {
    const res = await this.session.run('read', () => this.session.rpc.range({ key: Buffer.from([0]), keys_only: true }));
    return Number(res.header.revision);
  }

  async bounds(): Promise<RevisionBounds> {
    const current = await this.current();
    return { current, compacted: await compactedRevision(this.session, current) };
  }

  /**
   * The version of `key` live at `revision`: its KeyValue, null when the key did not exist then,
   * 'compacted' when etcd no longer knows.
   */
  private async at(walk: Walk, key: Buffer, revision: number): Promise<IKeyValue | null | 'compacted'> {
    const read = async (rev: number) => (await this.session.run('read', () => this.session.rpc.range({ key, revision: rev }))).kvs[0] ?? null;
    if (walk.compacted === undefined || revision >= walk.compacted) {
      try {
        return await read(revision);
      } catch (err) {
        if (isCode(err, 'INVALID_ARGUMENT')) {
          throw failure('INVALID_ARGUMENT', `Revision ${revision} is newer than the cluster's current revision.`, { field: 'revision' });
        }
        if (!isCode(err, 'COMPACTED')) throw err;
        walk.compacted = await compactedRevision(this.session, await this.current());
        if (revision >= walk.compacted) throw err; // compacted by a rule we do not know: say so as it is
      }
    }
    // Below the compaction: the version live at C is kept; it is the one live at `revision` when
    // it was already written then.
    const c = walk.compacted;
    if (c === undefined) throw failure('INTERNAL', 'The compacted revision is unknown.');
    const kept = await read(c);
    return kept && Number(kept.mod_revision) <= revision ? kept : 'compacted';
  }

  /** Every delete of one key after the compaction, oldest first (one watch replay). */
  private async deletesOf(walk: Walk, key: Buffer, until: number): Promise<DeleteEvent[]> {
    for (let tries = 0; tries < 3; tries++) {
      const events: DeleteEvent[] = [];
      const r = await replay(this.session, {
        key,
        startRevision: (walk.compacted ?? 0) + 1,
        untilRevision: until,
        noPut: true,
        prevKv: true,
        deadline: replayDeadline(this.session),
        onEvents: (evs) => {
          collectDeletes(evs, events);
          return 'more';
        },
      });
      if (r.kind === 'compacted') {
        walk.compacted = r.compactRevision;
        continue;
      }
      if (!r.complete) throw failure('TIMEOUT', `etcd did not replay the key's deletes within ${this.session.config.deadlineMs} ms.`);
      return events;
    }
    throw failure('COMPACTED', 'The history was compacted while it was being read; try again.');
  }

  async versions(req: VersionsRequest): Promise<HistoryPage> {
    const key = toBuffer(req.key);
    if (key.length === 0) throw failure('INVALID_ARGUMENT', 'The key is empty.', { field: 'key' });
    const started = Date.now();
    const walk = new Walk();
    const now = await this.session.run('read', () => this.session.rpc.range({ key, keys_only: true }));
    const revision = Number(now.header.revision);
    const live = now.kvs[0];
    const liveGeneration = live ? Number(live.create_revision) : undefined;
    let deletes: DeleteEvent[] | undefined;
    const deletesNeeded = async () => (deletes ??= await this.deletesOf(walk, key, revision));

    const versions: KeyVersion[] = [];
    let x = req.before === undefined ? revision : Math.min(req.before - 1, revision);
    let next: number | null = null;
    let compactedAt: number | undefined;
    while (versions.length < req.limit) {
      if (x < 1) break;
      if (versions.length > 0 && Date.now() - started > this.session.config.deadlineMs) {
        next = versions.at(-1)!.modRevision;
        break;
      }
      try {
        const kv = await this.at(walk, key, x);
        if (kv === 'compacted') {
          compactedAt = walk.compacted;
          break;
        }
        if (kv === null) {
          // Not there at x: the generation before (if any) ended with the latest delete at or before x.
          const d = (await deletesNeeded()).filter((e) => e.deletedAt <= x).at(-1);
          if (!d) {
            if (walk.compacted) compactedAt = walk.compacted;
            break;
          }
          versions.push(versionOf(d.prev, d.deletedAt));
          x = Number(d.prev.mod_revision) - 1;
          continue;
        }
        const generation = Number(kv.create_revision);
        let deletedAt: number | undefined;
        if (generation !== liveGeneration) {
          deletedAt = (await deletesNeeded()).find((e) => Number(e.prev.create_revision) === generation)?.deletedAt;
        }
        versions.push(versionOf(kv, deletedAt));
        x = Number(kv.mod_revision) - 1;
      } catch (err) {
        // A partial page is still a page: the next one picks up where this one stopped.
        if (versions.length === 0) throw err;
        next = versions.at(-1)!.modRevision;
        break;
      }
    }
    if (versions.length === req.limit && next === null && compactedAt === undefined && x >= 1) {
      // A full page: say whether anything older is there, so "Load older" never leads nowhere.
      const last = versions.at(-1)!;
      if (last.version > 1) next = last.modRevision;
      else {
        try {
          const before = (await deletesNeeded()).some((e) => e.deletedAt <= x);
          if (before) next = last.modRevision;
          else if (walk.compacted) compactedAt = walk.compacted;
        } catch {
          next = last.modRevision; // unknown: let the next page find out
        }
      }
    }
    return { versions, next, revision, ...(compactedAt ? { compactedAt } : {}) };
  }

  async get(req: AtRevisionRequest): Promise<KeyValue> {
    const key = toBuffer(req.key);
    if (key.length === 0) throw failure('INVALID_ARGUMENT', 'The key is empty.', { field: 'key' });
    return toKeyValue(await this.valueAt(new Walk(), key, req.revision));
  }

  private async valueAt(walk: Walk, key: Buffer, revision: number): Promise<IKeyValue> {
    const kv = await this.at(walk, key, revision);
    if (kv === 'compacted') {
      throw failure('COMPACTED', `Revision ${revision} was compacted: etcd keeps the history after revision ${walk.compacted}.`);
    }
    if (!kv) throw failure('NOT_FOUND', `The key did not exist at revision ${revision}.`);
    return kv;
  }

  async deleted(req: DeletedRequest): Promise<DeletedPage> {
    const prefix = toBuffer(req.prefix);
    const start = prefix.length === 0 ? Buffer.from([0]) : prefix;
    const end = prefix.length === 0 ? Buffer.from([0]) : prefixEnd(prefix);
    const revision = await this.current();
    if (req.sinceRevision >= revision) return { items: [], next: null, revision };
    const events: DeleteEvent[] = [];
    const deadline = replayDeadline(this.session);
    // Windows of at most REPLAY_WINDOW revisions (see history-replay.ts), until the limit, the
    // deadline or the current revision.
    let from = req.sinceRevision + 1;
    let complete = false;
    let doneUpTo = req.sinceRevision;
    while (events.length <= req.limit && Date.now() < deadline) {
      const until = Math.min(revision, from + REPLAY_WINDOW - 1);
      const r = await replay(this.session, {
        key: start,
        rangeEnd: end,
        startRevision: from,
        untilRevision: until,
        noPut: true,
        prevKv: true,
        deadline,
        // Responses hold whole revisions: past the limit, the page is cut at a revision boundary below.
        onEvents: (evs) => (collectDeletes(evs, events) > req.limit ? 'stop' : 'more'),
      });
      if (r.kind === 'compacted') {
        throw failure(
          'COMPACTED',
          `etcd no longer holds the deletes after revision ${req.sinceRevision}: revisions up to ${r.compactRevision} were compacted. Choose revision ${r.compactRevision} or later.`,
        );
      }
      if (!r.complete) break;
      doneUpTo = until;
      if (until >= revision) {
        complete = true;
        break;
      }
      from = until + 1;
    }
    let kept = events;
    let next: number | null = null;
    if (events.length > req.limit) {
      const boundary = events[req.limit].deletedAt;
      kept = events.filter((e) => e.deletedAt < boundary);
      // One revision deleted more keys than a page holds (a prefix delete): its first `limit` only.
      if (kept.length === 0) kept = events.slice(0, req.limit);
      next = kept.at(-1)!.deletedAt;
    } else if (!complete) {
      // Out of time: what was read is whole up to the last window done, or the last delete seen.
      const upTo = Math.max(doneUpTo, events.at(-1)?.deletedAt ?? 0);
      if (upTo <= req.sinceRevision) throw failure('TIMEOUT', `etcd did not replay the deletes within ${this.session.config.deadlineMs} ms.`);
      next = upTo;
    }
    // One row per key: its latest delete in this page.
    const latest = new Map<string, DeleteEvent>();
    for (const e of kept) latest.set(e.key.toString('latin1'), e);
    const rows = [...latest.values()].sort((a, b) => b.deletedAt - a.deletedAt);
    const existing = await this.existing(rows.map((e) => e.key));
    const previewBytes = req.previewBytes ?? DEFAULT_PREVIEW_BYTES;
    const items: DeletedKey[] = rows.map((e, i) => {
      const value = e.prev.value ?? Buffer.alloc(0);
      const { preview, truncated } = previewOf(value, previewBytes);
      return {
        key: fromBuffer(e.key),
        deletedAt: e.deletedAt,
        last: { ...metaOf(e.prev), size: value.length, preview, truncated },
        recreated: existing[i],
      };
    });
    return { items, next, revision };
  }

  /** Whether each key exists now: count-only ranges, TXN_OPS per read-only txn. */
  private async existing(keys: readonly Buffer[]): Promise<boolean[]> {
    const out: boolean[] = [];
    for (let i = 0; i < keys.length; i += TXN_OPS) {
      const batch = keys.slice(i, i + TXN_OPS);
      const res = await this.session.run('read', () =>
        this.session.rpc.txn({ success: batch.map((key) => ({ request_range: { key, count_only: true } })) }),
      );
      for (const r of res.responses) out.push(Number(r.response_range?.count ?? 0) > 0);
    }
    return out;
  }

  async restore(req: RestoreRequest & { profileId: string }): Promise<PutResult> {
    const key = toBuffer(req.key);
    if (key.length === 0) throw failure('INVALID_ARGUMENT', 'The key is empty.', { field: 'key' });
    const old = await this.valueAt(new Walk(), key, req.revision);
    return this.kv.put({
      profileId: req.profileId,
      key: req.key,
      value: fromBuffer(old.value ?? Buffer.alloc(0)),
      expectedModRevision: req.expectedModRevision,
    });
  }
}

/** Appends the deletes among `evs` (with a previous value) to `into`; returns its length. */
function collectDeletes(evs: readonly IEvent[], into: DeleteEvent[]): number {
  for (const ev of evs) {
    // The enum arrives as its proto name (etcd3 loads enums as strings), whatever the typings say.
    if (String(ev.type).toUpperCase() !== 'DELETE' || !ev.prev_kv) continue;
    into.push({ deletedAt: Number(ev.kv.mod_revision), key: ev.kv.key, prev: ev.prev_kv });
  }
  return into.length;
}
