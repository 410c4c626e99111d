/**
 * History and time travel in the renderer: the open key's versions (newest first, paged), the
 * values of the revisions picked for a diff, "Restore this version" (compare-and-swap against
 * the current mod revision), and "Recently deleted" under the grid's prefix with undelete
 * (must-not-exist, byte-exact: the value is read in main, never re-encoded here).
 *
 * Everything talks through the typed client; answers are dropped when the connection scope or
 * the key shown changed meanwhile. Failures are kept by code in this slice for the history tab
 * and the deleted view to show; they never match message text.
 */
import type { Bytes } from '../../../../shared/bytes';
import { text } from '../../../../shared/bytes';
import { DELETED_PAGE_MAX, HISTORY_PAGE_MAX } from '../../../../shared/contract';
import type { AppError } from '../../../../shared/result';
import type { DeletedKey, KeyValue, KeyVersion, RevisionBounds } from '../../../../shared/types';
import type { Confirm, Notify, SliceCreator } from '../../app/slice';
import { keyLabel } from '../../ui/format';
import { sameKey } from '../../ui/key-order';
import { isCancelled } from '../../ui/messages';

/** Versions per history page (each costs main a round trip). */
export const HISTORY_PAGE = 20;
/** Deleted keys per page. */
export const DELETED_PAGE = 200;
/** The default window of "Recently deleted": this many revisions back from now. */
export const DELETED_WINDOW = 1000;

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** The value of one revision, fetched for the diff. */
export type RevisionValue =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly kv: KeyValue }
  | { readonly status: 'error'; readonly error: AppError };

export interface KeyHistory {
  readonly key: Bytes;
  readonly versions: readonly KeyVersion[];
  readonly next: number | null;
  readonly compactedAt: number | null;
  readonly status: LoadStatus;
  /** Loading an older page. */
  readonly loadingMore: boolean;
  readonly error: AppError | null;
  /** Mod revisions picked for the diff, at most two, in the order picked. */
  readonly selected: readonly number[];
  readonly values: Readonly<Record<number, RevisionValue>>;
  readonly restoring: number | null;
  readonly restoreError: AppError | null;
  /** The revision of the last restore that succeeded (the "restored" notice). */
  readonly restoredAt: number | null;
}

export type UndeleteState = { readonly status: 'busy' } | { readonly status: 'done'; readonly revision: number } | { readonly status: 'error'; readonly error: AppError };

export interface DeletedState {
  readonly prefix: string;
  readonly bounds: RevisionBounds | null;
  /** Deletes after this revision are listed. */
  readonly since: number | null;
  readonly items: readonly DeletedKey[];
  readonly next: number | null;
  readonly status: LoadStatus;
  readonly loadingMore: boolean;
  readonly error: AppError | null;
  /** Per key (encoding:data). */
  readonly undeletes: Readonly<Record<string, UndeleteState>>;
}

export interface HistorySlice {
  history: KeyHistory | null;
  deleted: DeletedState | null;

  /** Show the history of `key` (the first page); again for the same key reloads it. */
  openHistory(key: Bytes): Promise<void>;
  closeHistory(): void;
  loadOlderVersions(): Promise<void>;
  /** Pick or unpick a revision for the diff (a third pick replaces the oldest); fetches its value. */
  toggleHistoryRevision(modRevision: number): void;
  /** Ask, then write the value of `modRevision` back with CAS on the key's current mod revision. */
  requestRestore(modRevision: number): void;
  restoreVersion(modRevision: number): Promise<void>;

  /** Open "Recently deleted" for the grid's prefix: bounds first, then the default window. */
  openDeleted(): Promise<void>;
  setDeletedSince(since: number): Promise<void>;
  loadMoreDeleted(): Promise<void>;
  undelete(item: DeletedKey): Promise<void>;
}

interface HistoryNeeds extends Notify, Confirm {
  readonly prefix: string;
  readonly selectedKey: Bytes | null;
  reloadKeys(): Promise<void>;
  rereadKey(): Promise<void>;
}

export const keyId = (key: Bytes): string => `${key.encoding}:${key.data}`;

/** The default "since": the larger of compacted + 1 and current - DELETED_WINDOW (never below 0). */
export function defaultSince(bounds: RevisionBounds): number {
  return Math.max(bounds.compacted + 1, bounds.current - DELETED_WINDOW, 0);
}

/** What "Restore" compares against: the live version's mod revision, or 0 when the key is deleted now. */
export function currentModRevision(versions: readonly KeyVersion[]): number {
  const newest = versions[0];
  return newest && newest.deletedAt === undefined ? newest.modRevision : 0;
}

