import type { Locator, Page } from '@playwright/test';

/** The Search view (Ctrl/Cmd+Shift+F) and the command palette (Ctrl/Cmd+K). */
export class SearchPanel {
  readonly view: Locator;
  readonly query: Locator;
  readonly prefix: Locator;
  readonly regex: Locator;
  readonly inValues: Locator;
  readonly start: Locator;
  readonly cancel: Locator;
  readonly progress: Locator;
  readonly results: Locator;
  readonly palette: Locator;
  readonly paletteInput: Locator;
  readonly paletteOptions: Locator;

  constructor(readonly page: Page) {
    this.view = page.getByTestId('search-view');
    this.query = page.getByRole('textbox', { name: 'Search for' });
    this.prefix = page.getByRole('textbox', { name: 'Search under prefix' });
    this.regex = page.getByRole('checkbox', { name: 'Regular expression' });
    this.inValues = page.getByRole('checkbox', { name: 'Also in values' });
    this.start = this.view.getByRole('button', { name: 'Search', exact: true });
    this.cancel = this.view.getByRole('button', { name: 'Cancel', exact: true });
    this.progress = page.getByTestId('search-progress');
    this.results = page.getByRole('list', { name: 'Search results' }).getByRole('listitem');
    this.palette = page.getByRole('dialog', { name: 'Command palette' });
    this.paletteInput = this.palette.getByRole('combobox');
    this.paletteOptions = this.palette.getByRole('option');
  }

  async openView(): Promise<void> {
    await this.page.keyboard.press('Control+Shift+F');
  }

  result(key: string): Locator {
    return this.view.getByRole('button', { name: `Open ${key}`, exact: true });
  }

  /** Ctrl+K, type, pick the option with this label, Enter. */
  async palettePick(text: string, option: string): Promise<void> {
    await this.page.keyboard.press('Control+K');
    await this.paletteInput.fill(text);
    const options = await this.paletteOptions.allTextContents();
    const at = options.findIndex((o) => o.startsWith(option));
    if (at < 0) throw new Error(`no palette option "${option}" in ${JSON.stringify(options)}`);
    for (let i = 0; i < at; i++) await this.paletteInput.press('ArrowDown');
    await this.paletteInput.press('Enter');
  }
}
