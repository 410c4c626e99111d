/**
 * The app lifecycle against a fake 'electron': nothing starts on import, the hardened
 * window, IPC registration for the app frame only, the menu's push events, the dev CSP
 * header, single instance and shutdown.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { allChannels } from '../../../src/shared/contract';
import { CSP, DEV_CSP } from '../../../src/shared/csp';
import { APP_INDEX_URL } from '../../../src/main/electron/window/app-protocol';
import { Connections } from '../../../src/main/core/connections';
import { FakeBrowserWindow, electron, type Fn } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electron);

const { app, dialog, ipcMain, Menu, protocol, session, shell } = electron;

const indexModule = await import('../../../src/main/electron/app');

const tmp = mkdtempSync(join(tmpdir(), 'etcd-desktop-wiring-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  vi.clearAllMocks();
  FakeBrowserWindow.instances = [];
  app.listeners.clear();
  app.isPackaged = true;
  app.userData = mkdtempSync(join(tmp, 'userData-'));
  delete process.env.ELECTRON_RENDERER_URL;
});

describe('importing src/main/index.ts', () => {
  it('does not start the app', () => {
    // the module was imported above; main() must not have run
    expect(typeof indexModule.main).toBe('function');
    expect(app.requestSingleInstanceLock).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('points at the files electron-vite emits (CommonJS: out/preload/index.js)', () => {
    const p = indexModule.builtPaths(resolve('/x/out/main'));
    expect(p.preload).toBe(resolve('/x/out/preload/index.js'));
    expect(p.indexHtml).toBe(resolve('/x/out/renderer/index.html'));
    expect(p.rendererDir).toBe(resolve('/x/out/renderer'));
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8'));
    // With "type": "module" the preload would be index.mjs and the path above wrong.
    expect(pkg.type).not.toBe('module');
  });
});

describe('main()', () => {
  const start = async () => {
    indexModule.main();
    await flush();
    await flush();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    return FakeBrowserWindow.instances[0];
  };
  const registered = () => new Map(ipcMain.handle.mock.calls.map(([c, fn]) => [c as string, fn as Fn]));

  it('quits when another instance holds the lock', async () => {
    app.requestSingleInstanceLock.mockReturnValueOnce(false);
    indexModule.main();
    await flush();
    expect(app.quit).toHaveBeenCalled();
    expect(app.whenReady).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('opens the built page in a hardened window and registers every channel', async () => {
    const w = await start();
    expect(app.enableSandbox).toHaveBeenCalled();
    const srcMain = resolve(__dirname, '../../../src/main/electron');
    expect(w.options.webPreferences.preload).toBe(indexModule.builtPaths(srcMain).preload);
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(w.loadURL).toHaveBeenCalledWith('app://app/index.html');
    expect(w.loadFile).not.toHaveBeenCalled();
    expect([...registered().keys()].sort()).toEqual([...allChannels()].sort());
    expect(session.defaultSession.webRequest.onHeadersReceived).not.toHaveBeenCalled();
    expect(Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
    // permissions: only clipboard writes
    const [check] = session.defaultSession.setPermissionCheckHandler.mock.calls[0] as [Fn];
    expect(check(null, 'media')).toBe(false);
    expect(check(null, 'clipboard-sanitized-write')).toBe(true);
  });

  it('serves real handlers to the app frame only', async () => {
    const w = await start();
    const list = registered().get('profiles:list')!;
    const appFrame = { ...w.webContents.mainFrame, parent: null, url: APP_INDEX_URL };
    const res = await list({ senderFrame: appFrame }, undefined);
    expect(res).toMatchObject({ ok: true, value: { secretStorage: 'unavailable' } });
    const foreign = await list({ senderFrame: { ...appFrame, url: 'https://evil.example/' } }, undefined);
    expect(foreign).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    // the built page over file:// is not the app any more
    const fileUrl = pathToFileURL(indexModule.builtPaths(resolve(__dirname, '../../../src/main/electron')).indexHtml).href;
    expect(await list({ senderFrame: { ...appFrame, url: fileUrl } }, undefined)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('serves the page from app:// (privileged before ready, handled once ready), with the CSP header', async () => {
    await start();
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
    ]);
    expect(protocol.registerSchemesAsPrivileged.mock.invocationCallOrder[0]).toBeLessThan(app.whenReady.mock.invocationCallOrder[0]);
    expect(protocol.handle).toHaveBeenCalledTimes(1);
    const [scheme, handler] = protocol.handle.mock.calls[0] as [string, (r: Request) => Promise<Response>];
    expect(scheme).toBe('app');
    // Under vitest main's folder is src/main/electron, so there is no built page next to it.
    const missing = await handler(new Request('app://app/index.html'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(CSP);
    expect((await handler(new Request('app://app/..%2f..%2fpackage.json'))).status).toBe(400);
    expect(readFileSync(join(app.userData, 'logs', 'main.log'), 'utf8')).toContain('(main.protocol) app:// request refused {"status":404}');
  });

  it("follows the window's visibility (the liveness probes' rate)", async () => {
    const w = await start();
    for (const event of ['show', 'restore', 'focus', 'hide', 'minimize', 'closed']) expect(w.has(event), event).toBe(true);
    // The handlers take the calls (no throw) whatever the order.
    for (const event of ['show', 'minimize', 'restore', 'hide', 'focus']) w.emit(event);
  });

  it("ends the old page's subscriptions when the page is replaced (reload), not on in-page navigation", async () => {
    const w = await start();
    const pageLoading = vi.spyOn(Connections.prototype, 'closeSubscriptions');
    w.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true, url: APP_INDEX_URL });
    w.webContents.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false, url: APP_INDEX_URL });
    expect(pageLoading).not.toHaveBeenCalled();
    w.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false, url: APP_INDEX_URL });
    expect(pageLoading).toHaveBeenCalledTimes(1);
    pageLoading.mockRestore();
  });

  it('turns menu clicks into menu-command push events', async () => {
    const w = await start();
    const [menu] = Menu.buildFromTemplate.mock.calls[0] as [MenuItemConstructorOptions[]];
    const items = menu.flatMap((i) => (Array.isArray(i.submenu) ? i.submenu : []));
    (items.find((i) => i.accelerator === 'CmdOrCtrl+S')!.click as Fn)();
    expect(w.webContents.send).toHaveBeenCalledWith('event:menu-command', { command: 'save' });
  });

  it('on quit: waits for dispose, unregisters IPC, then quits for real', async () => {
    await start();
    const [beforeQuit] = app.listeners.get('before-quit')!;
    const event = { preventDefault: vi.fn() };
    beforeQuit(event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(ipcMain.removeHandler).toHaveBeenCalledTimes(allChannels().length);
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    const again = { preventDefault: vi.fn() };
    beforeQuit(again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  it('on window-all-closed: disposes, then quits (not on macOS)', async () => {
    await start();
    const [allClosed] = app.listeners.get('window-all-closed')!;
    allClosed();
    expect(ipcMain.removeHandler).toHaveBeenCalledTimes(allChannels().length);
    if (process.platform !== 'darwin') await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
  });

  it('in dev: loads the dev server, sets the CSP header on http(s), allows dev-server navigation only', async () => {
    app.isPackaged = false;
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173';
    try {
      const w = await start();
      expect(w.loadURL).toHaveBeenCalledWith('http://localhost:5173');
      expect(w.options.webPreferences.devTools).toBe(true);
      const [filter, listener] = session.defaultSession.webRequest.onHeadersReceived.mock.calls[0] as [
        { urls: string[] },
        Fn,
      ];
      expect(filter.urls).toEqual(['http://*/*', 'https://*/*']);
      const callback = vi.fn();
      listener({ responseHeaders: { 'Content-Type': ['text/html'] } }, callback);
      expect(callback).toHaveBeenCalledWith({
        responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [DEV_CSP] },
      });
      const nav = (url: string) => {
        const e = { preventDefault: vi.fn() };
        w.webContents.emit('will-navigate', e, url);
        return e.preventDefault.mock.calls.length > 0;
      };
      expect(nav('http://localhost:5173/')).toBe(false);
      expect(nav('https://evil.example/')).toBe(true);
    } finally {
      delete process.env.ELECTRON_RENDERER_URL;
    }
  });

  it('keeps its log in userData/logs/main.log, from the start', async () => {
    await start();
    const file = join(app.userData, 'logs', 'main.log');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/\(main\.app\) starting \{"version":"0\.0\.0-test"/);
  });

  it('Help → Open Log Folder and app:openLogFolder open userData/logs', async () => {
    const w = await start();
    const [menu] = Menu.buildFromTemplate.mock.calls[0] as [MenuItemConstructorOptions[]];
    const items = menu.flatMap((i) => (Array.isArray(i.submenu) ? i.submenu : []));
    (items.find((i) => i.label === 'Open Log Folder')!.click as Fn)();
    expect(shell.openPath).toHaveBeenCalledWith(join(app.userData, 'logs'));
    const appFrame = { ...w.webContents.mainFrame, parent: null, url: APP_INDEX_URL };
    const res = await registered().get('app:openLogFolder')!({ senderFrame: appFrame }, undefined);
    expect(res).toEqual({ ok: true, value: undefined });
    expect(shell.openPath).toHaveBeenCalledTimes(2);
    expect(shell.openPath).toHaveBeenLastCalledWith(join(app.userData, 'logs'));
  });

  it('logs refused senders to the file', async () => {
    const w = await start();
    const appFrame = { ...w.webContents.mainFrame, parent: null, url: 'https://evil.example/' };
    await registered().get('kv:get')!({ senderFrame: appFrame }, { profileId: 'p', key: { encoding: 'utf8', data: 'canary-9' } });
    const log = readFileSync(join(app.userData, 'logs', 'main.log'), 'utf8');
    expect(log).toContain('(main.ipc) refused a call from an untrusted sender {"channel":"kv:get","reason":"a page that is not the app (https://evil.example)"}');
    expect(log).not.toContain('canary-9');
  });

  it('a crashed page is logged and the user offered a reload', async () => {
    const w = await start();
    dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    w.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 11 });
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);
    expect(dialog.showMessageBox.mock.calls[0][0]).toBe(w);
    expect(dialog.showMessageBox.mock.calls[0][1]).toMatchObject({ buttons: ['Reload', 'Close'] });
    await vi.waitFor(() => expect(w.webContents.reload).toHaveBeenCalledTimes(1));
    expect(readFileSync(join(app.userData, 'logs', 'main.log'), 'utf8')).toContain('"reason":"crashed","exitCode":11');
  });

  it('installs its process handlers once, however often it starts', async () => {
    const ours = () => ({
      exception: process.listeners('uncaughtException').filter((l) => l.name === 'onException').length,
      rejection: process.listeners('unhandledRejection').filter((l) => l.name === 'onRejection').length,
    });
    await start();
    expect(ours()).toEqual({ exception: 1, rejection: 1 });
    FakeBrowserWindow.instances = [];
    await start();
    expect(ours()).toEqual({ exception: 1, rejection: 1 });
  });

  it('a second instance focuses the existing window', async () => {
    const w = await start();
    for (const fn of app.listeners.get('second-instance')!) fn();
    expect(w.focus).toHaveBeenCalled();
  });
});

it('the state file lives in userData', async () => {
  indexModule.main();
  await flush();
  const w = FakeBrowserWindow.instances[0];
  w.emit('close', {});
  expect(existsSync(join(app.userData, 'window-state.json'))).toBe(true);
  expect(dirname(join(app.userData, 'window-state.json'))).toBe(app.userData);
});
