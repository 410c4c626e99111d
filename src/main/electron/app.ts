/**
 * App lifecycle: single instance, the main window, the menu, IPC registration and
 * shutdown. The only place that assembles Electron objects with the core; `main()` runs
 * only under Electron, so importing this module in tests has no side effects.
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, safeStorage, session, shell } from 'electron';

import { DEV_CSP, withCsp } from '../../shared/csp';
import { createHandlers } from '../core/handlers';
import { describeError } from '../core/logging/error-text';
import { createLogger, type Logger } from '../core/logging/logger';
import { createEmitter, createSenderCheck, registerIpc } from './ipc';
import { createFileLog, installProcessHandlers } from './logging';
import { menuActions, withActions } from './menu/actions';
import { menuTemplate } from './menu/template';
import { createSafeStorageCipher } from './safe-storage';
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, serveAppRequest } from './window/app-protocol';
import { createAppUrlMatcher } from './window/app-url';
import { createMainWindow } from './window/create-window';
import { createAlertNotifier } from './window/notifications';
import { watchRendererHealth } from './window/renderer-health';
import { watchVisibility } from './window/visibility';

/** Paths of what electron-vite builds, relative to out/main/index.js. */
export function builtPaths(mainDir: string): { preload: string; rendererDir: string; indexHtml: string } {
  return {
    preload: join(mainDir, '../preload/index.js'),
    /** Served as app://app/ (nothing outside it is). */
    rendererDir: join(mainDir, '../renderer'),
    indexHtml: join(mainDir, '../renderer/index.html'),
  };
}

/** How long quitting waits for sessions to close. */
const DISPOSE_TIMEOUT_MS = 3000;

/** Permissions the renderer may use; everything else (camera, geolocation, ...) is denied. */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

/** The folder of the app's log files: userData/logs. */
export const logFolder = (userData: string): string => join(userData, 'logs');

/** Process-wide handlers are installed once, however often main() runs (tests). */
let uninstallProcessHandlers: (() => void) | null = null;

