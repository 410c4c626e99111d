/**
 * The real Electron app (main process, preload, IPC, renderer): put / get / delete once against
 * a real etcd. Runs only where an Electron binary is installed. Detecting it never calls
 * require('electron'), which would try to download the binary (and throw without network).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron, expect, test } from '@playwright/test';
import { startCluster } from '../support/etcd';
import { AppPage } from './pages/app-page';
import { etcdText } from './support/etcd-helpers';

const ROOT = resolve(__dirname, '../..');
const NO_BINARY = 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD / no network): skipping the real-app test';

/** The Electron executable, found the way node_modules/electron/index.js finds it, without downloading. */
function electronBinary(): { path?: string; why?: string } {
  const pkg = join(ROOT, 'node_modules/electron');
  const pathTxt = join(pkg, 'path.txt');
  const rel = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const p = join(override, rel || 'electron');
    return existsSync(p) ? { path: p } : { why: `ELECTRON_OVERRIDE_DIST_PATH is set but ${p} does not exist: skipping the real-app test` };
  }
  if (!rel) return { why: NO_BINARY };
  const p = join(pkg, 'dist', rel);
  return existsSync(p) ? { path: p } : { why: NO_BINARY };
}

test('real Electron app: put, get and delete a key', async () => {
  const bin = electronBinary();
  if (!bin.path) {
    console.log(`[electron] ${bin.why}`);
    test.skip(true, bin.why);
    return;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    const why = 'No display (DISPLAY unset): run under xvfb-run to include the real-app test; skipping it';
    console.log(`[electron] ${why}`);
    test.skip(true, why);
    return;
  }
  if (!existsSync(join(ROOT, 'out/main/index.js'))) throw new Error('No built app in out/: run "npm run build" first (npm test does it).');

  const etcd = await startCluster();
  const home = await mkdtemp(join(tmpdir(), 'etcd-desktop-electron-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'ELECTRON_RENDERER_URL') env[k] = v;
  const electronApp = await _electron.launch({
    executablePath: bin.path,
    args: ['.', `--user-data-dir=${join(home, 'user-data')}`],
    cwd: ROOT,
    // Profiles live in the app's data folder: point it at a fresh one.
    env: { ...env, XDG_CONFIG_HOME: home, HOME: home },
  });
  try {
    const page = await electronApp.firstWindow();
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
    await electronApp.close();
    await etcd.close();
    await rm(home, { recursive: true, force: true });
  }
});
