/**
 * The window at its minimum size (720x480, src/main/electron/window/options.ts), at 1024x700 and
 * at the default size: the panes never overlap or leave the window, Save and Revert stay usable,
 * the splitters move by keyboard and pointer and are remembered, and long keys are shortened in
 * the middle.
 */
import type { EtcdCluster } from '../support/etcd';
import { expect, test } from './support/fixtures';
import { etcdText, seedKeys } from './support/etcd-helpers';
import { openConnected } from './support/flows';
import { expectNoOverlap } from './support/layout-checks';

const SIZES = [
  { width: 720, height: 480 },
  { width: 1024, height: 700 },
  { width: 1400, height: 860 },
] as const;

const JSON_KEY = '/config/app/settings.json';
const JSON_VALUE = JSON.stringify({ replicas: 3, image: 'registry.local/shop/web:1.4.2', env: { LOG_LEVEL: 'info' } }, null, 2);
const LONG_KEY = '/registry/services/endpoints/monitoring/default/web-0';

async function seed(etcd: EtcdCluster): Promise<void> {
  await seedKeys(etcd, [
    [JSON_KEY, JSON_VALUE],
    ['/config/app/log-level', 'info'],
    [LONG_KEY, 'ep'],
  ]);
}

for (const size of SIZES) {
  test(`at ${size.width}x${size.height}: no region overlaps another or leaves the window, and Revert and Save work`, async ({
    launch,
    startEtcd,
    ui,
    page,
  }) => {
    await page.setViewportSize(size);
    const etcd = await startEtcd();
    await seed(etcd);
    await openConnected(launch, ui, etcd);
    await expect(ui.grid.count).toHaveText('3 keys');
    await ui.grid.select(JSON_KEY);
    await expect(ui.value.modeSelect).toHaveValue('json');
    await expect(ui.value.content).toContainText('"replicas": 3');

    await ui.value.replaceWith('{"replicas": 5}');
    await expect(ui.page.getByText('Unsaved changes')).toBeVisible();
    await expectNoOverlap(ui, page);
    // Each pane keeps a usable width (app/layout.ts minimums: 140, 240, 260).
    expect((await ui.layout.box(ui.layout.sidebar)).width).toBeGreaterThanOrEqual(139);
    expect((await ui.layout.box(ui.layout.keyPane)).width).toBeGreaterThanOrEqual(239);
    expect((await ui.layout.box(ui.layout.valuePane)).width).toBeGreaterThanOrEqual(259);

    // Revert is reachable and clickable (Playwright clicks only what is not covered by anything else).
    await ui.layout.revert.click();
    await expect(ui.page.getByText('Unsaved changes')).toHaveCount(0);
    await expect(ui.value.content).toContainText('"replicas": 3');

    await ui.value.replaceWith('{"replicas": 5}');
    await ui.layout.save.click();
    await expect(ui.page.getByText('Unsaved changes')).toHaveCount(0);
    await expect(ui.value.metaValue('Version')).toHaveText('2');
    expect(await etcdText(etcd, JSON_KEY)).toBe('{"replicas": 5}');
    await expectNoOverlap(ui, page);
  });
}

