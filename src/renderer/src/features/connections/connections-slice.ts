/**
 * Saved profiles, where secrets can be stored, and the connection state of each profile.
 * `session` is the switch token: every async action captures it and drops its answer if a
 * profile switch happened meanwhile, so a late answer from the old cluster never shows up
 * under the new one.
 */
import type { AppError, Result } from '../../../../shared/result';
import type { ProfileInput } from '../../../../shared/contract';
import type { ConnectionStatus, Profile, TestConnectionResult } from '../../../../shared/types';
import { keyLabel } from '../../ui/format';
import { initialCluster } from '../cluster-status/cluster-slice';
import { initialEditor } from '../editor/editor-slice';
import { initialKeys } from '../keys/keys-slice';
import type { Slice } from '../../app/slice';

export interface ProfilesSlice {
  profiles: readonly Profile[];
  secretStorage: 'encrypted' | 'unavailable' | 'unknown';
  profilesLoaded: boolean;
  profilesError: AppError | null;
  noticesShown: boolean;
  activeProfileId: string | null;
  statuses: Readonly<Record<string, ConnectionStatus>>;
  session: number;

  /** Load profiles and subscribe to push events; returns the cleanup. */
  init(): () => void;
  loadProfiles(): Promise<void>;
  saveProfile(input: ProfileInput): Promise<Result<Profile>>;
  removeProfile(profileId: string): Promise<Result<void>>;
  testProfile(input: ProfileInput): Promise<Result<TestConnectionResult>>;
  /** Connect to a profile, disconnecting the previous one. Asks first when a draft would be lost. */
  switchProfile(profileId: string, opts?: { force?: boolean; reconnect?: boolean }): Promise<void>;
  /** Connect the active profile again (after a failure). */
  reconnect(): Promise<void>;
  /**
   * Record a profile's status. Push events arrive in any order, so an older one is ignored;
   * `authoritative` (the answer to our own connect/disconnect) always applies, because main may
   * answer with the status of a session it already had, stamped with that session's older time.
   */
  applyConnectionStatus(status: ConnectionStatus, authoritative?: boolean): void;
  activeProfile(): Profile | undefined;
}

/** Errors that only mean "could not reach the cluster"; a later successful call makes them stale. */
const CONNECTIVITY: ReadonlySet<AppError['code']> = new Set(['UNAVAILABLE', 'TIMEOUT', 'NO_QUORUM', 'NOT_CONNECTED']);

/** The settings a session is built from (mirrors main's rule for dropping a session on save). */
const connectionKey = (p: Profile): string =>
  JSON.stringify([p.endpoints, p.username ?? '', p.tls?.caFile, p.tls?.certFile, p.tls?.keyFile, p.deadlineMs]);

