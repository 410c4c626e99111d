/**
 * What a slice is built from, and the app-wide services every slice may call.
 *
 * A slice sees the store through `get`, typed to its own state plus a narrow `Needs` type it
 * declares itself (what it reads or calls elsewhere). It never imports the assembled AppState:
 * that type imports the slices, and the assembly checks each slice's needs against it.
 */
import type { AppError } from '../../../shared/result';
import type { EtcdClient } from '../api/etcd-client';
import type { ErrorActionHandlers, ErrorContext } from '../ui/messages';
import type { Feeds } from './feeds';
import type { Jobs } from './jobs';
import type { ConnectionScope } from './scope';

export interface SliceDeps {
  readonly client: EtcdClient;
  /** Clock, injectable for tests. */
  readonly now: () => number;
  readonly scope: ConnectionScope;
  /** How many calls to main have started so far: orders a failure against later successes. */
  readonly callsStarted: () => number;
  /** Live feeds (watch, keep-alive): opened here, routed by subscription id, closed with the scope. */
  readonly feeds: Feeds;
  /** Jobs (search, bulk, import/export): started here, routed by job id, cancelled with the scope. */
  readonly jobs: Jobs;
}

/** Sets the slice's own fields only; anything else goes through the other slice's actions. */
export type SetState<Own> = (partial: Partial<Own> | ((state: Own) => Partial<Own>)) => void;

export type SliceCreator<Own, Needs = object> = (set: SetState<Own>, get: () => Own & Needs, deps: SliceDeps) => Own;

export type NoticeKind = 'success' | 'info' | 'warning' | 'error';

export interface StatusAction {
  readonly label: string;
  readonly run: () => void;
}

/** What a toast may say: confirmations and notices. Errors have a place on screen of their own (ui/messages.ts). */
export type ToastKind = Exclude<NoticeKind, 'error'>;

/** Toasts and the status bar message (the notifications feature implements it). */
export interface Notify {
  pushToast(kind: ToastKind, text: string, detail?: string, sticky?: boolean): number;
  setStatus(kind: NoticeKind, text: string, action?: StatusAction, detail?: string): void;
  clearStatus(): void;
  /**
   * Describe an error in the status bar, offering the follow-up its code suggests. Only for
   * failures with no place of their own (see ui/messages.ts); never also shown elsewhere.
   * It belongs to the active profile; a later success there may resolve it (see `callSucceeded`).
   */
  notifyError(error: AppError, context: ErrorContext, handlers?: ErrorActionHandlers): void;
}

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

/** The one confirmation dialog (the shell implements it). */
export interface Confirm {
  askConfirm(req: ConfirmRequest): void;
}
