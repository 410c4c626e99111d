/**
 * Search and the command palette against a real etcd: a key that is not loaded in the grid is
 * found by searching the whole keyspace, results stream with progress, a search can be
 * cancelled, a result opens in the value panel; the palette jumps to a key, a prefix, a profile
 * and runs a command.
 */
import { expect, test } from './support/fixtures';
import { saveProfile, seedKeys } from './support/etcd-helpers';
import { SearchPanel } from './pages/search';

const N = 3000;

test('search finds a key the grid has not loaded, streams, cancels, opens a result; the palette jumps and runs', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  const entries: Array<[string, string]> = [];
  for (let i = 0; i < N; i++) entries.push([`app/item-${String(i).padStart(5, '0')}`, `value-${i}`]);
  entries.push(['zz/far/needle-key', 'the needle value']);
  // A key that makes /(a+)+$/ backtrack for minutes: a search that is surely still running.
  entries.push([`cat/${'a'.repeat(40)}b`, 'v']);
  await seedKeys(etcd, entries);
  const app = await launch();
  await saveProfile(app, { name: 'first', endpoints: etcd.endpoints });
  await saveProfile(app, { name: 'second', endpoints: etcd.endpoints });
  await ui.page.reload();
  await ui.sidebar.connect('first');
  await expect(ui.grid.count).toContainText(`${(N + 2).toLocaleString('en-US')}`);
  // The grid holds its first page: the far key is not on screen.
  await expect(ui.page.getByText('zz/far/needle-key')).toHaveCount(0);

  const search = new SearchPanel(ui.page);
  await search.openView();
  await expect(search.view).toBeVisible();
  await search.query.fill('needle');
  await search.start.click();
  await expect(search.result('zz/far/needle-key')).toBeVisible();
  await expect(search.progress).toHaveText(`scanned ${(N + 2).toLocaleString('en-US')} of ${(N + 2).toLocaleString('en-US')} · 1 match`);

  // Regex over values: every key matches, so hits stream in batches up to the default cap.
  await search.regex.check();
  await search.inValues.check();
  await search.query.fill('^value-\\d+$');
  await search.start.click();
  await expect(search.progress).toContainText('· 1,000 matches · stopped at the result limit (capped)');
  await expect(search.results).toHaveCount(1000);

  // Cancel: a search still running (its regex backtracks) stops and says so, before its time budget fails it.
  await search.inValues.uncheck();
  await search.query.fill('(a+)+$');
  await search.start.click();
  await search.cancel.click();
  await expect(search.progress).toContainText('· cancelled');
  await expect(search.cancel).toHaveCount(0);
  await expect(ui.page.getByTestId('search-error')).toHaveCount(0);

  // A result opens in the value panel.
  await search.regex.uncheck();
  await search.query.fill('needle');
  await search.start.click();
  await search.result('zz/far/needle-key').click();
  await expect(ui.value.keyText).toHaveText('zz/far/needle-key');

  // The palette: a key, a prefix, a command, a profile.
  await search.palettePick('app/item-02999', 'Open key');
  await expect(ui.value.keyText).toHaveText('app/item-02999');
  await search.palettePick('zz/', 'Go to prefix');
  await expect(ui.grid.count).toContainText('1');
  await search.palettePick('Leases', 'Leases');
  await expect(ui.page.getByTestId('leases-view')).toBeVisible();
  await search.palettePick('second', 'Switch to second');
  await expect(ui.sidebar.state('second')).toHaveAttribute('aria-label', 'Connected');
  await ui.page.keyboard.press('Control+K');
  await expect(search.palette).toBeVisible();
  await search.paletteInput.press('Escape');
  await expect(search.palette).toHaveCount(0);
});
