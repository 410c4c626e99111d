import type { Locator, Page } from '@playwright/test';

/** The Users & roles view (from the cluster view): users, roles, the auth switch, the dialogs. */
export class AccessView {
  readonly root: Locator;
  readonly openButton: Locator;
  readonly users: Locator;
  readonly roles: Locator;
  readonly addUserButton: Locator;
  readonly addRoleButton: Locator;
  readonly auth: Locator;
  readonly error: Locator;
  readonly dialog: {
    readonly root: Locator;
    readonly name: Locator;
    readonly password: Locator;
    readonly passwordAgain: Locator;
    readonly role: Locator;
    readonly permission: Locator;
    readonly scope: Locator;
    readonly prefix: Locator;
    readonly submit: Locator;
    readonly cancel: Locator;
    readonly error: Locator;
  };

  constructor(page: Page) {
    this.root = page.getByTestId('access-view');
    this.openButton = page.getByTestId('open-access-view');
    this.users = page.getByTestId('access-users');
    this.roles = page.getByTestId('access-roles');
    this.addUserButton = page.getByTestId('access-add-user');
    this.addRoleButton = page.getByTestId('access-add-role');
    this.auth = page.getByTestId('access-auth');
    this.error = page.getByTestId('access-error');
    const d = page.getByTestId('access-dialog');
    this.dialog = {
      root: d,
      name: d.getByLabel('Name', { exact: true }),
      password: d.getByLabel(/^(New )?[Pp]assword$/),
      passwordAgain: d.getByLabel('Password again'),
      role: d.getByLabel('Role', { exact: true }),
      permission: d.getByLabel('Permission', { exact: true }),
      scope: d.getByLabel('On', { exact: true }),
      prefix: d.getByLabel('Prefix', { exact: true }),
      submit: d.getByTestId('access-submit'),
      cancel: d.getByRole('button', { name: 'Cancel' }),
      error: d.getByTestId('access-dialog-error'),
    };
  }

  user(name: string): Locator {
    return this.root.locator(`[data-testid="access-user"][data-name="${name}"]`);
  }

  role(name: string): Locator {
    return this.root.locator(`[data-testid="access-role"][data-name="${name}"]`);
  }
}
