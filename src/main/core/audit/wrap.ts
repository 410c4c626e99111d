/**
 * Audits the handler table: every channel the contract declares `effect: 'write'` is wrapped,
 * so a new write channel is audited by itself (operation, profile, outcome at least). A write
 * that returns a job (bulk delete, undo, copy, import apply) is recorded once, when the job's
 * final event says how it ended. Recording never changes or delays the write's answer.
 */
import type { Bytes } from '../../../shared/bytes';
import { channelDef, channels, type Handlers } from '../../../shared/contract';
import type { JobReport } from '../../../shared/job-reports';
import type { Result } from '../../../shared/result';
import type { JobInfo } from '../../../shared/types';
import type { Logger } from '../logging/logger';
import { silentLogger } from '../logging/logger';
import type { AuditRecord, AuditRecorder } from './trail';

type Fn = (req: unknown) => Promise<Result<unknown>>;

/** Maintenance that writes nothing to etcd but is an action on the cluster all the same. */
const AUDITED_READS = new Set<string>(['maintenance:snapshot']);

/** What was known of a job's target when it started. */
type JobStart = Omit<AuditRecord, 'outcome'>;

/** Remembered at most this many of each (plans, undo ids, jobs that ended before their start was seen). */
const MEMORY = 200;

const isBytes = (x: unknown): x is Bytes =>
  typeof x === 'object' && x !== null && ((x as Bytes).encoding === 'utf8' || (x as Bytes).encoding === 'base64') && typeof (x as Bytes).data === 'string';
const obj = (x: unknown): Record<string, unknown> => (typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : {});
const posNum = (x: unknown): number | undefined => (typeof x === 'number' && x > 0 ? x : undefined);
const isJobInfo = (x: unknown): x is JobInfo => typeof obj(x).jobId === 'string' && typeof obj(x).kind === 'string' && typeof obj(x).state === 'string';

function remember<K, V>(map: Map<K, V>, k: K, v: V): void {
  map.set(k, v);
  if (map.size > MEMORY) map.delete(map.keys().next().value as K);
}

/** The target of a bulk source: its prefix, or how many keys were named. */
function sourceOf(source: unknown): Pick<AuditRecord, 'prefix' | 'details'> {
  const s = obj(source);
  if (s.kind === 'prefix' && isBytes(s.prefix)) return { prefix: s.prefix };
  if (s.kind === 'keys' && Array.isArray(s.keys)) return { details: { keys: s.keys.length } };
  return {};
}

/**
 * The counts of a job report: every number, every key list's count (never its keys), and the
 * numbers of a `counts` object (an import's report) as they are.
 */
export function reportCounts(report: JobReport | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [k, v] of Object.entries(report ?? {})) {
    if (typeof v === 'number') counts[k] = v;
    else if (typeof obj(v).count === 'number') counts[k] = obj(v).count as number;
    else if (k === 'counts') for (const [sub, n] of Object.entries(obj(v))) if (typeof n === 'number') counts[sub] = n;
  }
  return counts;
}

export interface AuditedWrites {
  /** The table with every write channel audited (the other channels as they were). */
  wrap(handlers: Handlers): Handlers;
  /** Every job event (main's connections report them here before they are sent to the window). */
  jobEvent(info: JobInfo): void;
}

export interface AuditedWritesOptions {
  readonly log?: Logger;
  /** The key of an audit entry recently looked up (audit:restore names an entry, not a key). */
  readonly keyOfEntry?: (entryId: string) => Bytes | undefined;
}

