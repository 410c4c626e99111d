/**
 * Accepted dry runs, kept in main under a plan id until applied or replaced. A plan stores per
 * key only what apply needs to re-check it (13 bytes: the action, the mod revision the dry run
 * saw, a checksum of the file's key and value); the keys and values themselves are read again
 * from the file at apply time, so a plan of a million keys costs about 13 MB, not the file.
 */
import { randomUUID } from 'node:crypto';
import type { OnExisting, TransferFormat } from '../../../shared/transfer-reports';
import { failure } from '../etcd/errors';

/** What the dry run decided for one key. */
export const Action = { create: 0, overwrite: 1, unchanged: 2, conflict: 3 } as const;
export type Action = (typeof Action)[keyof typeof Action];

/** Plans kept at once (a new dry run past this drops the oldest). */
const MAX_PLANS = 8;

export interface ImportPlan {
  readonly id: string;
  readonly profileId: string;
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly format: TransferFormat;
  readonly onExisting: OnExisting;
  /** The revision the dry run read the cluster at. */
  readonly revision: number;
  readonly entries: number;
  readonly actions: Uint8Array;
  /** The key's mod revision at `revision` (0: it did not exist). */
  readonly modRevisions: Float64Array;
  /** crc32 of the file's key then value, to notice a file changed since the dry run. */
  readonly sums: Uint32Array;
}

/** Per-key columns that grow as the file is read. */
export class PlanColumns {
  actions = new Uint8Array(1024);
  modRevisions = new Float64Array(1024);
  sums = new Uint32Array(1024);
  length = 0;

  push(action: Action, modRevision: number, sum: number): void {
    if (this.length === this.actions.length) {
      const n = this.length * 2;
      const a = new Uint8Array(n);
      a.set(this.actions);
      const m = new Float64Array(n);
      m.set(this.modRevisions);
      const s = new Uint32Array(n);
      s.set(this.sums);
      this.actions = a;
      this.modRevisions = m;
      this.sums = s;
    }
    this.actions[this.length] = action;
    this.modRevisions[this.length] = modRevision;
    this.sums[this.length] = sum;
    this.length++;
  }

  /** Trimmed copies for a stored plan. */
  done(): Pick<ImportPlan, 'actions' | 'modRevisions' | 'sums' | 'entries'> {
    return {
      entries: this.length,
      actions: this.actions.slice(0, this.length),
      modRevisions: this.modRevisions.slice(0, this.length),
      sums: this.sums.slice(0, this.length),
    };
  }
}

export class PlanStore {
  private readonly plans = new Map<string, ImportPlan>();

  add(plan: Omit<ImportPlan, 'id'>): ImportPlan {
    const stored = { ...plan, id: randomUUID() };
    this.plans.set(stored.id, stored);
    while (this.plans.size > MAX_PLANS) this.plans.delete(this.plans.keys().next().value!);
    return stored;
  }

  /** The plan for this profile; NOT_FOUND when unknown (or made for another profile). */
  get(planId: string, profileId: string): ImportPlan {
    const p = this.plans.get(planId);
    if (!p || p.profileId !== profileId) {
      throw failure('NOT_FOUND', 'That dry run is no longer available (or was made for another connection): run the dry run again.', { field: 'planId' });
    }
    return p;
  }
}
