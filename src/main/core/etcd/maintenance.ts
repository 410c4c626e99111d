/**
 * Cluster maintenance (contract: src/shared/contract/maintenance.ts): compact, defragment,
 * snapshot, alarms, HashKV, leader transfer. Per-member calls go to that member's own client
 * (`session.onMember`, `session.snapshotTarget`), never through the router, which would pick
 * any member; cluster-wide calls (Compact, Alarm) go through `session.run` like any other.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type {
  ActiveAlarm,
  AlarmList,
  AlarmType,
  CompactResult,
  DisarmResult,
  HashKvResult,
  MemberAlarms,
  MemberHash,
  MoveLeaderResult,
} from '../../../shared/contract';
import type { DbSizes, DefragMember, SnapshotReport } from '../../../shared/maintenance-reports';
import type { AppError } from '../../../shared/result';
import type { JobContext } from '../tasks/connection-tasks';
import { parseAlarms } from './alarms';
import { AppFailure, failure, toAppError } from './errors';
import { compactedRevision } from './history-replay';
import type { EtcdSession, MemberProbe } from './session';

/**
 * Deadline of one member's Defragment: etcd rewrites the whole backend file and blocks that
 * member meanwhile (about 1 s per few hundred MiB on a fast disk, minutes on a big slow one).
 */
export const DEFRAG_DEADLINE_MS = 10 * 60_000;
/** A snapshot stream that sends nothing for this long is given up (the member hung or the network went). */
export const SNAPSHOT_IDLE_MS = 30_000;
/** Leadership transfer waits for the target to catch up and win an election: allow at least this. */
const MOVE_LEADER_MIN_MS = 5000;
/** At most one snapshot progress event per this many ms (chunks are 32 KiB). */
const PROGRESS_EVERY_MS = 100;

