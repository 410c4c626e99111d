/**
 * Which rows of a fixed-height list are on screen, for a scroll position: the grid's virtualizer.
 *
 * Written by hand instead of @tanstack/react-virtual because the grid's row count is the whole
 * keyspace under the prefix, not the loaded rows: the library keeps one measurement object per
 * row and rebuilds them when the count changes (measured here with @tanstack/virtual-core 3:
 * 67 ms and 1,000,000 objects for a count change at 1,000,000 rows, 9.5 ms at 100,000), while
 * rows of one height need only arithmetic, O(rows on screen) whatever the count.
 *
 * Past the tallest element a browser lays out (Chromium: about 33.5M px) the scrollable height is
 * capped at MAX_SCROLL_PX and positions are scaled: the thumb then moves in steps of more than a
 * row, and the grid says which rows it shows.
 */

/** The tallest scroll height used, px; below Chromium's limit (2^25 px ≈ 33.5M) with room to spare. */
export const MAX_SCROLL_PX = 30_000_000;

export interface RowWindowInput {
  readonly count: number;
  readonly rowHeight: number;
  /** The scroll container's scrollTop and clientHeight, px. */
  readonly scrollTop: number;
  readonly viewport: number;
  /** Rows rendered beyond each edge of the screen. */
  readonly overscan: number;
  /** For tests; MAX_SCROLL_PX otherwise. */
  readonly maxPx?: number;
}

export interface RowWindow {
  /** The height to give the scrolled content, px. */
  readonly height: number;
  /** Positions are scaled (the list is taller than `maxPx`). */
  readonly scaled: boolean;
  /** First and last row to render (inclusive; last < first when there are none). */
  readonly first: number;
  readonly last: number;
  /** First and last row at least partly on screen. */
  readonly firstVisible: number;
  readonly lastVisible: number;
  /** Where row `i` goes in the scrolled content, px (for rendered rows). */
  top(i: number): number;
}

/** The list's virtual height minus what one screen shows, against the same for the scroll element. */
function ratio(count: number, rowHeight: number, viewport: number, height: number): number {
  const virtualRange = count * rowHeight - viewport;
  const realRange = height - viewport;
  return realRange > 0 && virtualRange > realRange ? virtualRange / realRange : 1;
}

export function rowWindow(p: RowWindowInput): RowWindow {
  const maxPx = p.maxPx ?? MAX_SCROLL_PX;
  const full = p.count * p.rowHeight;
  const height = Math.min(full, maxPx);
  const scaled = full > maxPx;
  const r = scaled ? ratio(p.count, p.rowHeight, p.viewport, height) : 1;
  const scrollTop = Math.max(0, Math.min(p.scrollTop, Math.max(0, height - p.viewport)));
  // The virtual offset of the screen's top edge; rows are placed relative to the real scrollTop.
  const virtualTop = scrollTop * r;
  if (p.count === 0) return { height: 0, scaled: false, first: 0, last: -1, firstVisible: 0, lastVisible: -1, top: () => 0 };
  const firstVisible = Math.min(p.count - 1, Math.floor(virtualTop / p.rowHeight));
  const lastVisible = Math.min(p.count - 1, Math.max(firstVisible, Math.ceil((virtualTop + p.viewport) / p.rowHeight) - 1));
  const first = Math.max(0, firstVisible - p.overscan);
  const last = Math.min(p.count - 1, lastVisible + p.overscan);
  return {
    height,
    scaled,
    first,
    last,
    firstVisible,
    lastVisible,
    top: (i) => scrollTop + (i * p.rowHeight - virtualTop),
  };
}

/**
 * The scrollTop that shows row `i`: 'start' puts it at the top, 'end' at the bottom, 'auto' moves
 * only as far as needed from `current` (keyboard navigation).
 */
export function scrollTopFor(
  i: number,
  align: 'start' | 'end' | 'auto',
  p: Pick<RowWindowInput, 'count' | 'rowHeight' | 'viewport' | 'maxPx'> & { readonly current: number },
): number {
  const maxPx = p.maxPx ?? MAX_SCROLL_PX;
  const height = Math.min(p.count * p.rowHeight, maxPx);
  const r = p.count * p.rowHeight > maxPx ? ratio(p.count, p.rowHeight, p.viewport, height) : 1;
  const rowTop = i * p.rowHeight;
  const rowBottom = rowTop + p.rowHeight;
  const virtualTop = p.current * r;
  let wanted: number;
  if (align === 'start') wanted = rowTop;
  else if (align === 'end') wanted = rowBottom - p.viewport;
  else if (rowTop < virtualTop) wanted = rowTop;
  else if (rowBottom > virtualTop + p.viewport) wanted = rowBottom - p.viewport;
  else return p.current;
  return Math.max(0, Math.min(height - p.viewport, wanted / r));
}
