/**
 * The selected key: what etcd holds (`loaded`), what the user is typing (`draft`), and the
 * compare-and-swap save. A failed save never touches the draft; a CONFLICT opens a three-way
 * conflict (base = loaded, mine = the draft, theirs = what etcd holds now) whose merged result
 * is saved with compare-and-swap against the revision seen, so nothing is ever overwritten
 * without the user having seen it. The open key is watched: a change by someone else shows at
 * once (`remote`), and reloads the panel when there is nothing unsaved.
 * Failures about the key shown are kept here for the value panel to show (and nothing else):
 * a read in `editorError`, a save or a re-read beside the draft in `valueError`, a write or read
 * from the conflict view in `conflict.error`.
 */
import type { Bytes } from '../../../../shared/bytes';
import { byteLength, bytesEqual, isText, text } from '../../../../shared/bytes';
import type { LeaseChoice, PutRequest } from '../../../../shared/contract';
import type { AppError } from '../../../../shared/result';
import type { KeyValue, Profile, WatchBatch, WatchChange } from '../../../../shared/types';
import { isFeed, type Feed } from '../../app/feeds';
import type { ScopeGuard } from '../../app/scope';
import type { Confirm, Notify, SliceCreator } from '../../app/slice';
import { keyLabel } from '../../ui/format';
import { sameKey } from '../../ui/key-order';
import { base64Of, computeDirty, draftValue, type DraftKind } from './draft';
import { mergeText, remainingConflicts } from './three-way-merge';
import { detectMode, type EditorMode } from './value-mode';
import { isCancelled } from '../../ui/messages';

export type EditorStatus = 'empty' | 'loading' | 'ready' | 'missing' | 'error';

/** A failure beside the draft, which stays: a save, or a re-read of the key being edited. */
export type ValueError =
  | { readonly op: 'save'; readonly error: AppError }
  | { readonly op: 'reread'; readonly error: AppError; readonly reason: ConflictState['reason'] };

export interface ConflictState {
  /** conflict: a compare-and-swap failed; outcome-unknown: a re-read after an uncertain write found another value. */
  readonly reason: 'conflict' | 'outcome-unknown';
  /** What "mine" was made from: the loaded value (or, after a save met another change, the value merged against); null when the key did not exist. */
  readonly base: KeyValue | null;
  /** What the user wants to write: the draft's bytes, or the merged result a save tried. */
  readonly mine: Bytes;
  /** The value in etcd now; null when the key no longer exists; undefined while it is being fetched or could not be. */
  readonly current: KeyValue | null | undefined;
  /** Base, mine and current are all text: a line merge exists and `merged` is editable. */
  readonly textMerge: boolean;
  /** The merged result the user edits (text merges only). */
  readonly merged: string;
  /** Conflict blocks the merge marked when it was computed. */
  readonly mergeConflicts: number;
  readonly busy: boolean;
  readonly error: AppError | null;
  /** Why the last save was refused before anything was sent, in words (conflict markers left). */
  readonly refused: string | null;
  /** A write from this view whose outcome is unknown: what it tried to write (a re-read compares). */
  readonly attempt: Bytes | null;
  /** 1 for the first conflict; +1 each time a save of the merge met yet another change. */
  readonly round: number;
}

/** A change to the open key by someone else, seen by the key's watch. */
export interface RemoteChange {
  /** Revision of their write or delete. */
  readonly revision: number;
  /** What etcd holds after it; null when they deleted the key. */
  readonly current: KeyValue | null;
  /** The panel reloaded to it (nothing was unsaved); otherwise the draft is kept and the change is shown beside it. */
  readonly reloaded: boolean;
}

export type KeyWatchState = { readonly state: 'off' | 'opening' | 'live' } | { readonly state: 'failed'; readonly error: AppError | null };

