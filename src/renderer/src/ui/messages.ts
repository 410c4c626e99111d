/**
 * What people read when something fails. One place, switching on the error *code*
 * (never on the message text, which only ever appears as supporting detail).
 *
 * Each failure is shown once, next to where it happened: a form's in the form (a field's next
 * to the field), the listing's in the grid, a key's read or save in the value panel, the
 * cluster status in the cluster view; the status bar takes what has no place of its own
 * (connecting, deleting and its undo, removing a profile, a save for a key no longer shown).
 * Toasts never carry errors.
 */
import type { AppError } from '../../../shared/result';
import { formatSize } from './format';

/** Errors that only say the cluster could not be reached: a later answer from it makes them stale. */
const CONNECTIVITY: ReadonlySet<AppError['code']> = new Set(['UNAVAILABLE', 'TIMEOUT', 'NO_QUORUM', 'NOT_CONNECTED']);

/** True for an error that the cluster answering again resolves (a connection that is back). */
export function resolvedByConnection(code: AppError['code']): boolean {
  return CONNECTIVITY.has(code);
}

/**
 * True for an error that any later successful call resolves: an outage, or a compaction (the
 * next listing starts again from the start). Not a conflict, a refusal or an unknown outcome:
 * those stay until the user acts on them.
 */
export function resolvedByAnswer(code: AppError['code']): boolean {
  return CONNECTIVITY.has(code) || code === 'COMPACTED';
}

/**
 * True for the answer of a write the user cancelled in the production confirmation
 * (app/write-confirm.ts): nothing was sent, so nothing is shown and nothing changes.
 */
export const isCancelled = (r: { readonly ok: boolean; readonly error?: AppError }): boolean => !r.ok && r.error?.code === 'CANCELLED';

/** What the user was doing; shapes the wording. */
export type Operation =
  | 'connect'
  | 'list'
  | 'get'
  | 'save'
  | 'create'
  | 'delete'
  | 'undo'
  | 'copy'
  | 'move'
  | 'test'
  | 'profile-save'
  | 'profile-remove'
  | 'profiles'
  | 'cluster'
  | 'access'
  | 'members';

export interface ErrorContext {
  readonly op?: Operation;
  /** The key involved, already in display form. */
  readonly key?: string;
  readonly profileName?: string;
  readonly username?: string;
  readonly deadlineMs?: number;
}

/** A follow-up the UI can offer next to the message. */
export type ErrorAction = 'retry' | 'reread' | 'reload' | 'edit-profile' | 'reconnect';

/** What each follow-up of an error message does; absent entries are simply not offered. */
export type ErrorActionHandlers = Partial<Record<ErrorAction, () => void>>;

export interface ErrorDescription {
  /** One sentence, specific to the code. */
  readonly title: string;
  /** Supporting detail (server hint, raw message). */
  readonly detail?: string;
  readonly action?: ErrorAction;
}

const OP_VERB: Record<Operation, string> = {
  connect: 'connect',
  list: 'list keys',
  get: 'read the key',
  save: 'save the key',
  create: 'create the key',
  delete: 'delete the key',
  undo: 'undo the delete',
  copy: 'copy the keys',
  move: 'move the keys',
  test: 'test the connection',
  'profile-save': 'save the profile',
  'profile-remove': 'delete the profile',
  profiles: 'load the saved profiles',
  cluster: 'read the cluster status',
  access: 'manage users and roles',
  members: 'change the cluster membership',
};

/** The button that offers each follow-up. */
export const ACTION_LABELS: Record<ErrorAction, string> = {
  retry: 'Retry',
  reread: 'Re-read',
  reload: 'Reload',
  'edit-profile': 'Edit profile',
  reconnect: 'Reconnect',
};

const quote = (key?: string) => (key ? `“${key}”` : 'the key');

function withDetail(error: AppError): string | undefined {
  const parts: string[] = [];
  if (error.details?.hint) parts.push(error.details.hint);
  if (error.message) parts.push(error.message);
  return parts.length ? parts.join(' — ') : undefined;
}

