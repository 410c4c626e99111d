import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rowWindow, scrollTopFor } from '../../../src/renderer/src/features/keys/row-window';

const RH = 28;

describe('row window (the grid virtualizer)', () => {
  it('unscaled: the rows at the scroll position, with overscan, each at its own offset', () => {
    const w = rowWindow({ count: 1000, rowHeight: RH, scrollTop: 280, viewport: 560, overscan: 10 });
    expect(w).toMatchObject({ height: 28_000, scaled: false, firstVisible: 10, lastVisible: 29, first: 0, last: 39 });
    expect(w.top(10)).toBe(280);
    expect(w.top(29)).toBe(29 * RH);
  });

  it('an empty list renders nothing', () => {
    expect(rowWindow({ count: 0, rowHeight: RH, scrollTop: 0, viewport: 500, overscan: 10 })).toMatchObject({ height: 0, first: 0, last: -1 });
  });

  it('scaled past maxPx: the height is capped, the bottom shows the last row, the top the first', () => {
    const count = 5_000_000; // 140M px unscaled
    const viewport = 560;
    const maxPx = 30_000_000;
    const bottom = rowWindow({ count, rowHeight: RH, scrollTop: maxPx - viewport, viewport, overscan: 5 });
    expect(bottom.scaled).toBe(true);
    expect(bottom.height).toBe(maxPx);
    expect(bottom.lastVisible).toBe(count - 1);
    expect(bottom.top(count - 1) + RH).toBeCloseTo(maxPx, 5);
    const top = rowWindow({ count, rowHeight: RH, scrollTop: 0, viewport, overscan: 5 });
    expect(top.firstVisible).toBe(0);
    expect(top.top(0)).toBe(0);
  });

  it('scrollTopFor puts any row on screen, scaled or not (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('start', 'end', 'auto') as fc.Arbitrary<'start' | 'end' | 'auto'>, (count, at, align) => {
        const viewport = 600;
        const i = Math.min(count - 1, Math.floor(at * count));
        const top = scrollTopFor(i, align, { count, rowHeight: RH, viewport, current: 0 });
        const w = rowWindow({ count, rowHeight: RH, scrollTop: top, viewport, overscan: 0 });
        expect(i).toBeGreaterThanOrEqual(w.firstVisible);
        expect(i).toBeLessThanOrEqual(w.lastVisible);
        // and it is drawn inside the viewport
        expect(w.top(i) - top).toBeGreaterThan(-RH);
        expect(w.top(i) - top).toBeLessThan(viewport);
      }),
    );
  });

  it("auto leaves the scroll position alone when the row is on screen", () => {
    expect(scrollTopFor(12, 'auto', { count: 1000, rowHeight: RH, viewport: 560, current: 280 })).toBe(280);
  });
});
