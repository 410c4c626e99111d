/**
 * The folder tree against a real etcd: folders by delimiter, a folder opens in the grid (the
 * breadcrumbs follow and lead back), a key opens in the value panel, the delimiter per profile.
 */
import { expect, test } from './support/fixtures';
import { seedKeys } from './support/etcd-helpers';
import { openConnected } from './support/flows';
import { BulkCopyActions, CopyDialogPage } from './pages/copy-dialog';
import { FolderTreePanel } from './pages/folder-tree';

test('the folder tree: expand folders, open one in the grid, follow the breadcrumbs back, open a key', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  await seedKeys(etcd, [
    ['/registry/pods/ns1/web', 'a'],
    ['/registry/pods/ns2/db', 'b'],
    ['/registry/services/web', 'c'],
    ['/config/app', 'd'],
    ['plain', 'e'],
  ]);
  await openConnected(launch, ui, etcd);
  const tree = new FolderTreePanel(ui.page);
  await tree.toggle.click();
  await expect(tree.item('/')).toBeVisible();
  await expect(tree.item('plain')).toBeVisible();

  await tree.twisty('/').click();
  await expect(tree.item('config/')).toBeVisible();
  await expect(tree.item('registry/')).toBeVisible();
  await expect(tree.item('registry/')).toHaveAttribute('aria-expanded', 'false');

  // A folder opens in the grid; the breadcrumbs say where.
  await tree.open('registry/').click();
  await expect(ui.grid.count).toHaveText('3 keys');
  await expect(tree.item('registry/')).toHaveAttribute('aria-selected', 'true');
  await expect(tree.item('pods/')).toBeVisible();
  await expect(tree.breadcrumbs).toContainText('All keys›/›registry/');

  await tree.twisty('pods/').click();
  await expect(tree.item('ns1/')).toBeVisible();
  await tree.twisty('ns1/').click();
  await tree.open('web').first().click();
  await expect(ui.value.keyText).toHaveText('/registry/pods/ns1/web');

  await tree.crumb('/').click();
  await expect(ui.grid.count).toHaveText('4 keys');
  await tree.crumb('All keys').click();
  await expect(ui.grid.count).toHaveText('5 keys');

  // Another delimiter for this profile: the tree is read again with it.
  await tree.delimiter.fill('s');
  await tree.delimiter.press('Enter');
  await expect(tree.item('/regis')).toBeVisible();
});

test('a key opened from the grid is revealed in the tree; a folder counts its keys on demand', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  await seedKeys(etcd, [
    ['/registry/pods/ns1/web', 'a'],
    ['/registry/pods/ns1/api', 'b'],
    ['/registry/pods/ns2/db', 'c'],
    ['/registry/services/web', 'd'],
  ]);
  await openConnected(launch, ui, etcd);
  const tree = new FolderTreePanel(ui.page);
  await tree.toggle.click();
  await expect(tree.item('/')).toBeVisible();
  await expect(tree.item('registry/')).toHaveCount(0);

  await ui.grid.select('/registry/pods/ns1/web');
  await expect(ui.value.keyText).toHaveText('/registry/pods/ns1/web');
  // Every folder on the way is expanded and the key's row is selected.
  for (const f of ['/', 'registry/', 'pods/', 'ns1/']) await expect(tree.item(f)).toHaveAttribute('aria-expanded', 'true');
  await expect(tree.item('web').first()).toHaveAttribute('aria-selected', 'true');
  await expect(tree.item('ns2/')).toHaveAttribute('aria-expanded', 'false');

  // The count button shows on the folder's row when the pointer is over it.
  await tree.open('pods/').hover();
  await tree.item('pods/').getByRole('button', { name: 'Count keys in pods/' }).click();
  await expect(tree.item('pods/').getByTestId('tree-count').first()).toHaveText('3');
});

test('Ctrl/Cmd-click on keys in the tree toggles them in the multi-selection the bulk bar acts on', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  await seedKeys(etcd, [
    ['tr/a', 'a'],
    ['tr/b', 'b'],
    ['tr/c', 'c'],
  ]);
  await openConnected(launch, ui, etcd);
  const tree = new FolderTreePanel(ui.page);
  const bulk = new BulkCopyActions(ui.page);
  const copy = new CopyDialogPage(ui.page);
  await tree.toggle.click();
  await tree.twisty('tr/').click();
  await expect(tree.item('a')).toBeVisible();
  await expect(bulk.bar).not.toContainText('selected');

  await tree.open('a').click({ modifiers: ['Control'] });
  await expect(bulk.bar).toContainText('1 selected');
  await tree.open('c').click({ modifiers: ['Meta'] });
  await expect(bulk.bar).toContainText('2 selected');
  await expect(tree.item('a')).toHaveAttribute('aria-selected', 'true');
  await expect(tree.item('b')).toHaveAttribute('aria-selected', 'false');
  await expect(tree.item('c')).toHaveAttribute('aria-selected', 'true');
  // The grid shows the same selection.
  await expect(ui.grid.row('tr/a')).toHaveAttribute('aria-selected', 'true');
  await expect(ui.grid.row('tr/c')).toHaveAttribute('aria-selected', 'true');
  // A modified click opens nothing in the value panel.
  await expect(ui.value.keyText).toHaveCount(0);

  // Again on a selected key: it leaves the selection.
  await tree.open('a').click({ modifiers: ['Control'] });
  await expect(bulk.bar).toContainText('1 selected');
  await expect(tree.item('a')).toHaveAttribute('aria-selected', 'false');
  await expect(ui.grid.row('tr/a')).toHaveAttribute('aria-selected', 'false');

  // A plain click opens the key and keeps the selection.
  await tree.open('b').click();
  await expect(ui.value.keyText).toHaveText('tr/b');
  await expect(bulk.bar).toContainText('1 selected');

  // The bulk actions take the tree's selection.
  await tree.open('a').click({ modifiers: ['Control'] });
  await expect(bulk.bar).toContainText('2 selected');
  await bulk.copySelection.click();
  await expect(copy.root).toContainText('Source: 2 selected keys');
});