const decimalId = (hex: string): string => BigInt(`0x${hex}`).toString();
const hexOf = (id: string | number): string => BigInt(id).toString(16);
const addr = (endpoint: string): string => endpoint.replace(/^https?:\/\//, '');
const isCode = (err: unknown, code: string): err is AppFailure => err instanceof AppFailure && err.error.code === code;
function errorOf(session: EtcdSession, endpoint: string, err: unknown): AppError {
  const e = err instanceof AppFailure ? err.error : toAppError(err, { kind: 'read', endpoints: [endpoint], deadlineMs: session.config.deadlineMs });
  // etcd allows Snapshot, Defragment, HashKV, MoveLeader and alarm changes to the root role only.
  return e.code === 'PERMISSION_DENIED' ? { ...e, message: `Permission denied at ${addr(endpoint)}: maintenance needs a user with the root role.` } : e;
}

type OkProbe = Extract<MemberProbe, { ok: true }>;

/** The cluster's current revision (a Range header: a single-key lookup, no index walk). */
export async function currentRevision(session: EtcdSession): Promise<number> {
  const res = await session.run('read', () => session.rpc.range({ key: Buffer.from([0]), keys_only: true }));
  return Number(res.header.revision);
}

/** One endpoint per member (a member listed twice is asked once), in the profile's order. */
function distinct(probes: readonly MemberProbe[]): MemberProbe[] {
  const seen = new Set<string>();
  return probes.filter((p) => !p.ok || (!seen.has(p.memberId) && seen.add(p.memberId)));
}

/** The profile's endpoint that answers as member `memberId`. */
export async function endpointOf(session: EtcdSession, memberId: string): Promise<OkProbe> {
  const probes = await session.probe();
  const found = probes.find((p): p is OkProbe => p.ok && p.memberId === memberId);
  if (found) return found;
  const silent = probes.filter((p) => !p.ok);
  if (silent.length > 0) {
    throw failure('UNAVAILABLE', `Member ${memberId} could not be reached: ${silent.map((p) => addr(p.endpoint)).join(', ')} did not answer, and no other endpoint of this profile is that member.`);
  }
  throw failure('NOT_FOUND', `No endpoint of this profile is member ${memberId}: add that member's client URL to the profile.`, { field: 'memberId' });
}

// ---------- compact ----------

export async function compact(session: EtcdSession, revision: number, physical: boolean): Promise<CompactResult> {
  const current = await currentRevision(session);
  if (revision > current) {
    throw failure('INVALID_ARGUMENT', `Revision ${revision} is newer than the cluster's current revision ${current}: nothing was compacted.`, { field: 'revision' });
  }
  const previous = await compactedRevision(session, current);
  if (revision <= previous) {
    throw failure('COMPACTED', `The history is already compacted up to revision ${previous}: choose a revision above it (up to ${current}).`, { field: 'revision' });
  }
  try {
    await session.run('write', () => session.rpc.compact({ revision, physical }));
  } catch (err) {
    if (isCode(err, 'OUTCOME_UNKNOWN')) {
      throw new AppFailure(
        { ...err.error, message: `The compaction to revision ${revision} may or may not have been applied (no clear answer from the cluster; the details are in the log). Look at the history bounds before trying again.` },
        { cause: err.cause },
      );
    }
    throw err;
  }
  return { revision, current, previousCompacted: previous, physical };
}

// ---------- defragment ----------

/** Every endpoint answers and they agree on one leader; throws what is wrong otherwise. */
function assertHealthy(probes: readonly MemberProbe[]): { leaderId: string; members: OkProbe[] } {
  const down = probes.filter((p) => !p.ok);
  if (down.length > 0) {
    const who = down.map((p) => `${addr(p.endpoint)} (${p.ok ? '' : p.error.message})`).join(', ');
    throw failure('UNAVAILABLE', `Not every member is healthy, so nothing more is defragmented: ${who}.`);
  }
  const ok = probes as OkProbe[];
  const leaders = new Set(ok.filter((p) => !p.isLearner).map((p) => p.leaderId));
  if (leaders.has('0') || leaders.size !== 1) {
    throw failure('NO_QUORUM', 'Not every member follows one leader (an election, or a lost quorum), so nothing more is defragmented.');
  }
  return { leaderId: [...leaders][0], members: distinct(ok) as OkProbe[] };
}

const sizesOf = (st: { dbSize: string | number; dbSizeInUse?: string | number }): DbSizes => ({
  dbSize: Number(st.dbSize),
  dbSizeInUse: Number(st.dbSizeInUse ?? st.dbSize),
});

/** The members a defragment will take, in order (followers first, the leader last). */
export interface DefragPlan {
  readonly members: readonly { readonly endpoint: string; readonly memberId: string; readonly role: 'follower' | 'leader' }[];
}

/**
 * Checks that a defragment may start and in which order: every endpoint answers and follows one
 * leader, `target` (a hex member id) is one of them, and for `all` every member of the cluster
 * is one of the profile's endpoints. Refusals are thrown before any job starts.
 */
export async function planDefragment(session: EtcdSession, target: 'all' | string): Promise<DefragPlan> {
  const { leaderId, members } = assertHealthy(await session.probe());
  let chosen: OkProbe[];
  if (target === 'all') {
    // Every member of the cluster must be one of the profile's endpoints, or "all" would skip some.
    const list = await session.run('read', () => session.rpc.memberList());
    const reached = new Set(members.map((m) => m.memberId));
    const missing = list.members.filter((m) => !reached.has(hexOf(m.ID)));
    if (missing.length > 0) {
      throw failure(
        'INVALID_ARGUMENT',
        `Not every member is one of this profile's endpoints (${missing.map((m) => m.name || hexOf(m.ID)).join(', ')}): add their client URLs to defragment them all, or defragment members one by one.`,
        { field: 'target' },
      );
    }
    chosen = members;
  } else {
    const one = members.find((m) => m.memberId === target);
    if (!one) throw failure('NOT_FOUND', `No endpoint of this profile is member ${target}.`, { field: 'target' });
    chosen = [one];
  }
  const ordered = [...chosen.filter((m) => m.memberId !== leaderId), ...chosen.filter((m) => m.memberId === leaderId)];
  return { members: ordered.map((m) => ({ endpoint: m.endpoint, memberId: m.memberId, role: m.memberId === leaderId ? 'leader' : 'follower' })) };
}

/**
 * Defragments the plan's members one at a time, in its order; before each member after the
 * first, every endpoint must still answer and follow one leader; stops at the first failure.
 * The report lists every member with its sizes before and after.
 */
export async function runDefragment(session: EtcdSession, plan: DefragPlan, ctx: JobContext): Promise<void> {
  const rows: DefragMember[] = plan.members.map((m) => ({ ...m, state: 'not-attempted' }));
  const report = () => ctx.report({ kind: 'defragment', members: [...rows] });
  report();
  for (let i = 0; i < rows.length; i++) {
    if (ctx.signal.aborted) return;
    const row = rows[i];
    if (i > 0) assertHealthy(await session.probe());
    ctx.progress({ done: i, total: rows.length, phase: `defragmenting ${addr(row.endpoint)} (${row.role})` });
    try {
      const before = sizesOf(await session.onMember(row.endpoint, (rpc) => rpc.status()));
      rows[i] = { ...row, before };
      report();
      const started = performance.now();
      const deadlineMs = Math.max(DEFRAG_DEADLINE_MS, session.config.deadlineMs);
      await session.onMember(row.endpoint, (rpc) => rpc.defragment(Date.now() + deadlineMs), deadlineMs);
      const ms = Math.round(performance.now() - started);
      const after = sizesOf(await session.onMember(row.endpoint, (rpc) => rpc.status()));
      rows[i] = { ...rows[i], state: 'done', after, ms };
      report();
    } catch (err) {
      const error = errorOf(session, row.endpoint, err);
      rows[i] = { ...rows[i], state: 'failed', error };
      report();
      throw new AppFailure(
        { ...error, message: `Defragmenting ${addr(row.endpoint)} failed${i < rows.length - 1 ? ', so the members after it were left alone' : ''}: ${error.message}` },
        { cause: err instanceof AppFailure ? err.cause : err },
      );
    }
  }
  ctx.progress({ done: rows.length, total: rows.length, phase: 'done' });
}

// ---------- snapshot ----------

/** Refuses a path that cannot be written before a job is started for it. */
export async function checkSnapshotTarget(path: string): Promise<void> {
  if (!isAbsolute(path)) throw failure('INVALID_ARGUMENT', 'Choose where to save the snapshot (a full path).', { field: 'path' });
  const dir = await stat(dirname(path)).catch(() => undefined);
  if (!dir?.isDirectory()) throw failure('NOT_FOUND', 'The folder to save the snapshot in does not exist.', { field: 'path' });
  const target = await stat(path).catch(() => undefined);
  if (target && !target.isFile()) throw failure('INVALID_ARGUMENT', 'That path is a folder, not a file.', { field: 'path' });
}

/**
 * Streams member `memberId`'s backend snapshot into `path`: written to a temporary file in the
 * same folder and renamed at the end, so a failed or cancelled snapshot leaves no file (and an
 * existing file at `path` is replaced only by a complete snapshot). The report carries its sha256.
 */
export async function runSnapshot(session: EtcdSession, opts: { readonly endpoint: string; readonly memberId: string; readonly path: string }, ctx: JobContext): Promise<void> {
  await checkSnapshotTarget(opts.path);
  const endpoint = opts.endpoint;
  let report: SnapshotReport = { kind: 'snapshot', endpoint, memberId: opts.memberId, path: opts.path, complete: false, bytes: 0 };
  ctx.report(report);
  const tmp = join(dirname(opts.path), `.${basename(opts.path)}.${randomBytes(6).toString('hex')}.partial`);
  const file = await open(tmp, 'wx', 0o600);
  let closed = false;
  try {
    let stream;
    try {
      stream = await session.snapshotTarget(endpoint).snapshot();
    } catch (err) {
      throw new AppFailure(errorOf(session, endpoint, err), { cause: err });
    }
    const hash = createHash('sha256');
    let bytes = 0;
    let idle = false;
    let lastProgress = 0;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        stream.cancel();
      }, SNAPSHOT_IDLE_MS);
    };
    const onAbort = () => stream.cancel();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (ctx.signal.aborted) stream.cancel();
    arm();
    try {
      for await (const chunk of stream as AsyncIterable<{ remaining: number; blob: Buffer; revision: number }>) {
        arm();
        if (chunk.blob.length > 0) {
          for (let at = 0; at < chunk.blob.length; ) at += (await file.write(chunk.blob, at)).bytesWritten;
          hash.update(chunk.blob);
          bytes += chunk.blob.length;
        }
        report = { ...report, bytes, ...(chunk.revision && report.revision === undefined ? { revision: chunk.revision } : {}) };
        ctx.report(report);
        const now = performance.now();
        if (now - lastProgress >= PROGRESS_EVERY_MS || chunk.remaining === 0) {
          lastProgress = now;
          ctx.progress({ done: bytes, total: bytes + chunk.remaining, phase: 'saving' });
        }
      }
    } catch (err) {
      // A failure of ours (the disk) leaves the call open: end it (a no-op when it has ended).
      stream.cancel();
      if (ctx.signal.aborted) return;
      if (idle) throw failure('TIMEOUT', `${addr(endpoint)} sent nothing for ${SNAPSHOT_IDLE_MS / 1000} s: the snapshot was given up and no file was left.`, { endpoint });
      throw new AppFailure(errorOf(session, endpoint, err), { cause: err });
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
    }
    if (ctx.signal.aborted) return;
    if (bytes === 0) throw failure('INTERNAL', `${addr(endpoint)} ended the snapshot without sending anything.`, { endpoint });
    await file.sync();
    await file.close();
    closed = true;
    await rename(tmp, opts.path);
    report = { ...report, complete: true, sha256: hash.digest('hex') };
    ctx.report(report);
  } finally {
    if (!closed) await file.close().catch(() => undefined);
    if (!report.complete) await rm(tmp, { force: true });
  }
}

