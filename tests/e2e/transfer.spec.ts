import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './support/fixtures';
import { etcdDel, etcdPut, etcdText, seedKeys } from './support/etcd-helpers';
import { openConnected } from './support/flows';
import { ExportDialogPage, ImportDialogPage } from './pages/transfer';

test('export a prefix from the File menu, then import it back: dry run summary first, Apply writes only what it showed', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  await seedKeys(etcd, [
    ['/t/a', 'alpha'],
    ['/t/b', 'beta'],
    ['/t/c', 'gamma'],
    ['/other', 'not exported'],
  ]);
  const { app } = await openConnected(launch, ui, etcd);
  const dir = await mkdtemp(join(tmpdir(), 'etcd-desktop-e2e-transfer-'));
  try {
    const file = join(dir, 'export.jsonl');

    // Export: the native menu's command opens the dialog; the path is typed (no native dialog here).
    app.emit('event:menu-command', { command: 'export' });
    const ex = new ExportDialogPage(ui.page);
    await expect(ex.root).toBeVisible();
    await ex.prefix.fill('/t/');
    await ex.path.fill(file);
    await ex.submit.click();
    await expect(ex.result).toContainText('Exported 3 keys');
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[1])).toMatchObject({ key: { utf8: '/t/a' }, value: { utf8: 'alpha' } });
    await ex.root.getByRole('button', { name: 'Close' }).click();
    await expect(ex.root).toHaveCount(0);

    // The cluster moves on: /t/a deleted, /t/b changed.
    await etcdDel(etcd, '/t/a');
    await etcdPut(etcd, '/t/b', 'changed');

    app.emit('event:menu-command', { command: 'import' });
    const im = new ImportDialogPage(ui.page);
    await expect(im.root).toBeVisible();
    await im.path.fill(file);
    await expect(im.apply).toBeDisabled();
    await im.dryRun.click();
    await expect(im.plan).toContainText('1 to create');
    await expect(im.plan).toContainText('1 unchanged');
    await expect(im.plan).toContainText('1 in conflict');
    await im.plan.getByTestId('plan-conflict').locator('summary').click();
    await expect(im.plan.getByTestId('plan-conflict')).toContainText('/t/b');
    // The dry run wrote nothing.
    expect(await etcdText(etcd, '/t/a')).toBeNull();

    await im.apply.click();
    await expect(im.result).toContainText('Import finished.');
    await expect(im.result).toContainText('1 created');
    await expect(im.result).toContainText('1 skipped');
    expect(await etcdText(etcd, '/t/a')).toBe('alpha');
    expect(await etcdText(etcd, '/t/b')).toBe('changed');

    // A malformed file: the line is named, and there is nothing to apply.
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, `${lines[0]}\n${lines[1]}\n{oops\n`);
    await im.path.fill(bad);
    await im.dryRun.click();
    await expect(im.error).toContainText('Line 3 of the file is not JSON');
    await expect(im.apply).toBeDisabled();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
