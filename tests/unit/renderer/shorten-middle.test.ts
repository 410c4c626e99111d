import { describe, expect, it } from 'vitest';
import { ELLIPSIS, estimateWidth, shortenMiddle, textMeasure } from '../../../src/renderer/src/ui/shorten-middle';

/** One unit a code point: widths below are in characters. */
const chars = (s: string) => Array.from(s).length;

describe('shortenMiddle', () => {
  const key = '/registry/services/specs/default/web-0';

  it('leaves a key that fits alone', () => {
    expect(shortenMiddle(key, key.length, chars)).toBe(key);
    expect(shortenMiddle('', 0, chars)).toBe('');
  });

  it('keeps the first segment and as many whole segments from the end as fit', () => {
    expect(shortenMiddle(key, 25, chars)).toBe('/registry/…/default/web-0');
    expect(shortenMiddle(key, 31, chars)).toBe('/registry/…/specs/default/web-0');
    expect(shortenMiddle(key, 20, chars)).toBe('/registry/…/web-0');
  });

  it('then more segments from the start, never eliding nothing', () => {
    const k = '/a/bb/ccc/dddd/leaf';
    // The next segment from the end ("dddd") does not fit 13, the next from the start ("bb") does.
    expect(shortenMiddle(k, 13, chars)).toBe('/a/bb/…/leaf');
    // At 18 everything but "bb" fits; "…" always stands for at least one segment.
    expect(shortenMiddle(k, 18, chars)).toBe('/a/…/ccc/dddd/leaf');
  });

  it('keeps the leaf whole and as much of the start as fits before it', () => {
    expect(shortenMiddle(key, 14, chars)).toBe('/regist…/web-0');
    expect(shortenMiddle('/config/payments/limits.json', 19, chars)).toBe('/confi…/limits.json');
  });

  it('cuts by characters, more from the end, when even the leaf does not fit', () => {
    const k = '/config/app/feature-flags.json';
    const shown = shortenMiddle(k, 19, chars);
    expect(chars(shown)).toBe(19);
    expect(shown).toBe('/config…-flags.json');
  });

  it('a key without "/" (a binary key as hex) keeps both ends', () => {
    const hex = `0x${'0123456789abcdef'.repeat(4)}`;
    const shown = shortenMiddle(hex, 21, chars);
    expect(chars(shown)).toBe(21);
    expect(shown.startsWith('0x0123')).toBe(true);
    expect(shown.endsWith('89abcdef')).toBe(true);
    expect(shown).toContain(ELLIPSIS);
  });

  it('a key ending in "/" keeps the segment before it', () => {
    expect(shortenMiddle('/registry/pods/kube-system/coredns/', 22, chars)).toBe('/registry/…/coredns/');
  });

  it('never splits a character of two UTF-16 units, and always fits', () => {
    const k = `/🚀🚀🚀/${'🌍'.repeat(30)}`;
    for (let width = 1; width < chars(k); width++) {
      const shown = shortenMiddle(k, width, chars);
      expect(chars(shown), `width ${width}`).toBeLessThanOrEqual(Math.max(width, 1));
      expect(shown).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  it('with a real width function: the shown text fits the px width', () => {
    const measure = (s: string) => estimateWidth(s, 12);
    const shown = shortenMiddle(key, 120, measure);
    expect(measure(shown)).toBeLessThanOrEqual(120);
    expect(shown.startsWith('/regis')).toBe(true);
    expect(shown.endsWith('/web-0')).toBe(true);
  });
});

describe('estimateWidth', () => {
  it('is 0.6 em a character, wide characters (CJK, emoji) twice that', () => {
    expect(estimateWidth('abcde', 10)).toBeCloseTo(30);
    expect(estimateWidth('鍵', 10)).toBeCloseTo(12);
    expect(estimateWidth('🚀a', 10)).toBeCloseTo(18);
    expect(estimateWidth('', 10)).toBe(0);
  });

  it('textMeasure falls back to it where there is no canvas', () => {
    const measure = textMeasure({ family: 'monospace', sizePx: 12 });
    expect(measure('abcd')).toBeCloseTo(estimateWidth('abcd', 12));
  });
});