// ---------- alarms ----------

const alarmName = (a: string | number): AlarmType | undefined => {
  const s = String(a).toUpperCase();
  return s === 'NOSPACE' || s === '1' ? 'NOSPACE' : s === 'CORRUPT' || s === '2' ? 'CORRUPT' : undefined;
};

async function activeAlarms(session: EtcdSession): Promise<ActiveAlarm[]> {
  const res = await session.run('read', () => session.rpc.alarm({ action: 'Get' }));
  const out: ActiveAlarm[] = [];
  for (const a of res.alarms ?? []) {
    const alarm = alarmName(a.alarm);
    if (alarm) out.push({ memberId: hexOf(a.memberID), alarm });
  }
  return out;
}

export async function listAlarms(session: EtcdSession): Promise<AlarmList> {
  const members = Promise.all(
    session.endpoints.map(async (endpoint): Promise<MemberAlarms> => {
      try {
        const st = await session.memberStatus(endpoint);
        const memberId = hexOf(st.header.member_id);
        const alarms = parseAlarms(st.errors ?? [])
          .filter((a) => a.memberId === memberId)
          .map((a) => alarmName(a.alarm))
          .filter((a): a is AlarmType => a !== undefined);
        return { endpoint, memberId, reachable: true, alarms };
      } catch (err) {
        return { endpoint, reachable: false, alarms: [], error: errorOf(session, endpoint, err) };
      }
    }),
  );
  const [alarms, perMember] = await Promise.all([activeAlarms(session), members]);
  return { alarms, members: perMember };
}