export function describeError(error: AppError, context: ErrorContext = {}): ErrorDescription {
  const verb = context.op ? OP_VERB[context.op] : 'complete the request';
  const endpoint = error.details?.endpoint;
  const at = endpoint ? ` at ${endpoint}` : '';
  const detail = withDetail(error);
  const code = error.code;
  // Users & roles: main says in words which user, role or permission etcd refused, and why.
  // Membership: main says in words what etcd refused (a learner not caught up, one learner at a time, …).
  if ((context.op === 'access' || context.op === 'members') && (code === 'NOT_FOUND' || code === 'CONFLICT' || code === 'INVALID_ARGUMENT')) {
    return { title: error.message, detail: error.details?.hint };
  }
  switch (code) {
    case 'NOT_FOUND':
      return { title: `Key ${quote(context.key)} no longer exists — it was deleted or never created.`, detail, action: 'reload' };
    case 'UNAVAILABLE':
      return {
        title: `Cluster unreachable${at}: could not ${verb}. Check that etcd is running and the endpoint is right.`,
        detail,
        action: 'retry',
      };
    case 'NO_QUORUM':
      return {
        title: `The cluster has no quorum${at} (leader lost or too few members up): could not ${verb}. Writes and consistent reads wait until a majority is back.`,
        detail,
        action: 'retry',
      };
    case 'TIMEOUT': {
      const limit = context.deadlineMs ? ` of ${context.deadlineMs} ms` : '';
      return {
        title: `No answer within the deadline${limit}${at}: could not ${verb}.`,
        detail,
        action: 'retry',
      };
    }
    case 'OUTCOME_UNKNOWN':
      return {
        title: `The write to ${quote(context.key)} may or may not have been applied — re-read the key before trying again.`,
        detail,
        action: 'reread',
      };
    case 'AUTH_FAILED':
      return {
        title: `Authentication failed${context.username ? ` for user “${context.username}”` : ''}${
          context.profileName ? ` (profile “${context.profileName}”)` : ''
        }: check the username and password of the profile.`,
        detail,
        action: 'edit-profile',
      };
    case 'PERMISSION_DENIED': {
      const user = error.details?.user ?? context.username;
      const missing = error.details?.range && error.details.permission ? `: it has no ${error.details.permission} permission on ${error.details.range}` : '';
      return {
        title: `Permission denied: ${user ? `user “${user}”` : 'this user'} may not ${verb}${context.key ? ` ${quote(context.key)}` : ''}${missing}. Ask for a role that grants it.`,
        detail,
      };
    }
    case 'TOO_LARGE': {
      const size = error.details?.size;
      const limit = error.details?.limit;
      const sizeText = size !== undefined ? `${formatSize(size)}` : 'The request';
      const limitText = limit !== undefined ? ` the cluster's limit of ${formatSize(limit)}` : ' the cluster’s request size limit';
      return {
        title: `Value too large: ${sizeText} exceeds${limitText} (etcd --max-request-bytes). Nothing was written.`,
        detail,
      };
    }
    case 'CONFLICT': {
      const rev = error.details?.currentModRevision;
      const now = rev === undefined ? '' : rev === 0 ? ' (it no longer exists)' : ` (now at revision ${rev})`;
      return {
        title: `Key ${quote(context.key)} was changed by someone else since you loaded it${now}. Nothing was overwritten.`,
        detail,
        action: 'reread',
      };
    }
    case 'COMPACTED':
      return {
        title: 'The listing’s revision was compacted by etcd while paging — reload to list again from the start.',
        detail,
        action: 'reload',
      };
    case 'INVALID_ARGUMENT': {
      const field = error.details?.field;
      return {
        title: field ? `Invalid value for “${field}”: ${error.message}` : `The request was rejected as invalid: ${error.message}`,
        detail: error.details?.hint,
      };
    }
    case 'TLS':
      return {
        title: `TLS handshake failed${at}: check the CA file, client certificate and key of the profile.`,
        detail,
        action: 'edit-profile',
      };
    case 'NOT_CONNECTED':
      return {
        title: `Not connected${context.profileName ? ` to “${context.profileName}”` : ''}: reconnect to ${verb}.`,
        detail,
        action: 'reconnect',
      };
    case 'SECRET_STORAGE_UNAVAILABLE':
      return {
        title:
          'This machine cannot encrypt saved passwords. Tick “Store password unencrypted on this machine” to save it anyway, or leave the password empty.',
        detail,
      };
    case 'READ_ONLY':
      return {
        title: `Nothing was written: ${context.profileName ? `“${context.profileName}”` : 'this profile'} does not allow writes, so the app did not ${verb}.`,
        detail,
        action: 'edit-profile',
      };
    case 'CONFIRMATION_REQUIRED':
      // A member removal that risks the quorum names why (details.hint); otherwise a production write.
      if (error.details?.hint) return { title: `Nothing was done: ${error.message}`, detail };
      return {
        title: `Nothing was written: ${context.profileName ? `“${context.profileName}”` : 'this profile'} is a production profile, and the app did not ${verb} without the typed confirmation.`,
        detail,
      };
    case 'CANCELLED':
      // Never shown (the user cancelled; nothing happened), but described all the same.
      return { title: `Cancelled: the app did not ${verb}.` };
    case 'INTERNAL':
      return { title: `Unexpected error: could not ${verb}.`, detail: error.message || undefined };
    default: {
      const unreachable: never = code;
      return { title: `Unexpected error (${String(unreachable)}).`, detail };
    }
  }
}
