/**
 * The selected key: what etcd holds (`loaded`), what the user is typing (`draft`), and the
 * compare-and-swap save. A failed save never touches the draft; a CONFLICT opens a conflict
 * state with the current server value, and nothing is overwritten without an explicit choice.
 * Failures about the key shown are kept here for the value panel to show (and nothing else):
 * a read in `editorError`, a save or a re-read beside the draft in `valueError`, an overwrite
 * from the conflict view in `conflict.error`.
 */
import type { Bytes } from '../../../../shared/bytes';
import { byteLength, bytesEqual, isText } from '../../../../shared/bytes';
import type { LeaseChoice } from '../../../../shared/contract';
import type { AppError } from '../../../../shared/result';
import type { KeyValue, Profile } from '../../../../shared/types';
import type { ScopeGuard } from '../../app/scope';
import type { Confirm, Notify, SliceCreator } from '../../app/slice';
import { keyLabel } from '../../ui/format';
import { sameKey } from '../../ui/key-order';
import { base64Of, computeDirty, draftValue, type DraftKind } from './draft';
import { detectMode, type EditorMode } from './value-mode';

export type EditorStatus = 'empty' | 'loading' | 'ready' | 'missing' | 'error';

/** A failure beside the draft, which stays: a save, or a re-read of the key being edited. */
export type ValueError =
  | { readonly op: 'save'; readonly error: AppError }
  | { readonly op: 'reread'; readonly error: AppError; readonly reason: ConflictState['reason'] };

export interface ConflictState {
  /** conflict: a compare-and-swap failed; outcome-unknown: a re-read after an uncertain write found another value. */
  readonly reason: 'conflict' | 'outcome-unknown';
  /** The value in etcd now; null when the key no longer exists; undefined while it is being fetched or could not be. */
  readonly current: KeyValue | null | undefined;
  readonly busy: boolean;
  readonly error: AppError | null;
}

export interface EditorSlice {
  selectedKey: Bytes | null;
  loaded: KeyValue | null;
  editorStatus: EditorStatus;
  editorError: AppError | null;
  valueError: ValueError | null;
  draft: string;
  draftKind: DraftKind;
  mode: EditorMode;
  dirty: boolean;
  saving: boolean;
  conflict: ConflictState | null;

  selectKey(key: Bytes, opts?: { force?: boolean; reread?: boolean }): Promise<void>;
  setDraft(draft: string): void;
  setMode(mode: EditorMode): void;
  editAsBase64(): void;
  cancelBase64(): void;
  revertDraft(): void;
  save(opts?: { allowInvalidJson?: boolean }): Promise<void>;
  /** Fetch the key again; with a dirty draft that differs, opens the conflict view instead of replacing it. */
  rereadKey(reason?: ConflictState['reason']): Promise<void>;
  resolveConflict(choice: 'overwrite' | 'discard' | 'keep'): Promise<void>;
  dismissValueError(): void;
  clearEditor(): void;
}

interface EditorNeeds extends Notify, Confirm {
  /** The grid shows what a save or a read found. */
  upsertRow(kv: KeyValue): void;
  removeRow(key: Bytes): void;
  activeProfile(): Pick<Profile, 'username' | 'deadlineMs'> | undefined;
  /** The lease choice for the save (leases feature); none = keep the key's lease. */
  editorLeaseChoice(): { readonly choice?: LeaseChoice; readonly error?: AppError };
  clearEditorLease(): void;
}

const initialEditor = () => ({
  selectedKey: null,
  loaded: null,
  editorStatus: 'empty' as EditorStatus,
  editorError: null,
  valueError: null,
  draft: '',
  draftKind: 'text' as DraftKind,
  mode: 'plain' as EditorMode,
  dirty: false,
  saving: false,
  conflict: null,
});

/** Editor state showing `kv` with no pending edits. */
function showValue(kv: KeyValue) {
  const txt = isText(kv.value);
  return {
    loaded: kv,
    editorStatus: 'ready' as EditorStatus,
    editorError: null,
    valueError: null,
    draft: txt ? kv.value.data : '',
    draftKind: (txt ? 'text' : 'binary') as DraftKind,
    mode: txt ? detectMode(kv.value.data) : ('plain' as EditorMode),
    dirty: false,
    conflict: null,
  };
}

