/**
 * The audit trail of the app's own writes: `record` (any main module may call it, e.g. for
 * maintenance actions) queues one entry for the profile's file and returns at once; `list`
 * reads a filtered page, newest first. Entries carry keys and prefixes, never values: they are
 * built field by field here, never copied from a request.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Bytes } from '../../../shared/bytes';
import { toUint8 } from '../../../shared/bytes';
import type { AuditEntry, AuditListRequest, AuditPage } from '../../../shared/contract/audit';
import { silentLogger, type Logger } from '../logging/logger';
import { AuditFiles, DEFAULT_ROTATION, type RotationOptions } from './audit-file';

/** What a caller says about a write; the trail adds the id, time, profile name and cluster id. */
export type AuditRecord = Omit<AuditEntry, 'v' | 'id' | 'at' | 'profileName' | 'clusterId'> & { readonly at?: number };

/** The part of the trail other main modules use. */
export interface AuditRecorder {
  /** Queues an entry; returns its id at once. Never throws, never waits for the file. */
  record(entry: AuditRecord): string;
}

export interface AuditTrailOptions {
  /** The folder holding the audit files (`<userData>/audit` in the app). */
  readonly dir: string;
  /**
   * The profile's name (looked up when the entry is written); undefined = no such profile, and
   * then nothing is written (a request naming a profile that does not exist wrote nothing).
   */
  readonly profileName?: (profileId: string) => Promise<string | undefined>;
  /** The cluster id of the profile's connection, when known (looked up when the entry is recorded). */
  readonly clusterId?: (profileId: string) => string | undefined;
  readonly log?: Logger;
  readonly rotation?: RotationOptions;
  readonly now?: () => number;
}

/** Where the audit files of a user data folder are. */
export const auditDir = (userDataDir: string): string => join(userDataDir, 'audit');

const decoder = new TextDecoder('utf-8');
const asText = (b: Bytes | undefined): string => (b === undefined ? '' : b.encoding === 'utf8' ? b.data : decoder.decode(toUint8(b)));

export class AuditTrail implements AuditRecorder {
  readonly files: AuditFiles;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly found = new Map<string, Bytes>();

  constructor(private readonly options: AuditTrailOptions) {
    this.log = options.log ?? silentLogger;
    this.files = new AuditFiles(options.dir, this.log, options.rotation ?? DEFAULT_ROTATION);
    this.now = options.now ?? Date.now;
  }

  record(input: AuditRecord): string {
    const id = randomUUID();
    try {
      const at = input.at ?? this.now();
      let clusterId: string | undefined;
      try {
        clusterId = this.options.clusterId?.(input.profileId);
      } catch {
        clusterId = undefined;
      }
      const base = pick(input);
      this.files.append(input.profileId, async () => {
        let profileName: string | undefined;
        if (this.options.profileName) {
          profileName = await this.options.profileName(input.profileId);
          if (profileName === undefined) return null;
        }
        return {
          v: 1,
          id,
          at,
          profileId: input.profileId,
          ...(profileName !== undefined ? { profileName } : {}),
          ...(clusterId !== undefined ? { clusterId } : {}),
          ...base,
        };
      });
    } catch {
      this.log.warn('audit entry not recorded', { profileId: input.profileId, code: 'INTERNAL' });
    }
    return id;
  }

  /** Every entry queued so far, of every profile, is in its file. */
  flushAll(): Promise<void> {
    return this.files.flushAll();
  }

  /** Every entry queued so far for the profile is in its file. */
  flush(profileId: string): Promise<void> {
    return this.files.flush(profileId);
  }

  async list(req: AuditListRequest): Promise<AuditPage> {
    const all = await this.files.read(req.profileId);
    let end = all.length;
    if (req.before !== undefined) {
      const i = all.findIndex((e) => e.id === req.before);
      end = i < 0 ? 0 : i;
    }
    const op = req.operation?.toLowerCase();
    const keyText = req.keyContains;
    const entries: AuditEntry[] = [];
    let i = end - 1;
    for (; i >= 0 && entries.length < req.limit; i--) {
      const e = all[i];
      if (op && !e.operation.toLowerCase().includes(op)) continue;
      if (req.outcome && e.outcome !== req.outcome) continue;
      if (req.from !== undefined && e.at < req.from) continue;
      if (req.to !== undefined && e.at > req.to) continue;
      if (keyText && ![e.key, e.prefix, e.target].some((b) => b !== undefined && asText(b).includes(keyText))) continue;
      entries.push(e);
    }
    return { entries, next: entries.length === req.limit && i >= 0 ? entries[entries.length - 1].id : null };
  }

  async find(profileId: string, entryId: string): Promise<AuditEntry | undefined> {
    const entry = (await this.files.read(profileId)).find((e) => e.id === entryId);
    if (entry?.key) {
      this.found.set(entryId, entry.key);
      if (this.found.size > 100) this.found.delete(this.found.keys().next().value!);
    }
    return entry;
  }

  /** The key of an entry `find` returned lately (so a restore that failed is still audited with its key). */
  keyOfEntry(entryId: string): Bytes | undefined {
    return this.found.get(entryId);
  }
}

/** The entry's own fields, one by one: nothing else of the caller's object reaches the file. */
function pick(r: AuditRecord): Omit<AuditEntry, 'v' | 'id' | 'at' | 'profileId' | 'profileName' | 'clusterId'> {
  const bytes = (b: Bytes | undefined) => (b === undefined ? undefined : ({ encoding: b.encoding, data: b.data } as Bytes));
  const num = (n: number | undefined) => (typeof n === 'number' && Number.isFinite(n) ? n : undefined);
  const out: Record<string, unknown> = { operation: r.operation };
  const set = (k: string, v: unknown) => {
    if (v !== undefined) out[k] = v;
  };
  set('key', bytes(r.key));
  set('prefix', bytes(r.prefix));
  set('target', bytes(r.target));
  set('revisionBefore', num(r.revisionBefore));
  set('revisionAfter', num(r.revisionAfter));
  if (r.created === true) out.created = true;
  out.outcome = r.outcome;
  set('errorCode', r.errorCode);
  if (r.details) {
    const d: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(r.details)) if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') d[k] = v;
    out.details = d;
  }
  if (r.job) {
    const counts: Record<string, number> = {};
    for (const [k, v] of Object.entries(r.job.counts)) if (typeof v === 'number') counts[k] = v;
    out.job = { kind: r.job.kind, state: r.job.state, counts };
  }
  return out as Omit<AuditEntry, 'v' | 'id' | 'at' | 'profileId' | 'profileName' | 'clusterId'>;
}
