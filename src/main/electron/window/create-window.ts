/**
 * The one place the main window meets Electron: the plain pieces (options, guards,
 * remembered bounds) applied to a real BrowserWindow.
 */
import { BrowserWindow, screen } from 'electron';
import { describeError } from '../../core/logging/error-text';
import type { Logger } from '../../core/logging/logger';
import { readWindowState, visibleState, writeWindowState } from './bounds';
import { hardenWebContents, mainWindowOptions } from './options';

export interface CreateMainWindowOptions {
  readonly preloadPath: string;
  /** The page: app://app/index.html, or the dev server in dev. */
  readonly url: string;
  readonly isAppUrl: (url: string) => boolean;
  readonly isDev: boolean;
  /** Where bounds are remembered (userData/window-state.json). */
  readonly stateFile: string;
  /** Where a failed load is reported. */
  readonly log?: Logger;
}

export function createMainWindow({ preloadPath, url, isAppUrl, isDev, stateFile, log }: CreateMainWindowOptions): BrowserWindow {
  const saved = visibleState(
    readWindowState(stateFile),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow(mainWindowOptions({ preloadPath, bounds: saved ?? undefined, isDev }));
  // Before anything loads, so not even the first page can open a popup or navigate away.
  hardenWebContents(win.webContents, isAppUrl);

  win.once('ready-to-show', () => {
    if (saved?.maximized) win.maximize();
    win.show();
  });
  win.on('close', () => {
    try {
      // Normal bounds, so a maximized window comes back at its restored size, maximized.
      const b = win.getNormalBounds();
      writeWindowState(stateFile, { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() });
    } catch {
      // remembering the size is best effort
    }
  });

  win.loadURL(url).catch((err: unknown) => {
    if (log) log.error('the window failed to load', describeError(err));
    else console.error('etcd desktop: the window failed to load', err);
  });
  return win;
}
