/**
 * The main window's security posture, as plain functions: its constructor options (hardened
 * webPreferences) and the guards put on its web contents (no popups, no navigation away,
 * no <webview>). Only Electron's types are used, so both are testable without Electron.
 */
import type { BrowserWindowConstructorOptions, Rectangle, WebContents } from 'electron';

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
    // A position alone would be meaningless without its partner; otherwise Electron centres the window.
    ...(bounds?.x !== undefined && bounds?.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: 720,
    minHeight: 480,
    // Shown on ready-to-show, so the user never sees an empty frame.
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
