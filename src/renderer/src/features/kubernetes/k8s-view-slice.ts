/**
 * The Kubernetes view of the selected key: its value decoded by main (`k8s:decode`, with the
 * key's mod revision so resourceVersion shows as the API server would), YAML or JSON, Secrets'
 * values masked until revealed, and "Edit as YAML": the edited text re-encoded by main
 * (`k8s:encode`, which writes nothing), its byte diff reviewed, then saved through the value
 * editor's own write (compare-and-swap on the mod revision the edit started from), so production
 * confirmation, CONFLICT and OUTCOME_UNKNOWN behave as for any save.
 *
 * Per-key choices (reveal, the raw editor instead of this view, an edit) end when the value panel
 * shows another key (`k8sKeyChanged`), so another key starts masked, in this view, not editing.
 */
import { bytesEqual, type Bytes } from '../../../../shared/bytes';
import type { K8sDecoded, K8sEncoded } from '../../../../shared/k8s';
import type { AppError } from '../../../../shared/result';
import type { KeyValue, Profile } from '../../../../shared/types';
import type { SliceCreator } from '../../app/slice';
import { sameKey } from '../../ui/key-order';
import { objectText, type K8sFormat } from './k8s-value';

export interface K8sDecodeState {
  readonly key: Bytes;
  readonly value: Bytes;
  readonly modRevision: number;
  readonly status: 'loading' | 'ready' | 'failed';
  readonly decoded: K8sDecoded | null;
  readonly error: AppError | null;
}

export interface K8sEditState {
  readonly key: Bytes;
  /** The stored value the edit started from, and its mod revision (the save's compare-and-swap). */
  readonly original: Bytes;
  readonly baseRevision: number;
  readonly text: string;
  /** The text the edit started with: a draft is pending once `text` differs. */
  readonly startText: string;
  readonly busy: boolean;
  /** Why the last review was refused (the encoder names the path); the draft stays. */
  readonly error: AppError | null;
  /** The last review of `text`: the new bytes and their diff. Dropped when the text changes. */
  readonly review: K8sEncoded | null;
}

export interface K8sViewSlice {
  k8sDecode: K8sDecodeState | null;
  k8sFormat: K8sFormat;
  /** Secret values are shown (until another key is shown). */
  k8sReveal: boolean;
  /** The raw value editor is shown instead of the Kubernetes view (until another key is shown). */
  k8sRaw: boolean;
  k8sEdit: K8sEditState | null;

  /** Decode the loaded value (again only when the key, revision or bytes changed). */
  decodeK8s(): Promise<void>;
  setK8sFormat(format: K8sFormat): void;
  setK8sReveal(reveal: boolean): void;
  /** Show the raw value editor (true) or the Kubernetes view (false) for the selected key. */
  setK8sRaw(raw: boolean): void;
  startK8sEdit(): Promise<void>;
  setK8sEditText(text: string): void;
  reviewK8sEdit(): Promise<void>;
  saveK8sEdit(): Promise<void>;
  cancelK8sEdit(): void;
  /** The value panel shows another key: masked again, the Kubernetes view again, no edit. */
  k8sKeyChanged(): void;
  /** An edit whose text differs from what it started with. */
  k8sDraftPending(): boolean;
}

interface K8sViewNeeds {
  readonly selectedKey: Bytes | null;
  readonly loaded: KeyValue | null;
  readonly pastRevision: number | null;
  readonly readOnlyView: boolean;
  readonly conflict: unknown;
  /** The Value tab holds an unsaved draft of this key. */
  readonly dirty: boolean;
  activeProfile(): Pick<Profile, 'mode'> | undefined;
  /** The value editor's save path: write these bytes with compare-and-swap on `expected`. */
  saveBytes(value: Bytes, expected: number, onConflict?: (error: AppError) => void): Promise<void>;
}

/** Why "Edit as YAML" is not offered now, or null: production and read-only profiles never edit here. */
export function k8sEditRefusal(s: Pick<K8sViewNeeds, 'pastRevision' | 'readOnlyView' | 'activeProfile' | 'dirty'>): string | null {
  const mode = s.activeProfile()?.mode;
  if (mode === 'production') return 'Not offered for a production profile.';
  if (mode === 'read-only') return 'Not offered for a read-only profile.';
  if (s.pastRevision !== null || s.readOnlyView) return 'Not offered for a past revision.';
  // Two drafts of one key would each save over the other.
  if (s.dirty) return 'The Value tab has unsaved changes to this key: save or revert them first.';
  return null;
}

const initial = () => ({
  k8sDecode: null as K8sDecodeState | null,
  k8sReveal: false,
  k8sRaw: false,
  k8sEdit: null as K8sEditState | null,
});

