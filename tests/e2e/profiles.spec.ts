import { expect, test } from './support/fixtures';
import { seedKeys } from './support/etcd-helpers';

test.describe('profiles', () => {
  test('first run shows only the Local profile and nothing is connected', async ({ launch, ui }) => {
    const app = await launch();
    await expect(ui.sidebar.profiles).toHaveCount(1);
    await expect(ui.sidebar.profile('Local')).toBeVisible();
    await expect(ui.sidebar.profile('Local').locator('.profile-endpoint')).toHaveText('http://127.0.0.1:2379');
    expect(await ui.sidebar.names()).toEqual(['Local']);
    await expect(ui.status.connection).toHaveText('Not connected');
    await expect(ui.status.counts).toHaveCount(0);
    await expect(ui.grid.empty).toHaveText('Pick a connection on the left.');
    // Nothing dialled etcd on its own: a first run only lists profiles.
    expect(app.calls.filter((c) => c.startsWith('connection:') || c.startsWith('kv:'))).toEqual([]);
  });

  test('add a profile with the form, test it, save it, connect and see the keys', async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    await seedKeys(etcd, Array.from({ length: 42 }, (_, i) => [`/app/item-${String(i).padStart(2, '0')}`, `value ${i}`] as const));
    await launch();

    await ui.sidebar.addButton.click();
    await expect(ui.profileForm.root).toBeVisible();
    await ui.profileForm.fill({ name: 'test cluster', endpoints: etcd.endpoints, deadlineMs: 3000 });

    await ui.profileForm.testButton.click();
    await expect(ui.profileForm.testResult).toHaveClass(/ok/);
    await expect(ui.profileForm.testResult).toHaveText(
      new RegExp(`^Connected to etcd 3\\.\\d+\\.\\d+ at ${etcd.endpoints[0].replace(/[.:/]/g, '\\$&')} in \\d+ ms`),
    );

    await ui.profileForm.saveButton.click();
    await expect(ui.profileForm.root).toHaveCount(0);
    expect(await ui.sidebar.names()).toEqual(['Local', 'test cluster']);
    await expect(ui.sidebar.profile('test cluster').locator('.profile-endpoint')).toHaveText(etcd.endpoints[0]);

    await ui.sidebar.connect('test cluster');
    await expect(ui.grid.count).toHaveText('42 keys');
    await expect(ui.grid.row('/app/item-00')).toBeVisible();
    // Virtualized: only what fits (plus overscan) is rendered, in key order.
    expect((await ui.grid.renderedKeys()).slice(0, 3)).toEqual(['/app/item-00', '/app/item-01', '/app/item-02']);
    await expect(ui.status.connection).toContainText('Connected');
    await expect(ui.status.counts).toHaveText('42 / 42 keys');
    await expect(ui.sidebar.state('test cluster')).toHaveAttribute('aria-label', 'Connected');
    // The preview column shows the value.
    await expect(ui.grid.row('/app/item-07').locator('.cell-preview')).toHaveText('value 7');
  });

  test('a failing connection test says why and saves nothing', async ({ launch, ui }) => {
    await launch();
    await ui.sidebar.addButton.click();
    // Port 1 on loopback refuses connections: the answer comes fast and names the problem.
    await ui.profileForm.fill({ name: 'nowhere', endpoints: ['http://127.0.0.1:1'], deadlineMs: 1500 });
    await ui.profileForm.testButton.click();
    await expect(ui.profileForm.testResult).toHaveClass(/fail/);
    await expect(ui.profileForm.testResult).toContainText(/unreachable|deadline/i);
    await ui.page.keyboard.press('Escape');
    await expect(ui.profileForm.root).toHaveCount(0);
    expect(await ui.sidebar.names()).toEqual(['Local']);
  });

  test('a password over plain http to another machine: the form asks for consent first, next to the password', async ({ launch, ui }) => {
    const app = await launch();
    await ui.sidebar.addButton.click();
    // 10.0.0.5 is never dialled: the form stops before anything is sent.
    await ui.profileForm.fill({ name: 'remote', endpoints: ['http://10.0.0.5:2379'], deadlineMs: 1000 });
    await ui.profileForm.username.fill('root');
    await ui.profileForm.password.fill('s3cret');
    const consent = ui.profileForm.plainHttpConsent('10.0.0.5');
    await expect(consent).toBeVisible();
    await expect(consent).not.toBeChecked();

    await ui.profileForm.testButton.click();
    const error = ui.profileForm.root.getByRole('alert').filter({ hasText: 'Tick the box to send the password unencrypted' });
    await expect(error).toBeVisible();
    await ui.profileForm.saveButton.click();
    await expect(ui.profileForm.root).toBeVisible();
    expect(app.calls.filter((c) => c === 'profiles:test' || c === 'profiles:save')).toEqual([]);
    // The error sits with the checkbox, in the password field.
    const field = ui.profileForm.password.locator('xpath=ancestor::*[contains(@class, "field-control")][1]');
    await expect(field.getByRole('alert')).toHaveText(/Tick the box/);

    // Loopback needs no consent; back to the remote host, it is asked again.
    await ui.profileForm.endpoints.fill('http://127.0.0.1:2379');
    await expect(ui.profileForm.root.getByRole('checkbox', { name: /Send the password unencrypted/ })).toHaveCount(0);
    await ui.profileForm.endpoints.fill('http://10.0.0.5:2379');
    await consent.check();
    await expect(error).toHaveCount(0);
    await ui.profileForm.saveButton.click();
    await expect(ui.profileForm.root).toHaveCount(0);
    expect(await ui.sidebar.names()).toEqual(['Local', 'remote']);
    expect(app.calls.filter((c) => c === 'profiles:save')).toEqual(['profiles:save']);
  });
});
