/**
 * Users, roles and auth on/off (namespace `access`). Every change is a `write` (the write gate
 * covers it). Passwords go one way only: bounded here, never logged, never answered back.
 */
import { z } from 'zod';
import type { AccessOverview, EnablePlan, MyAccess } from '../access';
import { PERMISSION_TYPES } from '../access';
import { channel, returns, type Input } from './define';
import { PASSWORD_MAX, USERNAME_MAX } from './limits';
import { key, profileId, profileRef } from './schemas';

/** etcd's own bound on names is its request size; this one keeps them readable. */
export const ROLE_NAME_MAX = 256;

const userName = z.string().min(1, 'a user needs a name').max(USERNAME_MAX);
const roleName = z.string().min(1, 'a role needs a name').max(ROLE_NAME_MAX);
const password = z.string().min(1, 'a password cannot be empty').max(PASSWORD_MAX);

export const userPasswordRequest = z.object({ profileId, name: userName, password }).strict();
export type UserPasswordRequest = Input<typeof userPasswordRequest>;

export const userRef = z.object({ profileId, name: userName }).strict();
export type UserRef = Input<typeof userRef>;

export const userRoleRequest = z.object({ profileId, user: userName, role: roleName }).strict();
export type UserRoleRequest = Input<typeof userRoleRequest>;

export const roleRef = z.object({ profileId, name: roleName }).strict();
export type RoleRef = Input<typeof roleRef>;

/** What a new permission covers: one key, every key under a prefix (range end computed in main), or every key. */
export const permissionTarget = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('key'), key }).strict(),
  z.object({ scope: z.literal('prefix'), prefix: key }).strict(),
  z.object({ scope: z.literal('all') }).strict(),
]);
export type PermissionTarget = Input<typeof permissionTarget>;

export const grantPermissionRequest = z
  .object({ profileId, role: roleName, type: z.enum(PERMISSION_TYPES), target: permissionTarget })
  .strict();
export type GrantPermissionRequest = Input<typeof grantPermissionRequest>;

/** A permission as listed (its key and range end exactly as etcd stores them). */
export const revokePermissionRequest = z.object({ profileId, role: roleName, key, rangeEnd: key }).strict();
export type RevokePermissionRequest = Input<typeof revokePermissionRequest>;

const done = returns<{ readonly done: true }>();

export const access = {
  overview: channel({
    effect: 'read',
    request: profileRef,
    response: returns<AccessOverview>(),
    doc: 'Whether auth is on, every user with its roles and every role with its permissions (needs root once auth is on).',
  }),
  mine: channel({
    effect: 'read',
    request: profileRef,
    response: returns<MyAccess>(),
    doc: "The profile's own user, whether it is root, and the permissions of its roles (what it may read).",
  }),
  addUser: channel({ effect: 'write', request: userPasswordRequest, response: done, doc: 'Add a user with a password; CONFLICT when the name is taken.' }),
  changePassword: channel({ effect: 'write', request: userPasswordRequest, response: done, doc: "Change a user's password; NOT_FOUND when there is no such user." }),
  deleteUser: channel({ effect: 'write', request: userRef, response: done, doc: 'Delete a user.' }),
  grantRole: channel({ effect: 'write', request: userRoleRequest, response: done, doc: 'Grant a role to a user.' }),
  revokeRole: channel({ effect: 'write', request: userRoleRequest, response: done, doc: 'Revoke a role from a user.' }),
  addRole: channel({ effect: 'write', request: roleRef, response: done, doc: 'Add a role (with no permissions); CONFLICT when the name is taken.' }),
  deleteRole: channel({ effect: 'write', request: roleRef, response: done, doc: 'Delete a role (users lose it).' }),
  grantPermission: channel({
    effect: 'write',
    request: grantPermissionRequest,
    response: done,
    doc: 'Grant a role read, write or read & write on a key, a prefix or all keys.',
  }),
  revokePermission: channel({ effect: 'write', request: revokePermissionRequest, response: done, doc: "Revoke one of a role's permissions (as listed)." }),
  planEnable: channel({
    effect: 'read',
    request: profileRef,
    response: returns<EnablePlan>(),
    doc: 'What enabling auth would do, or what must be fixed first (a root user with the root role; a profile user that can log in).',
  }),
  enable: channel({
    effect: 'write',
    request: profileRef,
    response: returns<EnablePlan>(),
    doc: 'Enable auth after the same checks as planEnable; FAILED with what is missing otherwise.',
  }),
  disable: channel({ effect: 'write', request: profileRef, response: done, doc: 'Disable auth (needs root). The UI confirms first.' }),
};
