/**
 * IPC wiring derived from the contract: one `ipcMain.handle` per channel of `allChannels()`.
 * Every call is checked (sender, then runtime schema) before it reaches a handler, and
 * nothing thrown ever crosses IPC: failures are `Result` values.
 *
 * Electron objects are taken as parameters (only types are imported), so all of this runs
 * and is tested in plain Node.
 */
import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { allChannels, type ChannelName, type EventMap, type EventName, type Handlers } from '../../shared/contract';
import { fail, type Result } from '../../shared/result';
import { describeError } from '../core/logging/error-text';
import { silentLogger, type Logger } from '../core/logging/logger';
import { parseRequest } from '../core/validation';

/** The frame that sent an IPC message; null when it navigated away or was destroyed. */
export type SenderFrame = Pick<WebFrameMain, 'url' | 'processId' | 'routingId' | 'parent'>;

/** Whether a frame may call main; `why` (when given) says why one may not, for the log. */
export type SenderCheck = ((frame: SenderFrame | null | undefined) => boolean) & {
  readonly why?: (frame: SenderFrame | null | undefined) => string;
};

export interface RegisterIpcOptions {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  readonly handlers: Handlers;
  readonly isTrustedSender: SenderCheck;
  /** Refused senders, invalid requests and failures of the IPC layer itself: by channel and reason, never the request. */
  readonly log?: Logger;
}

const message = (err: unknown): string =>
  err instanceof Error ? err.message || err.name : typeof err === 'string' ? err : 'unexpected error';

/**
 * Runs one call: sender check, schema validation, handler. Never throws, never lets a
 * handler see a request that failed validation. Logs refusals by channel and reason: the
 * request itself (keys, values, passwords) never reaches the log.
 */
export async function dispatch<C extends ChannelName>(
  channel: C,
  raw: unknown,
  frame: SenderFrame | null | undefined,
  handlers: Handlers,
  isTrustedSender: SenderCheck,
  log: Logger = silentLogger,
): Promise<Result<unknown>> {
  try {
    if (!isTrustedSender(frame)) {
      log.warn('refused a call from an untrusted sender', { channel, reason: isTrustedSender.why?.(frame) ?? 'untrusted sender' });
      return fail('INVALID_ARGUMENT', `Rejected ${channel}: the sender is not the app's own window.`, {
        hint: 'untrusted sender',
      });
    }
    const parsed = parseRequest(channel, raw);
    if (!parsed.ok) {
      log.warn('refused an invalid request', { channel, code: parsed.error.code, field: parsed.error.details?.field });
      return parsed;
    }
    const handler = handlers[channel] as (req: unknown) => Promise<Result<unknown>>;
    const result = await handler(parsed.value);
    return result;
  } catch (err) {
    log.error('the IPC layer failed', { channel, code: 'INTERNAL', ...describeError(err) });
    return fail('INTERNAL', message(err));
  }
}

/** Registers every channel of the contract; returns a function that removes them all. */
export function registerIpc({ ipcMain, handlers, isTrustedSender, log }: RegisterIpcOptions): () => void {
  const channels = allChannels();
  for (const channel of channels) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, raw: unknown) =>
      dispatch(channel, raw, event.senderFrame, handlers, isTrustedSender, log),
    );
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/** The bits of a BrowserWindow the sender check and the emitter need. */
export interface WindowLike {
  isDestroyed(): boolean;
  readonly webContents: {
    isDestroyed(): boolean;
    send(channel: string, ...args: unknown[]): void;
    readonly mainFrame: Pick<WebFrameMain, 'processId' | 'routingId'>;
  };
}

/**
 * Trusted = the main frame (no parent) of the app's main window, currently showing the
 * app's own URL (`isAppUrl`: app://app/index.html, or the dev server in dev).
 */
export function createSenderCheck(getMainWindow: () => WindowLike | null, isAppUrl: (url: string) => boolean): SenderCheck {
  /** Why `frame` may not call main, or null when it may. */
  const why = (frame: SenderFrame | null | undefined): string | null => {
    if (!frame) return 'no sender frame (it navigated away or was destroyed)';
    const win = getMainWindow();
    if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return 'the main window is gone';
    const main = win.webContents.mainFrame;
    if (frame.parent !== null) return 'a subframe';
    if (frame.processId !== main.processId || frame.routingId !== main.routingId) return "not the main window's frame";
    return isAppUrl(frame.url) ? null : `a page that is not the app (${originOf(frame.url)})`;
  };
  return Object.assign((frame: SenderFrame | null | undefined) => why(frame) === null, {
    why: (frame: SenderFrame | null | undefined) => why(frame) ?? 'trusted',
  });
}

/** Scheme and host of a URL: enough to say where a call came from, nothing of its path or query. */
function originOf(url: string): string {
  try {
    const u = new URL(url);
    return u.host ? `${u.protocol}//${u.host}` : u.protocol;
  } catch {
    return 'not a URL';
  }
}

export type Emit = <E extends EventName>(event: E, payload: EventMap[E]) => void;

/** Sends push events to every live window; a window closing mid-send is skipped, never thrown. */
export function createEmitter(getWindows: () => readonly WindowLike[]): Emit {
  return (event, payload) => {
    for (const win of getWindows()) {
      try {
        if (win.isDestroyed() || win.webContents.isDestroyed()) continue;
        win.webContents.send(event, payload);
      } catch {
        // the window went away between the check and the send
      }
    }
  };
}
