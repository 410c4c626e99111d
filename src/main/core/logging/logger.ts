/**
 * Scoped loggers for the core, writing to whatever sink the Electron layer provides (a
 * rotating file there, memory in tests). Lines carry codes, ids, counts and timings: never a
 * key, a value, a password or a token. Free text that may hold raw library output goes
 * through `redact` with the request's own strings first.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Only plain scalars: a field can never smuggle a whole request or response into the log. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface LogSink {
  write(level: LogLevel, scope: string, message: string, fields?: LogFields): void;
}

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger for a part of the app: its lines say where they come from. */
  scope(name: string): Logger;
}

export function createLogger(sink: LogSink, scope = 'main'): Logger {
  const at =
    (level: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      try {
        sink.write(level, scope, message, fields);
      } catch {
        // Logging must never break the call it describes.
      }
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    scope: (name) => createLogger(sink, `${scope}.${name}`),
  };
}

export const silentLogger: Logger = createLogger({ write: () => undefined });

/** Keeps lines in memory: for tests, and for the canary test that greps everything logged. */
export function memorySink(): LogSink & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    write: (level, scope, message, fields) => lines.push(`[${level}] (${scope}) ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`),
  };
}
