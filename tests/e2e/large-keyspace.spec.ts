import { expect, test } from './support/fixtures';
import { saveProfile, seedKeys } from './support/etcd-helpers';

const TOTAL = 20_000;
const keyOf = (i: number) => `/bulk/items/${String(i).padStart(5, '0')}`;
const loadedOf = (text: string | null) => Number((text ?? '').split('/')[0].replace(/[^0-9]/g, ''));

test('20,000 keys: first rows come fast, the grid scrolls to the last key, the DOM stays small', async ({ launch, startEtcd, ui }) => {
  test.setTimeout(180_000);
  const etcd = await startEtcd();
  const seedStart = Date.now();
  await seedKeys(
    etcd,
    Array.from({ length: TOTAL }, (_, i) => [keyOf(i), `{"id":${i},"zone":"z${i % 3}"}`] as const),
    6,
  );
  console.log(`[20k] seeded ${TOTAL} keys with etcdctl txn in ${Date.now() - seedStart} ms`);

  const app = await launch();
  await saveProfile(app, { name: 'bulk', endpoints: etcd.endpoints, deadlineMs: 5000 });
  await ui.page.reload();

  const t0 = Date.now();
  await ui.sidebar.connect('bulk');
  await expect(ui.grid.rows.first()).toBeVisible({ timeout: 30_000 });
  const firstRowMs = Date.now() - t0;
  await expect(ui.grid.row(keyOf(0))).toBeVisible();
  await expect(ui.grid.count).toHaveText('20,000 keys');
  await expect(ui.status.counts).toHaveText('500 / 20,000 keys');

  // Page through with End: each press jumps to the last loaded row, which pulls the next page.
  const last = ui.grid.row(keyOf(TOTAL - 1));
  let presses = 0;
  let maxRows = await ui.grid.rows.count();
  await ui.grid.grid.focus();
  while (!(await last.isVisible())) {
    if (++presses > 200) throw new Error(`the last key never became visible after ${presses - 1} presses of End`);
    const before = loadedOf(await ui.status.counts.textContent());
    await ui.grid.grid.press('End');
    await expect
      .poll(async () => (await last.isVisible()) || loadedOf(await ui.status.counts.textContent()) > before, { timeout: 20_000 })
      .toBe(true);
    maxRows = Math.max(maxRows, await ui.grid.rows.count());
  }
  const scrollMs = Date.now() - t0 - firstRowMs;
  await expect(last).toBeVisible();
  await expect(ui.status.counts).toHaveText('20,000 / 20,000 keys');
  const rowsAtEnd = await ui.grid.rows.count();
  maxRows = Math.max(maxRows, rowsAtEnd);
  console.log(
    `[20k] time from connect click to first row: ${firstRowMs} ms; End pressed ${presses}x, ${scrollMs} ms to reach ${keyOf(TOTAL - 1)}; ` +
      `DOM rows at the end: ${rowsAtEnd}, max seen while scrolling: ${maxRows}`,
  );
  expect(rowsAtEnd).toBeLessThanOrEqual(150);
  expect(maxRows).toBeLessThanOrEqual(150);
  // End selected the last key: its value is shown.
  await expect(ui.value.keyText).toHaveText(keyOf(TOTAL - 1));
  await expect(ui.value.content).toContainText('"id":19999');
  // And back to the top with Home.
  await ui.grid.grid.press('Home');
  await expect(ui.grid.row(keyOf(0))).toBeVisible();
  expect(await ui.grid.rows.count()).toBeLessThanOrEqual(150);
});
