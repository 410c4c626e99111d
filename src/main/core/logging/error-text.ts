/**
 * Errors whose text the app did not write itself (a renderer error, an exception nobody
 * caught) may quote whatever they were working on: a key, a value, a password. The request
 * that caused them is unknown here, so `redact`'s per-request removal cannot apply. What is
 * kept is what finds the bug without the data:
 *  - the error's class name;
 *  - its message reduced to plain words: credential shapes and quoted text removed (V8 and the
 *    app quote data: `Unexpected token 'x', "abc" is not valid JSON`), then every token that is
 *    not a plain word of letters (numbers, paths, keys such as `/config/db`, tokens such as
 *    `hunter2`) replaced by `…`;
 *  - the stack's frames as code locations only (function name, script URL without query or
 *    hash, line, column): never its first line, which repeats the message.
 * A value made only of letters that code put unquoted into a message would survive; the app's
 * own messages quote what they cite.
 */
import type { LogFields } from './logger';
import { redact } from './redact';

export const OMITTED = '…';
const MAX_FRAMES = 30;
const MAX_WORD = 24;

const QUOTED = /"(?:[^"\\\n]|\\.)*(?:"|$)|'(?:[^'\\\n]|\\.)*(?:'|$)|`(?:[^`\\]|\\.)*(?:`|$)|“[^”]*(?:”|$)|‘[^’]*(?:’|$)|«[^»]*(?:»|$)/g;
/** A plain word, with the punctuation a sentence puts around it. */
const PLAIN_WORD = new RegExp(`^[([{]?[A-Za-z]{1,${MAX_WORD}}[)\\]},.:;!?]*$`);

/** The message as plain words; everything else becomes `…` (runs of it, one `…`). */
export function plainWords(message: string): string {
  const unquoted = redact(message).replace(QUOTED, ` ${OMITTED} `);
  const words = unquoted.split(/\s+/).filter(Boolean);
  const out: string[] = [];
  for (const w of words) {
    const token = PLAIN_WORD.test(w) ? w : OMITTED;
    if (token === OMITTED && out[out.length - 1] === OMITTED) continue;
    out.push(token);
  }
  return out.join(' ').slice(0, 500);
}

/** The class name from a stack's first line (`TypeError: ...`), if it looks like one. */
export function errorName(stack: string | undefined, fallback = 'Error'): string {
  const m = /^\s*([A-Za-z_$][\w$]{0,60})(?::|\s*$)/.exec((stack ?? '').split('\n', 1)[0] ?? '');
  return m && /^[A-Za-z_$][\w$]*$/.test(m[1]) ? m[1] : fallback;
}

const FUNCTION_NAME = /^(?:async |new )?[\w$.<>[\] ]{1,100}$/;

/** A script location with nothing but scheme, host, path, line and column. */
function location(raw: string): string {
  const m = /^(.*?)(?::(\d+))?(?::(\d+))?$/.exec(raw.trim());
  if (!m) return '?';
  const [, where, line, col] = m;
  const pos = `${line ? `:${line}` : ''}${col ? `:${col}` : ''}`;
  if (where === '<anonymous>' || where === 'native' || where === 'node:internal') return where + pos;
  if (/^node:[\w/-]+$/.test(where)) return where + pos;
  try {
    const u = new URL(where);
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'javascript:') return u.protocol;
    const path = u.pathname.replace(/[^\w./@+-]/g, '_');
    return `${u.protocol}//${u.host}${path}${pos}`;
  } catch {
    // a file path (main process): keep it if it is one
    return /^(?:[A-Za-z]:)?[\\/][\w .\\/@+-]*$/.test(where) ? where + pos : '?';
  }
}

/** `at name (location)` / `at location` lines of a V8 stack or a React component stack, nothing else. */
export function frames(stack: string | undefined): string[] {
  const out: string[] = [];
  for (const line of (stack ?? '').split('\n')) {
    const m = /^\s*at\s+(.*)$/.exec(line);
    if (!m) continue;
    const body = m[1].trim();
    const call = /^(.*?)\s+\((.*)\)$/.exec(body);
    const frame = call
      ? `${FUNCTION_NAME.test(call[1]) ? call[1] : '?'} (${location(call[2])})`
      : FUNCTION_NAME.test(body) && !/[/:]/.test(body)
        ? body
        : location(body);
    out.push(`at ${frame}`);
    if (out.length === MAX_FRAMES) break;
  }
  return out;
}

/** An error of unknown origin as log fields: class, plain words of its message, its frames. */
export function describeError(err: unknown): { error: string; message: string; stack?: string } {
  if (err instanceof Error) {
    const stack = frames(err.stack);
    return {
      error: errorName(err.stack, /^[A-Za-z_$][\w$]*$/.test(err.name) ? err.name : 'Error'),
      message: plainWords(err.message),
      ...(stack.length ? { stack: stack.join('\n') } : {}),
    };
  }
  return { error: typeof err, message: typeof err === 'string' ? plainWords(err) : OMITTED };
}

/** A renderer's report (app:reportError) as log fields. */
export function describeRendererError(report: {
  readonly message: string;
  readonly stack?: string;
  readonly componentStack?: string;
  readonly source: string;
}): LogFields {
  const stack = frames(report.stack);
  const components = frames(report.componentStack);
  return {
    source: report.source,
    error: errorName(report.stack),
    message: plainWords(report.message),
    ...(stack.length ? { stack: stack.join('\n') } : {}),
    ...(components.length ? { components: components.join('\n') } : {}),
  };
}
