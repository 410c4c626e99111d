import type { Locator, Page } from '@playwright/test';

/** The grid row's context menu (right-click a key): Rename… and Copy…. */
export class KeyMenuPage {
  constructor(private readonly page: Page) {}

  /** The menu opened on `key`. */
  menu(key: string): Locator {
    return this.page.getByRole('menu', { name: `Actions for ${key}`, exact: true });
  }

  item(key: string, name: 'Rename…' | 'Copy…'): Locator {
    return this.menu(key).getByRole('menuitem', { name, exact: true });
  }
}

/** The bulk bar's Copy / Move actions (for the selection, or the whole prefix). */
export class BulkCopyActions {
  readonly bar: Locator;
  readonly copySelection: Locator;
  readonly moveSelection: Locator;
  readonly copyPrefix: Locator;
  readonly movePrefix: Locator;

  constructor(page: Page) {
    this.bar = page.getByRole('toolbar', { name: 'Bulk actions' });
    this.copySelection = this.bar.getByRole('button', { name: 'Copy…', exact: true });
    this.moveSelection = this.bar.getByRole('button', { name: 'Move…', exact: true });
    this.copyPrefix = this.bar.getByRole('button', { name: 'Copy prefix…', exact: true });
    this.movePrefix = this.bar.getByRole('button', { name: 'Move prefix…', exact: true });
  }
}

/** The Copy / Move / Rename dialog (bulk:copy): the draft, then the report. */
export class CopyDialogPage {
  readonly root: Locator;
  readonly title: Locator;
  /** "Target prefix", or "New key name" when renaming or copying one key. */
  readonly target: Locator;
  readonly targetProfile: Locator;
  readonly overwrite: Locator;
  readonly summary: Locator;
  readonly report: Locator;
  readonly copied: Locator;
  readonly moved: Locator;
  readonly targetExists: Locator;
  readonly sourceChanged: Locator;
  readonly failed: Locator;
  readonly error: Locator;
  readonly close: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('copy-dialog');
    this.title = this.root.getByRole('heading');
    this.target = this.root.getByRole('textbox', { name: /^(Target prefix|New key name)$/ });
    this.targetProfile = this.root.getByRole('combobox', { name: 'Target profile' });
    this.overwrite = this.root.getByRole('checkbox', { name: 'Overwrite keys that exist at the target' });
    this.summary = this.root.getByTestId('copy-summary');
    this.report = this.root.getByRole('status', { name: /report$/ });
    this.copied = this.report.getByTestId('copy-report-copied');
    this.moved = this.report.getByTestId('copy-report-moved');
    this.targetExists = this.report.getByTestId('copy-report-exists');
    this.sourceChanged = this.report.getByTestId('copy-report-changed');
    this.failed = this.report.getByTestId('copy-report-failed');
    this.error = this.root.getByTestId('copy-error');
    this.close = this.root.getByRole('button', { name: 'Close', exact: true });
  }

  /** The button that starts the job, named by its verb (Copy, Move, Rename). */
  submit(verb: 'Copy' | 'Move' | 'Rename'): Locator {
    return this.root.getByRole('button', { name: verb, exact: true });
  }
}
