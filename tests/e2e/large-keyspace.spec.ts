/**
 * 50,000 keys against a real etcd: the scrollbar spans the whole keyspace, and End, a thumb
 * dragged to the bottom or to the middle, and typed keys read the rows where they are (kv:seek
 * with bounded windows), never the pages before them; the DOM stays small throughout.
 */
import { expect, test } from './support/fixtures';
import { saveProfile, seedMany } from './support/etcd-helpers';

const TOTAL = 50_000;
const keyOf = (i: number) => `/bulk/items/${String(i).padStart(5, '0')}`;
const loadedOf = (text: string | null) => Number((text ?? '').split('/')[0].replace(/[^0-9]/g, ''));

test('50,000 keys: End, the thumb dragged to the bottom or the middle, and a typed key go straight there; the DOM stays small', async ({ launch, startEtcd, ui }) => {
  test.setTimeout(180_000);
  const etcd = await startEtcd();
  const seedStart = Date.now();
  await seedMany(etcd, TOTAL, keyOf, (i) => `{"id":${i},"zone":"z${i % 3}"}`);
  console.log(`[50k] seeded ${TOTAL} keys in ${Date.now() - seedStart} ms`);

  const app = await launch();
  await saveProfile(app, { name: 'bulk', endpoints: etcd.endpoints, deadlineMs: 5000 });
  await ui.page.reload();

  const t0 = Date.now();
  await ui.sidebar.connect('bulk');
  await expect(ui.grid.rows.first()).toBeVisible({ timeout: 30_000 });
  const firstRowMs = Date.now() - t0;
  await expect(ui.grid.row(keyOf(0))).toBeVisible();
  await expect(ui.grid.count).toHaveText('50,000 keys');
  await expect(ui.status.counts).toHaveText('500 / 50,000 keys');
  // The scrollbar is the keyspace's: one row height per key, loaded or not.
  const scrollHeight = await ui.grid.grid.evaluate((el) => el.scrollHeight);
  expect(scrollHeight).toBeGreaterThanOrEqual(TOTAL * 28);

  // End, once: the last page is read directly, the last key selected and its value shown.
  const last = ui.grid.row(keyOf(TOTAL - 1));
  await ui.grid.grid.focus();
  const tEnd = Date.now();
  await ui.grid.grid.press('End');
  await expect(last).toBeVisible({ timeout: 15_000 });
  const endMs = Date.now() - tEnd;
  await expect(last).toHaveAttribute('aria-selected', 'true');
  await expect(ui.value.keyText).toHaveText(keyOf(TOTAL - 1));
  await expect(ui.value.content).toContainText(`"id":${TOTAL - 1}`);
  const loadedAfterEnd = loadedOf(await ui.status.counts.textContent());
  expect(loadedAfterEnd).toBeLessThanOrEqual(1500);
  await expect(ui.grid.position).toContainText('of 50,000');
  let maxRows = await ui.grid.rows.count();

  // Home, then the thumb dragged to the bottom (the scroll position a drag ends at).
  await ui.grid.grid.press('Home');
  await expect(ui.grid.row(keyOf(0))).toBeVisible();
  await ui.grid.scrollTo(1);
  await expect(last).toBeVisible({ timeout: 15_000 });

  // The middle: placeholders first, then the rows there, read at that index.
  const tMid = Date.now();
  await ui.grid.scrollTo(0.5);
  await expect(ui.grid.row(keyOf(TOTAL / 2))).toBeVisible({ timeout: 15_000 });
  await expect(ui.grid.placeholders).toHaveCount(0);
  const midMs = Date.now() - tMid;
  maxRows = Math.max(maxRows, await ui.grid.rows.count());

  // A typed key: type-ahead goes to the first key >= it.
  await ui.grid.grid.focus();
  const tTyped = Date.now();
  await ui.page.keyboard.type('/bulk/items/31234');
  await expect(ui.value.keyText).toHaveText(keyOf(31234), { timeout: 15_000 });
  await expect(ui.grid.row(keyOf(31234))).toBeVisible();
  const typedMs = Date.now() - tTyped;
  maxRows = Math.max(maxRows, await ui.grid.rows.count());

  const loaded = loadedOf(await ui.status.counts.textContent());
  console.log(
    `[50k] connect to first row ${firstRowMs} ms; End ${endMs} ms (loaded after it: ${loadedAfterEnd}); middle ${midMs} ms; typed key ${typedMs} ms; ` +
      `loaded at the end: ${loaded} of ${TOTAL}; DOM rows max ${maxRows}`,
  );
  expect(loaded).toBeLessThanOrEqual(2500);
  expect(maxRows).toBeLessThanOrEqual(150);
});
