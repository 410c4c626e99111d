import { describe, expect, it } from 'vitest';
import { DEFAULT_PANES, fitPanes, GRID_MIN, gridLayout, PANE_LIMITS, parsePanes, PREVIEW_MIN, SPLITTER } from '../../../src/renderer/src/app/layout';

const S = PANE_LIMITS.sidebar;
const V = PANE_LIMITS.value;
const K = PANE_LIMITS.keyColumn;

describe('fitPanes', () => {
  it('gives remembered sizes as they are when the window has room, the grid the rest', () => {
    const f = fitPanes({ ...DEFAULT_PANES, sidebar: 250, value: 500 }, 1400);
    expect(f).toMatchObject({ sidebar: 250, value: 500, grid: 1400 - 2 * SPLITTER - 750 });
  });

  it.each([720, 800, 1024])('in a %i px window the three panes fill it exactly, the grid at least GRID_MIN', (width) => {
    const f = fitPanes({ ...DEFAULT_PANES, sidebar: S.max, value: V.max }, width);
    expect(f.sidebar + f.value + f.grid + 2 * SPLITTER).toBe(width);
    expect(f.grid).toBeGreaterThanOrEqual(GRID_MIN);
    expect(f.sidebar).toBeGreaterThanOrEqual(S.min);
    expect(f.value).toBeGreaterThanOrEqual(V.min);
  });

  it('a smaller window squeezes both panes in proportion to their room above the minimum', () => {
    // 720: room for sidebar + value is 720 - 10 - 240 = 470; they ask 220 + 400 = 620.
    const f = fitPanes(DEFAULT_PANES, 720);
    expect(f.sidebar + f.value).toBeLessThanOrEqual(470);
    expect(f.sidebar - S.min).toBeCloseTo(((DEFAULT_PANES.sidebar - S.min) / (DEFAULT_PANES.value - V.min)) * (f.value - V.min), -1);
  });

  it('below the smallest window all panes stay at their minimums (nothing goes negative)', () => {
    const f = fitPanes({ ...DEFAULT_PANES, sidebar: 400, value: 900 }, 500);
    expect(f).toMatchObject({ sidebar: S.min, value: V.min, grid: 500 - 2 * SPLITTER - S.min - V.min });
    expect(fitPanes(DEFAULT_PANES, 0).grid).toBe(0);
  });

  it('each splitter may go as far as leaves the grid its minimum, within its pane limits', () => {
    const f = fitPanes({ ...DEFAULT_PANES, sidebar: 200, value: 400 }, 1024);
    expect(f.sidebarMax).toBe(Math.min(S.max, 1024 - 2 * SPLITTER - GRID_MIN - 400));
    expect(f.valueMax).toBe(1024 - 2 * SPLITTER - GRID_MIN - 200);
    expect(fitPanes({ ...DEFAULT_PANES, sidebar: 200, value: 400 }, 3000).valueMax).toBe(V.max);
  });
});

describe('parsePanes', () => {
  it('reads what was stored, each size held to its pane limits', () => {
    expect(parsePanes(JSON.stringify({ sidebar: 300, value: 600, keyColumn: 250 }))).toEqual({ sidebar: 300, value: 600, keyColumn: 250 });
    expect(parsePanes(JSON.stringify({ sidebar: 5, value: 1e9, keyColumn: -3 }))).toEqual({ sidebar: S.min, value: V.max, keyColumn: K.min });
  });

  it('falls back to defaults for anything else, field by field', () => {
    expect(parsePanes(null)).toEqual(DEFAULT_PANES);
    expect(parsePanes('{not json')).toEqual(DEFAULT_PANES);
    expect(parsePanes('[1,2]')).toEqual(DEFAULT_PANES);
    expect(parsePanes(JSON.stringify({ sidebar: '300', value: null, keyColumn: 260 }))).toEqual({ ...DEFAULT_PANES, keyColumn: 260 });
    expect(parsePanes(JSON.stringify({ sidebar: Infinity }))).toEqual(DEFAULT_PANES);
  });
});

describe('gridLayout', () => {
  const sum = (template: string) => template.split(' ').filter((t) => t.endsWith('px') && !t.startsWith('minmax')).reduce((a, t) => a + parseFloat(t), 0);

  it('a wide grid shows every column and the key column as asked', () => {
    const g = gridLayout(900, 320);
    expect(g.columns).toEqual(['preview', 'size', 'version', 'modRevision', 'lease']);
    expect(g.key).toBe(320);
    expect(g.template).toBe(`320px minmax(${PREVIEW_MIN}px, 1fr) 64px 40px 64px 176px`);
  });

  it('a narrower grid drops the least telling numeric columns first', () => {
    expect(gridLayout(700, 320).columns).toEqual(['preview', 'size', 'version', 'modRevision', 'lease']);
    expect(gridLayout(640, 320).columns).toEqual(['preview', 'size', 'version', 'modRevision']);
    expect(gridLayout(500, 320).columns).toEqual(['preview', 'size', 'version', 'modRevision']);
    expect(gridLayout(450, 320).columns).toEqual(['preview', 'size', 'modRevision']);
    expect(gridLayout(400, 320).columns).toEqual(['preview', 'size']);
    expect(gridLayout(GRID_MIN, 320).columns).toEqual(['preview']);
  });

  it.each([GRID_MIN, 300, 400, 560, 700, 900, 1400])('at %i px the columns never ask for more than the grid has', (width) => {
    for (const key of [K.min, 200, 320, 800, K.max]) {
      const g = gridLayout(width, key);
      const gaps = 8 * g.columns.length;
      expect(sum(g.template) + PREVIEW_MIN + gaps + 16 + 16, `${width}/${key}`).toBeLessThanOrEqual(Math.max(width, K.min + PREVIEW_MIN + 8 + 32));
      expect(g.key).toBeGreaterThanOrEqual(K.min);
      expect(g.key).toBeLessThanOrEqual(g.keyMax);
    }
  });

  it('the key column is held to what the grid allows, and never below its minimum', () => {
    expect(gridLayout(900, 5000).key).toBe(gridLayout(900, 5000).keyMax);
    expect(gridLayout(900, 10).key).toBe(K.min);
  });
});