test('splitters move by keyboard and pointer, are remembered across a reload, and never hide a pane in a smaller window', async ({
  launch,
  startEtcd,
  ui,
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const etcd = await startEtcd();
  await seed(etcd);
  await openConnected(launch, ui, etcd);
  await expect(ui.grid.count).toHaveText('3 keys');
  await ui.grid.select(JSON_KEY);
  await expect(ui.value.modeSelect).toHaveValue('json');
  const { layout } = ui;

  // Keyboard: ArrowLeft moves the value splitter left, so the value panel grows by one step.
  const value0 = await layout.splitterValue(layout.valueSplitter);
  const valueWidth0 = (await layout.box(layout.valuePane)).width;
  await layout.valueSplitter.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(layout.valueSplitter).toHaveAttribute('aria-valuenow', String(value0 + 32));
  expect((await layout.box(layout.valuePane)).width).toBeCloseTo(valueWidth0 + 32, 0);

  // Pointer: dragging the sidebar splitter 40 px right widens the sidebar by 40 px.
  const sidebar0 = (await layout.box(layout.sidebar)).width;
  await layout.drag(layout.sidebarSplitter, 40);
  await expect(layout.sidebarSplitter).toHaveAttribute('aria-valuenow', String(Math.round(sidebar0 + 40)));
  expect((await layout.box(layout.sidebar)).width).toBeCloseTo(sidebar0 + 40, 0);

  // The key column: keyboard narrows it, the pointer widens it again further.
  const key0 = await layout.splitterValue(layout.keyColumnSplitter);
  await layout.keyColumnSplitter.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(layout.keyColumnSplitter).toHaveAttribute('aria-valuenow', String(key0 - 16));
  await layout.drag(layout.keyColumnSplitter, -30);
  await expect(layout.keyColumnSplitter).toHaveAttribute('aria-valuenow', String(key0 - 46));
  const keyCell = ui.grid.keyCell(JSON_KEY);
  expect((await layout.box(keyCell)).width).toBeCloseTo(key0 - 46, 0);

  const remembered = {
    sidebar: await layout.splitterValue(layout.sidebarSplitter),
    value: await layout.splitterValue(layout.valueSplitter),
    key: await layout.splitterValue(layout.keyColumnSplitter),
  };
  await page.reload();
  await expect(layout.sidebar).toBeVisible();
  await expect(layout.sidebarSplitter).toHaveAttribute('aria-valuenow', String(remembered.sidebar));
  await expect(layout.valueSplitter).toHaveAttribute('aria-valuenow', String(remembered.value));
  expect((await layout.box(layout.sidebar)).width).toBeCloseTo(remembered.sidebar, 0);
  await ui.sidebar.connect('e2e etcd');
  await expect(ui.grid.count).toHaveText('3 keys');
  await expect(layout.keyColumnSplitter).toHaveAttribute('aria-valuenow', String(remembered.key));
  expect((await layout.box(ui.grid.keyCell(JSON_KEY))).width).toBeCloseTo(remembered.key, 0);

  // The largest panes a big window allows, then the smallest window: every pane stays in sight.
  // The splitters' ranges follow the window asynchronously: wait for the larger maximum first.
  const valueMaxBefore = Number(await layout.valueSplitter.getAttribute('aria-valuemax'));
  await page.setViewportSize({ width: 1400, height: 860 });
  await expect.poll(async () => Number(await layout.valueSplitter.getAttribute('aria-valuemax'))).toBeGreaterThan(valueMaxBefore);
  await layout.sidebarSplitter.focus();
  await page.keyboard.press('End');
  await layout.valueSplitter.focus();
  await page.keyboard.press('End');
  await ui.grid.select(JSON_KEY);
  await expect(ui.value.modeSelect).toHaveValue('json');
  const big = { sidebar: await layout.splitterValue(layout.sidebarSplitter), value: await layout.splitterValue(layout.valueSplitter) };
  expect(big.sidebar + big.value, 'the panes took the room of a big window').toBeGreaterThan(900);
  await page.setViewportSize({ width: 720, height: 480 });
  await expect.poll(() => layout.splitterValue(layout.valueSplitter)).toBeLessThan(big.value);
  await ui.value.replaceWith('{"replicas": 7}');
  await expectNoOverlap(ui, page);
  expect((await layout.box(layout.keyPane)).width, 'the key grid keeps its minimum').toBeGreaterThanOrEqual(239);
  await layout.save.click();
  await expect(ui.page.getByText('Unsaved changes')).toHaveCount(0);
  // Back in the big window, the remembered sizes return: the small window squeezed them, it did not forget them.
  await page.setViewportSize({ width: 1400, height: 860 });
  await expect(layout.valueSplitter).toHaveAttribute('aria-valuenow', String(big.value));
  await expect(layout.sidebarSplitter).toHaveAttribute('aria-valuenow', String(big.sidebar));
});

test('a long key is shortened in the middle to its column: start and leaf shown, the whole key in the tooltip and the value panel', async ({
  launch,
  startEtcd,
  ui,
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const etcd = await startEtcd();
  await seed(etcd);
  const { app, profileId } = await openConnected(launch, ui, etcd);
  await expect(ui.grid.count).toHaveText('3 keys');
  // A binary key (not UTF-8) of 60 bytes: shown as hex, shortened the same way.
  const binary = Buffer.from(Array.from({ length: 60 }, (_, i) => (i * 37 + 0x80) % 256));
  const put = await app.handlers['kv:put']({
    profileId,
    key: { encoding: 'base64', data: binary.toString('base64') },
    value: { encoding: 'utf8', data: 'blob' },
  });
  expect(put.ok).toBe(true);
  await ui.toolbar.button('reload').click();
  await expect(ui.grid.count).toHaveText('4 keys');

  const cell = ui.grid.keyCell(LONG_KEY);
  await expect(cell).toHaveAttribute('title', LONG_KEY);
  const shown = (await cell.textContent()) ?? '';
  expect(shown).toMatch(/^\/registry\/.*…\/.*\/web-0$/);
  expect(shown).toContain('/default/web-0');
  expect(shown.length).toBeLessThan(LONG_KEY.length);
  // Measured to the column: the shortened text fits without being clipped.
  expect(await cell.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

  const hex = `0x${binary.toString('hex')}`;
  const binaryCell = ui.grid.rows.locator('.cell-key').filter({ has: ui.page.locator('.bin-badge') });
  await expect(binaryCell).toHaveAttribute('title', `${hex} (binary key, not UTF-8, shown as hex)`);
  const binaryShown = ((await binaryCell.textContent()) ?? '').replace(/^bin/, '');
  expect(binaryShown.startsWith(hex.slice(0, 8))).toBe(true);
  expect(binaryShown.endsWith(hex.slice(-8))).toBe(true);
  expect(binaryShown).toContain('…');
  expect(await binaryCell.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

  // The value panel shows the whole key.
  await ui.grid.select(LONG_KEY);
  await expect(ui.value.keyText).toHaveText(LONG_KEY);

  // A key column wide enough shows the whole key, unshortened. The splitter's range follows the
  // window asynchronously (a resize observer): wait for the larger maximum before pressing End.
  const maxBefore = Number(await ui.layout.keyColumnSplitter.getAttribute('aria-valuemax'));
  await page.setViewportSize({ width: 1600, height: 900 });
  await expect.poll(async () => Number(await ui.layout.keyColumnSplitter.getAttribute('aria-valuemax'))).toBeGreaterThan(maxBefore);
  await ui.layout.keyColumnSplitter.focus();
  await page.keyboard.press('End');
  await expect(cell).toHaveText(LONG_KEY);
});
