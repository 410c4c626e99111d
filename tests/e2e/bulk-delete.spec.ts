/**
 * Bulk delete through the UI against a real etcd: multi-select with Ctrl-click, the exact count
 * and the profile named, the typed confirmation, the report, and Undo restoring the keys.
 */
import { expect, test } from './support/fixtures';
import { etcdText, seedKeys } from './support/etcd-helpers';
import { openConnected } from './support/flows';
import { BulkDeletePage } from './pages/bulk-delete';

test('bulk delete of a selection: count, typed confirmation, report, undo', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  await seedKeys(etcd, [
    ['bd/a', 'value a'],
    ['bd/b', 'value b'],
    ['bd/c', 'value c'],
  ]);
  await openConnected(launch, ui, etcd, { name: 'bulk e2e' });
  const bulk = new BulkDeletePage(ui.page);
  await expect(ui.grid.row('bd/a')).toBeVisible();

  await ui.grid.row('bd/a').click({ modifiers: ['Control'] });
  await ui.grid.row('bd/c').click({ modifiers: ['Control'] });
  await expect(bulk.selectedCount).toHaveText('2 selected');
  await expect(ui.grid.row('bd/a')).toHaveAttribute('aria-selected', 'true');
  await expect(ui.grid.row('bd/b')).toHaveAttribute('aria-selected', 'false');

  await bulk.deleteSelection.click();
  await expect(bulk.count).toContainText('This deletes exactly 2 keys');
  await expect(bulk.profile).toHaveText('bulk e2e');
  await expect(bulk.submit).toBeDisabled();
  await bulk.typed.fill('3');
  await expect(bulk.submit).toBeDisabled();
  await bulk.typed.fill('2');
  await bulk.submit.click();

  await expect(bulk.deleted).toHaveText('2');
  expect(await etcdText(etcd, 'bd/a')).toBeNull();
  expect(await etcdText(etcd, 'bd/c')).toBeNull();
  expect(await etcdText(etcd, 'bd/b')).toBe('value b');

  await bulk.undo.click();
  await expect(bulk.undoReport).toContainText('restored 2 keys');
  expect(await etcdText(etcd, 'bd/a')).toBe('value a');
  expect(await etcdText(etcd, 'bd/c')).toBe('value c');
  await bulk.close.click();
  await expect(bulk.dialog).toBeHidden();
});