export async function disarm(session: EtcdSession, only: { readonly memberId?: string; readonly alarm?: AlarmType }): Promise<DisarmResult> {
  const chosen = (await activeAlarms(session)).filter((a) => (only.memberId === undefined || a.memberId === only.memberId) && (only.alarm === undefined || a.alarm === only.alarm));
  const disarmed: ActiveAlarm[] = [];
  for (const a of chosen) {
    const alarm = a.alarm === 'NOSPACE' ? 'Nospace' : 'Corrupt';
    await session.run('write', () => session.rpc.alarm({ action: 'Deactivate', memberID: decimalId(a.memberId), alarm }));
    disarmed.push(a);
  }
  return { disarmed, remaining: await activeAlarms(session) };
}

// ---------- hashkv ----------

export async function hashKv(session: EtcdSession, asked?: number): Promise<HashKvResult> {
  const current = await currentRevision(session);
  if (asked !== undefined && asked > current) {
    throw failure('INVALID_ARGUMENT', `Revision ${asked} is newer than the cluster's current revision ${current}.`, { field: 'revision' });
  }
  const revision = asked ?? current;
  const probes = distinct(await session.probe());
  const members = await Promise.all(
    probes.map(async (p): Promise<MemberHash> => {
      if (!p.ok) return { endpoint: p.endpoint, error: p.error };
      try {
        const res = await session.onMember(p.endpoint, (rpc) => rpc.hashKv({ revision }));
        return { endpoint: p.endpoint, memberId: p.memberId, hash: Number(res.hash), compactRevision: Number(res.compact_revision) };
      } catch (err) {
        return { endpoint: p.endpoint, memberId: p.memberId, error: errorOf(session, p.endpoint, err) };
      }
    }),
  );
  const hashes = new Set(members.map((m) => m.hash));
  const agree = members.length > 0 && members.every((m) => m.hash !== undefined) && hashes.size === 1;
  return { revision, members, agree };
}

