import type { Locator, Page } from '@playwright/test';

/** The virtualized key listing with its prefix / filter controls and footer. */
export class KeyGrid {
  readonly grid: Locator;
  readonly rows: Locator;
  readonly count: Locator;
  readonly footer: Locator;
  readonly filter: Locator;
  readonly prefix: Locator;
  readonly empty: Locator;
  /** A failed listing, shown under the rows (the one place it is shown). */
  readonly error: Locator;
  /** A failed reload over a listing that stays on screen, marked stale (above the rows, the one place it is shown). */
  readonly stale: Locator;
  /** Rows not loaded yet (their page is on its way). */
  readonly placeholders: Locator;
  /** "rows x–y of N" in the footer, while not every key is loaded. */
  readonly position: Locator;

  constructor(private readonly page: Page) {
    this.grid = page.getByTestId('key-grid');
    this.rows = page.getByTestId('key-row');
    this.count = page.getByTestId('key-count');
    this.footer = page.getByTestId('grid-footer');
    this.filter = page.getByTestId('quick-filter');
    this.prefix = page.getByTestId('prefix-input');
    this.empty = page.locator('.grid-empty');
    this.error = page.getByTestId('listing-error');
    this.stale = page.getByTestId('listing-stale');
    this.placeholders = page.getByTestId('key-row-placeholder');
    this.position = page.getByTestId('grid-position');
  }

  /** Where dragging the scrollbar's thumb ends: a fraction of the scroll range (0 the top, 1 the bottom). */
  async scrollTo(fraction: number): Promise<void> {
    await this.grid.evaluate((el, f) => {
      el.scrollTop = (el.scrollHeight - el.clientHeight) * f;
    }, fraction);
  }

  /** The key cell of `key`: named by the whole key, whatever part of it fits the column. */
  keyCell(key: string): Locator {
    return this.grid.getByRole('gridcell', { name: key, exact: true });
  }

  /** The row whose key is exactly `key`. */
  row(key: string): Locator {
    return this.rows.filter({ has: this.page.getByRole('gridcell', { name: key, exact: true }) });
  }

  /** Rows whose key starts with `prefix` (by text). */
  rowsStartingWith(prefix: string): Locator {
    const re = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
    return this.rows.filter({ has: this.page.locator('.cell-key').getByText(re) });
  }

  async select(key: string): Promise<void> {
    await this.row(key).click();
  }

  /** The whole keys of the rendered rows, top to bottom (a long key's cell shows it shortened). */
  async renderedKeys(): Promise<string[]> {
    return this.rows.locator('.cell-key').evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label') ?? ''));
  }

  async applyPrefix(prefix: string): Promise<void> {
    await this.prefix.fill(prefix);
    await this.prefix.press('Enter');
  }

  /** Keyboard End in the grid: reads the last page directly, scrolls to it and selects the last key. */
  async pressEnd(): Promise<void> {
    await this.grid.focus();
    await this.grid.press('End');
  }
}