export interface EditorSlice {
  selectedKey: Bytes | null;
  loaded: KeyValue | null;
  /** The grid shows a past revision: the value is the one at this revision, read-only, not watched. */
  pastRevision: number | null;
  editorStatus: EditorStatus;
  editorError: AppError | null;
  valueError: ValueError | null;
  draft: string;
  draftKind: DraftKind;
  mode: EditorMode;
  dirty: boolean;
  saving: boolean;
  conflict: ConflictState | null;
  /** The latest change by someone else since the value was loaded, or null. */
  remote: RemoteChange | null;
  /** The draft came from a merge that still had conflict markers ("Keep editing"): saving refuses while they remain. */
  draftFromMerge: boolean;
  keyWatch: KeyWatchState;

  selectKey(key: Bytes, opts?: { force?: boolean; reread?: boolean }): Promise<void>;
  setDraft(draft: string): void;
  setMode(mode: EditorMode): void;
  editAsBase64(): void;
  cancelBase64(): void;
  revertDraft(): void;
  save(opts?: { allowInvalidJson?: boolean }): Promise<void>;
  /**
   * Write these bytes with compare-and-swap on `expected` through the same path as `save` (the
   * Kubernetes view's "Edit as YAML"): confirmation, CONFLICT and OUTCOME_UNKNOWN as for a save.
   */
  saveBytes(value: Bytes, expected: number, onConflict?: (error: AppError) => void): Promise<void>;
  /** Fetch the key again; with a dirty draft that differs, opens the conflict view instead of replacing it. */
  rereadKey(reason?: ConflictState['reason']): Promise<void>;
  /** The merged result, as the user edits it. */
  setMerged(merged: string): void;
  /**
   * save: write the merged result (CAS on the current revision); mine: write my draft as is (CAS on
   * the current revision, or must-not-exist when it was deleted); theirs: drop my draft, load the
   * current value; keep: rebase — the merged result (or the draft) becomes the draft, based on the
   * current value and revision.
   */
  resolveConflict(choice: ConflictChoice): Promise<void>;
  /** Read the current value again (after a failed read, or a write of unknown outcome). */
  recheckConflict(): Promise<void>;
  dismissValueError(): void;
  dismissRemote(): void;
  clearEditor(): void;
}

export type ConflictChoice = 'save' | 'mine' | 'theirs' | 'keep';

interface EditorNeeds extends Notify, Confirm {
  /** The grid shows what a save or a read found. */
  upsertRow(kv: KeyValue): void;
  removeRow(key: Bytes): void;
  activeProfile(): Pick<Profile, 'username' | 'deadlineMs'> | undefined;
  /** The lease choice for the save (leases feature); none = keep the key's lease. */
  editorLeaseChoice(): { readonly choice?: LeaseChoice; readonly error?: AppError };
  clearEditorLease(): void;
  /** The grid shows the prefix at a past revision (`listRevision`): nothing is written from it. */
  readonly readOnlyView: boolean;
  readonly listRevision: number;
  /** The Kubernetes view holds an edited YAML draft (opening another key discards it too). */
  k8sDraftPending(): boolean;
}

/**
 * The one place the editor's kv:put request is built (a lease choice joins here). `expected`:
 * compare-and-swap on this mod revision; 0 = the key must not exist.
 */
export function editorPutRequest(profileId: string, key: Bytes, value: Bytes, expected: number, lease?: LeaseChoice): PutRequest {
  return { profileId, key, value, expectedModRevision: expected, ...(lease ? { lease } : {}) };
}

const initialEditor = () => ({
  selectedKey: null,
  loaded: null,
  pastRevision: null as number | null,
  editorStatus: 'empty' as EditorStatus,
  editorError: null,
  valueError: null,
  draft: '',
  draftKind: 'text' as DraftKind,
  mode: 'plain' as EditorMode,
  dirty: false,
  saving: false,
  conflict: null,
  remote: null,
  draftFromMerge: false,
  keyWatch: { state: 'off' } as KeyWatchState,
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
    remote: null,
    draftFromMerge: false,
  };
}

/** Editor state for a key that no longer exists, with nothing unsaved. */
function showMissing() {
  return {
    loaded: null,
    editorStatus: 'missing' as EditorStatus,
    editorError: null,
    valueError: null,
    draft: '',
    draftKind: 'text' as DraftKind,
    dirty: false,
    conflict: null,
    remote: null,
    draftFromMerge: false,
  };
}