export const createEditorSlice: SliceCreator<EditorSlice, EditorNeeds> = (set, get, { client, scope }) => {
  scope.own({ reset: () => set(initialEditor()) });
  // Selecting another key (or clearing the editor) drops answers for the previous selection.
  const selection = scope.sequence();

  /** Put `value` with compare-and-swap on `expected`; shared by save and "overwrite". */
  const putDraft = async (value: Bytes, expected: number, guard: ScopeGuard, base: KeyValue | null): Promise<void> => {
    const key = get().selectedKey;
    if (!key) return;
    const lease = get().editorLeaseChoice();
    if (lease.error) {
      set({ valueError: { op: 'save', error: lease.error } });
      return;
    }
    set({ saving: true, valueError: null });
    const r = await guard.wait(
      client.kv.put({ profileId: guard.profileId, key, value, expectedModRevision: expected, ...(lease.choice ? { lease: lease.choice } : {}) }),
    );
    if (!r) return;
    set({ saving: false });
    const stillShown = sameKey(get().selectedKey, key);
    const label = keyLabel(key);
    if (!r.ok) {
      if (!stillShown) {
        // The value panel shows another key now: the status bar is the only place left.
        const profile = get().activeProfile();
        get().notifyError(r.error, { op: 'save', key: label, username: profile?.username, deadlineMs: profile?.deadlineMs });
        return;
      }
      if (r.error.code === 'CONFLICT') {
        await enterConflict('conflict', key, guard);
        return;
      }
      const c = get().conflict;
      if (c) set({ conflict: { ...c, busy: false, error: r.error } });
      else set({ valueError: { op: 'save', error: r.error } });
      return;
    }
    const created = r.value.created;
    const kv: KeyValue = {
      key,
      value,
      size: byteLength(value),
      createRevision: created || !base ? r.value.revision : base.createRevision,
      modRevision: r.value.revision,
      version: created || !base ? 1 : base.version + 1,
      // Without a lease choice the core writes with ignore_lease: an existing key keeps its lease.
      lease: r.value.lease ?? (created || !base ? '0' : base.lease),
    };
    if (lease.choice) get().clearEditorLease();
    if (stillShown) {
      const cur = get();
      if (cur.draftKind === 'text' && isText(value)) {
        // Keep what the user typed while the save was in flight; it stays dirty if it differs.
        set({ loaded: kv, editorStatus: 'ready', editorError: null, dirty: computeDirty(kv, cur.draft, 'text'), conflict: null });
      } else {
        set({ ...showValue(kv), ...(cur.draftKind === 'text' ? { mode: cur.mode } : {}) });
      }
    }
    get().upsertRow(kv);
    get().pushToast('success', `Saved “${label}”`, `revision ${r.value.revision}`);
  };

  /** Fetch the current value and show it beside the draft. */
  const enterConflict = async (reason: ConflictState['reason'], key: Bytes, guard: ScopeGuard): Promise<void> => {
    set({ conflict: { reason, current: undefined, busy: true, error: null } });
    const g = await guard.wait(client.kv.get({ profileId: guard.profileId, key }));
    if (!g || !sameKey(get().selectedKey, key)) return;
    if (g.ok) set({ conflict: { reason, current: g.value, busy: false, error: null } });
    else if (g.error.code === 'NOT_FOUND') set({ conflict: { reason, current: null, busy: false, error: null } });
    else set({ conflict: { reason, current: undefined, busy: false, error: g.error } });
  };

  return {
    ...initialEditor(),

    async selectKey(key, opts = {}) {
      const s = get();
      if (!scope.profileId) return;
      const same = sameKey(s.selectedKey, key);
      if (same && !opts.reread && s.editorStatus !== 'error' && s.editorStatus !== 'missing') return;
      if (!same && s.dirty && !opts.force) {
        s.askConfirm({
          title: 'Discard unsaved changes?',
          message: 'Your draft has not been saved. Opening another key discards it.',
          subject: keyLabel(s.selectedKey, 400),
          confirmLabel: 'Discard draft',
          danger: true,
          onConfirm: () => void get().selectKey(key, { ...opts, force: true }),
        });
        return;
      }
      if (same && s.dirty) {
        // Re-reading the key being edited must not wipe the draft.
        await get().rereadKey();
        return;
      }
      const guard = selection.begin();
      if (!guard) return;
      set({ ...initialEditor(), selectedKey: key, editorStatus: 'loading' });
      const r = await guard.wait(client.kv.get({ profileId: guard.profileId, key }));
      if (!r) return;
      if (r.ok) {
        set(showValue(r.value));
        return;
      }
      if (r.error.code === 'NOT_FOUND') {
        set({ editorStatus: 'missing', editorError: r.error });
        get().removeRow(key);
        return;
      }
      set({ editorStatus: 'error', editorError: r.error });
    },

    setDraft(draft) {
      const s = get();
      if (s.draftKind === 'binary') return; // read-only
      set({ draft, dirty: computeDirty(s.loaded, draft, s.draftKind) });
    },

    setMode(mode) {
      set({ mode });
    },

    editAsBase64() {
      const s = get();
      if (!s.loaded || s.draftKind === 'base64' || s.dirty) return;
      set({ draftKind: 'base64', draft: base64Of(s.loaded.value), dirty: false });
    },

    cancelBase64() {
      const s = get();
      if (!s.loaded || s.draftKind !== 'base64') return;
      set(showValue(s.loaded));
    },

    revertDraft() {
      const s = get();
      if (!s.loaded) return;
      set({ ...showValue(s.loaded), mode: s.mode });
    },

    dismissValueError() {
      set({ valueError: null });
    },

    async save(opts = {}) {
      const s = get();
      const guard = scope.capture();
      if (!s.selectedKey || !guard || s.saving || s.conflict) return;
      if (s.draftKind === 'binary') return;
      if (s.editorStatus !== 'ready' && s.editorStatus !== 'missing') return;
      const leaseChange = s.editorLeaseChoice();
      if (s.editorStatus === 'ready' && !s.dirty && !leaseChange.choice && !leaseChange.error) return;
      if (s.draftKind === 'text' && s.mode === 'json' && !opts.allowInvalidJson) {
        try {
          JSON.parse(s.draft);
        } catch (e) {
          s.askConfirm({
            title: 'The draft is not valid JSON',
            message: `${e instanceof Error ? e.message : 'It does not parse as JSON'}. Save as plain text anyway?`,
            confirmLabel: 'Save as plain text',
            cancelLabel: 'Keep editing',
            onConfirm: () => {
              set({ mode: 'plain' });
              void get().save({ allowInvalidJson: true });
            },
          });
          return;
        }
      }
      const v = draftValue(s.draft, s.draftKind);
      if ('error' in v) {
        set({ valueError: { op: 'save', error: v.error } });
        return;
      }
      // No loaded value (deleted meanwhile): re-create only if it still does not exist.
      const expected = s.loaded ? s.loaded.modRevision : 0;
      await putDraft(v.value, expected, guard, s.loaded);
    },

    async rereadKey(reason = 'conflict') {
      const s = get();
      const key = s.selectedKey;
      const guard = scope.capture();
      if (!key || !guard) return;
      if (!s.dirty) {
        await get().selectKey(key, { reread: true, force: true });
        return;
      }
      set({ valueError: null });
      const r = await guard.wait(client.kv.get({ profileId: guard.profileId, key }));
      if (!r || !sameKey(get().selectedKey, key)) return;
      const label = keyLabel(key);
      if (!r.ok && r.error.code !== 'NOT_FOUND') {
        set({ valueError: { op: 'reread', error: r.error, reason } });
        return;
      }
      const current = r.ok ? r.value : null;
      const cur = get();
      const v = draftValue(cur.draft, cur.draftKind);
      if (current && 'value' in v && bytesEqual(current.value, v.value)) {
        // The write did land (or someone wrote the same bytes): the draft is what etcd holds.
        set({ ...showValue(current), mode: cur.mode });
        get().upsertRow(current);
        get().setStatus('success', `“${label}” holds your draft (revision ${current.modRevision}).`);
        return;
      }
      if (!current && !cur.loaded) {
        // Still absent and never loaded: nothing to compare against.
        get().setStatus('info', `“${label}” does not exist in etcd; saving will create it.`);
        return;
      }
      set({ conflict: { reason, current, busy: false, error: null } });
    },

    async resolveConflict(choice) {
      const s = get();
      const c = s.conflict;
      if (!c || c.busy) return;
      if (choice === 'keep') {
        // The draft stays; the next save compares against what was loaded and conflicts again if needed.
        set({ conflict: null });
        return;
      }
      if (choice === 'discard') {
        if (c.current === undefined) return;
        if (c.current === null) {
          set({ ...initialEditor(), selectedKey: s.selectedKey, editorStatus: 'missing' });
          if (s.selectedKey) get().removeRow(s.selectedKey);
          return;
        }
        set(showValue(c.current));
        get().upsertRow(c.current);
        return;
      }
      // overwrite: compare-and-swap against the value the user just saw.
      if (c.current === undefined) return;
      const guard = scope.capture();
      if (!guard) return;
      const v = draftValue(s.draft, s.draftKind);
      if ('error' in v) {
        set({ conflict: { ...c, error: v.error } });
        return;
      }
      const expected = c.current === null ? 0 : c.current.modRevision;
      set({ conflict: { ...c, busy: true, error: null } });
      await putDraft(v.value, expected, guard, c.current);
      if (!guard.current()) return;
      const after = get().conflict;
      if (after && after.busy) set({ conflict: { ...after, busy: false } });
    },

    clearEditor() {
      selection.cancel();
      set(initialEditor());
    },
  };
};
