/**
 * An AppError thrown inside the core; converted back to a Result at the handler boundary.
 * `cause` keeps the raw library error for the log: it never crosses IPC. Kept apart from
 * etcd/errors.ts (which maps etcd3's errors) so that code run in a worker thread, such as the
 * Kubernetes codec, can throw it without loading etcd3.
 */
import type { AppError, ErrorCode, ErrorDetails } from '../../shared/result';

export class AppFailure extends Error {
  constructor(
    readonly error: AppError,
    options?: { cause?: unknown },
  ) {
    super(error.message, options);
    this.name = 'AppFailure';
  }
}

export const failure = (code: ErrorCode, message: string, details?: ErrorDetails): AppFailure =>
  new AppFailure(details ? { code, message, details } : { code, message });
