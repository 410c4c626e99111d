/** Toasts (transient) and the status bar message (stays until replaced), with an optional action. */
import type { AppError } from '../../../../shared/result';
import type { ErrorAction, ErrorContext } from '../../ui/messages';
import { describeError } from '../../ui/messages';
import type { Slice } from '../../app/slice';

export type NoticeKind = 'success' | 'info' | 'warning' | 'error';

export interface Toast {
  readonly id: number;
  readonly kind: NoticeKind;
  readonly text: string;
  readonly detail?: string;
  /** Stays until dismissed (profile store notices, for example). */
  readonly sticky?: boolean;
}

export interface StatusAction {
  readonly label: string;
  readonly run: () => void;
}

export interface StatusMessage {
  readonly id: number;
  readonly kind: NoticeKind;
  readonly text: string;
  readonly detail?: string;
  readonly action?: StatusAction;
  /** The error code behind it, for tests and styling. */
  readonly code?: AppError['code'];
}

/** What each follow-up of an error message does; absent entries are simply not offered. */
export type ErrorActionHandlers = Partial<Record<ErrorAction, () => void>>;

const ACTION_LABEL: Record<ErrorAction, string> = {
  retry: 'Retry',
  reread: 'Re-read',
  reload: 'Reload',
  'edit-profile': 'Edit profile',
  reconnect: 'Reconnect',
};

export interface NotificationsSlice {
  toasts: readonly Toast[];
  statusMessage: StatusMessage | null;
  pushToast(kind: NoticeKind, text: string, detail?: string, sticky?: boolean): number;
  dismissToast(id: number): void;
  setStatus(kind: NoticeKind, text: string, action?: StatusAction, detail?: string): void;
  clearStatus(): void;
  /** Describe an error for people (toast + status bar), offering the follow-up its code suggests. */
  notifyError(error: AppError, context: ErrorContext, handlers?: ErrorActionHandlers): void;
}

const MAX_TOASTS = 5;
let nextId = 1;

export const createNotificationsSlice: Slice<NotificationsSlice> = (set, get) => ({
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
    const d = describeError(error, context);
    const run = d.action ? handlers[d.action] : undefined;
    const action = d.action && run ? { label: ACTION_LABEL[d.action], run } : undefined;
    set({
      statusMessage: {
        id: nextId++,
        kind: 'error',
        text: d.title,
        code: error.code,
        ...(d.detail ? { detail: d.detail } : {}),
        ...(action ? { action } : {}),
      },
    });
    get().pushToast('error', d.title, d.detail);
  },
});
