/**
 * What bulk operations keep in main between calls, per connection: delete plans (counted keys
 * waiting for the user's confirmation) and undo data (the previous values of deleted keys).
 *
 * Held in memory only, for the session: nothing is written to disk, so nothing needs encrypting
 * at rest. Keyed by the connection object, so a disconnect (or reconnect, which makes a new
 * connection) drops it all with the connection; `forget` also clears it at once.
 */
import { randomUUID } from 'node:crypto';
import { UNDO_CAP_BYTES } from '../../../shared/contract/bulk';
import type { Connection } from '../connections';

/** One counted key: the delete removes it only if its mod revision is still this. */
export interface PlannedKey {
  readonly key: Buffer;
  readonly modRevision: number;
  /** Key and value bytes (0 when the plan did not read values). */
  readonly bytes: number;
}

export interface StoredPlan {
  readonly planId: string;
  /** The prefix of a prefix delete (keys written under it after the count are reported). */
  readonly prefix?: Buffer;
  readonly keys: readonly PlannedKey[];
  readonly revision: number;
  readonly confirmWith: readonly string[];
  readonly undoAvailable: boolean;
  readonly undoUnavailableReason?: string;
  /** A delete job is running or ran with this plan: a plan deletes once. */
  used: boolean;
}

/** A deleted key as it was: what Undo writes back. */
export interface DeletedKey {
  readonly key: Buffer;
  readonly value: Buffer;
  /** Decimal lease id, '0' for none. */
  readonly lease: string;
}

export interface UndoRecord {
  readonly undoId: string;
  /** Keys not restored yet (a partial undo can be run again for the rest). */
  entries: DeletedKey[];
  bytes: number;
  /** An undo job is running on it. */
  busy: boolean;
}

/** Plans not used within this many are dropped (a dialog left open for hours counts again). */
const MAX_PLANS = 16;

export class BulkState {
  private readonly plans = new Map<string, StoredPlan>();
  private readonly undos = new Map<string, UndoRecord>();

  /** `undoCapBytes`: UNDO_CAP_BYTES in the app; smaller in tests. */
  constructor(readonly undoCapBytes: number = UNDO_CAP_BYTES) {}

  addPlan(plan: Omit<StoredPlan, 'planId' | 'used'>): StoredPlan {
    const stored: StoredPlan = { ...plan, planId: randomUUID(), used: false };
    this.plans.set(stored.planId, stored);
    while (this.plans.size > MAX_PLANS) this.plans.delete(this.plans.keys().next().value!);
    return stored;
  }

  plan(planId: string): StoredPlan | undefined {
    return this.plans.get(planId);
  }

  dropPlan(planId: string): void {
    this.plans.delete(planId);
  }

  undoBytes(): number {
    let n = 0;
    for (const u of this.undos.values()) n += u.bytes;
    return n;
  }

  /**
   * Keeps a delete's previous values, dropping the oldest undo data (not in use) until the total
   * fits the cap. Returns null when it cannot fit at all.
   */
  addUndo(entries: DeletedKey[]): UndoRecord | null {
    const bytes = entries.reduce((n, e) => n + e.key.length + e.value.length, 0);
    const cap = this.undoCapBytes;
    if (bytes > cap) return null;
    for (const [id, u] of this.undos) {
      if (this.undoBytes() + bytes <= cap) break;
      if (!u.busy) this.undos.delete(id);
    }
    if (this.undoBytes() + bytes > cap) return null;
    const rec: UndoRecord = { undoId: randomUUID(), entries, bytes, busy: false };
    this.undos.set(rec.undoId, rec);
    return rec;
  }

  undo(undoId: string): UndoRecord | undefined {
    return this.undos.get(undoId);
  }

  dropUndo(undoId: string): void {
    this.undos.delete(undoId);
  }

  forget(): void {
    this.plans.clear();
    this.undos.clear();
  }
}

const states = new WeakMap<Connection, BulkState>();

/** The bulk state of a live connection (made on first use). */
export function bulkStateOf(conn: Connection): BulkState {
  let s = states.get(conn);
  if (!s) {
    s = new BulkState();
    states.set(conn, s);
  }
  return s;
}
