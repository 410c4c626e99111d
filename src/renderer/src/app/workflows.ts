/**
 * Workflows that span several features: connecting, switching and leaving a connection,
 * deleting a key (and clearing the editor that showed it), reloading, finding the filter.
 * Each feature keeps its own state; these only call the features' actions and the scope.
 */
import { displayBytes, type Bytes } from '../../../shared/bytes';
import type { KeyValue } from '../../../shared/types';
import type { ClusterSlice } from '../features/cluster/cluster-slice';
import type { ConnectionsSlice } from '../features/connections/connections-slice';
import type { EditorSlice } from '../features/editor/editor-slice';
import type { KeysSlice } from '../features/keys/keys-slice';
import { keyLabel } from '../ui/format';
import { sameKey } from '../ui/key-order';
import type { ScopeGuard } from './scope';
import type { ShellSlice } from './shell-slice';
import type { Confirm, Notify, SliceCreator } from './slice';
import { isCancelled } from '../ui/messages';

export interface Workflows {
  /** Connect to a profile, disconnecting the previous one. Asks first when a draft would be lost. */
  switchProfile(profileId: string, opts?: { force?: boolean; reconnect?: boolean }): Promise<void>;
  /** Connect the active profile again (after a failure), in the same scope. */
  reconnect(): Promise<void>;
  /** Leave the active connection. Asks first when a draft would be lost. */
  disconnect(opts?: { force?: boolean }): Promise<void>;
  /** Ask, then delete `key` (default: the selected key). */
  requestDelete(key?: Bytes): void;
  /** Delete with compare-and-swap on the revision shown, clear the editor if it showed the key, offer Undo. */
  deleteKey(key: Bytes): Promise<void>;
  /** Reload the listing, and the selected key unless it has unsaved edits. */
  reload(): void;
  /** Bring the grid back (closing the cluster view) and focus its quick filter. */
  goToFilter(): void;
}

type WorkflowNeeds = ConnectionsSlice & KeysSlice & EditorSlice & ClusterSlice & Notify & Confirm & Pick<ShellSlice, 'view' | 'showView'>;