// ---------- move leader ----------

export async function moveLeader(session: EtcdSession, targetMemberId: string): Promise<MoveLeaderResult> {
  const probes = await session.probe();
  const ok = probes.filter((p): p is OkProbe => p.ok);
  const leaderId = ok.find((p) => p.leaderId !== '0')?.leaderId;
  if (!leaderId) throw failure('NO_QUORUM', 'The cluster has no leader now (an election, or a lost quorum): nothing was moved.');
  const list = await session.run('read', () => session.rpc.memberList());
  const target = list.members.find((m) => hexOf(m.ID) === targetMemberId);
  if (!target) throw failure('NOT_FOUND', `Member ${targetMemberId} is not a member of this cluster.`, { field: 'targetMemberId' });
  if ((target as { isLearner?: boolean }).isLearner) {
    throw failure('INVALID_ARGUMENT', `Member ${targetMemberId} is a learner: only a voting member can lead.`, { field: 'targetMemberId' });
  }
  if (targetMemberId === leaderId) return { previousLeaderId: leaderId, leaderId };
  const leader = ok.find((p) => p.memberId === leaderId);
  if (!leader) {
    throw failure('UNAVAILABLE', `The leader (member ${leaderId}) is none of this profile's endpoints that answer: MoveLeader must be sent to the leader. Nothing was moved.`);
  }
  const deadlineMs = Math.max(MOVE_LEADER_MIN_MS, session.config.deadlineMs);
  await session.onMember(leader.endpoint, (rpc) => rpc.moveLeader(decimalId(targetMemberId), Date.now() + deadlineMs), deadlineMs);
  // The target's own view of who leads now.
  const after = await endpointOf(session, targetMemberId).catch(() => undefined);
  return { previousLeaderId: leaderId, leaderId: after?.leaderId ?? targetMemberId };
}
