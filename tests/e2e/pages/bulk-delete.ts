import type { Locator, Page } from '@playwright/test';

/** The bulk bar above the grid and the bulk Delete dialog. */
export class BulkDeletePage {
  readonly bar: Locator;
  readonly selectedCount: Locator;
  readonly deleteSelection: Locator;
  readonly deletePrefix: Locator;
  readonly dialog: Locator;
  readonly count: Locator;
  readonly profile: Locator;
  readonly typed: Locator;
  readonly submit: Locator;
  readonly error: Locator;
  readonly report: Locator;
  readonly deleted: Locator;
  readonly undo: Locator;
  readonly undoReport: Locator;
  readonly close: Locator;

  constructor(page: Page) {
    this.bar = page.getByTestId('bulk-bar');
    this.selectedCount = page.getByTestId('bulk-selected-count');
    this.deleteSelection = page.getByTestId('bulk-delete-selection');
    this.deletePrefix = page.getByTestId('bulk-delete-prefix');
    this.dialog = page.getByTestId('bulk-delete-dialog');
    this.count = page.getByTestId('bulk-delete-count');
    this.profile = page.getByTestId('bulk-delete-profile');
    this.typed = page.getByTestId('bulk-delete-typed');
    this.submit = page.getByTestId('bulk-delete-submit');
    this.error = page.getByTestId('bulk-delete-error');
    this.report = page.getByTestId('bulk-delete-report');
    this.deleted = page.getByTestId('bulk-delete-deleted');
    this.undo = page.getByTestId('bulk-undo');
    this.undoReport = page.getByTestId('bulk-undo-report');
    this.close = this.dialog.getByRole('button', { name: 'Close' });
  }
}
