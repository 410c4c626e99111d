/** Users, roles and permissions as they cross IPC, and how a permission's range reads to people. */
import { type Bytes, displayBytes, toUint8 } from './bytes';

export const PERMISSION_TYPES = ['read', 'write', 'readwrite'] as const;
export type PermissionType = (typeof PERMISSION_TYPES)[number];

/** What a permission covers: one key, every key under a prefix, every key, or a raw [key, rangeEnd) range. */
export type PermissionScope = 'key' | 'prefix' | 'all' | 'range';

export interface Permission {
  readonly type: PermissionType;
  /** etcd's key and range_end, as stored (rangeEnd empty: the key alone; "\0": to the end of the keyspace). */
  readonly key: Bytes;
  readonly rangeEnd: Bytes;
  readonly scope: PermissionScope;
}

export interface UserInfo {
  readonly name: string;
  readonly roles: readonly string[];
}

export interface RoleInfo {
  readonly name: string;
  readonly permissions: readonly Permission[];
}

export interface AccessOverview {
  readonly authEnabled: boolean;
  readonly users: readonly UserInfo[];
  readonly roles: readonly RoleInfo[];
}

/** What enabling auth would do, or why it is refused (`ready: false`, `missing` says what to fix first). */
export interface EnablePlan {
  readonly authEnabled: boolean;
  readonly ready: boolean;
  /** What is missing, in words; empty when ready. */
  readonly missing: readonly string[];
  /** What will happen, in words. */
  readonly effects: readonly string[];
  /** The profile's user name, if it has one. */
  readonly profileUser?: string;
}

/** The profile's own user and what it may read (for a user whose roles cover some prefixes only). */
export interface MyAccess {
  readonly authEnabled: boolean;
  /** Absent when the profile has no user name. */
  readonly user?: string;
  /** The user has the root role: everything is allowed. */
  readonly root: boolean;
  readonly permissions: readonly Permission[];
}

const nul = (b: Uint8Array): boolean => b.length === 1 && b[0] === 0;

/** The smallest key after every key that starts with `prefix` (etcd's prefix range end); [0] when there is none. */
export function prefixRangeEnd(prefix: Uint8Array): Uint8Array {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return Uint8Array.of(0);
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Which scope etcd's [key, rangeEnd) is. */
export function scopeOf(key: Uint8Array, rangeEnd: Uint8Array): PermissionScope {
  if (rangeEnd.length === 0) return 'key';
  if (nul(rangeEnd) && (key.length === 0 || nul(key))) return 'all';
  if (key.length > 0 && sameBytes(prefixRangeEnd(key), rangeEnd)) return 'prefix';
  return 'range';
}

/** "prefix /a/", "key /x", "all keys", "keys from /a to /b". */
export function describeRange(p: Pick<Permission, 'key' | 'rangeEnd' | 'scope'>): string {
  switch (p.scope) {
    case 'all':
      return 'all keys';
    case 'key':
      return `key ${displayBytes(p.key)}`;
    case 'prefix':
      return `prefix ${displayBytes(p.key)}`;
    default:
      return nul(toUint8(p.rangeEnd)) ? `keys from ${displayBytes(p.key)} to the end` : `keys from ${displayBytes(p.key)} to ${displayBytes(p.rangeEnd)} (excluded)`;
  }
}

/** "read prefix /a/" */
export const describePermission = (p: Permission): string => `${p.type === 'readwrite' ? 'read & write' : p.type} ${describeRange(p)}`;
