/**
 * How a search query matches bytes. Keys and values are bytes, not text, so:
 *
 *  - Text mode matches the query's UTF-8 bytes inside the raw bytes (Buffer.indexOf): any key,
 *    valid UTF-8 or not, is searched exactly, and nothing is decoded. Without case sensitivity
 *    only ASCII letters fold (A-Z = a-z): folding other letters would need decoding, and the
 *    bytes of a multi-byte UTF-8 character are never touched by ASCII folding, so a non-ASCII
 *    query still matches its exact bytes.
 *  - Regex mode matches a JavaScript regular expression (no `u` flag, so patterns written for
 *    other tools such as `\-` keep working; `i` when not case-sensitive) against the UTF-8
 *    decoding of the bytes, invalid sequences decoded as U+FFFD. It runs in a worker
 *    (regex-worker.ts): a pattern can backtrack for minutes, and the worker can be terminated.
 */
import { failure } from '../etcd/errors';

export type SearchMode = 'text' | 'regex';

/** Flags of a search regex: never `g`/`y` (a test must not depend on the previous one). */
export const regexFlags = (caseSensitive: boolean): string => (caseSensitive ? '' : 'i');

/**
 * Compiles the pattern to check it before any job starts (compiling is linear, it cannot
 * hang); INVALID_ARGUMENT in words, with V8's reason (e.g. "Unterminated group") when it has one.
 */
export function checkRegex(source: string, caseSensitive: boolean): void {
  try {
    new RegExp(source, regexFlags(caseSensitive));
  } catch (err) {
    // V8: "Invalid regular expression: /(a/: Unterminated group": the reason is after the last colon.
    const text = err instanceof Error ? err.message : '';
    const reason = text.includes(': ') ? text.slice(text.lastIndexOf(': ') + 2).trim() : '';
    throw failure(
      'INVALID_ARGUMENT',
      `That regular expression is not valid${reason ? ` (${reason.charAt(0).toLowerCase()}${reason.slice(1)})` : ''}. Fix it, or search for plain text instead.`,
      { field: 'query' },
    );
  }
}

/** ASCII upper case to lower case, every other byte as it is. */
const FOLD = new Uint8Array(256).map((_, i) => (i >= 0x41 && i <= 0x5a ? i + 0x20 : i));

/** A substring matcher over raw bytes. */
export class BytesMatcher {
  private readonly needle: Buffer;
  /** Reused for folded copies of haystacks (grown as needed): no allocation per key. */
  private scratch = Buffer.alloc(4096);

  constructor(
    query: string,
    private readonly caseSensitive: boolean,
  ) {
    const raw = Buffer.from(query, 'utf8');
    this.needle = caseSensitive ? raw : fold(raw, Buffer.alloc(raw.length));
  }

  matches(haystack: Buffer): boolean {
    if (haystack.length < this.needle.length) return false;
    if (this.caseSensitive) return haystack.indexOf(this.needle) >= 0;
    if (this.scratch.length < haystack.length) this.scratch = Buffer.alloc(Math.max(haystack.length, this.scratch.length * 2));
    const folded = fold(haystack, this.scratch);
    return folded.indexOf(this.needle) >= 0;
  }
}

function fold(src: Buffer, into: Buffer): Buffer {
  const n = src.length;
  for (let i = 0; i < n; i++) into[i] = FOLD[src[i]];
  return into.subarray(0, n);
}