export const createWorkflows: SliceCreator<Workflows, WorkflowNeeds> = (_set, get, { client, scope, now }) => {
  /** Disconnects sent and not answered yet, per profile. */
  const pendingDisconnects = new Map<string, Promise<void>>();

  const sendDisconnect = (profileId: string): Promise<void> => {
    const off = client.connection.disconnect({ profileId }).then((r) => {
      if (r.ok) get().applyConnectionStatus(r.value, true);
    });
    pendingDisconnects.set(profileId, off);
    void off.finally(() => {
      if (pendingDisconnects.get(profileId) === off) pendingDisconnects.delete(profileId);
    });
    return off;
  };

  /** True when a dirty draft is in the way: the user was asked, and `proceed` runs on "discard". */
  const askBeforeDiscarding = (message: string, confirmLabel: string, proceed: () => void): boolean => {
    const s = get();
    if (!s.dirty) return false;
    s.askConfirm({
      title: 'Discard unsaved changes?',
      message,
      subject: s.selectedKey ? keyLabel(s.selectedKey, 400) : undefined,
      confirmLabel,
      danger: true,
      onConfirm: proceed,
    });
    return true;
  };

  /** Connect the profile of `guard`'s scope, then list its keys. Shared by switch and reconnect. */
  const connect = async (guard: ScopeGuard): Promise<void> => {
    const { profileId } = guard;
    get().applyConnectionStatus({ profileId, state: 'connecting', at: now() }, true);
    const r = await guard.wait(client.connection.connect({ profileId }));
    if (!r) return;
    const profile = get().activeProfile();
    const ctx = { op: 'connect' as const, profileName: profile?.name, username: profile?.username, deadlineMs: profile?.deadlineMs };
    const handlers = {
      retry: () => void get().reconnect(),
      reconnect: () => void get().reconnect(),
      'edit-profile': () => profile && get().openProfileForm('edit', profile),
    };
    if (!r.ok) {
      get().applyConnectionStatus(
        {
          profileId,
          state: 'unreachable',
          error: r.error,
          ...(r.error.details?.endpoint ? { endpoint: r.error.details.endpoint } : {}),
          at: now(),
        },
        true,
      );
      get().notifyError(r.error, ctx, handlers);
      return;
    }
    get().applyConnectionStatus(r.value, true);
    if (r.value.state !== 'connected') {
      if (r.value.error) get().notifyError(r.value.error, ctx, handlers);
      return;
    }
    await get().reloadKeys();
  };

  /** Put a deleted key back, unless the connection changed or someone re-created it meanwhile. */
  const undoDelete = async (deleted: KeyValue, guard: ScopeGuard): Promise<void> => {
    const label = keyLabel(deleted.key);
    if (!guard.current()) {
      get().setStatus('warning', `Undo is not available any more: the connection changed since “${label}” was deleted.`);
      return;
    }
    const r = await guard.wait(client.kv.put({ profileId: guard.profileId, key: deleted.key, value: deleted.value, expectedModRevision: 0 }));
    if (!r || isCancelled(r)) return;
    if (!r.ok) {
      if (r.error.code === 'CONFLICT') {
        const rev = r.error.details?.currentModRevision;
        get().setStatus(
          'error',
          `Can't undo: “${label}” was re-created meanwhile${rev ? ` (revision ${rev})` : ''}. Nothing was overwritten.`,
          { label: 'Show current', run: () => void get().selectKey(deleted.key) },
        );
        return;
      }
      get().notifyError(r.error, { op: 'undo', key: label }, {
        retry: () => void undoDelete(deleted, guard),
        reconnect: () => void get().reconnect(),
      });
      return;
    }
    const lease = deleted.lease !== '0' ? ` It is no longer attached to lease ${deleted.lease}.` : '';
    get().upsertRow({ ...deleted, createRevision: r.value.revision, modRevision: r.value.revision, version: 1, lease: '0' });
    get().pushToast('success', `Restored “${label}”`);
    get().setStatus('success', `Restored “${label}” (revision ${r.value.revision}).${lease}`);
  };

  return {
    async switchProfile(profileId, opts = {}) {
      const prev = scope.profileId;
      if (prev === profileId && !opts.reconnect) {
        // Clicking the active profile only matters when it is not connected.
        const state = get().statuses[profileId]?.state;
        if (state === 'connected' || state === 'connecting') return;
        return get().reconnect();
      }
      const discarding = 'Your draft has not been saved. Switching the connection discards it.';
      if (!opts.force && askBeforeDiscarding(discarding, 'Discard and switch', () => void get().switchProfile(profileId, { ...opts, force: true }))) return;
      scope.enter(profileId);
      if (prev) void sendDisconnect(prev);
      const guard = scope.capture();
      if (!guard) return;
      // Connecting must not race a disconnect of the same profile still in flight (A → B → A quickly,
      // or a reconnect), or main could close the session we are about to use.
      const inFlight = pendingDisconnects.get(profileId);
      if (inFlight) await inFlight;
      if (!guard.current()) return;
      await connect(guard);
    },

    async reconnect() {
      const guard = scope.capture();
      if (guard) await connect(guard);
    },

    async disconnect(opts = {}) {
      const prev = scope.profileId;
      if (!prev) return;
      const discarding = 'Your draft has not been saved. Disconnecting discards it.';
      if (!opts.force && askBeforeDiscarding(discarding, 'Discard and disconnect', () => void get().disconnect({ force: true }))) return;
      scope.enter(null);
      await sendDisconnect(prev);
    },

    requestDelete(keyArg) {
      const s = get();
      const key = keyArg ?? s.selectedKey;
      if (!key || !scope.profileId) return;
      s.askConfirm({
        title: 'Delete key?',
        message: 'This deletes the key from etcd. You can undo it right after from the status bar.',
        subject: displayBytes(key, 400),
        confirmLabel: 'Delete',
        danger: true,
        onConfirm: () => void get().deleteKey(key),
      });
    },

    async deleteKey(key) {
      const guard = scope.capture();
      if (!guard) return;
      const s = get();
      const loaded = s.loaded && sameKey(s.loaded.key, key) ? s.loaded : null;
      const row = loaded ? null : s.items.find((e) => sameKey(e.key, key));
      const expected = loaded?.modRevision ?? row?.modRevision;
      const r = await guard.wait(client.kv.delete({ profileId: guard.profileId, key, ...(expected !== undefined ? { expectedModRevision: expected } : {}) }));
      if (!r || isCancelled(r)) return;
      const label = keyLabel(key);
      if (!r.ok) {
        if (r.error.code === 'NOT_FOUND') get().removeRow(key);
        get().notifyError(r.error, { op: 'delete', key: label }, {
          retry: () => void get().deleteKey(key),
          reread: () => void get().selectKey(key, { force: true, reread: true }),
          reload: () => void get().reloadKeys(),
          reconnect: () => void get().reconnect(),
        });
        return;
      }
      const deleted = r.value.deleted;
      get().removeRow(key);
      if (sameKey(get().selectedKey, key)) get().clearEditor();
      get().pushToast('success', `Deleted “${label}”`);
      get().setStatus('success', `Deleted “${label}”.`, { label: 'Undo', run: () => void undoDelete(deleted, guard) });
    },

    reload() {
      const s = get();
      void s.reloadKeys();
      if (s.selectedKey && !s.dirty) void s.selectKey(s.selectedKey, { reread: true });
    },

    goToFilter() {
      get().showView('keys');
      get().focusFilter();
    },
  };
};
