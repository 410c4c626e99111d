/**
 * Users, roles and auth on/off through the session (one deadline per operation, writes to the
 * leader). etcd's refusals ("user name already exists", "role name not found", ...) become
 * stable codes with words for people; the raw text stays in the AppFailure's cause (the log).
 * Passwords are passed to etcd and nowhere else.
 */
import type { IPermission } from 'etcd3';
import { type AccessOverview, type EnablePlan, type MyAccess, type Permission, type PermissionType, scopeOf } from '../../../shared/access';
import type { GrantPermissionRequest, PermissionTarget } from '../../../shared/contract';
import type { ErrorCode } from '../../../shared/result';
import { fromBuffer, prefixEnd, toBuffer } from './bytes';
import { AppFailure } from './errors';
import type { EtcdSession } from './session';

const TYPE_TO_ETCD = { read: 'Read', write: 'Write', readwrite: 'Readwrite' } as const satisfies Record<PermissionType, IPermission['permType']>;
const TYPE_FROM_ETCD: Record<string, PermissionType> = { Read: 'read', Write: 'write', Readwrite: 'readwrite', 0: 'read', 1: 'write', 2: 'readwrite' };

export const ROOT = 'root';

const causeText = (err: unknown): string => {
  const c = err instanceof AppFailure ? (err.cause ?? err) : err;
  return c instanceof Error ? c.message : String(c);
};

/** etcd's refusals of an auth request, in words; anything else is rethrown as the session mapped it. */
const REFUSALS: ReadonlyArray<{ re: RegExp; code: ErrorCode; say: (what: string) => string }> = [
  { re: /user name already exists/, code: 'CONFLICT', say: (w) => `${w}: a user with that name already exists.` },
  { re: /role name already exists/, code: 'CONFLICT', say: (w) => `${w}: a role with that name already exists.` },
  { re: /user name not found/, code: 'NOT_FOUND', say: (w) => `${w}: there is no such user.` },
  { re: /role name not found/, code: 'NOT_FOUND', say: (w) => `${w}: there is no such role.` },
  { re: /role is not granted to the user/, code: 'NOT_FOUND', say: (w) => `${w}: the user does not have that role.` },
  { re: /permission is not granted to the role/, code: 'NOT_FOUND', say: (w) => `${w}: the role does not have that permission.` },
  { re: /invalid auth management/, code: 'INVALID_ARGUMENT', say: (w) => `${w}: etcd refuses it while auth is on (the root user must exist and keep the root role).` },
  { re: /root user does not exist/, code: 'INVALID_ARGUMENT', say: (w) => `${w}: there is no user named root.` },
  { re: /root user does not have root role/, code: 'INVALID_ARGUMENT', say: (w) => `${w}: the user root does not have the root role.` },
  { re: /user name is empty/, code: 'INVALID_ARGUMENT', say: (w) => `${w}: a name cannot be empty.` },
  { re: /role name is empty/, code: 'INVALID_ARGUMENT', say: (w) => `${w}: a name cannot be empty.` },
  { re: /password is empty|failed to generate hash/i, code: 'INVALID_ARGUMENT', say: (w) => `${w}: etcd refused the password.` },
];

function refusal(err: unknown, what: string): unknown {
  if (!(err instanceof AppFailure)) return err;
  // Permission and connection failures keep the session's words.
  if (err.error.code === 'PERMISSION_DENIED' || err.error.code === 'AUTH_FAILED') return err;
  const m = causeText(err);
  const r = REFUSALS.find((x) => x.re.test(m));
  return r ? new AppFailure({ code: r.code, message: r.say(what) }, { cause: err.cause }) : err;
}

export function toPermission(p: IPermission): Permission {
  const key = Buffer.from(p.key ?? []);
  const rangeEnd = Buffer.from(p.range_end ?? []);
  return { type: TYPE_FROM_ETCD[String(p.permType)] ?? 'read', key: fromBuffer(key), rangeEnd: fromBuffer(rangeEnd), scope: scopeOf(key, rangeEnd) };
}

/** etcd's [key, range_end) of a new permission; a prefix's end is computed, never typed. */
export function rangeOf(target: PermissionTarget): { key: Buffer; range_end: Buffer } {
  switch (target.scope) {
    case 'key':
      return { key: toBuffer(target.key), range_end: Buffer.alloc(0) };
    case 'prefix': {
      const prefix = toBuffer(target.prefix);
      return prefix.length === 0 ? { key: Buffer.from([0]), range_end: Buffer.from([0]) } : { key: prefix, range_end: prefixEnd(prefix) };
    }
    case 'all':
      return { key: Buffer.from([0]), range_end: Buffer.from([0]) };
  }
}

export class AccessService {
  constructor(private readonly session: EtcdSession) {}

  private get rpc() {
    return this.session.rpc;
  }

  private async write(what: string, fn: () => Promise<unknown>): Promise<{ done: true }> {
    try {
      await this.session.run('write', fn);
      return { done: true };
    } catch (err) {
      throw refusal(err, what);
    }
  }

