/**
 * Long keys shortened in the middle, so both ends stay readable: the start of the hierarchy
 * (which cluster object this is) and the leaf (which one of its siblings).
 */

/** Width of a text in px, in the font it is shown in. */
export type Measure = (text: string) => number;

export const ELLIPSIS = '…';

/** Share of the characters kept from the start when a key is cut by characters (the rest is the end). */
const HEAD_SHARE = 0.4;

/** Characters of the first segment kept, at least, when only part of it fits before the leaf. */
const MIN_HEAD_CHARS = 2;

/**
 * `text` as shown in `maxWidth` px: unchanged when it fits; else, for a path, its first segment,
 * "…", and as many whole segments from the end as fit (then more from the start), e.g.
 * "/registry/…/default/web-0"; else the start of the first segment, "…" and the whole leaf
 * ("/regis…/web-0"); else (no "/", or even the leaf is too long) characters from both ends
 * around "…". Never splits a character made of two UTF-16 units.
 */
export function shortenMiddle(text: string, maxWidth: number, measure: Measure): string {
  if (measure(text) <= maxWidth) return text;
  return bySegments(text, maxWidth, measure) ?? beforeLeaf(text, maxWidth, measure) ?? byCharacters(text, maxWidth, measure);
}

function bySegments(text: string, maxWidth: number, measure: Measure): string | null {
  const parts = text.split('/');
  const n = parts.length;
  // "/a/b": the first segment is "a", not the empty string before the leading slash; "a/b/": the leaf is "b".
  const minHead = parts[0] === '' ? 2 : 1;
  const minTail = parts[n - 1] === '' ? 2 : 1;
  if (n - minHead - minTail < 1) return null;
  const join = (head: number, tail: number) => `${parts.slice(0, head).join('/')}/${ELLIPSIS}/${parts.slice(n - tail).join('/')}`;
  const fits = (head: number, tail: number) => n - head - tail >= 1 && measure(join(head, tail)) <= maxWidth;
  let head = minHead;
  let tail = minTail;
  if (!fits(head, tail)) return null;
  while (fits(head, tail + 1)) tail++;
  while (fits(head + 1, tail)) head++;
  return join(head, tail);
}

/** The whole leaf (with its "/"), and as much of the start as fits before it. */
function beforeLeaf(text: string, maxWidth: number, measure: Measure): string | null {
  const body = text.endsWith('/') ? text.slice(0, -1) : text;
  const cut = body.lastIndexOf('/');
  if (cut <= 0) return null;
  const leaf = text.slice(cut);
  const head = Array.from(text.slice(0, cut));
  const join = (n: number) => head.slice(0, n).join('') + ELLIPSIS + leaf;
  if (head.length <= MIN_HEAD_CHARS || measure(join(MIN_HEAD_CHARS)) > maxWidth) return null;
  let n = MIN_HEAD_CHARS;
  while (n + 1 < head.length && measure(join(n + 1)) <= maxWidth) n++;
  return join(n);
}

function byCharacters(text: string, maxWidth: number, measure: Measure): string {
  const chars = Array.from(text);
  const cut = (keep: number) => {
    const head = Math.floor(keep * HEAD_SHARE);
    return chars.slice(0, head).join('') + ELLIPSIS + chars.slice(chars.length - (keep - head)).join('');
  };
  // The most characters that still fit, by bisection (widths grow with the count kept).
  let lo = 0;
  let hi = chars.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(cut(mid)) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return cut(lo);
}

/** Characters that take two columns in a monospace font (CJK, Hangul, full-width forms, emoji). */
const WIDE = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u;

/** Advance of one monospace character, in em. */
export const MONO_ADVANCE_EM = 0.6;

/** A monospace text's width without a canvas: 0.6 em a character, wide characters twice that. */
export function estimateWidth(text: string, fontSizePx: number): number {
  let columns = 0;
  for (const ch of text) columns += WIDE.test(ch) ? 2 : 1;
  return columns * MONO_ADVANCE_EM * fontSizePx;
}

/**
 * Measures with the font the text is shown in (a canvas's measureText); where no canvas is
 * available (tests without layout), with the monospace estimate.
 */
export function textMeasure(font: { readonly family: string; readonly sizePx: number }): Measure {
  const ctx = typeof document !== 'undefined' ? safeContext() : null;
  if (!ctx) return (text) => estimateWidth(text, font.sizePx);
  ctx.font = `${font.sizePx}px ${font.family}`;
  return (text) => ctx.measureText(text).width;
}

function safeContext(): CanvasRenderingContext2D | null {
  try {
    return document.createElement('canvas').getContext('2d');
  } catch {
    return null;
  }
}
