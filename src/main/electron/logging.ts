/**
 * The app's trail: a LogSink backed by electron-log's file transport (userData/logs/main.log,
 * at most LOG_MAX_BYTES, then moved to main.old.log: one archive, so the folder never holds
 * more than twice that), and the process-wide handlers for errors nobody caught.
 *
 * electron-log's Node entry is used, not its Electron one: the latter registers IPC channels of
 * its own (outside the contract) and hooks events behind the app's back. Nothing here needs
 * Electron, so it runs (and is tested) in plain Node.
 */
import { join } from 'node:path';
import electronLog from 'electron-log/node';
import type { LogFields, Logger, LogLevel, LogSink } from '../core/logging/logger';
import { describeError } from '../core/logging/error-text';
import { redact } from '../core/logging/redact';

export const LOG_FILE = 'main.log';
/** main.log grows to this, then becomes main.old.log (replacing the previous archive). */
export const LOG_MAX_BYTES = 1024 * 1024;

export interface FileLog {
  readonly sink: LogSink;
  /** The folder holding main.log and its archive. */
  readonly dir: string;
  readonly file: string;
}

export interface FileLogOptions {
  readonly dir: string;
  readonly maxBytes?: number;
  /** Lines below this level are not written. */
  readonly level?: LogLevel;
  /** Also print lines to stdout/stderr (dev). */
  readonly console?: boolean;
}

let instances = 0;

/** One line: `(scope) message {"field":...}`, credential shapes removed whatever the caller passed. */
export function formatLine(scope: string, message: string, fields?: LogFields): string {
  const defined = fields ? Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) : {};
  const tail = Object.keys(defined).length > 0 ? ` ${JSON.stringify(defined)}` : '';
  return redact(`(${scope}) ${message}${tail}`);
}

export function createFileLog({ dir, maxBytes = LOG_MAX_BYTES, level = 'info', console = false }: FileLogOptions): FileLog {
  const file = join(dir, LOG_FILE);
  const log = electronLog.create({ logId: `etcd-desktop-${++instances}` });
  const transport = log.transports.file;
  transport.resolvePathFn = () => file;
  transport.maxSize = maxBytes;
  transport.level = level;
  transport.format = '[{y}-{m}-{d} {h}:{i}:{s}.{ms}] [{level}] {text}';
  // Only the user can read what the app did.
  transport.writeOptions = { flag: 'a', mode: 0o600, encoding: 'utf8' };
  log.transports.console.level = console ? level : false;
  for (const name of ['ipc', 'remote'] as const) {
    const t = (log.transports as unknown as Record<string, { level: unknown } | undefined>)[name];
    if (t) t.level = false;
  }
  return {
    dir,
    file,
    sink: {
      write: (lvl, scope, message, fields) => log[lvl](formatLine(scope, message, fields)),
    },
  };
}

/** The bits of `process` the handlers are installed on. */
export type ProcessLike = Pick<NodeJS.Process, 'on' | 'off'>;

/**
 * Logs uncaught exceptions and unhandled rejections of the main process (class, plain words of
 * the message, frames: see describeError) and keeps the app running: with a listener, neither
 * Node nor Electron ends the process, and one failed background task should not take the
 * window and its unsaved edits down with it. Returns the uninstall.
 */
export function installProcessHandlers(log: Logger, proc: ProcessLike = process): () => void {
  const onException = (err: unknown, origin?: string): void => log.error('uncaught exception', { origin, ...describeError(err) });
  const onRejection = (reason: unknown): void => log.error('unhandled rejection', describeError(reason));
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return () => {
    proc.off('uncaughtException', onException);
    proc.off('unhandledRejection', onRejection);
  };
}
