/**
 * The New Key dialog: what is typed, and its submit. A create never overwrites: it is a
 * compare-and-swap on "absent", and a key that turns out to exist is only replaced after the
 * user says so, against the revision they were shown.
 */
import type { Bytes } from '../../../../shared/bytes';
import { byteLength, text } from '../../../../shared/bytes';
import type { AppError } from '../../../../shared/result';
import type { KeyValue } from '../../../../shared/types';
import type { Notify, SliceCreator } from '../../app/slice';
import { keyLabel } from '../../ui/format';
import { leaseChoiceOf, leaseDraft, type LeaseChoiceDraft } from '../leases/lease-format';
import { isCancelled } from '../../ui/messages';

export interface NewKeyState {
  readonly key: string;
  readonly value: string;
  readonly busy: boolean;
  /** Set when the key turned out to exist: the user is asked whether to overwrite it. */
  readonly exists: { readonly modRevision: number } | null;
  readonly error: AppError | null;
  /** The new key's lease: none unless the user picks one (an explicit choice, never a side effect). */
  readonly lease: LeaseChoiceDraft;
}

export interface NewKeySlice {
  /** The open dialog, or null. */
  newKey: NewKeyState | null;

  openNewKey(): void;
  updateNewKey(patch: Partial<Pick<NewKeyState, 'key' | 'value' | 'lease'>>): void;
  /** Leave the "overwrite?" question and go back to editing the new key. */
  newKeyBack(): void;
  closeNewKey(): void;
  submitNewKey(opts?: { overwrite?: boolean }): Promise<void>;
}

interface NewKeyNeeds extends Notify {
  readonly prefix: string;
  upsertRow(kv: KeyValue): void;
  /** The editor holds unsaved edits: the new key is not opened over them. */
  readonly dirty: boolean;
  selectKey(key: Bytes): Promise<void>;
}

export const createNewKeySlice: SliceCreator<NewKeySlice, NewKeyNeeds> = (set, get, { client, scope }) => {
  // The dialog writes to the connection it was opened in.
  scope.own({ reset: () => set({ newKey: null }) });

  return {
    newKey: null,

    openNewKey() {
      if (!scope.profileId) {
        get().setStatus('info', 'Connect to a profile first, then create keys.');
        return;
      }
      set({ newKey: { key: get().prefix, value: '', busy: false, exists: null, error: null, lease: leaseDraft('none') } });
    },

    updateNewKey(patch) {
      const nk = get().newKey;
      if (!nk) return;
      // Editing the key name invalidates an "already exists" question about the old name.
      const exists = patch.key !== undefined && patch.key !== nk.key ? null : nk.exists;
      set({ newKey: { ...nk, ...patch, exists, error: null } });
    },

    newKeyBack() {
      const nk = get().newKey;
      if (nk) set({ newKey: { ...nk, exists: null, busy: false } });
    },

    closeNewKey() {
      set({ newKey: null });
    },

    async submitNewKey(opts = {}) {
      const nk = get().newKey;
      const guard = scope.capture();
      if (!nk || nk.busy || !guard) return;
      if (nk.key.length === 0) {
        set({ newKey: { ...nk, error: { code: 'INVALID_ARGUMENT', message: 'Type a key.', details: { field: 'key' } } } });
        return;
      }
      const lc = leaseChoiceOf(nk.lease);
      if ('error' in lc) {
        set({ newKey: { ...nk, error: lc.error } });
        return;
      }
      const { profileId } = guard;
      const overwrite = opts.overwrite === true && nk.exists !== null;
      const key = text(nk.key);
      const value = text(nk.value);
      set({ newKey: { ...nk, busy: true, error: null } });
      const r = await guard.wait(
        client.kv.put({
          profileId,
          key,
          value,
          expectedModRevision: overwrite && nk.exists ? nk.exists.modRevision : 0,
          // A create with no lease needs no choice on the wire (absent = none for a new key); an overwrite says it.
          ...(lc.choice.mode === 'none' && !overwrite ? {} : { lease: lc.choice }),
        }),
      );
      if (!r) return;
      if (isCancelled(r)) {
        // Nothing was sent: the dialog stays as it was.
        const cur = get().newKey;
        set({ newKey: cur ? { ...cur, busy: false } : null });
        return;
      }
      if (!r.ok) {
        if (r.error.code === 'CONFLICT') {
          let modRevision = r.error.details?.currentModRevision;
          if (modRevision === undefined) {
            const g = await guard.wait(client.kv.get({ profileId, key }));
            if (!g) return;
            modRevision = g.ok ? g.value.modRevision : 0;
          }
          const cur = get().newKey;
          // modRevision 0 means it vanished meanwhile: a create (expected 0) will do.
          set({ newKey: cur ? { ...cur, busy: false, exists: modRevision > 0 ? { modRevision } : null } : null });
          return;
        }
        const cur = get().newKey;
        set({ newKey: cur ? { ...cur, busy: false, error: r.error } : null });
        return;
      }
      const kv: KeyValue = {
        key,
        value,
        size: byteLength(value),
        createRevision: r.value.revision,
        modRevision: r.value.revision,
        version: 1,
        lease: r.value.lease ?? '0',
      };
      set({ newKey: null });
      const label = keyLabel(key);
      get().pushToast('success', r.value.created ? `Created “${label}”` : `Overwrote “${label}”`, `revision ${r.value.revision}`);
      if (r.value.created) get().upsertRow(kv);
      else get().upsertRow({ ...kv, createRevision: 0, version: 0 });
      if (!get().dirty) await get().selectKey(key);
    },
  };
};
