/**
 * A stand-in for the 'electron' module (no Electron binary here): just the surface the
 * Electron layer touches, with spies. A test file installs it with
 *   vi.mock('electron', async () => (await import('./fake-electron')).electron);
 * and imports the same instances from here to drive and inspect them.
 */
import { vi } from 'vitest';

export type Fn = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

export class Emitter {
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
export class FakeWebContents extends Emitter {
  openHandler: Fn | null = null;
  send = vi.fn();
  reload = vi.fn();
  mainFrame = { processId: 3, routingId: 1 };
  setWindowOpenHandler(fn: Fn) {
    this.openHandler = fn;
  }
  isDestroyed() {
    return false;
  }
}
export class FakeBrowserWindow extends Emitter {
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
  close = vi.fn();
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
  isVisible() {
    return false;
  }
  isMaximized() {
    return this.maximized;
  }
  getNormalBounds() {
    return { x: this.options.x ?? 10, y: this.options.y ?? 20, width: this.options.width, height: this.options.height };
  }
}
export const app = Object.assign(new Emitter(), {
  isPackaged: true,
  userData: '',
  requestSingleInstanceLock: vi.fn(() => true),
  enableSandbox: vi.fn(),
  getPath: vi.fn(() => app.userData),
  getVersion: vi.fn(() => '0.0.0-test'),
  whenReady: vi.fn(() => Promise.resolve()),
  quit: vi.fn(),
  exit: vi.fn(),
});
export const session = {
  defaultSession: {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    webRequest: { onHeadersReceived: vi.fn() },
  },
};

export const electron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
  Menu: { buildFromTemplate: vi.fn((template: unknown) => ({ template })), setApplicationMenu: vi.fn() },
  Notification: Object.assign(
    vi.fn(function (this: { show: () => void; on: () => void }) {
      this.show = vi.fn();
      this.on = vi.fn();
    }),
    { isSupported: () => true },
  ),
  safeStorage: {
    isEncryptionAvailable: () => false,
    getSelectedStorageBackend: () => 'basic_text',
    encryptString: vi.fn(),
    decryptString: vi.fn(),
  },
  session,
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
  shell: { openExternal: vi.fn(async () => {}), openPath: vi.fn(async (_path: string) => '') },
  dialog: { showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 0, checkboxChecked: false })) },
  screen: { getAllDisplays: vi.fn(() => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]) },
};
