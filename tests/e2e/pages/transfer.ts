import type { Locator, Page } from '@playwright/test';

/** The Export dialog (File → Export Keys…). */
export class ExportDialogPage {
  readonly root: Locator;
  readonly prefix: Locator;
  readonly path: Locator;
  readonly submit: Locator;
  readonly result: Locator;
  readonly error: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('export-dialog');
    this.prefix = this.root.getByTestId('export-prefix');
    this.path = this.root.getByTestId('export-path');
    this.submit = this.root.getByRole('button', { name: 'Export' });
    this.result = this.root.getByTestId('export-result');
    this.error = this.root.getByTestId('transfer-error');
  }
}

/** The Import dialog (File → Import Keys…). */
export class ImportDialogPage {
  readonly root: Locator;
  readonly path: Locator;
  readonly dryRun: Locator;
  readonly apply: Locator;
  readonly plan: Locator;
  readonly result: Locator;
  readonly error: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('import-dialog');
    this.path = this.root.getByTestId('import-path');
    this.dryRun = this.root.getByTestId('import-dry-run');
    this.apply = this.root.getByTestId('import-apply');
    this.plan = this.root.getByTestId('import-plan');
    this.result = this.root.getByTestId('import-result');
    this.error = this.root.getByTestId('transfer-error');
  }

  onExisting(choice: 'keep' | 'overwrite'): Locator {
    return this.root.getByLabel(choice === 'keep' ? /keep the existing value/ : /overwrite with the file/);
  }
}
