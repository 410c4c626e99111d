/**
 * Saved profiles, where secrets can be stored, the connection state of each profile, and the
 * profile form (its state and its submit). Which profile the app works in belongs to the
 * connection scope (app/scope.ts); switching to one is a workflow (app/workflows.ts).
 */
import type { ProfileInput, TlsFilePurpose } from '../../../../shared/contract';
import type { AppError, Result } from '../../../../shared/result';
import type { ConnectionStatus, Profile, TestConnectionResult } from '../../../../shared/types';
import type { Notify, SliceCreator } from '../../app/slice';
import { resolvedByConnection } from '../../ui/messages';

export type ProfileFormMode = 'add' | 'edit' | 'duplicate';

export interface ProfileFormState {
  readonly mode: ProfileFormMode;
  readonly profile?: Profile;
}

export interface ConnectionsSlice {
  profiles: readonly Profile[];
  secretStorage: 'encrypted' | 'unavailable' | 'unknown';
  profilesLoaded: boolean;
  profilesError: AppError | null;
  noticesShown: boolean;
  statuses: Readonly<Record<string, ConnectionStatus>>;
  /** The open profile form, or null. */
  profileForm: ProfileFormState | null;

  /** Load profiles and subscribe to push events; returns the cleanup. */
  init(): () => void;
  loadProfiles(): Promise<void>;
  openProfileForm(mode: ProfileFormMode, profile?: Profile): void;
  closeProfileForm(): void;
  /** The profile form's submit. */
  saveProfile(input: ProfileInput): Promise<Result<Profile>>;
  removeProfile(profileId: string): Promise<Result<void>>;
  testProfile(input: ProfileInput): Promise<Result<TestConnectionResult>>;
  /** The system's file dialog for a TLS file; the path, or null when cancelled. */
  chooseTlsFile(purpose: TlsFilePurpose, current?: string): Promise<Result<{ readonly path: string | null }>>;
  /**
   * Record a profile's status. Push events arrive in any order, so an older one is ignored;
   * `authoritative` (the answer to our own connect/disconnect) always applies, because main may
   * answer with the status of a session it already had, stamped with that session's older time.
   */
  applyConnectionStatus(status: ConnectionStatus, authoritative?: boolean): void;
  activeProfile(): Profile | undefined;
}

interface ConnectionsNeeds extends Notify {
  readonly statusMessage: { readonly kind: string; readonly code?: AppError['code']; readonly profileId?: string } | null;
  switchProfile(profileId: string, opts?: { reconnect?: boolean }): Promise<void>;
}

/** The settings a session is built from (mirrors main's rule for dropping a session on save). */
const connectionKey = (p: Profile): string =>
  JSON.stringify([p.endpoints, p.username ?? '', p.tls?.caFile, p.tls?.certFile, p.tls?.keyFile, p.deadlineMs]);

export const createConnectionsSlice: SliceCreator<ConnectionsSlice, ConnectionsNeeds> = (set, get, { client, scope }) => ({
  profiles: [],
  secretStorage: 'unknown',
  profilesLoaded: false,
  profilesError: null,
  noticesShown: false,
  statuses: {},
  profileForm: null,

  init() {
    const offStatus = client.on('event:connection-status', (status) => get().applyConnectionStatus(status));
    void get().loadProfiles();
    return () => offStatus();
  },

  async loadProfiles() {
    const r = await client.profiles.list();
    if (!r.ok) {
      // The sidebar shows it, where the profiles would be.
      set({ profilesError: r.error, profilesLoaded: true });
      return;
    }
    const { profiles, secretStorage, notices } = r.value;
    set({ profiles, secretStorage, profilesLoaded: true, profilesError: null });
    if (!get().noticesShown && notices.length > 0) {
      set({ noticesShown: true });
      for (const n of notices) get().pushToast('warning', n, undefined, true);
    }
    // The active profile may have been removed elsewhere.
    const active = scope.profileId;
    if (active && !profiles.some((p) => p.id === active)) scope.enter(null);
  },

  openProfileForm(mode, profile) {
    set({ profileForm: profile ? { mode, profile } : { mode } });
  },

  closeProfileForm() {
    set({ profileForm: null });
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
    if (input.id && input.id === scope.profileId && settingsChanged) void get().switchProfile(saved.id, { reconnect: true });
    return r;
  },

  async removeProfile(profileId) {
    const r = await client.profiles.remove({ profileId });
    const name = get().profiles.find((p) => p.id === profileId)?.name;
    if (!r.ok) {
      get().notifyError(r.error, { op: 'profile-remove', profileName: name });
      return r;
    }
    set((s) => {
      const statuses = { ...s.statuses };
      delete statuses[profileId];
      return { profiles: s.profiles.filter((p) => p.id !== profileId), statuses };
    });
    // Main closed its session; nothing of that connection stays on screen.
    if (scope.profileId === profileId) scope.enter(null);
    get().pushToast('success', `Deleted profile “${name ?? 'profile'}”`);
    return r;
  },

  testProfile(input) {
    return client.profiles.test(input);
  },

  chooseTlsFile(purpose, current) {
    return client.profiles.chooseFile({ purpose, ...(current ? { current } : {}) });
  },

  applyConnectionStatus(status, authoritative = false) {
    const prev = get().statuses[status.profileId];
    if (!authoritative && prev && prev.at > status.at) return; // out of order
    set((s) => ({ statuses: { ...s.statuses, [status.profileId]: status } }));
    // The active cluster answers again: a status-bar "unreachable" message of it (and its Retry) is stale.
    const msg = get().statusMessage;
    if (
      status.state === 'connected' &&
      status.members?.hasLeader !== false &&
      status.profileId === scope.profileId &&
      msg?.kind === 'error' &&
      msg.code &&
      resolvedByConnection(msg.code) &&
      (msg.profileId === undefined || msg.profileId === status.profileId)
    ) {
      get().clearStatus();
    }
  },

  activeProfile() {
    const active = scope.profileId;
    return get().profiles.find((p) => p.id === active);
  },
});
