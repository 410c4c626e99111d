import type { Locator, Page } from '@playwright/test';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The window's panes, the splitters between them, and the regions that must never overlap. */
export class Layout {
  readonly sidebar: Locator;
  readonly toolbar: Locator;
  readonly keyPane: Locator;
  readonly valuePane: Locator;
  readonly statusBar: Locator;
  readonly save: Locator;
  readonly revert: Locator;
  readonly sidebarSplitter: Locator;
  readonly valueSplitter: Locator;
  readonly keyColumnSplitter: Locator;

  constructor(private readonly page: Page) {
    this.sidebar = page.getByRole('navigation', { name: 'Connection profiles' });
    this.toolbar = page.getByRole('toolbar', { name: 'Actions', exact: true });
    this.keyPane = page.getByRole('region', { name: 'Keys' });
    this.valuePane = page.getByRole('region', { name: 'Value' });
    this.statusBar = page.getByTestId('status-bar');
    this.save = this.valuePane.getByRole('button', { name: 'Save', exact: true });
    this.revert = this.valuePane.getByRole('button', { name: 'Revert', exact: true });
    this.sidebarSplitter = page.getByRole('separator', { name: 'Sidebar width' });
    this.valueSplitter = page.getByRole('separator', { name: 'Value panel width' });
    this.keyColumnSplitter = page.getByRole('separator', { name: 'Key column width' });
  }

  /** The regions that must each be in the window and never overlap one another. */
  regions(): Record<string, Locator> {
    return {
      sidebar: this.sidebar,
      'sidebar splitter': this.sidebarSplitter,
      toolbar: this.toolbar,
      'key grid': this.keyPane,
      'value splitter': this.valueSplitter,
      'value panel': this.valuePane,
      'status bar': this.statusBar,
    };
  }

  async box(locator: Locator): Promise<Box> {
    const box = await locator.boundingBox();
    if (!box) throw new Error(`${locator.toString()} has no box (not rendered)`);
    return box;
  }

  /** A splitter's value (the width of the pane it resizes). */
  async splitterValue(splitter: Locator): Promise<number> {
    return Number(await splitter.getAttribute('aria-valuenow'));
  }

  /** Drag a splitter `dx` px to the right (negative: left) with the mouse. */
  async drag(splitter: Locator, dx: number): Promise<void> {
    const b = await this.box(splitter);
    const x = b.x + b.width / 2;
    const y = b.y + Math.min(b.height / 2, 12);
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + dx / 2, y);
    await this.page.mouse.move(x + dx, y);
    await this.page.mouse.up();
  }
}

/** Whether two boxes share any area (touching edges do not count; half a pixel of rounding is allowed). */
export function overlaps(a: Box, b: Box): boolean {
  const e = 0.5;
  return a.x + a.width - e > b.x && b.x + b.width - e > a.x && a.y + a.height - e > b.y && b.y + b.height - e > a.y;
}

export function inside(inner: Box, outer: Box): boolean {
  const e = 0.5;
  return inner.x >= outer.x - e && inner.y >= outer.y - e && inner.x + inner.width <= outer.x + outer.width + e && inner.y + inner.height <= outer.y + outer.height + e;
}