/** The three-way state of a conflict: the merge is computed when all three sides are text. */
export function buildConflict(
  reason: ConflictState['reason'],
  base: KeyValue | null,
  mine: Bytes,
  current: KeyValue | null | undefined,
  round: number,
): ConflictState {
  const common = { reason, base, mine, current, busy: false, error: null, refused: null, attempt: null, round };
  const textMerge = !!current && isText(current.value) && isText(mine) && (!base || isText(base.value));
  if (!textMerge) return { ...common, textMerge: false, merged: '', mergeConflicts: 0 };
  const m = mergeText(base ? base.value.data : '', mine.data, current.value.data);
  return { ...common, textMerge: true, merged: m.text, mergeConflicts: m.conflicts };
}

/** Conflict blocks left in a merged text (markers the three inputs held themselves do not count). */
export function conflictsLeft(c: Pick<ConflictState, 'base' | 'mine' | 'current'>, merged: string): number {
  const inputs = [c.base?.value, c.mine, c.current?.value].filter((b): b is Bytes => !!b && isText(b)).map((b) => b.data);
  return remainingConflicts(merged, inputs);
}

const blocks = (n: number) => (n === 1 ? '1 conflict block' : `${n} conflict blocks`);

/** What a key watch's put carries, as the key-value it leaves in etcd. */
function kvOfChange(c: WatchChange): KeyValue | null {
  if (c.type !== 'put' || c.value === undefined) return null;
  return {
    key: c.key,
    value: c.value,
    size: c.size ?? byteLength(c.value),
    createRevision: c.createRevision,
    modRevision: c.modRevision,
    version: c.version,
    lease: c.lease,
  };
}