export const createK8sViewSlice: SliceCreator<K8sViewSlice, K8sViewNeeds> = (set, get, { client, scope }) => {
  let decodeRun = 0;
  scope.own({
    reset: () => {
      // A decode still in flight belongs to the connection left.
      decodeRun++;
      set(initial());
    },
  });

  const editOfSelected = (): K8sEditState | null => {
    const s = get();
    return s.k8sEdit && sameKey(s.k8sEdit.key, s.selectedKey) ? s.k8sEdit : null;
  };

  return {
    ...initial(),
    k8sFormat: 'yaml',

    async decodeK8s() {
      const s = get();
      const key = s.selectedKey;
      const kv = s.loaded;
      if (!key || !kv) return;
      const d = s.k8sDecode;
      if (d && sameKey(d.key, key) && d.modRevision === kv.modRevision && bytesEqual(d.value, kv.value) && d.status !== 'failed') return;
      const run = ++decodeRun;
      set({ k8sDecode: { key, value: kv.value, modRevision: kv.modRevision, status: 'loading', decoded: null, error: null } });
      const r = await client.k8s.decode({ value: kv.value, modRevision: kv.modRevision });
      if (run !== decodeRun) return;
      set({
        k8sDecode: r.ok
          ? { key, value: kv.value, modRevision: kv.modRevision, status: 'ready', decoded: r.value, error: null }
          : { key, value: kv.value, modRevision: kv.modRevision, status: 'failed', decoded: null, error: r.error },
      });
    },

    setK8sFormat(format) {
      set({ k8sFormat: format });
    },

    setK8sReveal(reveal) {
      set({ k8sReveal: reveal });
    },

    setK8sRaw(raw) {
      set({ k8sRaw: raw });
    },

    async startK8sEdit() {
      const s = get();
      const key = s.selectedKey;
      const kv = s.loaded;
      if (!key || !kv || k8sEditRefusal(s) || editOfSelected()) return;
      // The stored object, without the resourceVersion the view adds: that is what re-encodes to the stored bytes.
      const r = await client.k8s.decode({ value: kv.value });
      const now = get();
      if (!sameKey(now.selectedKey, key) || now.loaded?.modRevision !== kv.modRevision) return;
      if (!r.ok || (r.value.kind !== 'object' && r.value.kind !== 'json')) return;
      const text = objectText(r.value.object, 'yaml');
      set({ k8sEdit: { key, original: kv.value, baseRevision: kv.modRevision, text, startText: text, busy: false, error: null, review: null } });
    },

    setK8sEditText(text) {
      const e = editOfSelected();
      if (!e || e.busy) return;
      set({ k8sEdit: { ...e, text, review: null, error: null } });
    },

    async reviewK8sEdit() {
      const e = editOfSelected();
      if (!e || e.busy) return;
      set({ k8sEdit: { ...e, busy: true, error: null, review: null } });
      const r = await client.k8s.encode({ original: e.original, edited: e.text });
      const now = get().k8sEdit;
      if (!now || now.key !== e.key || now.text !== e.text) return;
      set({ k8sEdit: { ...now, busy: false, ...(r.ok ? { review: r.value, error: null } : { review: null, error: r.error }) } });
    },

    async saveK8sEdit() {
      const e = editOfSelected();
      if (!e || e.busy || !e.review || e.review.unchanged || k8sEditRefusal(get())) return;
      const value = e.review.value;
      set({ k8sEdit: { ...e, busy: true } });
      let changed: AppError | null = null;
      // Someone else wrote the object since the edit began (the kubelet updates a Pod's status):
      // the edit was made from the old object, so it is never merged or forced over theirs.
      await get().saveBytes(value, e.baseRevision, (error) => (changed = error));
      const s = get();
      const still = s.k8sEdit;
      if (!still || still.key !== e.key) return;
      if (changed) {
        const now = (changed as AppError).details?.currentModRevision;
        set({
          k8sEdit: {
            ...still,
            busy: false,
            review: null,
            error: {
              code: 'CONFLICT',
              message:
                now === 0
                  ? 'Nothing was saved: this object was deleted since the edit began. Your YAML is kept; copy it if you need it.'
                  : `Nothing was saved: this object changed in etcd${now ? ` (now at revision ${now})` : ''} since the edit began at revision ${e.baseRevision}. Your YAML is kept; cancel and edit again from the current object.`,
            },
          },
        });
        return;
      }
      if (s.loaded && sameKey(s.selectedKey, e.key) && s.loaded.modRevision !== e.baseRevision && bytesEqual(s.loaded.value, value) && !s.conflict) {
        // Saved: the view decodes what etcd holds now.
        set({ k8sEdit: null });
        return;
      }
      // Not saved (a conflict, an error beside the view, a cancelled confirmation): the draft stays.
      set({ k8sEdit: { ...still, busy: false } });
    },

    cancelK8sEdit() {
      set({ k8sEdit: null });
    },

    k8sDraftPending() {
      const e = get().k8sEdit;
      return !!e && e.text !== e.startText;
    },

    k8sKeyChanged() {
      const s = get();
      if (s.k8sReveal || s.k8sRaw || (s.k8sEdit && !sameKey(s.k8sEdit.key, s.selectedKey))) set({ k8sReveal: false, k8sRaw: false, k8sEdit: null });
    },
  };
};