const emptyHistory = (key: Bytes): KeyHistory => ({
  key,
  versions: [],
  next: null,
  compactedAt: null,
  status: 'loading',
  loadingMore: false,
  error: null,
  selected: [],
  values: {},
  restoring: null,
  restoreError: null,
  restoredAt: null,
});

export const createHistorySlice: SliceCreator<HistorySlice, HistoryNeeds> = (set, get, { client, scope }) => {
  scope.own({ reset: () => set({ history: null, deleted: null }) });
  const historyRun = scope.sequence();
  const deletedRun = scope.sequence();

  /** Update the history when it still shows `key`. */
  const patchHistory = (key: Bytes, patch: Partial<KeyHistory> | ((h: KeyHistory) => Partial<KeyHistory>)) => {
    const h = get().history;
    if (!h || !sameKey(h.key, key)) return;
    set({ history: { ...h, ...(typeof patch === 'function' ? patch(h) : patch) } });
  };
  const patchDeleted = (patch: Partial<DeletedState> | ((d: DeletedState) => Partial<DeletedState>)) => {
    const d = get().deleted;
    if (d) set({ deleted: { ...d, ...(typeof patch === 'function' ? patch(d) : patch) } });
  };

  const fetchValue = async (key: Bytes, modRevision: number) => {
    const guard = scope.capture();
    if (!guard) return;
    patchHistory(key, (h) => ({ values: { ...h.values, [modRevision]: { status: 'loading' } } }));
    const r = await guard.wait(client.history.get({ profileId: guard.profileId, key, revision: modRevision }));
    if (!r) return;
    patchHistory(key, (h) => ({
      values: { ...h.values, [modRevision]: r.ok ? { status: 'ready', kv: r.value } : { status: 'error', error: r.error } },
    }));
  };

  const loadDeleted = async (since: number, append: boolean) => {
    const d = get().deleted;
    if (!d) return;
    const guard = append ? deletedRun.join() : deletedRun.begin();
    if (!guard) return;
    patchDeleted(append ? { loadingMore: true, error: null } : { since, status: 'loading', error: null, items: [], next: null, undeletes: {} });
    const r = await guard.wait(
      client.history.deleted({ profileId: guard.profileId, prefix: text(d.prefix), sinceRevision: since, limit: Math.min(DELETED_PAGE, DELETED_PAGE_MAX) }),
    );
    if (!r) return;
    if (!r.ok) {
      patchDeleted({ status: append ? 'ready' : 'error', loadingMore: false, error: r.error });
      return;
    }
    patchDeleted((cur) => {
      // A key deleted again in a later page: one row, its latest delete.
      const byKey = new Map<string, DeletedKey>();
      for (const item of append ? [...cur.items, ...r.value.items] : r.value.items) {
        const prev = byKey.get(keyId(item.key));
        if (!prev || prev.deletedAt < item.deletedAt) byKey.set(keyId(item.key), item);
      }
      return {
        items: [...byKey.values()].sort((a, b) => b.deletedAt - a.deletedAt),
        next: r.value.next,
        status: 'ready',
        loadingMore: false,
        error: null,
      };
    });
  };

  return {
    history: null,
    deleted: null,

    async openHistory(key) {
      const guard = historyRun.begin();
      if (!guard) return;
      set({ history: emptyHistory(key) });
      const r = await guard.wait(client.history.versions({ profileId: guard.profileId, key, limit: Math.min(HISTORY_PAGE, HISTORY_PAGE_MAX) }));
      if (!r) return;
      if (!r.ok) {
        patchHistory(key, { status: 'error', error: r.error });
        return;
      }
      patchHistory(key, { status: 'ready', versions: r.value.versions, next: r.value.next, compactedAt: r.value.compactedAt ?? null, error: null });
    },

    closeHistory() {
      historyRun.cancel();
      set({ history: null });
    },

    async loadOlderVersions() {
      const h = get().history;
      if (!h || h.next === null || h.loadingMore) return;
      const guard = historyRun.join();
      if (!guard) return;
      const key = h.key;
      patchHistory(key, { loadingMore: true, error: null });
      const r = await guard.wait(
        client.history.versions({ profileId: guard.profileId, key, before: h.next, limit: Math.min(HISTORY_PAGE, HISTORY_PAGE_MAX) }),
      );
      if (!r) return;
      if (!r.ok) {
        patchHistory(key, { loadingMore: false, error: r.error });
        return;
      }
      patchHistory(key, (cur) => {
        const seen = new Set(cur.versions.map((v) => v.modRevision));
        return {
          loadingMore: false,
          versions: [...cur.versions, ...r.value.versions.filter((v) => !seen.has(v.modRevision))],
          next: r.value.next,
          compactedAt: r.value.compactedAt ?? cur.compactedAt,
        };
      });
    },

    toggleHistoryRevision(modRevision) {
      const h = get().history;
      if (!h) return;
      const picked = h.selected.includes(modRevision)
        ? h.selected.filter((r) => r !== modRevision)
        : [...h.selected, modRevision].slice(-2);
      set({ history: { ...h, selected: picked } });
      const v = h.values[modRevision];
      if (picked.includes(modRevision) && (!v || v.status === 'error')) void fetchValue(h.key, modRevision);
    },

    requestRestore(modRevision) {
      const h = get().history;
      if (!h) return;
      const expected = currentModRevision(h.versions);
      get().askConfirm({
        title: 'Restore this version?',
        message:
          expected === 0
            ? `The key is deleted now. Its value at revision ${modRevision} is written back as a new key, only if nobody created it meanwhile.`
            : `The value the key had at revision ${modRevision} is written as a new version, only if the key is still at revision ${expected}.`,
        subject: keyLabel(h.key, 400),
        confirmLabel: 'Restore',
        onConfirm: () => void get().restoreVersion(modRevision),
      });
    },

    async restoreVersion(modRevision) {
      const h = get().history;
      const guard = scope.capture();
      if (!h || !guard || h.restoring !== null) return;
      const key = h.key;
      const expected = currentModRevision(h.versions);
      patchHistory(key, { restoring: modRevision, restoreError: null, restoredAt: null });
      const r = await guard.wait(client.history.restore({ profileId: guard.profileId, key, revision: modRevision, expectedModRevision: expected }));
      if (!r) return;
      if (isCancelled(r)) {
        patchHistory(key, { restoring: null });
        return;
      }
      if (!r.ok) {
        patchHistory(key, { restoring: null, restoreError: r.error });
        return;
      }
      patchHistory(key, { restoring: null, restoredAt: r.value.revision });
      get().pushToast('success', `Restored revision ${modRevision} of “${keyLabel(key)}”`, `written at revision ${r.value.revision}`);
      // The editor, the grid and the history show what is current now.
      if (sameKey(get().selectedKey, key)) void get().rereadKey();
      void get().reloadKeys();
      const restoredAt = r.value.revision;
      await get().openHistory(key);
      patchHistory(key, { restoredAt });
    },

    async openDeleted() {
      const guard = deletedRun.begin();
      if (!guard) return;
      const prefix = get().prefix;
      set({ deleted: { prefix, bounds: null, since: null, items: [], next: null, status: 'loading', loadingMore: false, error: null, undeletes: {} } });
      const b = await guard.wait(client.history.bounds({ profileId: guard.profileId }));
      if (!b) return;
      if (!b.ok) {
        patchDeleted({ status: 'error', error: b.error });
        return;
      }
      patchDeleted({ bounds: b.value });
      await loadDeleted(defaultSince(b.value), false);
    },

    async setDeletedSince(since) {
      if (!get().deleted || !Number.isSafeInteger(since) || since < 0) return;
      await loadDeleted(since, false);
    },

    async loadMoreDeleted() {
      const d = get().deleted;
      if (!d || d.next === null || d.loadingMore) return;
      await loadDeleted(d.next, true);
    },

    async undelete(item) {
      const guard = scope.capture();
      const d = get().deleted;
      if (!guard || !d) return;
      const id = keyId(item.key);
      if (d.undeletes[id]?.status === 'busy') return;
      patchDeleted((cur) => ({ undeletes: { ...cur.undeletes, [id]: { status: 'busy' } } }));
      // The value just before the delete, written only if the key does not exist (byte-exact: main reads and writes it).
      const r = await guard.wait(client.history.restore({ profileId: guard.profileId, key: item.key, revision: item.deletedAt - 1, expectedModRevision: 0 }));
      if (!r) return;
      if (isCancelled(r)) {
        patchDeleted((cur) => {
          const undeletes = { ...cur.undeletes };
          delete undeletes[id];
          return { undeletes };
        });
        return;
      }
      patchDeleted((cur) => ({
        undeletes: { ...cur.undeletes, [id]: r.ok ? { status: 'done', revision: r.value.revision } : { status: 'error', error: r.error } },
        // Created again meanwhile: it is no longer a candidate.
        items: r.ok || r.error.code === 'CONFLICT' ? cur.items.map((i) => (keyId(i.key) === id ? { ...i, recreated: true } : i)) : cur.items,
      }));
      if (r.ok) {
        get().pushToast('success', `Restored “${keyLabel(item.key)}”`, `created at revision ${r.value.revision}`);
        void get().reloadKeys();
      }
    },
  };
};