export function main(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  // Before ready, or the scheme is not standard (no origin of its own) and not secure.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

  const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const isDev = !app.isPackaged;
  const logDir = logFolder(app.getPath('userData'));
  const logger: Logger = createLogger(createFileLog({ dir: logDir, console: isDev }).sink);
  const log = logger.scope('app');
  uninstallProcessHandlers?.();
  uninstallProcessHandlers = installProcessHandlers(logger.scope('process'));
  log.info('starting', { version: app.getVersion(), electron: process.versions.electron, platform: process.platform });
  const paths = builtPaths(__dirname);
  const isAppUrl = createAppUrlMatcher({ devServerUrl });

  let mainWindow: BrowserWindow | null = null;
  // Push events go to the app's own window only.
  const emit = createEmitter(() => (mainWindow ? [mainWindow] : []));

  type Running = { handlers: ReturnType<typeof createHandlers>; unregister: () => void };
  let running: Running | null = null;

  const start = (): void => {
    if (running) return;
    const handlers = createHandlers({
      profilesDir: app.getPath('userData'),
      cipher: createSafeStorageCipher(safeStorage),
      emit,
      notify: createAlertNotifier({ isSupported: () => Notification.isSupported(), create: (o) => new Notification(o) }, () => mainWindow),
      logger,
      logFolder: logDir,
      openPath: (path) => shell.openPath(path),
      chooseFile: async ({ title, defaultPath, filters }) => {
        const options = { title, properties: ['openFile' as const], filters: filters.map((f) => ({ ...f })), ...(defaultPath ? { defaultPath } : {}) };
        const r = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
        return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
      },
      chooseSaveFile: async ({ title, defaultPath, filters }) => {
        const options = { title, filters: filters.map((f) => ({ ...f })), ...(defaultPath ? { defaultPath } : {}) };
        const r = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
        return r.canceled || !r.filePath ? null : r.filePath;
      },
    });
    const unregister = registerIpc({
      ipcMain,
      handlers,
      isTrustedSender: createSenderCheck(() => mainWindow, isAppUrl),
      log: logger.scope('ipc'),
    });
    running = { handlers, unregister };
  };

  /** Unregisters IPC and closes every session; never rejects, never hangs past the timeout. */
  let stopping: Promise<void> = Promise.resolve();
  const stop = (): Promise<void> => {
    const current = running;
    if (!current) return stopping;
    running = null;
    current.unregister();
    const previous = stopping;
    stopping = (async () => {
      await previous;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((done) => {
        timer = setTimeout(done, DISPOSE_TIMEOUT_MS);
      });
      try {
        await Promise.race([current.handlers.dispose(), timeout]);
      } catch (err) {
        log.error('closing sessions failed', describeError(err));
      } finally {
        clearTimeout(timer);
      }
    })();
    return stopping;
  };

  const openWindow = (): void => {
    start();
    mainWindow = createMainWindow({
      preloadPath: paths.preload,
      url: devServerUrl ?? APP_INDEX_URL,
      isAppUrl,
      isDev,
      stateFile: join(app.getPath('userData'), 'window-state.json'),
      log,
    });
    const win = mainWindow;
    watchRendererHealth(win, { log: logger.scope('window'), showMessageBox: (options) => dialog.showMessageBox(win, options) });
    // Liveness probes run every second while the window can be seen, every 10 s otherwise.
    watchVisibility(win, (visible) => {
      if (mainWindow === win) running?.handlers.setWindowVisible(visible);
    });
    // A reload replaces the page: the old page's watches and keep-alives end with it.
    win.webContents.on('did-start-navigation', (details) => {
      if (mainWindow === win && details.isMainFrame && !details.isSameDocument) void running?.handlers.pageLoading();
    });
    win.on('closed', () => {
      if (mainWindow === win) mainWindow = null;
    });
  };

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // Any other web contents (devtools aside) gets no popups and no <webview>.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  app
    .whenReady()
    .then(() => {
      const ses = session.defaultSession;
      ses.setPermissionRequestHandler((_wc, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)));
      ses.setPermissionCheckHandler((_wc, permission) => ALLOWED_PERMISSIONS.has(permission));
      // The built page and its assets, from out/renderer only, each response with the CSP header.
      const protocolLog = logger.scope('protocol');
      protocol.handle(APP_SCHEME, async (request) => {
        const response = await serveAppRequest(request, paths.rendererDir);
        if (!response.ok) protocolLog.warn('app:// request refused', { status: response.status });
        return response;
      });
      if (devServerUrl) {
        // The dev server's http responses get the dev policy as a header as well as its <meta>.
        ses.webRequest.onHeadersReceived({ urls: ['http://*/*', 'https://*/*'] }, (details, callback) =>
          callback({ responseHeaders: withCsp(details.responseHeaders, DEV_CSP) }),
        );
      }

      const openLogFolder = (): void => {
        void shell.openPath(logDir).then((error) => {
          if (error) log.warn('the log folder could not be opened', { reason: error });
        });
      };
      const actions = menuActions({ emit, openExternal: (url) => shell.openExternal(url), openLogFolder });
      Menu.setApplicationMenu(Menu.buildFromTemplate(withActions(menuTemplate({ platform: process.platform, isDev }), actions)));

      openWindow();
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) openWindow();
      });
    })
    .catch((err: unknown) => {
      log.error('startup failed', describeError(err));
      console.error('etcd desktop: startup failed', err);
      app.exit(1);
    });

  app.on('window-all-closed', () => {
    void stop().then(() => {
      if (process.platform !== 'darwin') app.quit();
    });
  });

  // Quitting waits (bounded) for the sessions to close, then quits for real.
  let quitting = false;
  let readyToQuit = false;
  app.on('before-quit', (event) => {
    if (readyToQuit) return;
    event.preventDefault();
    if (quitting) return;
    quitting = true;
    void stop().finally(() => {
      readyToQuit = true;
      app.quit();
    });
  });
}

// Start only inside Electron's main process, never when a test imports this module.
if (process.versions.electron !== undefined && process.type === 'browser' && !process.env.VITEST) {
  main();
}
