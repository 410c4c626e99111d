/**
 * The main window and the app lifecycle, against a fake 'electron': hardened
 * webPreferences, no popups, no navigation away from the app, remembered bounds, the
 * menu's push events, IPC registration and shutdown.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { allChannels } from '../../../src/shared/contract';
import { DEV_CSP } from '../../../src/shared/csp';

type Fn = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

const fake = vi.hoisted(() => {
  class Emitter {
    listeners = new Map<string, Fn[]>();
    on(name: string, fn: Fn) {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
      return this;
    }
    once(name: string, fn: Fn) {
      return this.on(name, fn);
    }
    emit(name: string, ...args: unknown[]) {
      for (const fn of this.listeners.get(name) ?? []) fn(...args);
    }
    has(name: string) {
      return (this.listeners.get(name) ?? []).length > 0;
    }
  }
  class FakeWebContents extends Emitter {
    openHandler: Fn | null = null;
    send = vi.fn();
    mainFrame = { processId: 3, routingId: 1 };
    setWindowOpenHandler(fn: Fn) {
      this.openHandler = fn;
    }
    isDestroyed() {
      return false;
    }
  }
  class FakeBrowserWindow extends Emitter {
    static instances: FakeBrowserWindow[] = [];
    static getAllWindows = () => FakeBrowserWindow.instances.filter((w) => !w.destroyed);
    destroyed = false;
    maximized = false;
    webContents = new FakeWebContents();
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
    maximize = vi.fn(() => {
      this.maximized = true;
    });
    loadURL = vi.fn(async () => {});
    loadFile = vi.fn(async () => {});
    constructor(public options: Record<string, any>) { // eslint-disable-line @typescript-eslint/no-explicit-any
      super();
      FakeBrowserWindow.instances.push(this);
    }
    isDestroyed() {
      return this.destroyed;
    }
    isMinimized() {
      return false;
    }
    isMaximized() {
      return this.maximized;
    }
    getNormalBounds() {
      return { x: this.options.x ?? 10, y: this.options.y ?? 20, width: this.options.width, height: this.options.height };
    }
  }
  const app = Object.assign(new Emitter(), {
    isPackaged: true,
    userData: '',
    requestSingleInstanceLock: vi.fn(() => true),
    enableSandbox: vi.fn(),
    getPath: vi.fn(() => app.userData),
    whenReady: vi.fn(() => Promise.resolve()),
    quit: vi.fn(),
    exit: vi.fn(),
  });
  const session = {
    defaultSession: {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      webRequest: { onHeadersReceived: vi.fn() },
    },
  };
  return {
    Emitter,
    FakeBrowserWindow,
    electron: {
      app,
      BrowserWindow: FakeBrowserWindow,
      ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
      Menu: { buildFromTemplate: vi.fn((template: unknown) => ({ template })), setApplicationMenu: vi.fn() },
      safeStorage: {
        isEncryptionAvailable: () => false,
        getSelectedStorageBackend: () => 'basic_text',
        encryptString: vi.fn(),
        decryptString: vi.fn(),
      },
      session,
      shell: { openExternal: vi.fn(async () => {}) },
      screen: { getAllDisplays: vi.fn(() => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]) },
    },
  };
});
vi.mock('electron', () => fake.electron);

const { app, ipcMain, Menu, session } = fake.electron;
const { FakeBrowserWindow } = fake;
type FakeWindow = InstanceType<typeof FakeBrowserWindow>;

const indexModule = await import('../../../src/main/electron/app');
const win = await import('../../../src/main/electron/window');

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

const INDEX = resolve('/opt/etcd-desktop/out/renderer/index.html');
const isAppUrl = win.createAppUrlMatcher({ indexHtmlPath: INDEX });

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
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8'));
    // With "type": "module" the preload would be index.mjs and the path above wrong.
    expect(pkg.type).not.toBe('module');
  });
});

describe('mainWindowOptions', () => {
  it('hardens webPreferences and starts hidden', () => {
    const o = win.mainWindowOptions({ preloadPath: '/p/preload.js', isDev: false });
    expect(o.show).toBe(false);
    expect(o.webPreferences).toMatchObject({
      preload: '/p/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(win.mainWindowOptions({ preloadPath: '/p', isDev: true }).webPreferences?.devTools).toBe(true);
  });

  it('uses remembered bounds when given', () => {
    const o = win.mainWindowOptions({ preloadPath: '/p', isDev: false, bounds: { x: 5, y: 6, width: 900, height: 700 } });
    expect(o).toMatchObject({ x: 5, y: 6, width: 900, height: 700 });
    const d = win.mainWindowOptions({ preloadPath: '/p', isDev: false });
    expect(d).toMatchObject(win.DEFAULT_SIZE);
    expect(d).not.toHaveProperty('x');
  });
});

describe('the app URL', () => {
  it('is the built index.html over file://, with any hash or query', () => {
    const href = pathToFileURL(INDEX).href;
    expect(isAppUrl(href)).toBe(true);
    expect(isAppUrl(`${href}#/keys`)).toBe(true);
    expect(isAppUrl(`${href}?x=1`)).toBe(true);
  });

  it.each([
    'file:///etc/passwd',
    pathToFileURL(resolve('/opt/etcd-desktop/out/renderer/other.html')).href,
    'https://evil.example/',
    'http://localhost:5173/',
    'javascript:alert(1)',
    'about:blank',
    'not a url',
    'file://remote-host/opt/etcd-desktop/out/renderer/index.html',
  ])('%s is not', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });

  it('in dev, is anything on the dev server origin', () => {
    const dev = win.createAppUrlMatcher({ indexHtmlPath: INDEX, devServerUrl: 'http://localhost:5173' });
    expect(dev('http://localhost:5173/')).toBe(true);
    expect(dev('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
    expect(dev('http://127.0.0.1:5173/')).toBe(false);
    expect(dev('https://evil.example/')).toBe(false);
  });
});

describe('hardenWebContents', () => {
  const contents = () => {
    const c = new fake.FakeBrowserWindow({}).webContents;
    win.hardenWebContents(c as never, isAppUrl);
    return c;
  };
  const navigate = (c: ReturnType<typeof contents>, name: string, url: string) => {
    const event = { preventDefault: vi.fn() };
    c.emit(name, event, url);
    return event.preventDefault.mock.calls.length > 0;
  };

  it('denies every window.open', () => {
    const c = contents();
    expect(c.openHandler).toBeTypeOf('function');
    expect(c.openHandler!({ url: 'https://etcd.io/' })).toEqual({ action: 'deny' });
    expect(c.openHandler!({ url: pathToFileURL(INDEX).href })).toEqual({ action: 'deny' });
  });

  it('blocks navigation and redirects away from the app, allows the app itself', () => {
    const c = contents();
    expect(navigate(c, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate(c, 'will-navigate', 'file:///tmp/evil.html')).toBe(true);
    expect(navigate(c, 'will-redirect', 'https://evil.example/')).toBe(true);
    expect(navigate(c, 'will-navigate', pathToFileURL(INDEX).href)).toBe(false);
  });

  it('refuses <webview>', () => {
    const c = contents();
    const event = { preventDefault: vi.fn() };
    c.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('window state', () => {
  it('round-trips through an atomic write and leaves no temp file', () => {
    const dir = mkdtempSync(join(tmp, 'state-'));
    const file = join(dir, 'window-state.json');
    const state = { x: 10, y: 20, width: 1000, height: 700, maximized: true };
    win.writeWindowState(file, state);
    expect(win.readWindowState(file)).toEqual(state);
    expect(readdirSync(dir)).toEqual(['window-state.json']);
  });

  it.each([
    ['missing', null],
    ['corrupt', '{"x":'],
    ['wrong types', '{"x":"1","y":0,"width":800,"height":600}'],
    ['absurd size', '{"x":0,"y":0,"width":5,"height":5}'],
    ['not an object', '[1,2,3]'],
  ])('%s → null', (_name, content) => {
    const file = join(mkdtempSync(join(tmp, 'state-')), 'window-state.json');
    if (content !== null) writeFileSync(file, content);
    expect(win.readWindowState(file)).toBeNull();
  });

  it('is restored only when its title bar is on a display', () => {
    const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    const saved = { x: 100, y: 100, width: 800, height: 600, maximized: false };
    expect(win.visibleState(saved, screens)).toBe(saved);
    expect(win.visibleState({ ...saved, x: 5000 }, screens)).toBeNull();
    expect(win.visibleState({ ...saved, y: -590 }, screens)).toBeNull();
    expect(win.visibleState({ ...saved, x: 1900 }, screens)).toBeNull();
    expect(win.visibleState({ ...saved, x: 2000 }, [...screens, { x: 1920, y: 0, width: 1280, height: 1024 }])).not.toBeNull();
    expect(win.visibleState(null, screens)).toBeNull();
  });
});

describe('createMainWindow', () => {
  const create = (stateFile: string) =>
    win.createMainWindow({
      preloadPath: '/built/preload/index.js',
      load: { file: INDEX },
      isAppUrl,
      isDev: false,
      stateFile,
    }) as unknown as FakeWindow;

  it('creates a hardened hidden window, shows it when ready, remembers its bounds', () => {
    const stateFile = join(mkdtempSync(join(tmp, 'cw-')), 'window-state.json');
    const w = create(stateFile);
    expect(w.options.show).toBe(false);
    expect(w.options.webPreferences).toMatchObject({
      preload: '/built/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(w.loadFile).toHaveBeenCalledWith(INDEX);
    expect(w.webContents.openHandler!({ url: 'https://x/' })).toEqual({ action: 'deny' });
    expect(w.webContents.has('will-navigate')).toBe(true);

    expect(w.show).not.toHaveBeenCalled();
    w.emit('ready-to-show');
    expect(w.show).toHaveBeenCalledTimes(1);

    w.emit('close', {});
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toEqual({
      x: 10,
      y: 20,
      width: win.DEFAULT_SIZE.width,
      height: win.DEFAULT_SIZE.height,
      maximized: false,
    });
  });

  it('restores remembered bounds and the maximized state when visible', () => {
    const stateFile = join(mkdtempSync(join(tmp, 'cw-')), 'window-state.json');
    win.writeWindowState(stateFile, { x: 50, y: 60, width: 900, height: 650, maximized: true });
    const w = create(stateFile);
    expect(w.options).toMatchObject({ x: 50, y: 60, width: 900, height: 650 });
    w.emit('ready-to-show');
    expect(w.maximize).toHaveBeenCalled();
  });

  it('ignores remembered bounds on a display that is gone', () => {
    const stateFile = join(mkdtempSync(join(tmp, 'cw-')), 'window-state.json');
    win.writeWindowState(stateFile, { x: 3000, y: 60, width: 900, height: 650, maximized: false });
    const w = create(stateFile);
    expect(w.options).not.toHaveProperty('x');
    expect(w.options.width).toBe(win.DEFAULT_SIZE.width);
  });
});

describe('menu', () => {
  const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);

  it('sends a push command for each app item, with the documented accelerators', () => {
    const send = vi.fn();
    const items = flatten(win.buildMenuTemplate({ platform: 'linux', isDev: false, send, openExternal: vi.fn() }));
    const byAccel = (a: string) => items.find((i) => i.accelerator === a);
    const click = (i: MenuItemConstructorOptions | undefined) => (i?.click as Fn)({}, undefined, {});
    click(byAccel('CmdOrCtrl+N'));
    click(byAccel('CmdOrCtrl+S'));
    click(byAccel('CmdOrCtrl+R'));
    click(byAccel('CmdOrCtrl+F'));
    click(items.find((i) => i.label === 'Delete Key…'));
    click(items.find((i) => i.label === 'Cluster Status'));
    expect(send.mock.calls.map((c) => c[0])).toEqual(['new-key', 'save', 'reload', 'focus-filter', 'delete', 'cluster-view']);
    expect(items.some((i) => i.role === 'quit')).toBe(true);
    expect(items.some((i) => i.role === 'copy')).toBe(true);
    expect(items.some((i) => i.role === 'windowMenu')).toBe(true);
    expect(items.some((i) => i.role === 'help')).toBe(true);
    // no accelerator may swallow a key that text fields need
    expect(items.map((i) => i.accelerator).filter(Boolean)).not.toContain('Delete');
  });

  it('has the devtools toggle only in dev', () => {
    const roles = (isDev: boolean) =>
      flatten(win.buildMenuTemplate({ platform: 'linux', isDev, send: vi.fn(), openExternal: vi.fn() })).map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
  });

  it('has the app menu on macOS', () => {
    const t = win.buildMenuTemplate({ platform: 'darwin', isDev: false, send: vi.fn(), openExternal: vi.fn() });
    expect(t[0].role).toBe('appMenu');
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
    expect(w.loadFile).toHaveBeenCalledWith(indexModule.builtPaths(srcMain).indexHtml);
    expect(w.loadURL).not.toHaveBeenCalled();
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
    const appFrame = { ...w.webContents.mainFrame, parent: null, url: pathToFileURL(indexModule.builtPaths(resolve(__dirname, '../../../src/main/electron')).indexHtml).href };
    const res = await list({ senderFrame: appFrame }, undefined);
    expect(res).toMatchObject({ ok: true, value: { secretStorage: 'unavailable' } });
    const foreign = await list({ senderFrame: { ...appFrame, url: 'https://evil.example/' } }, undefined);
    expect(foreign).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
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
