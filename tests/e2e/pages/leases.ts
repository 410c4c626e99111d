import type { Locator, Page } from '@playwright/test';

/** The leases view: the table, its row actions, the grant dialog. */
export class LeasesView {
  readonly root: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly grantButton: Locator;
  readonly refresh: Locator;
  readonly close: Locator;
  readonly actionError: Locator;
  readonly grant: { readonly root: Locator; readonly ttl: Locator; readonly id: Locator; readonly submit: Locator };

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('leases-view');
    this.table = page.getByTestId('leases-table');
    this.rows = page.getByTestId('lease-row');
    this.grantButton = this.root.getByRole('button', { name: 'Grant lease…' });
    this.refresh = this.root.getByRole('button', { name: 'Refresh' });
    this.close = this.root.getByRole('button', { name: 'Close' });
    this.actionError = page.getByTestId('lease-action-error');
    const dialog = page.getByTestId('lease-grant-dialog');
    this.grant = {
      root: dialog,
      ttl: dialog.getByLabel('TTL (seconds)'),
      id: dialog.getByLabel(/^Id/),
      submit: dialog.getByRole('button', { name: 'Grant', exact: true }),
    };
  }

  /** The toolbar button that opens (or closes) the view. */
  toolbarButton(): Locator {
    return this.page.getByTestId('tool-leases-view');
  }

  /** The row of a lease, by its hex id (as etcdctl prints it). */
  row(hex: string): Locator {
    return this.page.getByRole('row', { name: `Lease ${hex}`, exact: true });
  }

  remaining(hex: string): Locator {
    return this.row(hex).getByTestId('lease-remaining');
  }

  revoke(hex: string): Locator {
    return this.page.getByRole('button', { name: `Revoke lease ${hex}`, exact: true });
  }

  keepAliveOnce(hex: string): Locator {
    return this.page.getByRole('button', { name: `Keep lease ${hex} alive once`, exact: true });
  }

  keepAlive(hex: string): Locator {
    return this.page.getByRole('checkbox', { name: `Keep lease ${hex} alive`, exact: true });
  }
}

/** The lease choice field of a write (New Key, the editor). */
export class LeaseChoice {
  readonly mode: Locator;
  readonly id: Locator;
  readonly ttl: Locator;
  constructor(scope: Locator) {
    this.mode = scope.getByRole('combobox', { name: 'Lease choice' });
    this.id = scope.getByRole('textbox', { name: 'Lease id' });
    this.ttl = scope.getByRole('textbox', { name: 'New lease TTL (seconds)' });
  }
}
