/**
 * The real Electron app (main process, preload, IPC, app:// page): put / get / delete once against
 * a real etcd. Runs wherever an Electron binary is installed; on Linux without a display it runs
 * Electron under xvfb-run. The decision is tests/e2e/support/real-electron.ts's (unit-tested):
 * no binary → skipped with the reason printed; a binary that cannot start → FAILED; no display
 * and no xvfb-run → skipped, or FAILED with CI=true. Detecting the binary never calls
 * require('electron'), which would try to download it, and _electron.launch is only ever given
 * an Electron executable (on Chromium it crashes the test process).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron, expect, test } from '@playwright/test';
import { startCluster } from '../support/etcd';
import { AppPage } from './pages/app-page';
import { etcdText } from './support/etcd-helpers';
import { assertElectron, electronBinary, findOnPath, realElectronPlan, xvfbWrapper } from './support/real-electron';

const ROOT = resolve(__dirname, '../..');

test('real Electron app: put, get and delete a key', async () => {
  const plan = realElectronPlan({
    binary: electronBinary(ROOT),
    platform: process.platform,
    env: process.env,
    xvfbRun: process.platform === 'linux' ? findOnPath('xvfb-run') : null,
  });
  if (plan.kind === 'skip') {
    console.log(`[electron] ${plan.why}`);
    test.skip(true, plan.why);
    return;
  }
  if (plan.kind === 'fail') throw new Error(`[electron] ${plan.why}`);
  assertElectron(plan.electron);
  if (!existsSync(join(ROOT, 'out/main/index.js'))) throw new Error('No built app in out/: run "npm run build" first (npm test does it).');
  test.setTimeout(120_000);

  const etcd = await startCluster();
  const home = await mkdtemp(join(tmpdir(), 'etcd-desktop-electron-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'ELECTRON_RENDERER_URL') env[k] = v;
  const executablePath = plan.xvfbRun ? xvfbWrapper(home, plan.xvfbRun, plan.electron) : plan.electron;
  console.log(`[electron] running ${plan.electron}${plan.xvfbRun ? ' under xvfb-run' : ''}`);
  let electronApp: Awaited<ReturnType<typeof _electron.launch>> | undefined;
  try {
    // A binary that is there but cannot start fails here: that is a failure, never a skip.
    electronApp = await _electron.launch({
      executablePath,
      args: ['.', `--user-data-dir=${join(home, 'user-data')}`],
      cwd: ROOT,
      // Profiles and logs live in the app's data folder: point it at a fresh one.
      env: { ...env, XDG_CONFIG_HOME: home, HOME: home },
      timeout: 60_000,
    });
    const page = await electronApp.firstWindow();
    expect(page.url()).toBe('app://app/index.html');
    const ui = new AppPage(page);
    await expect(ui.sidebar.profile('Local')).toBeVisible({ timeout: 30_000 });

    await ui.sidebar.addButton.click();
    await ui.profileForm.fill({ name: 'electron e2e', endpoints: etcd.endpoints, deadlineMs: 3000 });
    await ui.profileForm.saveButton.click();
    await ui.sidebar.connect('electron e2e');
    await expect(ui.grid.count).toHaveText(/^0 keys$/);

    await ui.toolbar.button('new-key').click();
    await ui.newKey.key.fill('/electron/hello');
    await ui.newKey.value.fill('from the real app');
    await ui.newKey.create.click();
    await expect(ui.newKey.root).toHaveCount(0);
    expect(await etcdText(etcd, '/electron/hello')).toBe('from the real app');

    await ui.grid.select('/electron/hello');
    await expect(ui.value.content).toHaveText('from the real app');

    await ui.toolbar.button('delete').click();
    await ui.confirm.button('Delete').click();
    await expect(ui.grid.row('/electron/hello')).toHaveCount(0);
    expect(await etcdText(etcd, '/electron/hello')).toBeNull();
  } finally {
    await electronApp?.close();
    await etcd.close();
    await rm(home, { recursive: true, force: true });
  }
});