export const createEditorSlice: SliceCreator<EditorSlice, EditorNeeds> = (set, get, { client, scope, feeds }) => {
  // ---- the open key's watch ----
  let feedToken = 0;
  let keyFeed: { key: Bytes; feed: Feed | null } | null = null;
  /** Writes of the editor in flight: their own watch events may overtake their answers. */
  let writing = 0;
  let heldChange: { change: WatchChange; revision: number } | null = null;

  const closeKeyWatch = () => {
    feedToken++;
    keyFeed?.feed?.close();
    keyFeed = null;
    heldChange = null;
    if (get().keyWatch.state !== 'off') set({ keyWatch: { state: 'off' } });
  };

  scope.own({
    reset: () => {
      // feeds closes every feed of the scope itself.
      feedToken++;
      keyFeed = null;
      heldChange = null;
      set(initialEditor());
    },
  });
  // Selecting another key (or clearing the editor) drops answers for the previous selection.
  const selection = scope.sequence();

  const openKeyWatch = (key: Bytes, startRevision: number, profileId: string) => {
    closeKeyWatch();
    const token = feedToken;
    keyFeed = { key, feed: null };
    set({ keyWatch: { state: 'opening' } });
    void feeds
      .watchKey(
        { profileId, key, startRevision },
        {
          onEvent: (batch) => {
            if (token === feedToken) onBatch(key, batch);
          },
          onEnd: (error) => {
            if (token !== feedToken) return;
            keyFeed = null;
            set({ keyWatch: { state: 'failed', error: error ?? null } });
          },
        },
      )
      .then((f) => {
        if (token !== feedToken) {
          if (isFeed(f)) f.close();
          return;
        }
        if (isFeed(f)) {
          if (keyFeed) keyFeed.feed = f;
          if (get().keyWatch.state === 'opening') set({ keyWatch: { state: 'live' } });
        } else {
          keyFeed = null;
          set({ keyWatch: { state: 'failed', error: f } });
        }
      });
  };

  /** The newest revision of the key the editor knows of. */
  const latestSeen = (): number => {
    const s = get();
    return Math.max(s.loaded?.modRevision ?? 0, s.remote?.revision ?? 0, s.conflict?.current?.modRevision ?? 0);
  };

  const onBatch = (key: Bytes, batch: WatchBatch) => {
    if (!sameKey(get().selectedKey, key)) return;
    const mine = batch.changes.filter((c) => sameKey(c.key, key));
    const last = mine.at(-1);
    if (batch.resync && !last) {
      // Changes may have been lost: ask etcd what the key holds now.
      void checkKeyNow(key, batch.revision);
      return;
    }
    if (!last) return;
    if (writing > 0) {
      heldChange = { change: last, revision: batch.revision };
      return;
    }
    applyChange(key, last, batch.revision);
  };

  const applyChange = (key: Bytes, change: WatchChange, batchRevision: number) => {
    if (change.modRevision <= latestSeen()) return; // what we loaded or wrote ourselves, or older
    if (change.type === 'put') {
      const kv = kvOfChange(change);
      if (!kv) {
        void checkKeyNow(key, batchRevision);
        return;
      }
      applyRemote(key, { revision: change.modRevision, current: kv });
    } else applyRemote(key, { revision: change.modRevision, current: null });
  };

  const applyRemote = (key: Bytes, change: { revision: number; current: KeyValue | null }) => {
    const s = get();
    if (!sameKey(s.selectedKey, key)) return;
    const quiet = !s.dirty && !s.conflict && !s.saving && (s.editorStatus === 'ready' || s.editorStatus === 'missing');
    if (!quiet) {
      // The draft stays as it is; the panel says what changed, with their diff. The grid row shows
      // what etcd holds.
      set({ remote: { ...change, reloaded: false } });
      if (change.current) get().upsertRow(change.current);
      else get().removeRow(key);
      return;
    }
    if (change.current) {
      const mode = get().mode;
      set({ ...showValue(change.current), ...(s.draftKind === 'text' && isText(change.current.value) ? { mode } : {}), remote: { ...change, reloaded: true } });
      get().upsertRow(change.current);
    } else {
      if (!s.loaded) return;
      set({ ...showMissing(), remote: { ...change, reloaded: true } });
      get().removeRow(key);
    }
  };

  /** After a watch resync: read the key and show what changed, if anything did. */
  const checkKeyNow = async (key: Bytes, revision: number) => {
    const guard = scope.capture();
    if (!guard) return;
    const r = await guard.wait(client.kv.get({ profileId: guard.profileId, key }));
    if (!r || !sameKey(get().selectedKey, key)) return;
    if (r.ok) {
      if (r.value.modRevision > latestSeen()) applyRemote(key, { revision: r.value.modRevision, current: r.value });
    } else if (r.error.code === 'NOT_FOUND') {
      const s = get();
      if (s.loaded && !(s.remote && s.remote.current === null)) applyRemote(key, { revision: Math.max(revision, latestSeen() + 1), current: null });
    }
  };

  const releaseHeld = () => {
    const held = heldChange;
    heldChange = null;
    const key = get().selectedKey;
    if (held && key && writing === 0) applyChange(key, held.change, held.revision);
  };

  // ---- writes ----

  /**
   * Put `value` with compare-and-swap on `expected`, for save and for the conflict view's choices.
   * `base`: the value the write replaces (its meta carries over); `conflict`: the conflict being
   * resolved, whose next round (another change met) merges against `base`.
   */
  const write = async (
    value: Bytes,
    expected: number,
    guard: ScopeGuard,
    base: KeyValue | null,
    from: ConflictState | null,
    /** Told of a CONFLICT instead of opening the merge view (a save whose draft cannot be merged as text). */
    onConflict?: (error: AppError) => void,
  ): Promise<void> => {
    const key = get().selectedKey;
    if (!key) return;
    // The lease choice of the editor applies to whatever is written, the merged result too.
    const lease = get().editorLeaseChoice();
    if (lease.error) {
      if (from) set({ conflict: { ...from, busy: false, error: lease.error, refused: null } });
      else set({ valueError: { op: 'save', error: lease.error } });
      return;
    }
    if (from) set({ conflict: { ...from, busy: true, error: null, refused: null } });
    else set({ saving: true, valueError: null });
    writing++;
    let r;
    try {
      r = await guard.wait(client.kv.put(editorPutRequest(guard.profileId, key, value, expected, lease.choice)));
    } finally {
      writing--;
    }
    if (!r) return;
    set({ saving: false });
    if (isCancelled(r)) {
      // Nothing was sent: the draft stays as it is, with no error.
      const c = get().conflict;
      if (c) set({ conflict: { ...c, busy: false } });
      releaseHeld();
      return;
    }
    const stillShown = sameKey(get().selectedKey, key);
    const label = keyLabel(key);
    if (!r.ok) {
      if (!stillShown) {
        // The value panel shows another key now: the status bar is the only place left.
        const profile = get().activeProfile();
        get().notifyError(r.error, { op: 'save', key: label, username: profile?.username, deadlineMs: profile?.deadlineMs });
        return;
      }
      if (r.error.code === 'CONFLICT' && onConflict) {
        onConflict(r.error);
        releaseHeld();
        return;
      }
      if (r.error.code === 'CONFLICT') {
        // Yet another change: merge again, this time against what the last merge was made from.
        await enterConflict('conflict', key, guard, base, value, from ? from.round + 1 : 1);
        releaseHeld();
        return;
      }
      const c = get().conflict;
      if (c) set({ conflict: { ...c, busy: false, error: r.error, attempt: r.error.code === 'OUTCOME_UNKNOWN' ? value : null } });
      else set({ valueError: { op: 'save', error: r.error } });
      releaseHeld();
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
      if (!from && cur.draftKind === 'text' && isText(value)) {
        // Keep what the user typed while the save was in flight; it stays dirty if it differs.
        set({
          loaded: kv,
          editorStatus: 'ready',
          editorError: null,
          dirty: computeDirty(kv, cur.draft, 'text'),
          conflict: null,
          remote: null,
          draftFromMerge: cur.draftFromMerge && cur.draft !== value.data,
        });
      } else {
        set({ ...showValue(kv), ...(cur.draftKind === 'text' && isText(value) ? { mode: cur.mode } : {}) });
      }
    }
    get().upsertRow(kv);
    get().pushToast('success', `Saved “${label}”`, `revision ${r.value.revision}`);
    releaseHeld();
  };

  /** Fetch the current value and open the three-way view: base, mine, and what etcd holds now. */
  const enterConflict = async (
    reason: ConflictState['reason'],
    key: Bytes,
    guard: ScopeGuard,
    base: KeyValue | null,
    mine: Bytes,
    round: number,
  ): Promise<void> => {
    set({ conflict: { ...buildConflict(reason, base, mine, undefined, round), busy: true } });
    const g = await guard.wait(client.kv.get({ profileId: guard.profileId, key }));
    if (!g || !sameKey(get().selectedKey, key)) return;
    if (g.ok) {
      set({ conflict: buildConflict(reason, base, mine, g.value, round) });
      get().upsertRow(g.value);
    } else if (g.error.code === 'NOT_FOUND') {
      set({ conflict: buildConflict(reason, base, mine, null, round) });
      get().removeRow(key);
    } else set({ conflict: { ...buildConflict(reason, base, mine, undefined, round), error: g.error } });
    const after = get();
    // A change the watch reported and this read already shows is not news any more.
    if (after.remote && after.remote.revision <= (after.conflict?.current?.modRevision ?? 0)) set({ remote: null });
  };

  return {
    ...initialEditor(),

    async selectKey(key, opts = {}) {
      const s = get();
      if (!scope.profileId) return;
      const same = sameKey(s.selectedKey, key);
      if (same && !opts.reread && s.editorStatus !== 'error' && s.editorStatus !== 'missing') return;
      if (!same && (s.dirty || s.k8sDraftPending()) && !opts.force) {
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
      closeKeyWatch();
      set({ ...initialEditor(), selectedKey: key, editorStatus: 'loading' });
      const past = s.readOnlyView && s.listRevision > 0 ? s.listRevision : null;
      if (past !== null) {
        // The grid shows the prefix at a past revision: so does the panel, read-only.
        const p = await guard.wait(client.history.get({ profileId: guard.profileId, key, revision: past }));
        if (!p) return;
        if (p.ok) set({ ...showValue(p.value), pastRevision: past });
        else set({ editorStatus: 'error', editorError: p.error, pastRevision: past });
        return;
      }
      const r = await guard.wait(client.kv.get({ profileId: guard.profileId, key }));
      if (!r) return;
      if (r.ok) {
        set(showValue(r.value));
        // Everything after the loaded revision: nothing is missed between the read and the watch.
        openKeyWatch(key, r.value.modRevision + 1, guard.profileId);
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
      if (s.draftKind === 'binary' || s.pastRevision !== null) return; // read-only
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
      set({ ...showValue(s.loaded), remote: s.remote });
    },

    revertDraft() {
      const s = get();
      if (!s.loaded) return;
      set({ ...showValue(s.loaded), mode: s.mode, remote: s.remote });
      // Nothing unsaved any more: a change someone made meanwhile can be shown now.
      if (s.remote && !s.remote.reloaded && s.selectedKey) applyRemote(s.selectedKey, s.remote);
    },

    dismissValueError() {
      set({ valueError: null });
    },

    dismissRemote() {
      const r = get().remote;
      // Only the note of a reload goes; a change beside an unsaved draft stays until it is resolved.
      if (r?.reloaded) set({ remote: null });
    },

    async save(opts = {}) {
      const s = get();
      const guard = scope.capture();
      if (!s.selectedKey || !guard || s.saving || s.conflict) return;
      if (s.draftKind === 'binary' || s.pastRevision !== null || s.readOnlyView) return;
      if (s.editorStatus !== 'ready' && s.editorStatus !== 'missing') return;
      const leaseChange = s.editorLeaseChoice();
      if (s.editorStatus === 'ready' && !s.dirty && !leaseChange.choice && !leaseChange.error) return;
      if (s.draftFromMerge && s.draftKind === 'text') {
        const left = remainingConflicts(s.draft, s.loaded && isText(s.loaded.value) ? [s.loaded.value.data] : []);
        if (left > 0) {
          set({
            valueError: {
              op: 'save',
              error: {
                code: 'INVALID_ARGUMENT',
                message: `it still holds ${blocks(left)} (<<<<<<< mine … >>>>>>> theirs): keep the lines you want and remove the markers before saving`,
                details: { field: 'draft' },
              },
            },
          });
          return;
        }
      }
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
      await write(v.value, expected, guard, s.loaded, null);
    },

    async saveBytes(value, expected, onConflict) {
      const s = get();
      const guard = scope.capture();
      if (!s.selectedKey || !guard || s.saving || s.conflict) return;
      if (s.pastRevision !== null || s.readOnlyView) return;
      await write(value, expected, guard, s.loaded, null, onConflict);
      const after = get();
      // A text value (a custom resource's JSON) with no draft of its own: the editor shows what
      // was saved, not the old text as a draft.
      if (!s.dirty && after.loaded && sameKey(after.selectedKey, s.selectedKey) && bytesEqual(after.loaded.value, value) && after.draftKind === 'text' && after.dirty) {
        set({ ...showValue(after.loaded), mode: after.mode });
      }
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
      if (reason === 'conflict' && current && cur.loaded && current.modRevision === cur.loaded.modRevision) {
        // Nobody changed it: the draft is simply unsaved.
        set({ remote: null });
        get().setStatus('info', `“${label}” has not changed since you loaded it (revision ${current.modRevision}); your draft is not saved yet.`);
        return;
      }
      if ('error' in v) {
        set({ valueError: { op: 'save', error: v.error } });
        return;
      }
      set({ conflict: buildConflict(reason, cur.loaded, v.value, current, 1) });
      if (cur.remote && cur.remote.revision <= (current?.modRevision ?? Infinity)) set({ remote: null });
    },

    setMerged(merged) {
      const c = get().conflict;
      if (!c || !c.textMerge) return;
      set({ conflict: { ...c, merged, refused: null } });
    },

    async resolveConflict(choice) {
      const s = get();
      const c = s.conflict;
      const key = s.selectedKey;
      if (!c || c.busy || !key || c.current === undefined) return;
      const current = c.current;

      if (choice === 'theirs') {
        if (current === null) {
          set({ ...showMissing(), selectedKey: key });
          get().removeRow(key);
          return;
        }
        set(showValue(current));
        get().upsertRow(current);
        return;
      }

      if (choice === 'keep') {
        // Rebase: the merged result (or the draft) on the current value, so the next save is a
        // compare-and-swap against the current revision.
        if (current === null) {
          set({
            loaded: null,
            editorStatus: 'missing',
            conflict: null,
            remote: null,
            dirty: computeDirty(null, s.draft, s.draftKind),
            draftFromMerge: false,
          });
          get().removeRow(key);
          return;
        }
        if (c.textMerge) {
          const left = conflictsLeft(c, c.merged);
          set({
            loaded: current,
            editorStatus: 'ready',
            draft: c.merged,
            draftKind: 'text',
            dirty: computeDirty(current, c.merged, 'text'),
            conflict: null,
            remote: null,
            draftFromMerge: left > 0,
            valueError: null,
          });
        } else {
          set({
            loaded: current,
            editorStatus: 'ready',
            dirty: s.draftKind === 'binary' ? false : computeDirty(current, s.draft, s.draftKind),
            conflict: null,
            remote: null,
            draftFromMerge: false,
            valueError: null,
          });
        }
        get().upsertRow(current);
        return;
      }

      const guard = scope.capture();
      if (!guard) return;
      if (choice === 'save') {
        if (!c.textMerge || !current) return;
        const left = conflictsLeft(c, c.merged);
        if (left > 0) {
          set({
            conflict: {
              ...c,
              refused: `Not saved: the merged result still has ${blocks(left)}. Keep the lines you want between <<<<<<< mine and >>>>>>> theirs and remove the marker lines, then save.`,
            },
          });
          return;
        }
        await write(text(c.merged), current.modRevision, guard, current, c);
        return;
      }
      // mine: my draft as it is; a key deleted meanwhile is re-created only if it still does not exist.
      await write(c.mine, current ? current.modRevision : 0, guard, current, c);
    },

    async recheckConflict() {
      const s = get();
      const c = s.conflict;
      const key = s.selectedKey;
      const guard = scope.capture();
      if (!c || c.busy || !key || !guard) return;
      set({ conflict: { ...c, busy: true, error: null } });
      const g = await guard.wait(client.kv.get({ profileId: guard.profileId, key }));
      if (!g || !sameKey(get().selectedKey, key)) return;
      if (!g.ok && g.error.code !== 'NOT_FOUND') {
        set({ conflict: { ...c, busy: false, error: g.error } });
        return;
      }
      const now = g.ok ? g.value : null;
      if (now && c.attempt && bytesEqual(now.value, c.attempt)) {
        // The write of unknown outcome did land.
        set(showValue(now));
        get().upsertRow(now);
        get().setStatus('success', `“${keyLabel(key)}” holds what you saved (revision ${now.modRevision}).`);
        return;
      }
      const same = c.current !== undefined && (c.current?.modRevision ?? 0) === (now?.modRevision ?? 0);
      if (same) {
        set({ conflict: { ...c, busy: false, error: null, attempt: null } });
        return;
      }
      if (c.current === undefined) {
        set({ conflict: buildConflict(c.reason, c.base, c.mine, now, c.round) });
        return;
      }
      // It changed again: merge what the user has against the value the last merge was made from
      // (a merged result with markers left is not something to merge on: the draft is).
      const mine = c.textMerge && conflictsLeft(c, c.merged) === 0 ? text(c.merged) : c.mine;
      set({ conflict: buildConflict('conflict', c.current, mine, now, c.round + 1) });
    },

    clearEditor() {
      selection.cancel();
      closeKeyWatch();
      set(initialEditor());
    },
  };
};
