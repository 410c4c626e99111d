import type { Locator, Page } from '@playwright/test';

/** The audit trail view: its filters, entries and the restore action. */
export class AuditView {
  readonly root: Locator;
  readonly rows: Locator;
  readonly refresh: Locator;
  readonly close: Locator;
  readonly operation: Locator;
  readonly keyContains: Locator;
  readonly outcome: Locator;
  readonly apply: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('audit-view');
    this.rows = page.getByTestId('audit-row');
    this.refresh = this.root.getByRole('button', { name: 'Refresh' });
    this.close = this.root.getByRole('button', { name: 'Close' });
    this.operation = page.getByTestId('audit-filter-operation');
    this.keyContains = page.getByTestId('audit-filter-key');
    this.outcome = page.getByTestId('audit-filter-outcome');
    this.apply = this.root.getByRole('button', { name: 'Apply', exact: true });
  }

  /** The toolbar button that opens (or closes) the view. */
  toolbarButton(): Locator {
    return this.page.getByTestId('tool-audit-view');
  }

  /** Entries of one operation, newest first. */
  rowsOf(operation: string): Locator {
    return this.page.locator(`[data-testid="audit-row"][data-operation="${operation}"]`);
  }

  restore(row: Locator): Locator {
    return row.getByTestId('audit-restore');
  }

  restoreResult(row: Locator): Locator {
    return row.getByTestId('audit-restore-result');
  }
}
