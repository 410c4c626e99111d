/**
 * Users & roles (the `access` view): the cluster's users with their roles, roles with their
 * permissions, the dialogs that change them, and auth on/off with its plan. Each failure is kept
 * where it happened: the list's at the top, a dialog's in the dialog, a row's action next to that
 * row, the auth switch's next to the switch. Nothing here reads an error's message: only codes.
 */
import type { AccessOverview, EnablePlan, Permission, PermissionType } from '../../../../shared/access';
import { describeRange } from '../../../../shared/access';
import type { Bytes } from '../../../../shared/bytes';
import type { AppError, Result } from '../../../../shared/result';
import type { MainView } from '../../app/shell-slice';
import type { Confirm, Notify, SliceCreator } from '../../app/slice';

export type AccessDialog =
  | { readonly kind: 'add-user' }
  | { readonly kind: 'change-password'; readonly user: string }
  | { readonly kind: 'grant-role'; readonly user: string }
  | { readonly kind: 'add-role' }
  | { readonly kind: 'grant-permission'; readonly role: string };

/** What a new permission covers, as the dialog edits it (a prefix's range end is computed in main). */
export type PermissionTargetDraft = { readonly scope: 'key'; readonly key: Bytes } | { readonly scope: 'prefix'; readonly prefix: Bytes } | { readonly scope: 'all' };

/** Where a failure of a row's action is shown: `user:<name>`, `role:<name>`, or `auth` (the switch). */
export type AccessTarget = `user:${string}` | `role:${string}` | 'auth';

export interface AccessSlice {
  accessOverview: AccessOverview | null;
  accessLoading: boolean;
  /** Reading the users and roles failed (shown above the lists). */
  accessError: AppError | null;
  accessDialog: AccessDialog | null;
  /** The open dialog's request is in flight. */
  accessBusy: boolean;
  /** The open dialog's failure (shown in the dialog). */
  accessDialogError: AppError | null;
  /** A row action's failure, shown next to that row (or the auth switch). */
  accessRowError: { readonly target: AccessTarget; readonly error: AppError } | null;
  /** What enabling auth would do (shown before the user confirms). */
  accessPlan: EnablePlan | null;

  /** Open or close the view (toggle without an argument); opening reads the lists. */
  toggleAccessView(open?: boolean): void;
  loadAccess(): Promise<void>;
  openAccessDialog(dialog: AccessDialog): void;
  closeAccessDialog(): void;
  addUser(name: string, password: string): Promise<boolean>;
  changePassword(user: string, password: string): Promise<boolean>;
  grantRole(user: string, role: string): Promise<boolean>;
  addRole(name: string): Promise<boolean>;
  grantPermission(role: string, type: PermissionType, target: PermissionTargetDraft): Promise<boolean>;
  /** Asks for confirmation first. */
  deleteUser(name: string): void;
  deleteRole(name: string): void;
  revokeRole(user: string, role: string): Promise<void>;
  revokePermission(role: string, permission: Permission): Promise<void>;
  /** Reads the plan for enabling auth (shown with the Enable button). */
  planEnableAuth(): Promise<void>;
  /** Enables auth (the plan must be ready: main checks again). */
  enableAuth(): Promise<void>;
  /** Asks for confirmation, then disables auth. */
  disableAuth(): void;
}

const initialAccess = () => ({
  accessOverview: null,
  accessLoading: false,
  accessError: null,
  accessDialog: null,
  accessBusy: false,
  accessDialogError: null,
  accessRowError: null,
  accessPlan: null,
});

interface AccessNeeds extends Notify, Confirm {
  readonly view: MainView;
  showView(view: MainView): void;
}

