import type { Locator, Page } from '@playwright/test';

/** The sidebar's folder tree and the grid's breadcrumbs. */
export class FolderTreePanel {
  readonly toggle: Locator;
  readonly tree: Locator;
  readonly delimiter: Locator;
  readonly breadcrumbs: Locator;

  constructor(page: Page) {
    this.toggle = page.getByTestId('tree-toggle');
    this.tree = page.getByRole('tree', { name: 'Folder tree' });
    this.delimiter = page.getByRole('textbox', { name: 'Folder delimiter' });
    this.breadcrumbs = page.getByRole('navigation', { name: 'Prefix path' });
  }

  /** A tree item (folder or key) by its name under its parent. */
  item(name: string): Locator {
    return this.tree.getByRole('treeitem', { name, exact: true });
  }

  /** Expand or collapse a folder with its twisty. */
  twisty(name: string): Locator {
    return this.item(name).getByRole('button', { name: new RegExp(`^(Expand|Collapse) ${escape(name)}$`) }).first();
  }

  /** The folder's or key's label: a folder opens in the grid, a key in the value panel. */
  open(name: string): Locator {
    return this.item(name).getByRole('button', { name, exact: true }).first();
  }

  crumb(label: string): Locator {
    return this.breadcrumbs.getByRole('button', { name: label, exact: true });
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
