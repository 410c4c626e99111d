/**
 * The window's pane sizes: what people chose with the splitters (remembered across restarts),
 * and what of it fits the window right now. Pure, so every size rule is tested without layout.
 *
 * A remembered size is a wish, not a promise: a window smaller than the one it was chosen in
 * squeezes the panes, never below their minimums, so no pane is ever pushed out of sight.
 */

export interface PaneSizes {
  /** Width of the connections sidebar, px. */
  readonly sidebar: number;
  /** Width of the value panel, px. */
  readonly value: number;
  /** Width of the grid's key column, px. */
  readonly keyColumn: number;
}

export type Pane = keyof PaneSizes;

export const PANE_LIMITS: Readonly<Record<Pane, { readonly min: number; readonly max: number; readonly default: number }>> = {
  sidebar: { min: 140, max: 420, default: 220 },
  value: { min: 260, max: 1400, default: 400 },
  keyColumn: { min: 120, max: 1600, default: 320 },
};

export const DEFAULT_PANES: PaneSizes = {
  sidebar: PANE_LIMITS.sidebar.default,
  value: PANE_LIMITS.value.default,
  keyColumn: PANE_LIMITS.keyColumn.default,
};

/** The key grid never gets narrower than this (its controls, the key column and a preview). */
export const GRID_MIN = 240;
/** Width of each of the two splitters between the panes. */
export const SPLITTER = 5;

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

/** One remembered size, whatever was stored: a number within the pane's limits, or its default. */
export function sanePane(pane: Pane, raw: unknown): number {
  const { min, max, default: fallback } = PANE_LIMITS[pane];
  return typeof raw === 'number' && Number.isFinite(raw) ? Math.round(clamp(raw, min, max)) : fallback;
}

/** Pane sizes from what localStorage held (anything, or nothing): never throws. */
export function parsePanes(stored: string | null): PaneSizes {
  let raw: Record<string, unknown> = {};
  try {
    const parsed: unknown = stored ? JSON.parse(stored) : null;
    if (parsed && typeof parsed === 'object') raw = parsed as Record<string, unknown>;
  } catch {
    // A corrupt entry means defaults, not a broken window.
  }
  return { sidebar: sanePane('sidebar', raw.sidebar), value: sanePane('value', raw.value), keyColumn: sanePane('keyColumn', raw.keyColumn) };
}

export interface FittedPanes {
  readonly sidebar: number;
  readonly grid: number;
  readonly value: number;
  /** How far each splitter may go right now (the other pane kept as it is). */
  readonly sidebarMax: number;
  readonly valueMax: number;
}

/**
 * The sizes the panes get in a window `width` px wide. When the remembered sidebar and value
 * panel leave the grid less than GRID_MIN, both give up room in proportion to what they have
 * above their minimums. Below the smallest window the three minimums need, all sit at minimum.
 */
export function fitPanes(prefs: PaneSizes, width: number): FittedPanes {
  const S = PANE_LIMITS.sidebar;
  const V = PANE_LIMITS.value;
  const room = Math.max(0, width - 2 * SPLITTER - GRID_MIN);
  let sidebar = clamp(prefs.sidebar, S.min, S.max);
  let value = clamp(prefs.value, V.min, V.max);
  const over = sidebar + value - room;
  if (over > 0) {
    const spareSidebar = sidebar - S.min;
    const spareValue = value - V.min;
    const spare = spareSidebar + spareValue;
    if (spare <= over) {
      sidebar = S.min;
      value = V.min;
    } else {
      sidebar -= (over * spareSidebar) / spare;
      value -= (over * spareValue) / spare;
    }
  }
  // Rounding down keeps the grid at or above its minimum.
  sidebar = Math.floor(sidebar);
  value = Math.floor(value);
  return {
    sidebar,
    value,
    grid: Math.max(0, width - 2 * SPLITTER - sidebar - value),
    sidebarMax: Math.max(S.min, Math.min(S.max, room - value)),
    valueMax: Math.max(V.min, Math.min(V.max, room - sidebar)),
  };
}

/** The grid's columns after the key: id, fixed width (the preview takes what is left). */
export type GridColumn = 'preview' | 'size' | 'version' | 'modRevision' | 'lease';

const NUMERIC: readonly { readonly id: GridColumn; readonly width: number }[] = [
  { id: 'size', width: 64 },
  { id: 'version', width: 40 },
  { id: 'modRevision', width: 64 },
  { id: 'lease', width: 176 },
];
/** Which numeric columns a narrower grid drops first (the least telling first). */
const DROP_ORDER: readonly GridColumn[] = ['lease', 'version', 'modRevision', 'size'];

export const PREVIEW_MIN = 60;
/** Row padding (8 px each side), a vertical scrollbar, and the gap after each column. */
const ROW_PADDING = 16;
const SCROLLBAR = 16;
const COLUMN_GAP = 8;

export interface GridLayout {
  /** The key column as shown, px. */
  readonly key: number;
  /** The largest key column the grid allows at this width. */
  readonly keyMax: number;
  readonly columns: readonly GridColumn[];
  /** CSS grid-template-columns for the header and every row. */
  readonly template: string;
}

/**
 * The grid's columns for a grid `width` px wide and the remembered key column width. Numeric
 * columns are dropped, least telling first, while the key column would get less than it asks
 * for (down to its minimum) with them; the key column never squeezes the preview below PREVIEW_MIN.
 */
export function gridLayout(width: number, keyColumn: number): GridLayout {
  const K = PANE_LIMITS.keyColumn;
  const usable = width - ROW_PADDING - SCROLLBAR;
  const wanted = clamp(keyColumn, K.min, K.max);
  const keyRoom = (cols: readonly { width: number }[]) =>
    usable - PREVIEW_MIN - COLUMN_GAP - cols.reduce((sum, c) => sum + c.width + COLUMN_GAP, 0);
  let numeric = NUMERIC;
  for (const drop of DROP_ORDER) {
    if (keyRoom(numeric) >= Math.min(wanted, K.min + 60)) break;
    numeric = numeric.filter((c) => c.id !== drop);
  }
  const keyMax = Math.max(K.min, Math.floor(keyRoom(numeric)));
  const key = Math.round(clamp(wanted, K.min, keyMax));
  return {
    key,
    keyMax,
    columns: ['preview', ...numeric.map((c) => c.id)],
    template: [`${key}px`, `minmax(${PREVIEW_MIN}px, 1fr)`, ...numeric.map((c) => `${c.width}px`)].join(' '),
  };
}