export const createAccessSlice: SliceCreator<AccessSlice, AccessNeeds> = (set, get, { client, scope }) => {
  // The view stays open across a switch and shows the next cluster's users.
  scope.own({ reset: () => set(initialAccess()) });

  /** A dialog's request: busy while in flight, its failure in the dialog, closed and reloaded on success. */
  async function fromDialog(call: (profileId: string) => Promise<Result<unknown>>, done: string): Promise<boolean> {
    const guard = scope.capture();
    if (!guard || get().accessBusy) return false;
    set({ accessBusy: true, accessDialogError: null });
    const r = await guard.wait(call(guard.profileId));
    if (!r) return false;
    if (!r.ok) {
      set({ accessBusy: false, accessDialogError: r.error });
      return false;
    }
    set({ accessBusy: false, accessDialog: null, accessDialogError: null });
    get().pushToast('success', done);
    await get().loadAccess();
    return true;
  }

  /** A row's action: its failure next to the row, a reload on success. */
  async function fromRow(target: AccessTarget, call: (profileId: string) => Promise<Result<unknown>>, done: string): Promise<boolean> {
    const guard = scope.capture();
    if (!guard) return false;
    set({ accessRowError: null });
    const r = await guard.wait(call(guard.profileId));
    if (!r) return false;
    if (!r.ok) {
      set({ accessRowError: { target, error: r.error } });
      return false;
    }
    get().pushToast('success', done);
    await get().loadAccess();
    return true;
  }

  return {
    ...initialAccess(),

    toggleAccessView(open) {
      const next = open ?? get().view !== 'access';
      if (!next && get().view !== 'access') return;
      get().showView(next ? 'access' : 'cluster');
      if (next) void get().loadAccess();
    },

    async loadAccess() {
      const guard = scope.capture();
      if (!guard) return;
      set({ accessLoading: true });
      const r = await guard.wait(client.access.overview({ profileId: guard.profileId }));
      if (!r) return;
      if (r.ok) set({ accessOverview: r.value, accessLoading: false, accessError: null });
      else set({ accessLoading: false, accessError: r.error });
    },

    openAccessDialog(dialog) {
      set({ accessDialog: dialog, accessDialogError: null, accessBusy: false });
    },

    closeAccessDialog() {
      if (get().accessBusy) return;
      set({ accessDialog: null, accessDialogError: null });
    },

    addUser: (name, password) => fromDialog((profileId) => client.access.addUser({ profileId, name, password }), `User “${name}” added.`),
    changePassword: (user, password) =>
      fromDialog((profileId) => client.access.changePassword({ profileId, name: user, password }), `Password of “${user}” changed.`),
    grantRole: (user, role) => fromDialog((profileId) => client.access.grantRole({ profileId, user, role }), `Role “${role}” granted to “${user}”.`),
    addRole: (name) => fromDialog((profileId) => client.access.addRole({ profileId, name }), `Role “${name}” added.`),
    grantPermission: (role, type, target) =>
      fromDialog(
        (profileId) => client.access.grantPermission({ profileId, role, type, target }),
        `Role “${role}” may now ${type === 'readwrite' ? 'read & write' : type} ${target.scope === 'all' ? 'all keys' : target.scope === 'key' ? 'that key' : 'that prefix'}.`,
      ),

    deleteUser(name) {
      get().askConfirm({
        title: `Delete user ${name}?`,
        message: 'The user can no longer log in; profiles that use it stop working.',
        subject: name,
        confirmLabel: 'Delete user',
        danger: true,
        onConfirm: () => void fromRow(`user:${name}`, (profileId) => client.access.deleteUser({ profileId, name }), `User “${name}” deleted.`),
      });
    },

    deleteRole(name) {
      get().askConfirm({
        title: `Delete role ${name}?`,
        message: 'Every user that has this role loses its permissions.',
        subject: name,
        confirmLabel: 'Delete role',
        danger: true,
        onConfirm: () => void fromRow(`role:${name}`, (profileId) => client.access.deleteRole({ profileId, name }), `Role “${name}” deleted.`),
      });
    },

    async revokeRole(user, role) {
      await fromRow(`user:${user}`, (profileId) => client.access.revokeRole({ profileId, user, role }), `Role “${role}” revoked from “${user}”.`);
    },

    async revokePermission(role, permission) {
      await fromRow(
        `role:${role}`,
        (profileId) => client.access.revokePermission({ profileId, role, key: permission.key, rangeEnd: permission.rangeEnd }),
        `Permission on ${describeRange(permission)} revoked from “${role}”.`,
      );
    },

    async planEnableAuth() {
      const guard = scope.capture();
      if (!guard) return;
      set({ accessRowError: null });
      const r = await guard.wait(client.access.planEnable({ profileId: guard.profileId }));
      if (!r) return;
      if (r.ok) set({ accessPlan: r.value });
      else set({ accessPlan: null, accessRowError: { target: 'auth', error: r.error } });
    },

    async enableAuth() {
      const ok = await fromRow('auth', (profileId) => client.access.enable({ profileId }), 'Auth is on.');
      if (ok) set({ accessPlan: null });
    },

    disableAuth() {
      get().askConfirm({
        title: 'Disable auth?',
        message: 'Anyone who can reach the cluster can then read and write every key, without a password.',
        confirmLabel: 'Disable auth',
        danger: true,
        onConfirm: () => void fromRow('auth', (profileId) => client.access.disable({ profileId }), 'Auth is off.'),
      });
    },
  };
};
