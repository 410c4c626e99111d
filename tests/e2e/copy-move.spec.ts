/**
 * Copy / Move / Rename through the UI against a real etcd: rename from a row's context menu,
 * copy a Ctrl-click selection to another prefix, an existing target skipped without overwrite,
 * and moving a whole prefix. Every outcome is checked in etcd with etcdctl, not through the app.
 */
import { expect, test } from './support/fixtures';
import { etcdBytes, etcdPutBytes, etcdText, seedKeys } from './support/etcd-helpers';
import { openConnected } from './support/flows';
import { BulkCopyActions, CopyDialogPage, KeyMenuPage } from './pages/copy-dialog';

test('rename a key from its context menu: the old key is gone, the new one holds the same bytes', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  // Not valid UTF-8, with a NUL and a newline: any text round trip would change it.
  const value = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41, 0xc3, 0x28, 0x7f]);
  await etcdPutBytes(etcd, 'rn/old', value);
  await seedKeys(etcd, [['rn/other', 'stays']]);
  await openConnected(launch, ui, etcd);
  const menu = new KeyMenuPage(ui.page);
  const dialog = new CopyDialogPage(ui.page);
  await expect(ui.grid.row('rn/old')).toBeVisible();

  await ui.grid.row('rn/old').click({ button: 'right' });
  await expect(menu.menu('rn/old')).toBeVisible();
  await menu.item('rn/old', 'Rename…').click();
  await expect(menu.menu('rn/old')).toBeHidden();
  await expect(dialog.title).toHaveText('Rename key');
  await expect(dialog.target).toHaveValue('rn/old');
  // The name unchanged is the source itself: nothing to start.
  await expect(dialog.submit('Rename')).toBeDisabled();
  await dialog.target.fill('rn/new');
  await expect(dialog.summary).toContainText('to “rn/new”');
  await dialog.submit('Rename').click();

  await expect(dialog.title).toHaveText('Rename: report');
  await expect(dialog.moved).toContainText('Moved: 1');
  await expect(dialog.report).toContainText('Done.');
  expect(await etcdBytes(etcd, 'rn/old')).toBeNull();
  const renamed = await etcdBytes(etcd, 'rn/new');
  expect(renamed?.equals(value), `rn/new holds ${renamed?.toString('hex')}`).toBe(true);
  expect(await etcdText(etcd, 'rn/other')).toBe('stays');

  await dialog.close.click();
  await expect(dialog.root).toBeHidden();
  await expect(ui.grid.row('rn/new')).toBeVisible();
  await expect(ui.grid.row('rn/old')).toHaveCount(0);
});

test('copy a Ctrl-click selection to another prefix: the report names what was copied', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  await seedKeys(etcd, [
    ['cp/a', 'value a'],
    ['cp/b', 'value b'],
    ['cp/c', 'value c'],
  ]);
  await openConnected(launch, ui, etcd);
  const bulk = new BulkCopyActions(ui.page);
  const dialog = new CopyDialogPage(ui.page);
  await expect(ui.grid.row('cp/a')).toBeVisible();

  await ui.grid.row('cp/a').click({ modifiers: ['Control'] });
  await ui.grid.row('cp/c').click({ modifiers: ['Control'] });
  await expect(bulk.bar).toContainText('2 selected');
  await bulk.copySelection.click();

  await expect(dialog.title).toHaveText('Copy keys');
  await expect(dialog.root).toContainText('2 selected keys');
  // The selection's common folder is what the target prefix replaces.
  await expect(dialog.target).toHaveValue('cp/');
  await expect(dialog.submit('Copy')).toBeDisabled();
  await dialog.target.fill('backup/');
  await expect(dialog.summary).toContainText('to the prefix “backup/”');
  await dialog.submit('Copy').click();

  await expect(dialog.title).toHaveText('Copy: report');
  await expect(dialog.copied).toContainText('Copied: 2');
  await expect(dialog.copied).toContainText('cp/a');
  await expect(dialog.copied).toContainText('cp/c');
  await expect(dialog.targetExists).toHaveCount(0);
  expect(await etcdText(etcd, 'backup/a')).toBe('value a');
  expect(await etcdText(etcd, 'backup/c')).toBe('value c');
  expect(await etcdText(etcd, 'backup/b')).toBeNull();
  // A copy keeps its sources.
  expect(await etcdText(etcd, 'cp/a')).toBe('value a');
  expect(await etcdText(etcd, 'cp/c')).toBe('value c');

  await dialog.close.click();
  await expect(ui.grid.row('backup/a')).toBeVisible();
});

test('copying onto an existing key without overwrite skips it, says why, and leaves it as it was', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  await seedKeys(etcd, [
    ['ex/a', 'new a'],
    ['ex/b', 'new b'],
    ['tgt/a', 'old a'],
  ]);
  await openConnected(launch, ui, etcd);
  const bulk = new BulkCopyActions(ui.page);
  const dialog = new CopyDialogPage(ui.page);
  await expect(ui.grid.row('ex/a')).toBeVisible();

  await ui.grid.row('ex/a').click({ modifiers: ['Control'] });
  await ui.grid.row('ex/b').click({ modifiers: ['Control'] });
  await expect(bulk.bar).toContainText('2 selected');
  await bulk.copySelection.click();
  await dialog.target.fill('tgt/');
  await expect(dialog.overwrite).not.toBeChecked();
  await expect(dialog.summary).toContainText('Keys that exist at the target are skipped and reported.');
  await dialog.submit('Copy').click();

  await expect(dialog.title).toHaveText('Copy: report');
  await expect(dialog.targetExists).toContainText('Skipped: exists at the target: 1');
  await expect(dialog.targetExists).toContainText('ex/a');
  await expect(dialog.copied).toContainText('Copied: 1');
  await expect(dialog.copied).toContainText('ex/b');
  expect(await etcdText(etcd, 'tgt/a')).toBe('old a');
  expect(await etcdText(etcd, 'tgt/b')).toBe('new b');
});

test('move a prefix: every key is written under the new prefix and the source is gone', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  await seedKeys(etcd, [
    ['mv/a', 'value a'],
    ['mv/sub/b', 'value b'],
    ['mvx', 'not under mv/'],
  ]);
  await openConnected(launch, ui, etcd);
  const bulk = new BulkCopyActions(ui.page);
  const dialog = new CopyDialogPage(ui.page);
  await ui.grid.applyPrefix('mv/');
  await expect(ui.grid.count).toHaveText('2 keys');

  await bulk.movePrefix.click();
  await expect(dialog.title).toHaveText('Move prefix');
  await expect(dialog.root).toContainText('every key under “mv/”');
  await expect(dialog.target).toHaveValue('mv/');
  await dialog.target.fill('moved/');
  await expect(dialog.summary).toContainText('Each source is deleted only once written');
  await dialog.submit('Move').click();

  await expect(dialog.title).toHaveText('Move: report');
  await expect(dialog.moved).toContainText('Moved: 2');
  expect(await etcdText(etcd, 'mv/a')).toBeNull();
  expect(await etcdText(etcd, 'mv/sub/b')).toBeNull();
  expect(await etcdText(etcd, 'moved/a')).toBe('value a');
  expect(await etcdText(etcd, 'moved/sub/b')).toBe('value b');
  expect(await etcdText(etcd, 'mvx')).toBe('not under mv/');

  await dialog.close.click();
  await expect(ui.grid.rows).toHaveCount(0);
  await ui.grid.applyPrefix('moved/');
  await expect(ui.grid.count).toHaveText('2 keys');
});
