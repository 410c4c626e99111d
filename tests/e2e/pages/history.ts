import type { Locator, Page } from '@playwright/test';

/** The value panel's History tab: versions, the diff of two picked revisions, restore. */
export class HistoryTab {
  readonly toggle: Locator;
  readonly root: Locator;
  readonly versions: Locator;
  readonly rows: Locator;
  readonly diff: Locator;
  readonly restoreDone: Locator;
  readonly restoreError: Locator;
  /** The notice that the key moved on while revisions are picked for a diff. */
  readonly behind: Locator;
  readonly compacted: Locator;
  readonly loadOlder: Locator;

  constructor(private readonly page: Page) {
    this.toggle = page.getByTestId('history-toggle');
    this.root = page.getByRole('region', { name: 'History' });
    this.versions = page.getByRole('table', { name: 'Versions' });
    this.rows = this.versions.locator('tbody tr[data-revision]');
    this.diff = page.getByTestId('history-diff');
    this.restoreDone = page.getByTestId('restore-done');
    this.restoreError = page.getByTestId('restore-error');
    this.behind = page.getByTestId('history-behind');
    this.compacted = page.getByTestId('history-compacted');
    this.loadOlder = page.getByTestId('history-load-older');
  }

  compare(revision: number): Locator {
    return this.versions.getByRole('checkbox', { name: `Compare revision ${revision}`, exact: true });
  }

  restore(revision: number): Locator {
    return this.versions.getByRole('button', { name: `Restore revision ${revision}`, exact: true });
  }

  /** One side of the diff by its revision (CodeMirror content named "Value at revision N"). */
  side(revision: number): Locator {
    return this.diff.getByLabel(`Value at revision ${revision}`, { exact: true });
  }
}

/** "Recently deleted": the revision to start after, the deleted keys, undelete. */
export class DeletedPanel {
  readonly open: Locator;
  readonly root: Locator;
  readonly since: Locator;
  readonly show: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly error: Locator;

  constructor(private readonly page: Page) {
    this.open = page.getByTestId('tool-deleted-view');
    this.root = page.getByRole('region', { name: 'Recently deleted' });
    this.since = this.root.getByRole('spinbutton', { name: 'Deleted after revision' });
    this.show = this.root.getByRole('button', { name: 'Show', exact: true });
    this.table = this.root.getByRole('table', { name: 'Deleted keys' });
    this.rows = this.table.getByTestId('deleted-row');
    this.error = page.getByTestId('deleted-error');
  }

  row(key: string): Locator {
    return this.rows.filter({ has: this.page.locator('td:first-child').getByText(key, { exact: true }) });
  }

  restore(key: string): Locator {
    return this.table.getByRole('button', { name: `Restore ${key}`, exact: true });
  }
}
