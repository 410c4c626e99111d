/**
 * The main window: hardened webPreferences, navigation and window-open policy, remembered
 * bounds and the native menu. Everything except
 * `createMainWindow` is a plain function of its arguments, testable without Electron.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BrowserWindow,
  screen,
  type BrowserWindowConstructorOptions,
  type MenuItemConstructorOptions,
  type Rectangle,
  type WebContents,
} from 'electron';
import type { MenuCommand } from '../../shared/contract';

// ---------- the app's own URL ----------

export interface AppUrlOptions {
  /** Absolute path of the built renderer index.html (loaded over file://). */
  readonly indexHtmlPath: string;
  /** ELECTRON_RENDERER_URL in dev; undefined in production. */
  readonly devServerUrl?: string;
  readonly platform?: NodeJS.Platform;
}

/**
 * Whether `url` is the app's own page: the built index.html over file:// (any query or
 * hash), or, in dev, any URL on the dev server's origin.
 */
export function createAppUrlMatcher({
  indexHtmlPath,
  devServerUrl,
  platform = process.platform,
}: AppUrlOptions): (url: string) => boolean {
  const norm = (p: string): string => (platform === 'win32' ? resolve(p).toLowerCase() : resolve(p));
  const indexPath = norm(indexHtmlPath);
  let devOrigin: string | null = null;
  if (devServerUrl) {
    try {
      const u = new URL(devServerUrl);
      if (u.protocol === 'http:' || u.protocol === 'https:') devOrigin = u.origin;
    } catch {
      devOrigin = null;
    }
  }
  return (url: string): boolean => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (devOrigin !== null && (u.protocol === 'http:' || u.protocol === 'https:')) return u.origin === devOrigin;
    if (u.protocol !== 'file:' || (u.host !== '' && u.host !== 'localhost')) return false;
    try {
      u.search = '';
      u.hash = '';
      return norm(fileURLToPath(u)) === indexPath;
    } catch {
      return false;
    }
  };
}

// ---------- window options and hardening ----------

export interface MainWindowOptionsInput {
  readonly preloadPath: string;
  readonly bounds?: Partial<Rectangle>;
  readonly isDev: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;

export function mainWindowOptions({ preloadPath, bounds, isDev }: MainWindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: bounds?.width ?? DEFAULT_SIZE.width,
    height: bounds?.height ?? DEFAULT_SIZE.height,
    ...(bounds?.x !== undefined && bounds?.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'etcd desktop',
    autoHideMenuBar: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: isDev,
    },
  };
}

/** The part of WebContents the hardening touches. */
export type HardenableContents = Pick<WebContents, 'setWindowOpenHandler' | 'on'>;

/**
 * No new windows, no navigation away from the app (the page can only be replaced by the
 * app's own URL), no <webview>.
 */
export function hardenWebContents(contents: HardenableContents, isAppUrl: (url: string) => boolean): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', (event, url) => guard(event, url));
  contents.on('will-redirect', (event, url) => guard(event, url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

// ---------- remembered bounds ----------

export interface WindowState {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly maximized: boolean;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Number.isInteger(v);

/** The stored state, or null when absent, unreadable or malformed. */
export function readWindowState(file: string): WindowState | null {
  try {
    const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof raw !== 'object' || raw === null) return null;
    const r = raw as Record<string, unknown>;
    if (!isInt(r.x) || !isInt(r.y) || !isInt(r.width) || !isInt(r.height)) return null;
    if (r.width < 100 || r.height < 100 || r.width > 100_000 || r.height > 100_000) return null;
    return { x: r.x, y: r.y, width: r.width, height: r.height, maximized: r.maximized === true };
  } catch {
    return null;
  }
}

/** Atomic: a temp file in the same directory, then rename over the old one. */
export function writeWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(state), { encoding: 'utf8', mode: 0o600 });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

const overlap = (a: Rectangle, b: Rectangle): { w: number; h: number } => ({
  w: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
  h: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
});

/**
 * The saved state if enough of it (its top strip, where the title bar is) lies on one of
 * the displays' work areas; otherwise null (use the default size, centred).
 */
export function visibleState(saved: WindowState | null, workAreas: readonly Rectangle[]): WindowState | null {
  if (!saved) return null;
  const titleBar: Rectangle = { x: saved.x, y: saved.y, width: saved.width, height: 40 };
  const onScreen = workAreas.some((area) => {
    const o = overlap(titleBar, area);
    return o.w >= Math.min(100, saved.width) && o.h >= 20;
  });
  return onScreen ? saved : null;
}

// ---------- menu ----------

export type { MenuCommand };

export interface MenuOptions {
  readonly platform: NodeJS.Platform;
  readonly isDev: boolean;
  /** Sends the command to the renderer. */
  readonly send: (command: MenuCommand) => void;
  readonly openExternal: (url: string) => void;
}

export function buildMenuTemplate({ platform, isDev, send, openExternal }: MenuOptions): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => send(command),
  });
  const template: MenuItemConstructorOptions[] = [];
  if (isMac) template.push({ role: 'appMenu' });
  template.push(
    {
      label: '&File',
      submenu: [
        item('New Key…', 'new-key', 'CmdOrCtrl+N'),
        item('Save', 'save', 'CmdOrCtrl+S'),
        // No accelerator: a plain Delete accelerator would swallow the key in text fields.
        item('Delete Key…', 'delete'),
        { type: 'separator' },
        item('Reload', 'reload', 'CmdOrCtrl+R'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'delete' },
        { type: 'separator' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        item('Find / Filter Keys', 'focus-filter', 'CmdOrCtrl+F'),
        item('Cluster Status', 'cluster-view'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(isDev
          ? ([{ type: 'separator' }, { role: 'toggleDevTools' }, { role: 'forceReload' }] as MenuItemConstructorOptions[])
          : []),
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'etcd Documentation', click: () => openExternal('https://etcd.io/docs/') },
        ...(isMac ? [] : ([{ type: 'separator' }, { role: 'about' }] as MenuItemConstructorOptions[])),
      ],
    },
  );
  return template;
}

// ---------- creation (needs Electron) ----------

export interface CreateMainWindowOptions {
  readonly preloadPath: string;
  /** The dev server URL, or the built index.html path. */
  readonly load: { readonly url: string } | { readonly file: string };
  readonly isAppUrl: (url: string) => boolean;
  readonly isDev: boolean;
  /** Where bounds are remembered (userData/window-state.json). */
  readonly stateFile: string;
}

export function createMainWindow({ preloadPath, load, isAppUrl, isDev, stateFile }: CreateMainWindowOptions): BrowserWindow {
  const saved = visibleState(
    readWindowState(stateFile),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow(mainWindowOptions({ preloadPath, bounds: saved ?? undefined, isDev }));
  hardenWebContents(win.webContents, isAppUrl);

  win.once('ready-to-show', () => {
    if (saved?.maximized) win.maximize();
    win.show();
  });
  win.on('close', () => {
    try {
      const b = win.getNormalBounds();
      writeWindowState(stateFile, { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() });
    } catch {
      // remembering the size is best effort
    }
  });

  const loading = 'url' in load ? win.loadURL(load.url) : win.loadFile(load.file);
  loading.catch((err: unknown) => console.error('etcd desktop: the window failed to load', err));
  return win;
}
