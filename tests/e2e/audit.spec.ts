import { expect, test } from './support/fixtures';
import { etcdModRevision, etcdPut, etcdText } from './support/etcd-helpers';
import { openConnected } from './support/flows';
import { AuditView } from './pages/audit';

test('audit trail: two saves are listed with their revisions; restoring the value before the first one writes it back', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  const key = '/audited/config';
  await etcdPut(etcd, key, 'original value');
  const seeded = (await etcdModRevision(etcd, key))!;
  await openConnected(launch, ui, etcd);

  await ui.grid.select(key);
  await expect(ui.value.content).toHaveText('original value');
  for (const value of ['first save', 'second save']) {
    await ui.value.replaceWith(value);
    await ui.value.saveWithShortcut();
    await expect(ui.page.getByText('Unsaved changes')).toHaveCount(0);
    await expect.poll(() => etcdText(etcd, key)).toBe(value);
  }
  const afterSecond = (await etcdModRevision(etcd, key))!;

  const audit = new AuditView(ui.page);
  await audit.toolbarButton().click();
  await expect(audit.root).toBeVisible();
  const puts = audit.rowsOf('kv:put');
  await expect(puts).toHaveCount(2);
  for (const row of [puts.nth(0), puts.nth(1)]) {
    await expect(row.getByTestId('audit-target')).toHaveText(key);
    await expect(row.getByTestId('audit-outcome')).toHaveText('applied');
  }
  // Newest first: the second save ends at the key's current revision; the first one compared against the seeded one.
  await expect(puts.nth(0).getByTestId('audit-revisions')).toContainText(`→ ${afterSecond}`);
  await expect(puts.nth(1).getByTestId('audit-revisions')).toContainText(`${seeded} →`);

  // Restore the value before the first save: asked first, then written compare-and-swap.
  const first = puts.nth(1);
  await audit.restore(first).click();
  await expect(ui.confirm.root).toBeVisible();
  await expect(ui.confirm.subject).toHaveText(key);
  await ui.confirm.button('Restore value').click();
  await expect(audit.restoreResult(first)).toContainText(`Restored the value of revision ${seeded}`);
  expect(await etcdText(etcd, key)).toBe('original value');

  // The restore is audited too, at the top.
  await expect(audit.rows.first()).toHaveAttribute('data-operation', 'audit:restore');
  await expect(audit.rows.first().getByTestId('audit-revisions')).toContainText(`${afterSecond} →`);

  // Filters: only the restore.
  await audit.operation.fill('audit:');
  await audit.apply.click();
  await expect(audit.rows).toHaveCount(1);
});
