/**
 * The BUILT app, not only its sources: out/main/index.js runs in plain Node with a stand-in
 * electron (tests/e2e/support/electron-stand-in.mjs) and starts itself as it does in Electron.
 * Then the BUILT renderer runs in Chromium, loaded through the app's own app:// handler, with
 * the BUILT preload wired to the built main's own IPC handlers, and one put / get / delete
 * passes against a real etcd. (CI order: vitest, electron-vite build, playwright: out/ exists.)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allChannels } from '../../src/shared/contract';
import { CSP } from '../../src/shared/csp';
import { openInPage, ROOT, startBuiltApp, type BuiltApp, type SenderFrameLike } from './support/built-app';
import { etcdText } from './support/etcd-helpers';
import { expect, test } from './support/fixtures';

const APP_FRAME: SenderFrameLike = { url: 'app://app/index.html', processId: 1, routingId: 1, parent: null };

let userData: string;
let app: BuiltApp | undefined;
test.beforeEach(() => {
  userData = mkdtempSync(join(tmpdir(), 'etcd-desktop-built-app-'));
});
test.afterEach(async () => {
  if (app) {
    const code = await app.quit();
    app = undefined;
    expect(code, 'the built app quits cleanly').toBe(0);
  }
  rmSync(userData, { recursive: true, force: true });
});

/** Starts the built app and waits until its window is loading its page. */
async function started(): Promise<BuiltApp> {
  app = await startBuiltApp(userData);
  await app.waitFor((m) => m.type === 'ready', 'app.whenReady resolving');
  await app.waitFor((m) => m.type === 'load', 'the window loading its page');
  return app;
}

const metaCsp = (html: string): string[] =>
  [...html.matchAll(/<meta\b[^>]*http-equiv="Content-Security-Policy"[^>]*>/gi)].map(
    (m) => /content="([^"]*)"/.exec(m[0])?.[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&') ?? '',
  );

