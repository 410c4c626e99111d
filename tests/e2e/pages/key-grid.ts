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

  constructor(private readonly page: Page) {
    this.grid = page.getByTestId('key-grid');
    this.rows = page.getByTestId('key-row');
    this.count = page.getByTestId('key-count');
    this.footer = page.getByTestId('grid-footer');
    this.filter = page.getByTestId('quick-filter');
    this.prefix = page.getByTestId('prefix-input');
    this.empty = page.locator('.grid-empty');
  }

  /** The row whose key is exactly `key`. */
  row(key: string): Locator {
    return this.rows.filter({ has: this.page.locator('.cell-key').getByText(key, { exact: true }) });
  }

  /** Rows whose key starts with `prefix` (by text). */
  rowsStartingWith(prefix: string): Locator {
    const re = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
    return this.rows.filter({ has: this.page.locator('.cell-key').getByText(re) });
  }

  async select(key: string): Promise<void> {
    await this.row(key).click();
  }

  /** The key texts of the rendered rows, top to bottom. */
  async renderedKeys(): Promise<string[]> {
    return this.rows.locator('.cell-key').allTextContents();
  }

  async applyPrefix(prefix: string): Promise<void> {
    await this.prefix.fill(prefix);
    await this.prefix.press('Enter');
  }

  /** Keyboard End in the grid: selects the last loaded row and scrolls to it (more pages follow). */
  async pressEnd(): Promise<void> {
    await this.grid.focus();
    await this.grid.press('End');
  }
}