export const createProfilesSlice: Slice<ProfilesSlice> = (set, get, { client, now }) => {
  /** Connect the active profile of `session`, then list its keys. Shared by switch and reconnect. */
  /** Disconnects sent and not answered yet, per profile. */
  const pendingDisconnects = new Map<string, Promise<void>>();

  const connectActive = async (session: number): Promise<void> => {
    const profileId = get().activeProfileId;
    if (!profileId) return;
    get().applyConnectionStatus({ profileId, state: 'connecting', at: now() }, true);
    const r = await client.connection.connect({ profileId });
    if (get().session !== session) return;
    const profile = get().activeProfile();
    const ctx = { op: 'connect' as const, profileName: profile?.name, username: profile?.username, deadlineMs: profile?.deadlineMs };
    const handlers = {
      retry: () => void get().reconnect(),
      reconnect: () => void get().reconnect(),
      'edit-profile': () => profile && get().openProfileForm('edit', profile),
    };
    if (!r.ok) {
      get().applyConnectionStatus({
        profileId,
        state: 'unreachable',
        error: r.error,
        ...(r.error.details?.endpoint ? { endpoint: r.error.details.endpoint } : {}),
        at: now(),
      }, true);
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

  return {
    profiles: [],
    secretStorage: 'unknown',
    profilesLoaded: false,
    profilesError: null,
    noticesShown: false,
    activeProfileId: null,
    statuses: {},
    session: 0,

    init() {
      const offStatus = client.on('event:connection-status', (status) => get().applyConnectionStatus(status));
      void get().loadProfiles();
      return () => offStatus();
    },

    async loadProfiles() {
      const r = await client.profiles.list();
      if (!r.ok) {
        set({ profilesError: r.error, profilesLoaded: true });
        get().notifyError(r.error, { op: 'list' }, { retry: () => void get().loadProfiles() });
        return;
      }
      const { profiles, secretStorage, notices } = r.value;
      set({ profiles, secretStorage, profilesLoaded: true, profilesError: null });
      if (!get().noticesShown && notices.length > 0) {
        set({ noticesShown: true });
        for (const n of notices) get().pushToast('warning', n, undefined, true);
      }
      // The active profile may have been removed elsewhere.
      const active = get().activeProfileId;
      if (active && !profiles.some((p) => p.id === active)) set({ activeProfileId: null, session: get().session + 1 });
    },

    async saveProfile(input) {
      const before = input.id ? get().profiles.find((p) => p.id === input.id) : undefined;
      const r = await client.profiles.save(input);
      if (!r.ok) return r;
      const saved = r.value;
      set((s) => {
        const exists = s.profiles.some((p) => p.id === saved.id);
        return { profiles: exists ? s.profiles.map((p) => (p.id === saved.id ? saved : p)) : [...s.profiles, saved] };
      });
      get().pushToast('success', input.id ? `Saved profile “${saved.name}”` : `Added profile “${saved.name}”`);
      // Main drops the live session when endpoints, credentials, TLS or the deadline change: reconnect
      // with the new settings. Renaming or recolouring leaves the session (and the grid) alone.
      const settingsChanged = !before || input.password !== undefined || connectionKey(before) !== connectionKey(saved);
      if (input.id && input.id === get().activeProfileId && settingsChanged) void get().switchProfile(saved.id, { reconnect: true });
      return r;
    },

    async removeProfile(profileId) {
      const r = await client.profiles.remove({ profileId });
      if (!r.ok) {
        const name = get().profiles.find((p) => p.id === profileId)?.name;
        get().notifyError(r.error, { op: 'profile-remove', profileName: name });
        return r;
      }
      const name = get().profiles.find((p) => p.id === profileId)?.name ?? 'profile';
      set((s) => {
        const statuses = { ...s.statuses };
        delete statuses[profileId];
        const wasActive = s.activeProfileId === profileId;
        return {
          profiles: s.profiles.filter((p) => p.id !== profileId),
          statuses,
          ...(wasActive
            ? { activeProfileId: null, session: s.session + 1, ...initialKeys(), ...initialEditor(), ...initialCluster() }
            : {}),
        };
      });
      get().pushToast('success', `Deleted profile “${name}”`);
      return r;
    },

    testProfile(input) {
      return client.profiles.test(input);
    },

    async switchProfile(profileId, opts = {}) {
      const s = get();
      const prev = s.activeProfileId;
      const sameProfile = prev === profileId;
      if (sameProfile && !opts.reconnect) {
        // Clicking the active profile only matters when it is not connected.
        const state = s.statuses[profileId]?.state;
        if (state === 'connected' || state === 'connecting') return;
        return get().reconnect();
      }
      if (!opts.force && s.dirty) {
        const key = s.selectedKey;
        s.askConfirm({
          title: 'Discard unsaved changes?',
          message: 'Your draft has not been saved. Switching the connection discards it.',
          subject: key ? keyLabel(key, 400) : undefined,
          confirmLabel: 'Discard and switch',
          danger: true,
          onConfirm: () => void get().switchProfile(profileId, { ...opts, force: true }),
        });
        return;
      }
      const session = s.session + 1;
      set({
        session,
        activeProfileId: profileId,
        ...initialKeys(),
        ...initialEditor(),
        ...initialCluster(),
        statusMessage: null,
        // Errors about the previous connection no longer apply; store notices stay.
        toasts: s.toasts.filter((t) => t.kind !== 'error'),
      });
      if (prev) {
        const off = client.connection.disconnect({ profileId: prev }).then((r) => {
          if (r.ok) get().applyConnectionStatus(r.value, true);
        });
        pendingDisconnects.set(prev, off);
        void off.finally(() => {
          if (pendingDisconnects.get(prev) === off) pendingDisconnects.delete(prev);
        });
      }
      // Connecting must not race a disconnect of the same profile still in flight (A → B → A quickly,
      // or a reconnect), or main could close the session we are about to use.
      const inFlight = pendingDisconnects.get(profileId);
      if (inFlight) await inFlight;
      if (get().session !== session) return;
      await connectActive(session);
    },

    async reconnect() {
      const { activeProfileId, session } = get();
      if (!activeProfileId) return;
      await connectActive(session);
    },

    applyConnectionStatus(status, authoritative = false) {
      const prev = get().statuses[status.profileId];
      if (!authoritative && prev && prev.at > status.at) return; // out of order
      set((s) => ({ statuses: { ...s.statuses, [status.profileId]: status } }));
      // The active cluster answers again: a status-bar "unreachable" message (and its Retry) is stale.
      const msg = get().statusMessage;
      if (status.state === 'connected' && status.profileId === get().activeProfileId && msg?.kind === 'error' && msg.code && CONNECTIVITY.has(msg.code)) {
        get().clearStatus();
      }
    },

    activeProfile() {
      const { profiles, activeProfileId } = get();
      return profiles.find((p) => p.id === activeProfileId);
    },
  };
};
