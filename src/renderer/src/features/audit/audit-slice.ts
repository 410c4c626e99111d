/**
 * The audit trail view: the active profile's audited writes, newest first, a page at a time,
 * filtered by operation, key text, outcome and time; "Restore the value before this write" on
 * an entry that overwrote or deleted one key (after a confirmation), its result shown by the entry.
 */
import type { AuditEntry, AuditOutcome } from '../../../../shared/contract';
import type { AppError } from '../../../../shared/result';
import type { Confirm, SliceCreator } from '../../app/slice';
import { keyLabel } from '../../ui/format';

export const AUDIT_VIEW_PAGE = 100;

export interface AuditFilters {
  readonly operation: string;
  readonly keyContains: string;
  readonly outcome: AuditOutcome | '';
  /** ms since epoch, or null for no bound. */
  readonly from: number | null;
  readonly to: number | null;
}

export type AuditRestoreState =
  | { readonly state: 'running' }
  | { readonly state: 'done'; readonly revision: number; readonly restoredFrom: number }
  | { readonly state: 'failed'; readonly error: AppError };

export interface AuditSlice {
  auditEntries: readonly AuditEntry[];
  /** Cursor of the next (older) page; null when there is none. */
  auditNext: string | null;
  auditLoading: boolean;
  auditError: AppError | null;
  auditFilters: AuditFilters;
  /** Restores asked from this view, by entry id. */
  auditRestores: Readonly<Record<string, AuditRestoreState>>;

  /** Read the first page (or, with `more`, the next older one) with the current filters. */
  loadAudit(more?: boolean): Promise<void>;
  /** Change filters and read again from the newest. */
  setAuditFilters(filters: Partial<AuditFilters>): void;
  /** Ask to confirm, then restore the value the entry's key had before its write. */
  requestAuditRestore(entry: AuditEntry): void;
  restoreAuditEntry(entryId: string): Promise<void>;
}

export const NO_AUDIT_FILTERS: AuditFilters = { operation: '', keyContains: '', outcome: '', from: null, to: null };

const initialAudit = () => ({ auditEntries: [] as readonly AuditEntry[], auditNext: null, auditLoading: false, auditError: null, auditRestores: {} });

export const createAuditSlice: SliceCreator<AuditSlice, Confirm> = (set, get, { client, scope }) => {
  const listing = scope.sequence();
  // Filters stay across a switch (they describe what the user looks for); entries do not.
  scope.own({
    reset: () => {
      listing.cancel();
      set(initialAudit());
    },
  });

  return {
    ...initialAudit(),
    auditFilters: NO_AUDIT_FILTERS,

    async loadAudit(more = false) {
      const guard = more ? listing.join() : listing.begin();
      if (!guard) return;
      const before = more ? get().auditNext : null;
      if (more && !before) return;
      const f = get().auditFilters;
      set({ auditLoading: true });
      const r = await guard.wait(
        client.audit.list({
          profileId: guard.profileId,
          limit: AUDIT_VIEW_PAGE,
          ...(f.operation ? { operation: f.operation } : {}),
          ...(f.keyContains ? { keyContains: f.keyContains } : {}),
          ...(f.outcome ? { outcome: f.outcome } : {}),
          ...(f.from !== null ? { from: f.from } : {}),
          ...(f.to !== null ? { to: f.to } : {}),
          ...(before ? { before } : {}),
        }),
      );
      if (!r) return;
      if (!r.ok) {
        set({ auditLoading: false, auditError: r.error });
        return;
      }
      set({
        auditLoading: false,
        auditError: null,
        auditEntries: more ? [...get().auditEntries, ...r.value.entries] : r.value.entries,
        auditNext: r.value.next,
      });
    },

    setAuditFilters(filters) {
      set({ auditFilters: { ...get().auditFilters, ...filters } });
      void get().loadAudit();
    },

    requestAuditRestore(entry) {
      get().askConfirm({
        title: 'Restore the value before this write?',
        message: `The key gets back the value it had at revision ${(entry.revisionAfter ?? 1) - 1}, compared against its current revision: if someone changes it meanwhile, nothing is written.`,
        subject: keyLabel(entry.key ?? null),
        confirmLabel: 'Restore value',
        danger: true,
        onConfirm: () => void get().restoreAuditEntry(entry.id),
      });
    },

    async restoreAuditEntry(entryId) {
      const guard = scope.capture();
      if (!guard || get().auditRestores[entryId]?.state === 'running') return;
      set({ auditRestores: { ...get().auditRestores, [entryId]: { state: 'running' } } });
      const r = await guard.wait(client.audit.restore({ profileId: guard.profileId, entryId }));
      if (!r) return;
      const result: AuditRestoreState = r.ok ? { state: 'done', revision: r.value.revision, restoredFrom: r.value.restoredFrom } : { state: 'failed', error: r.error };
      set({ auditRestores: { ...get().auditRestores, [entryId]: result } });
      // The restore is itself audited: show it at the top.
      if (r.ok) void get().loadAudit();
    },
  };
};