  private async read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.session.run('read', fn);
    } catch (err) {
      throw refusal(err, what);
    }
  }

  private async rolePermissions(role: string): Promise<Permission[]> {
    return (await this.rpc.roleGet(role)).perm.map(toPermission);
  }

  overview(): Promise<AccessOverview> {
    return this.read('Listing users and roles failed', async () => {
      const authEnabled = await this.rpc.authEnabledProbe();
      const [userNames, roleNames] = await Promise.all([this.rpc.userList(), this.rpc.roleList()]);
      const users = await Promise.all(userNames.map(async (name) => ({ name, roles: [...((await this.rpc.userGet(name)).roles ?? [])].sort() })));
      const roles = await Promise.all(roleNames.map(async (name) => ({ name, permissions: await this.rolePermissions(name) })));
      return { authEnabled, users, roles };
    });
  }

  /** The profile's own user and its roles' permissions (etcd lets a user read its own user and roles). */
  mine(): Promise<MyAccess> {
    const user = this.session.config.username || undefined;
    return this.read('Reading your permissions failed', async () => {
      const authEnabled = await this.rpc.authEnabledProbe();
      if (!user || !authEnabled) return { authEnabled, ...(user ? { user } : {}), root: !authEnabled, permissions: [] };
      const roles = (await this.rpc.userGet(user)).roles ?? [];
      const permissions = (await Promise.all(roles.map((r) => this.rolePermissions(r)))).flat();
      return { authEnabled, user, root: roles.includes(ROOT), permissions };
    });
  }

  addUser(name: string, password: string) {
    return this.write(`User “${name}” was not added`, () => this.rpc.userAdd(name, password));
  }

  changePassword(name: string, password: string) {
    return this.write(`The password of “${name}” was not changed`, () => this.rpc.userChangePassword(name, password));
  }

  deleteUser(name: string) {
    return this.write(`User “${name}” was not deleted`, () => this.rpc.userDelete(name));
  }

  grantRole(user: string, role: string) {
    return this.write(`Role “${role}” was not granted to “${user}”`, () => this.rpc.userGrantRole(user, role));
  }

  revokeRole(user: string, role: string) {
    return this.write(`Role “${role}” was not revoked from “${user}”`, () => this.rpc.userRevokeRole(user, role));
  }

  addRole(name: string) {
    return this.write(`Role “${name}” was not added`, () => this.rpc.roleAdd(name));
  }

  deleteRole(name: string) {
    return this.write(`Role “${name}” was not deleted`, () => this.rpc.roleDelete(name));
  }

  grantPermission(req: Pick<GrantPermissionRequest, 'role' | 'type' | 'target'>) {
    const { key, range_end } = rangeOf(req.target);
    return this.write(`The permission was not granted to “${req.role}”`, () =>
      this.rpc.roleGrantPermission({ name: req.role, perm: { permType: TYPE_TO_ETCD[req.type], key, range_end } }),
    );
  }

  revokePermission(role: string, key: Buffer, rangeEnd: Buffer) {
    return this.write(`The permission was not revoked from “${role}”`, () => this.rpc.roleRevokePermission({ role, key, range_end: rangeEnd }));
  }

  /**
   * What enabling auth would do, or what is missing: a user root with the role root (etcd's own
   * rule), and a profile user that can still log in afterwards (root, or a user with a role).
   */
  planEnable(): Promise<EnablePlan> {
    const profileUser = this.session.config.username || undefined;
    const hasPassword = Boolean(this.session.config.password);
    return this.read('Checking whether auth can be enabled failed', async () => {
      const authEnabled = await this.rpc.authEnabledProbe();
      const user = profileUser ? { profileUser } : {};
      if (authEnabled) return { authEnabled, ready: true, missing: [], effects: ['Auth is already on: nothing changes.'], ...user };
      const users = await this.rpc.userList();
      const rolesOf = async (name: string) => (users.includes(name) ? [...((await this.rpc.userGet(name)).roles ?? [])] : undefined);
      const missing: string[] = [];
      const rootRoles = await rolesOf(ROOT);
      if (!rootRoles) missing.push('a user named “root” (add it with a password)');
      else if (!rootRoles.includes(ROOT)) missing.push('the role “root” granted to the user “root”');
      if (!profileUser) {
        missing.push('a user name in this profile: once auth is on, a profile without one cannot connect (set it to root, or a user with a role, and its password)');
      } else {
        const mine = profileUser === ROOT ? rootRoles : await rolesOf(profileUser);
        if (!mine) missing.push(`the user “${profileUser}” this profile logs in as (it does not exist)`);
        else if (profileUser !== ROOT && mine.length === 0) missing.push(`a role for the user “${profileUser}” this profile logs in as (without one it could read nothing)`);
        if (!hasPassword) missing.push(`a password for “${profileUser}” in this profile`);
      }
      const effects = [
        'Every client must then log in with a user name and password; anonymous clients are refused.',
        ...(profileUser ? [`This profile will log in as “${profileUser}”.`] : []),
        `${users.length} user${users.length === 1 ? '' : 's'} can log in; each may do only what its roles allow (root may do everything).`,
      ];
      return { authEnabled, ready: missing.length === 0, missing, effects, ...user };
    });
  }

  async enable(): Promise<EnablePlan> {
    const plan = await this.planEnable();
    if (plan.authEnabled) return plan;
    if (!plan.ready) {
      throw new AppFailure({ code: 'INVALID_ARGUMENT', message: `Auth was not enabled. Missing: ${plan.missing.join('; ')}.`, details: { field: 'auth' } });
    }
    await this.write('Auth was not enabled', () => this.rpc.authEnable());
    return { ...plan, authEnabled: true, effects: ['Auth is on.'] };
  }

  disable() {
    return this.write('Auth was not disabled', () => this.rpc.authDisable());
  }
}
