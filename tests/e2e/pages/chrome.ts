import type { Locator, Page } from '@playwright/test';

/** The toolbar buttons (one per command). */
export class Toolbar {
  constructor(private readonly page: Page) {}
  button(command: 'new-key' | 'save' | 'delete' | 'reload' | 'cluster-view' | 'leases-view'): Locator {
    return this.page.getByTestId(`tool-${command}`);
  }
}

/** The bottom bar: connection, latest message and its action, loaded / total. */
export class StatusBar {
  readonly root: Locator;
  readonly connection: Locator;
  /** How the connection is doing, in words ("Connected · 2 of 3 members"); its title says why. */
  readonly health: Locator;
  /** The connection's coloured dot; its accessible name says it in words. */
  readonly dot: Locator;
  readonly message: Locator;
  readonly action: Locator;
  readonly counts: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('status-bar');
    this.connection = page.getByTestId('status-connection');
    this.health = page.getByTestId('status-health');
    this.dot = this.connection.getByRole('img');
    this.message = page.getByTestId('status-message');
    this.action = page.getByTestId('status-action');
    this.counts = page.getByTestId('status-counts');
  }
}

export class Toasts {
  readonly all: Locator;
  constructor(page: Page) {
    this.all = page.getByTestId('toast');
  }
  withText(text: string | RegExp): Locator {
    return this.all.filter({ hasText: text });
  }
}

/** The add / edit / duplicate profile dialog. */
export class ProfileForm {
  readonly root: Locator;
  readonly name: Locator;
  readonly endpoints: Locator;
  readonly deadline: Locator;
  readonly testButton: Locator;
  readonly testResult: Locator;
  readonly saveButton: Locator;
  readonly username: Locator;
  readonly password: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('profile-form');
    this.name = this.root.getByLabel('Name', { exact: true });
    this.endpoints = this.root.getByLabel('Endpoints', { exact: true });
    this.deadline = this.root.getByLabel('Deadline', { exact: true });
    this.username = this.root.getByLabel('Username', { exact: true });
    this.password = this.root.getByLabel('Password', { exact: true });
    this.testButton = page.getByTestId('profile-test');
    this.testResult = page.getByTestId('profile-test-result');
    this.saveButton = page.getByTestId('profile-save');
  }

  /** The checkbox that agrees to send the password unencrypted over http to `hosts`. */
  plainHttpConsent(hosts: string): Locator {
    return this.root.getByRole('checkbox', { name: `Send the password unencrypted over http to ${hosts}` });
  }

  /** The mode choice (normal, production, read-only). */
  mode(mode: 'normal' | 'production' | 'read-only'): Locator {
    return this.root.getByTestId(`profile-mode-${mode}`);
  }

  async fill(p: { name: string; endpoints: readonly string[]; deadlineMs?: number; color?: string; mode?: 'normal' | 'production' | 'read-only' }): Promise<void> {
    await this.name.fill(p.name);
    await this.endpoints.fill(p.endpoints.join('\n'));
    if (p.deadlineMs !== undefined) await this.deadline.fill(String(p.deadlineMs));
    if (p.color) await this.root.getByRole('radio', { name: p.color }).click();
    if (p.mode) await this.mode(p.mode).check();
  }
}

/** The "New key" dialog. */
export class NewKeyDialog {
  readonly root: Locator;
  readonly key: Locator;
  readonly value: Locator;
  readonly create: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('new-key-dialog');
    this.key = page.getByTestId('new-key-name');
    this.value = page.getByTestId('new-key-value');
    this.create = this.root.getByRole('button', { name: 'Create' });
  }
}

/** The one confirmation dialog. */
export class ConfirmDialog {
  readonly root: Locator;
  readonly subject: Locator;
  constructor(page: Page) {
    this.root = page.getByTestId('confirm-dialog');
    this.subject = this.root.locator('.confirm-subject');
  }
  button(name: string): Locator {
    return this.root.getByRole('button', { name, exact: true });
  }
}

/** The cluster panel (members and per-endpoint status). */
export class ClusterPanel {
  readonly root: Locator;
  readonly members: Locator;
  readonly memberRows: Locator;
  readonly endpointRows: Locator;
  readonly alarms: Locator;
  readonly refresh: Locator;
  readonly back: Locator;
  /** The live charts: one card per member, named "Metrics of <endpoint>". */
  readonly metrics: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('cluster-view');
    this.metrics = this.root.getByRole('region', { name: 'Metrics' });
    this.members = page.getByTestId('cluster-members');
    this.memberRows = page.getByTestId('cluster-member');
    this.endpointRows = page.getByTestId('cluster-endpoint');
    this.alarms = page.getByTestId('cluster-alarms');
    this.refresh = this.root.getByRole('button', { name: /Refresh/ });
    this.back = this.root.getByRole('button', { name: 'Back to keys' });
  }

  /** One member's metrics card. */
  memberMetrics(endpoint: string): Locator {
    return this.metrics.getByRole('article', { name: `Metrics of ${endpoint}` });
  }

  /** A chart of a member's card by its label ("Keys", "Raft term", …); its accessible name carries the value. */
  chart(endpoint: string, label: string): Locator {
    return this.memberMetrics(endpoint).getByRole('img', { name: new RegExp(`^${label}: `) });
  }
}
