/**
 * Profile modes through the UI against a real etcd: a read-only profile (chosen in the profile
 * form) shows its badge and offers no write, and nothing is written; a production profile frames
 * the window, and a save asks for the profile's name typed: cancelled or not yet right, nothing
 * lands; with the name, the save lands.
 */
import { expect, test } from './support/fixtures';
import { etcdText, saveProfile, seedKeys } from './support/etcd-helpers';
import { BulkDeletePage } from './pages/bulk-delete';
import { ModesPage } from './pages/modes';

test('read-only profile: badges, write actions disabled with the reason, nothing written', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  await seedKeys(etcd, [['ro/a', 'value a']]);
  await launch();
  const modes = new ModesPage(ui.page);

  await ui.sidebar.addButton.click();
  await ui.profileForm.fill({ name: 'archive', endpoints: etcd.endpoints, deadlineMs: 3000, mode: 'read-only' });
  await expect(ui.profileForm.root).toContainText('Nothing can be written');
  await ui.profileForm.saveButton.click();
  await expect(ui.profileForm.root).toHaveCount(0);
  await expect(modes.sidebarBadge('archive')).toHaveText('READ-ONLY');

  await ui.sidebar.connect('archive');
  await expect(modes.toolbarBadge).toHaveText('READ-ONLY');
  await expect(modes.appRoot).toHaveAttribute('data-mode', 'read-only');
  await ui.grid.select('ro/a');
  await expect.poll(() => ui.value.text()).toBe('value a');

  for (const command of ['new-key', 'save', 'delete'] as const) {
    await expect(ui.toolbar.button(command)).toBeDisabled();
    await expect(ui.toolbar.button(command)).toHaveAttribute('title', /read-only profile/);
  }
  await expect(ui.toolbar.button('reload')).toBeEnabled();
  const bulk = new BulkDeletePage(ui.page);
  await expect(bulk.deletePrefix).toBeDisabled();
  await expect(bulk.deletePrefix).toHaveAttribute('title', /read-only profile/);

  // Typing and the shortcuts change nothing in etcd.
  await ui.value.typeAtEnd(' edited');
  await expect(ui.value.saveButton).toBeDisabled();
  await ui.value.saveWithShortcut();
  await ui.grid.select('ro/a');
  await ui.page.keyboard.press('Delete');
  await expect(ui.confirm.root).toHaveCount(0);
  await expect(ui.status.message).toContainText('read-only');

  await ui.toolbar.button('leases-view').click();
  await expect(ui.page.getByTestId('lease-grant')).toBeDisabled();
  await expect(ui.page.getByTestId('lease-grant')).toHaveAttribute('title', /read-only profile/);
  expect(await etcdText(etcd, 'ro/a')).toBe('value a');
});

test('production profile: the window is framed, and a save lands only after the profile name is typed', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  await seedKeys(etcd, [['prod/config', 'v1']]);
  const app = await launch();
  await saveProfile(app, { name: 'Prod EU', endpoints: etcd.endpoints, color: '#8e4ec6', mode: 'production' });
  await ui.page.reload();
  const modes = new ModesPage(ui.page);
  await expect(modes.sidebarBadge('Prod EU')).toHaveText('PRODUCTION');
  await ui.sidebar.connect('Prod EU');
  await expect(modes.toolbarBadge).toHaveText('PRODUCTION');
  await expect(modes.appRoot).toHaveClass(/mode-production/);
  expect(await modes.frameColor()).toBe('rgb(142, 78, 198)'); // the profile's colour

  await ui.grid.select('prod/config');
  await expect.poll(() => ui.value.text()).toBe('v1');
  await ui.value.replaceWith('v2');
  await ui.value.saveButton.click();

  await expect(modes.confirmDialog).toBeVisible();
  await expect(modes.confirmDialog).toContainText('Prod EU');
  await expect(modes.confirmDialog).toContainText(etcd.endpoints[0]);
  await expect(modes.confirmOperation).toHaveText('Save the key “prod/config”');
  await expect(modes.confirmOk).toBeDisabled();
  await modes.confirmInput.fill('prod eu');
  await expect(modes.confirmOk).toBeDisabled();

  // Cancelled: nothing written, no error, the draft kept.
  await modes.confirmCancel.click();
  await expect(modes.confirmDialog).toHaveCount(0);
  expect(await etcdText(etcd, 'prod/config')).toBe('v1');
  await expect(ui.value.error).toHaveCount(0);
  expect(await ui.value.text()).toBe('v2');

  await ui.value.saveButton.click();
  await modes.confirmInput.fill('Prod EU');
  await modes.confirmOk.click();
  await expect(modes.confirmDialog).toHaveCount(0);
  await expect.poll(() => etcdText(etcd, 'prod/config')).toBe('v2');
  await expect(ui.value.saveButton).toBeDisabled(); // saved: nothing left to save
});
