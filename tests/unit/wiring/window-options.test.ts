/** The main window's options and the guards on its contents: plain functions, no Electron needed. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { APP_INDEX_URL } from '../../../src/main/electron/window/app-protocol';
import { createAppUrlMatcher } from '../../../src/main/electron/window/app-url';
import { DEFAULT_SIZE, hardenWebContents, mainWindowOptions } from '../../../src/main/electron/window/options';
import { FakeWebContents } from './fake-electron';

const INDEX = resolve('/opt/etcd-desktop/out/renderer/index.html');
const isAppUrl = createAppUrlMatcher();

describe('mainWindowOptions', () => {
  it('hardens webPreferences and starts hidden', () => {
    const o = mainWindowOptions({ preloadPath: '/p/preload.js', isDev: false });
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
    expect(mainWindowOptions({ preloadPath: '/p', isDev: true }).webPreferences?.devTools).toBe(true);
  });

  it('uses remembered bounds when given', () => {
    const o = mainWindowOptions({ preloadPath: '/p', isDev: false, bounds: { x: 5, y: 6, width: 900, height: 700 } });
    expect(o).toMatchObject({ x: 5, y: 6, width: 900, height: 700 });
    const d = mainWindowOptions({ preloadPath: '/p', isDev: false });
    expect(d).toMatchObject(DEFAULT_SIZE);
    expect(d).not.toHaveProperty('x');
  });
});

describe('hardenWebContents', () => {
  const contents = () => {
    const c = new FakeWebContents();
    hardenWebContents(c as never, isAppUrl);
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
    expect(c.openHandler!({ url: APP_INDEX_URL })).toEqual({ action: 'deny' });
  });

  it('blocks navigation and redirects away from the app, allows the app itself', () => {
    const c = contents();
    expect(navigate(c, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate(c, 'will-navigate', 'file:///tmp/evil.html')).toBe(true);
    expect(navigate(c, 'will-redirect', 'https://evil.example/')).toBe(true);
    // the built page over file:// is not the app any more
    expect(navigate(c, 'will-navigate', pathToFileURL(INDEX).href)).toBe(true);
    expect(navigate(c, 'will-navigate', 'app://app/assets/index.js')).toBe(true);
    expect(navigate(c, 'will-redirect', 'app://evil/index.html')).toBe(true);
    expect(navigate(c, 'will-navigate', APP_INDEX_URL)).toBe(false);
    expect(navigate(c, 'will-navigate', `${APP_INDEX_URL}#/keys`)).toBe(false);
  });

  it('refuses <webview>', () => {
    const c = contents();
    const event = { preventDefault: vi.fn() };
    c.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });
});
