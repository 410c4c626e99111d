/** Which URLs are the app's own page (navigation guards and the IPC sender check rely on it). */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL } from '../../../src/main/electron/window/app-protocol';
import { createAppUrlMatcher } from '../../../src/main/electron/window/app-url';

const isAppUrl = createAppUrlMatcher();

describe('the app URL', () => {
  it('is app://app/index.html (or app://app/, the same page), with any hash or query', () => {
    expect(APP_INDEX_URL).toBe('app://app/index.html');
    expect(isAppUrl(APP_INDEX_URL)).toBe(true);
    expect(isAppUrl(`${APP_INDEX_URL}#/keys`)).toBe(true);
    expect(isAppUrl(`${APP_INDEX_URL}?x=1`)).toBe(true);
    expect(isAppUrl('app://app/')).toBe(true);
    expect(isAppUrl('APP://APP/index.html')).toBe(true);
  });

  it.each([
    // the built page over file:// is no longer the app: its origin is null and it could read any file
    pathToFileURL(resolve('/opt/etcd-desktop/out/renderer/index.html')).href,
    'file:///etc/passwd',
    'app://app/assets/index.js',
    'app://app/other.html',
    'app://evil/index.html',
    'app://app:8080/index.html',
    'app://user:pw@app/index.html',
    'apps://app/index.html',
    'https://evil.example/',
    'http://localhost:5173/',
    'javascript:alert(1)',
    'about:blank',
    'not a url',
  ])('%s is not', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });

  it('in dev, is also anything on the dev server origin', () => {
    const dev = createAppUrlMatcher({ devServerUrl: 'http://localhost:5173' });
    expect(dev('http://localhost:5173/')).toBe(true);
    expect(dev('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(dev(APP_INDEX_URL)).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
    expect(dev('http://127.0.0.1:5173/')).toBe(false);
    expect(dev('https://evil.example/')).toBe(false);
  });

  it('ignores a dev server URL that is not http(s)', () => {
    const m = createAppUrlMatcher({ devServerUrl: 'file:///tmp/' });
    expect(m('file:///tmp/index.html')).toBe(false);
    expect(m(APP_INDEX_URL)).toBe(true);
  });
});