test.describe('the built app (out/) with a stand-in electron', () => {
  test('starts as in Electron: ready, a hardened window on app:// with the built preload, every channel, the shipped CSP', async () => {
    const built = await started();
    expect(built.mainFile).toBe(join(ROOT, 'out/main/index.js'));
    const load = await built.waitFor((m) => m.type === 'load', 'load');
    expect(load).toEqual({ type: 'load', url: 'app://app/index.html' });
    const r = await built.report();
    expect(r.readyResolved).toBe(true);
    const order = (name: string) => r.calls.find((c) => c.name === name)?.order ?? Number.NaN;
    expect(order('app.requestSingleInstanceLock')).toBeLessThan(order('app.whenReady'));
    expect(order('app.enableSandbox')).toBeLessThan(order('app.whenReady'));
    // the scheme is privileged before ready (Electron ignores it after), handled once ready
    expect(order('protocol.registerSchemesAsPrivileged')).toBeLessThan(order('app.whenReady'));
    expect(order('protocol.handle')).toBeGreaterThan(order('app.whenReady'));
    expect(r.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
    expect(r.protocols).toEqual(['app']);

    // one window, hardened, with the BUILT preload, which a sandbox can load
    expect(r.windows).toHaveLength(1);
    const prefs = r.windows[0].webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, devTools: false });
    expect(prefs.preload).toBe(join(ROOT, 'out/preload/index.js'));
    const preload = readFileSync(prefs.preload as string, 'utf8');
    expect([...new Set([...preload.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]))]).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s.+from\s|^\s*export\s/m);

    // exactly the contract's channels, nothing else (no library registering channels of its own)
    expect([...r.handled].sort()).toEqual([...allChannels()].sort());
    expect(r.calls.map((c) => c.name)).not.toContain('ipcMain.on');

    // the page the app serves carries the policy of src/shared/csp.ts, as header and as <meta>
    const page = await built.serve('app://app/index.html');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CSP);
    const html = page.body.toString('utf8');
    expect(metaCsp(html)).toEqual([CSP]);
    const script = /<script[^>]+src="\.\/([^"]+)"/.exec(html)?.[1];
    expect(script, 'the page loads a bundled script').toMatch(/^assets\/.+\.js$/);
    const js = await built.serve(`app://app/${script}`);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body.equals(readFileSync(join(ROOT, 'out/renderer', script!)))).toBe(true);
    for (const url of ['app://app/..%2f..%2fpackage.json', 'app://app/../main/index.js', 'app://other/index.html', 'app://app/nothing.js']) {
      const refused = await built.serve(url);
      expect(refused.status, url).toBeGreaterThanOrEqual(400);
      expect(refused.body.length, url).toBe(0);
    }

    // the menu, with Help → Open Log Folder
    const help = (r.menu as Array<{ role?: string; submenu?: Array<{ label?: string }> }>).find((m) => m.role === 'help');
    expect(help?.submenu?.map((i) => i.label)).toContain('Open Log Folder');

    // IPC: the app frame is served, another page is refused and the refusal logged
    expect(await built.invoke('profiles:list', undefined, APP_FRAME)).toMatchObject({ ok: true, value: { profiles: expect.any(Array) } });
    expect(await built.invoke('profiles:list', undefined, { ...APP_FRAME, url: 'https://evil.example/' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await built.invoke('app:openLogFolder', undefined, APP_FRAME)).toMatchObject({ ok: true });
    expect(built.messages).toContainEqual({ type: 'call', name: 'shell.openPath', args: [join(userData, 'logs')] });
    const log = readFileSync(join(userData, 'logs', 'main.log'), 'utf8');
    expect(log).toContain('(main.app) starting {"version":"0.0.0-built-app-test"');
    expect(log).toContain('refused a call from an untrusted sender {"channel":"profiles:list","reason":"a page that is not the app (https://evil.example)"}');
  });

  test('the built renderer in Chromium, through the built preload and the built main: put, get and delete a key', async ({ page, startEtcd, ui }) => {
    const etcd = await startEtcd();
    const built = await started();
    const server = await built.serveOverHttp();
    try {
      const bridge = await openInPage(page, built, server.url);
      // the page came from the built files, through the app's own handler
      await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', CSP);
      expect(await page.evaluate(() => Object.keys((window as unknown as { etcd: object }).etcd).sort())).toEqual(
        ['access', 'app', 'audit', 'bulk', 'cluster', 'connection', 'history', 'jobs', 'k8s', 'kv', 'leases', 'maintenance', 'members', 'on', 'profiles', 'search', 'subscriptions', 'transfer', 'watch'].sort(),
      );
      await expect(ui.sidebar.profile('Local')).toBeVisible();

      await ui.sidebar.addButton.click();
      await ui.profileForm.fill({ name: 'built app', endpoints: etcd.endpoints, deadlineMs: 3000 });
      await ui.profileForm.saveButton.click();
      await ui.sidebar.connect('built app');
      await expect(ui.grid.count).toHaveText(/^0 keys$/);

      await ui.toolbar.button('new-key').click();
      await ui.newKey.key.fill('/built/hello');
      await ui.newKey.value.fill('from the built app');
      await ui.newKey.create.click();
      await expect(ui.newKey.root).toHaveCount(0);
      expect(await etcdText(etcd, '/built/hello')).toBe('from the built app');

      await ui.grid.select('/built/hello');
      await expect(ui.value.content).toHaveText('from the built app');

      await ui.toolbar.button('delete').click();
      await ui.confirm.button('Delete').click();
      await expect(ui.grid.row('/built/hello')).toHaveCount(0);
      expect(await etcdText(etcd, '/built/hello')).toBeNull();

      // every call went through the built main's registered handlers, and its profile store
      expect(bridge.calls).toEqual(expect.arrayContaining(['profiles:save', 'connection:connect', 'kv:put', 'kv:get', 'kv:delete']));
      expect(existsSync(join(userData, 'profiles.json'))).toBe(true);
      expect(built.messages).toContainEqual(expect.objectContaining({ type: 'event', channel: 'event:connection-status' }));
      expect(readFileSync(join(userData, 'logs', 'main.log'), 'utf8')).toContain('connection connected');
      bridge.close();
    } finally {
      await page.close();
      await server.close();
    }
  });
});
