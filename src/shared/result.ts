/**
 * Errors cross IPC as values. Codes are stable and closed: the renderer branches on
 * `code`, never on `message` (which is for people).
 */
export const ErrorCodes = [
  'INVALID_ARGUMENT',
  'NOT_CONNECTED',
  'NOT_FOUND',
  'CONFLICT',
  /** A listing was pinned to a revision that etcd has since compacted: list again from the start. */
  'COMPACTED',
  'TOO_LARGE',
  'UNAVAILABLE',
  'NO_QUORUM',
  'TIMEOUT',
  'OUTCOME_UNKNOWN',
  'AUTH_FAILED',
  'PERMISSION_DENIED',
  'TLS',
  'SECRET_STORAGE_UNAVAILABLE',
  /** The profile does not allow this write (refused in main before anything reached etcd). */
  'READ_ONLY',
  /**
   * The action needs a confirmation the request did not carry: a write to a production profile
   * without the text the user must type (the profile's name, or the key of a single-key delete),
   * or a member removal that risks the quorum without a second confirmation. Refused in main
   * before etcd was asked.
   */
  'CONFIRMATION_REQUIRED',
  /** The user cancelled a write's confirmation in the renderer: nothing was sent, nothing is shown. */
  'CANCELLED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

export interface AppError {
  readonly code: ErrorCode;
  readonly message: string;
  /** Machine-readable facts about the failure, e.g. `{ size, limit }` for TOO_LARGE. */
  readonly details?: ErrorDetails;
}

export interface ErrorDetails {
  /** The endpoint the failing call went to, when known. */
  readonly endpoint?: string;
  /** TOO_LARGE: request size in bytes and the limit it exceeded. */
  readonly size?: number;
  readonly limit?: number;
  /** CONFLICT: the key's current mod revision (0 when it does not exist). */
  readonly currentModRevision?: number;
  /** INVALID_ARGUMENT: which field was wrong. */
  readonly field?: string;
  /** PERMISSION_DENIED: the user the profile logs in as, and the permission it lacks. */
  readonly user?: string;
  readonly permission?: 'read' | 'write';
  /** PERMISSION_DENIED: what was asked, in words ("all keys", "prefix /a/"). */
  readonly range?: string;
  /** Anything else worth showing, already formatted for people. */
  readonly hint?: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export const fail = (code: ErrorCode, message: string, details?: ErrorDetails): { ok: false; error: AppError } =>
  details === undefined ? { ok: false, error: { code, message } } : { ok: false, error: { code, message, details } };

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && (ErrorCodes as readonly string[]).includes(value);
