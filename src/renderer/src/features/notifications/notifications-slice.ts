/**
 * Toasts (transient confirmations and notices) and the status bar message (stays until
 * replaced), with an optional action. An error goes to the status bar only, never a toast.
 */
import type { AppError } from '../../../../shared/result';
import type { NoticeKind, Notify, SliceCreator, StatusAction, ToastKind } from '../../app/slice';
import { ACTION_LABELS, describeError, resolvedByAnswer } from '../../ui/messages';

export interface Toast {
  readonly id: number;
  readonly kind: ToastKind;
  readonly text: string;
  readonly detail?: string;
  /** Stays until dismissed (profile store notices, for example). */
  readonly sticky?: boolean;
}

export interface StatusMessage {
  readonly id: number;
  readonly kind: NoticeKind;
  readonly text: string;
  readonly detail?: string;
  readonly action?: StatusAction;
  /** The error code behind it, for tests and styling. */
  readonly code?: AppError['code'];
  /** An error's: the profile that was active when it failed. */
  readonly profileId?: string;
  /** An error's: how many calls had started when it was reported (later ones may resolve it). */
  readonly afterCall?: number;
}

export interface NotificationsSlice extends Notify {
  toasts: readonly Toast[];
  statusMessage: StatusMessage | null;
  dismissToast(id: number): void;
  /**
   * A kv or cluster call of `profileId`, the `seq`-th call started, succeeded: a status-bar error
   * of that profile that such an answer resolves (an outage, a compaction: by its code) and that
   * was reported before the call started is stale, and goes.
   */
  callSucceeded(profileId: string, seq: number): void;
}

const MAX_TOASTS = 5;
let nextId = 1;

export const createNotificationsSlice: SliceCreator<NotificationsSlice> = (set, get, { scope, callsStarted }) => {
  // The status message (an error and its Retry, a delete and its Undo) is about the connection
  // that is left; toasts (confirmations, notices about the profile store) stay.
  scope.own({ reset: () => set({ statusMessage: null }) });

  return {
    toasts: [],
    statusMessage: null,

    pushToast(kind, text, detail, sticky) {
      const id = nextId++;
      const toast: Toast = { id, kind, text, ...(detail ? { detail } : {}), ...(sticky ? { sticky } : {}) };
      set((s) => ({ toasts: [...s.toasts, toast].slice(-MAX_TOASTS) }));
      return id;
    },

    dismissToast(id) {
      set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
    },

    setStatus(kind, text, action, detail) {
      set({ statusMessage: { id: nextId++, kind, text, ...(action ? { action } : {}), ...(detail ? { detail } : {}) } });
    },

    clearStatus() {
      set({ statusMessage: null });
    },

    notifyError(error, context, handlers = {}) {
      // The user cancelled a write's confirmation: nothing happened, nothing to say.
      if (error.code === 'CANCELLED') return;
      const d = describeError(error, context);
      const run = d.action ? handlers[d.action] : undefined;
      const action = d.action && run ? { label: ACTION_LABELS[d.action], run } : undefined;
      const profileId = scope.profileId;
      set({
        statusMessage: {
          id: nextId++,
          kind: 'error',
          text: d.title,
          code: error.code,
          ...(profileId ? { profileId } : {}),
          afterCall: callsStarted(),
          ...(d.detail ? { detail: d.detail } : {}),
          ...(action ? { action } : {}),
        },
      });
    },

    callSucceeded(profileId, seq) {
      const msg = get().statusMessage;
      if (!msg || msg.kind !== 'error' || !msg.code || !resolvedByAnswer(msg.code)) return;
      if (msg.profileId !== profileId || msg.afterCall === undefined || seq <= msg.afterCall) return;
      set({ statusMessage: null });
    },
  };
};
