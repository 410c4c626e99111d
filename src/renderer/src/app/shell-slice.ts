/** Which dialogs and panels are open. Dialog *content* lives with the slice that acts on it. */
import type { AppError } from '../../../shared/result';
import type { Profile } from '../../../shared/types';
import type { MenuCommand } from '../api/etcd-client';
import type { Slice } from './slice';

export interface ConfirmRequest {
  readonly title: string;
  readonly message: string;
  /** Shown in a monospace box under the message (a key, for example). */
  readonly subject?: string;
  readonly confirmLabel: string;
  readonly cancelLabel?: string;
  readonly danger?: boolean;
  readonly onConfirm: () => void;
  readonly onCancel?: () => void;
}

export type ProfileFormMode = 'add' | 'edit' | 'duplicate';

export interface ProfileFormState {
  readonly mode: ProfileFormMode;
  readonly profile?: Profile;
}

export interface NewKeyState {
  readonly key: string;
  readonly value: string;
  readonly busy: boolean;
  /** Set when the key turned out to exist: the user is asked whether to overwrite it. */
  readonly exists: { readonly modRevision: number } | null;
  readonly error: AppError | null;
}

export type ThemeChoice = 'system' | 'light' | 'dark';

export interface UiSlice {
  confirm: ConfirmRequest | null;
  profileForm: ProfileFormState | null;
  newKey: NewKeyState | null;
  clusterViewOpen: boolean;
  /** Bumped to ask the quick filter to take focus. */
  focusFilterSeq: number;
  theme: ThemeChoice;

  askConfirm(req: ConfirmRequest): void;
  resolveConfirm(confirmed: boolean): void;
  openProfileForm(mode: ProfileFormMode, profile?: Profile): void;
  closeProfileForm(): void;
  openNewKey(): void;
  updateNewKey(patch: Partial<Pick<NewKeyState, 'key' | 'value'>>): void;
  /** Leave the "overwrite?" question and go back to editing the new key. */
  newKeyBack(): void;
  closeNewKey(): void;
  toggleClusterView(open?: boolean): void;
  focusFilter(): void;
  setTheme(theme: ThemeChoice): void;
  /** True while a modal dialog is up (shortcuts stay out of its way). */
  isModalOpen(): boolean;
  /** Subscribe to the native menu's commands; returns the unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}

export const createUiSlice: Slice<UiSlice> = (set, get, { client }) => ({
  confirm: null,
  profileForm: null,
  newKey: null,
  clusterViewOpen: false,
  focusFilterSeq: 0,
  theme: 'system',

  askConfirm(req) {
    set({ confirm: req });
  },

  resolveConfirm(confirmed) {
    const req = get().confirm;
    if (!req) return;
    set({ confirm: null });
    if (confirmed) req.onConfirm();
    else req.onCancel?.();
  },

  openProfileForm(mode, profile) {
    set({ profileForm: profile ? { mode, profile } : { mode } });
  },

  closeProfileForm() {
    set({ profileForm: null });
  },

  openNewKey() {
    const s = get();
    if (!s.activeProfileId) {
      s.setStatus('info', 'Connect to a profile first, then create keys.');
      return;
    }
    set({ newKey: { key: s.prefix, value: '', busy: false, exists: null, error: null } });
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

  toggleClusterView(open) {
    const next = open ?? !get().clusterViewOpen;
    set({ clusterViewOpen: next });
    if (next) void get().loadClusterStatus();
  },

  focusFilter() {
    set((s) => ({ focusFilterSeq: s.focusFilterSeq + 1, clusterViewOpen: false }));
  },

  setTheme(theme) {
    set({ theme });
  },

  isModalOpen() {
    const s = get();
    return s.confirm !== null || s.profileForm !== null || s.newKey !== null;
  },

  onMenuCommand(listener) {
    return client.on('event:menu-command', ({ command }) => listener(command));
  },
});
