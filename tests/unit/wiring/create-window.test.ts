/** createMainWindow against a fake 'electron': hardened hidden window, shown when ready, bounds remembered. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_INDEX_URL } from '../../../src/main/electron/window/app-protocol';
import { createAppUrlMatcher } from '../../../src/main/electron/window/app-url';
import { writeWindowState } from '../../../src/main/electron/window/bounds';
import { createMainWindow } from '../../../src/main/electron/window/create-window';
import { DEFAULT_SIZE } from '../../../src/main/electron/window/options';
import { FakeBrowserWindow } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electron);

type FakeWindow = InstanceType<typeof FakeBrowserWindow>;

const tmp = mkdtempSync(join(tmpdir(), 'etcd-desktop-window-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeEach(() => {
  vi.clearAllMocks();
  FakeBrowserWindow.instances = [];
});

const isAppUrl = createAppUrlMatcher();

describe('createMainWindow', () => {
  const create = (stateFile: string) =>
    createMainWindow({
      preloadPath: '/built/preload/index.js',
      url: APP_INDEX_URL,
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
    expect(w.loadURL).toHaveBeenCalledWith('app://app/index.html');
    expect(w.loadFile).not.toHaveBeenCalled();
    expect(w.webContents.openHandler!({ url: 'https://x/' })).toEqual({ action: 'deny' });
    expect(w.webContents.has('will-navigate')).toBe(true);

    expect(w.show).not.toHaveBeenCalled();
    w.emit('ready-to-show');
    expect(w.show).toHaveBeenCalledTimes(1);

    w.emit('close', {});
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toEqual({
      x: 10,
      y: 20,
      width: DEFAULT_SIZE.width,
      height: DEFAULT_SIZE.height,
      maximized: false,
    });
  });

  it('restores remembered bounds and the maximized state when visible', () => {
    const stateFile = join(mkdtempSync(join(tmp, 'cw-')), 'window-state.json');
    writeWindowState(stateFile, { x: 50, y: 60, width: 900, height: 650, maximized: true });
    const w = create(stateFile);
    expect(w.options).toMatchObject({ x: 50, y: 60, width: 900, height: 650 });
    w.emit('ready-to-show');
    expect(w.maximize).toHaveBeenCalled();
  });

  it('ignores remembered bounds on a display that is gone', () => {
    const stateFile = join(mkdtempSync(join(tmp, 'cw-')), 'window-state.json');
    writeWindowState(stateFile, { x: 3000, y: 60, width: 900, height: 650, maximized: false });
    const w = create(stateFile);
    expect(w.options).not.toHaveProperty('x');
    expect(w.options.width).toBe(DEFAULT_SIZE.width);
  });
});
