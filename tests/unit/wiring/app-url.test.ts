/** Which URLs are the app's own page (navigation guards and the IPC sender check rely on it). */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAppUrlMatcher } from '../../../src/main/electron/window/app-url';

const INDEX = resolve('/opt/etcd-desktop/out/renderer/index.html');
const isAppUrl = createAppUrlMatcher({ indexHtmlPath: INDEX });

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
    const dev = createAppUrlMatcher({ indexHtmlPath: INDEX, devServerUrl: 'http://localhost:5173' });
    expect(dev('http://localhost:5173/')).toBe(true);
    expect(dev('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
    expect(dev('http://127.0.0.1:5173/')).toBe(false);
    expect(dev('https://evil.example/')).toBe(false);
  });
});