export function auditedWrites(trail: AuditRecorder, options: AuditedWritesOptions = {}): AuditedWrites {
  const log = options.log ?? silentLogger;
  const plans = new Map<string, Pick<AuditRecord, 'prefix' | 'details'>>();
  const undos = new Map<string, Pick<AuditRecord, 'prefix' | 'details'>>();
  const pending = new Map<string, JobStart>();
  const endedEarly = new Map<string, JobInfo>();

  /** What the request and the answer say about a write, field by field (never a value). */
  function describe(channel: string, req: unknown, res: Result<unknown>): Omit<AuditRecord, 'outcome'> {
    const r = obj(req);
    const v = res.ok ? obj(res.value) : {};
    const details: Record<string, string | number | boolean> = {};
    let target: Pick<AuditRecord, 'prefix' | 'details'> = {};
    if (r.source !== undefined) target = sourceOf(r.source);
    else if (typeof r.planId === 'string' && plans.has(r.planId)) target = plans.get(r.planId)!;
    else if (typeof r.undoId === 'string' && undos.has(r.undoId)) target = undos.get(r.undoId)!;
    Object.assign(details, target.details);
    if (typeof r.targetProfileId === 'string') details.targetProfileId = r.targetProfileId;
    if (typeof r.mode === 'string') details.mode = r.mode;
    if (typeof r.overwrite === 'boolean') details.overwrite = r.overwrite;
    if (channel.startsWith('leases:')) {
      const id = typeof r.id === 'string' ? r.id : typeof v.id === 'string' ? v.id : undefined;
      if (id !== undefined) details.lease = id;
      if (typeof r.ttl === 'number') details.ttl = r.ttl;
    }
    const declared = channelDef(channel)?.auditDetails?.(r as never, (res.ok ? res.value : undefined) as never) ?? {};
    for (const [k, x] of Object.entries(declared)) if (x !== undefined) details[k] = x;
    const key = isBytes(r.key) ? r.key : isBytes(v.key) ? v.key : typeof r.entryId === 'string' ? options.keyOfEntry?.(r.entryId) : undefined;
    // A refused compare-and-swap says what the key's revision really was (0: it did not exist).
    const current = res.ok ? undefined : res.error.details?.currentModRevision;
    const before = res.ok ? (posNum(obj(v.deleted).modRevision) ?? posNum(v.expectedModRevision) ?? posNum(r.expectedModRevision)) : current !== undefined ? posNum(current) : posNum(r.expectedModRevision);
    return {
      profileId: String(r.profileId),
      operation: channel,
      ...(key ? { key } : {}),
      ...(target.prefix ? { prefix: target.prefix } : isBytes(r.prefix) ? { prefix: r.prefix } : {}),
      ...(isBytes(r.targetPrefix) ? { target: r.targetPrefix } : {}),
      ...(before !== undefined ? { revisionBefore: before } : {}),
      ...(posNum(v.revision) !== undefined ? { revisionAfter: v.revision as number } : {}),
      ...(v.created === true ? { created: true } : {}),
      ...(Object.keys(details).length > 0 ? { details } : {}),
    };
  }

  function endJob(start: JobStart, info: JobInfo): void {
    const counts = reportCounts(info.report);
    const state = info.state === 'running' ? 'failed' : info.state;
    const outcome = (counts.unknown ?? 0) > 0 ? 'unknown' : state === 'done' ? 'applied' : 'failed';
    const errorCode = outcome === 'unknown' ? 'OUTCOME_UNKNOWN' : outcome === 'failed' ? info.error?.code : undefined;
    const undoId = obj(info.report).undoId;
    if (typeof undoId === 'string') remember(undos, undoId, { ...(start.prefix ? { prefix: start.prefix } : {}), ...(start.details?.keys !== undefined ? { details: { keys: start.details.keys } } : {}) });
    trail.record({ ...start, at: info.endedAt ?? Date.now(), outcome, ...(errorCode ? { errorCode } : {}), job: { kind: info.kind, state, counts } });
  }

  function observe(channel: string, req: unknown, res: Result<unknown>): void {
    if (typeof obj(req).profileId !== 'string') return;
    const d = describe(channel, req, res);
    if (res.ok && isJobInfo(res.value)) {
      const info = res.value;
      const early = endedEarly.get(info.jobId);
      if (early) {
        endedEarly.delete(info.jobId);
        endJob(d, early);
      } else remember(pending, info.jobId, d);
      return;
    }
    const outcome = res.ok ? 'applied' : res.error.code === 'OUTCOME_UNKNOWN' ? 'unknown' : 'failed';
    trail.record({ ...d, outcome, ...(res.ok ? {} : { errorCode: res.error.code }) });
  }

  return {
    wrap(handlers) {
      const table: Record<string, Fn> = { ...(handlers as unknown as Record<string, Fn>) };
      const plan = table['bulk:planDelete'];
      if (plan) {
        table['bulk:planDelete'] = async (req) => {
          const res = await plan(req);
          const planId = res.ok ? obj(res.value).planId : undefined;
          if (typeof planId === 'string') remember(plans, planId, sourceOf(obj(req).source));
          return res;
        };
      }
      for (const { name, def } of channels()) {
        if (def.effect !== 'write' && !AUDITED_READS.has(name)) continue;
        const inner = table[name];
        table[name] = async (req) => {
          const res = await inner(req);
          try {
            observe(name, req, res);
          } catch {
            log.warn('audit entry not recorded', { channel: name, code: 'INTERNAL' });
          }
          return res;
        };
      }
      return table as unknown as Handlers;
    },
    jobEvent(info) {
      if (info.state === 'running') return;
      const start = pending.get(info.jobId);
      if (start) {
        pending.delete(info.jobId);
        endJob(start, info);
      } else remember(endedEarly, info.jobId, info);
    },
  };
}
