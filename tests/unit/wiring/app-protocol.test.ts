/**
 * The app:// protocol without Electron: which file a URL names (pure), and what is answered
 * (a real folder standing in for out/renderer): only files under it, with their MIME type and
 * the page's CSP header; traversal refused; anything else 404.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP } from '../../../src/shared/csp';
import { APP_INDEX_URL, resolveAppRequest, serveAppRequest } from '../../../src/main/electron/window/app-protocol';

const tmp = mkdtempSync(join(tmpdir(), 'etcd-desktop-protocol-'));
const root = join(tmp, 'out', 'renderer');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'font.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  writeFileSync(join(root, 'assets', 'icon.svg'), '<svg/>');
  writeFileSync(join(root, 'assets', 'notes.xyz'), 'unknown type');
  mkdirSync(join(root, 'dir.js'));
  // next to the renderer folder: what traversal would be after
  writeFileSync(join(tmp, 'out', 'secret.js'), 'SECRET');
  writeFileSync(join(tmp, 'out', 'renderer-evil.js'), 'SECRET');
  symlinkSync(join(tmp, 'out', 'secret.js'), join(root, 'assets', 'link.js'));
});

describe('resolveAppRequest (pure)', () => {
  it.each([
    ['app://app/index.html', 'index.html', 'text/html; charset=utf-8'],
    ['app://app/', 'index.html', 'text/html; charset=utf-8'],
    ['app://app', 'index.html', 'text/html; charset=utf-8'],
    ['app://app/index.html?x=1#/keys', 'index.html', 'text/html; charset=utf-8'],
    ['app://app/assets/index-abc.js', 'assets/index-abc.js', 'text/javascript; charset=utf-8'],
    ['app://app/assets/index-abc.css', 'assets/index-abc.css', 'text/css; charset=utf-8'],
    ['app://app/assets/font.woff2', 'assets/font.woff2', 'font/woff2'],
    ['app://app/assets/icon.svg', 'assets/icon.svg', 'image/svg+xml'],
    ['app://app/assets/a%20b.js', 'assets/a b.js', 'text/javascript; charset=utf-8'],
    ['app://APP/index.html', 'index.html', 'text/html; charset=utf-8'],
  ])('%s → %s (%s)', (url, file, mime) => {
    expect(resolveAppRequest(url, root)).toEqual({ ok: true, path: join(root, file), mime });
  });

  it.each(['app://app/../secret.js', 'app://app/%2e%2e/secret.js', 'app://app/assets/%2E%2E/%2e%2e/secret.js', 'app://app/./../../secret.js'])(
    '%s: dot segments stop at the root, as in the browser (the file asked for is <root>/secret.js)',
    (url) => {
      expect(resolveAppRequest(url, root)).toEqual({ ok: true, path: join(root, 'secret.js'), mime: 'text/javascript; charset=utf-8' });
    },
  );

  it.each([
    ['app://app/..%2fsecret.js', 400],
    ['app://app/..%2Fsecret.js', 400],
    ['app://app/..%5csecret.js', 400],
    ['app://app/a\\..\\..\\secret.js', 400],
    ['app://app/index.html%00.js', 400],
    ['app://app/%E0%A4%A', 400],
    ['app://evil/index.html', 404],
    ['app://app:99/index.html', 404],
    ['app://u:p@app/index.html', 404],
    ['file:///etc/passwd', 400],
    ['https://app/index.html', 400],
    ['not a url', 400],
    ['app://app/assets/notes.xyz', 404],
    ['app://app/assets', 404],
  ])('%s is refused (%i)', (url, status) => {
    const r = resolveAppRequest(url, root);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.status).toBe(status);
  });

  it('never resolves outside the folder, whatever the URL', () => {
    const probes = ['..', '%2e%2e', '%2E.', '.%2e', '...', '....', '%252e%252e', '%c0%ae%c0%ae', '/', '//', '\\', '..%2f..', '%2e%2e%2f%2e%2e', '..%5c..'];
    for (const a of probes) {
      for (const b of probes) {
        const r = resolveAppRequest(`app://app/${a}/${b}/secret.js`, root);
        if (r.ok) expect(r.path.startsWith(root + '/') || r.path.startsWith(root + '\\'), r.path).toBe(true);
      }
    }
    // a sibling folder whose name starts like the root's
    expect(resolveAppRequest('app://app/../renderer-evil.js', root)).toMatchObject({ path: join(root, 'renderer-evil.js') });
  });

  it('only GET and HEAD', () => {
    expect(resolveAppRequest(APP_INDEX_URL, root, 'HEAD').ok).toBe(true);
    expect(resolveAppRequest(APP_INDEX_URL, root, 'POST')).toMatchObject({ ok: false, status: 405 });
  });
});

describe('serveAppRequest (files)', () => {
  const get = (url: string, method = 'GET') => serveAppRequest(new Request(url, { method }), root);

  it('serves the page and its assets with their type, the CSP header and no sniffing', async () => {
    const page = await get(APP_INDEX_URL);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toBe('<!doctype html><title>app</title>');
    const js = await get('app://app/assets/index-abc.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log(1)');
    const font = await get('app://app/assets/font.woff2');
    expect(Buffer.from(await font.arrayBuffer())).toEqual(Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  });

  it('HEAD answers without a body', async () => {
    const r = await get(APP_INDEX_URL, 'HEAD');
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('');
  });

  it.each([
    ['app://app/missing.js', 404],
    ['app://app/dir.js', 404],
    ['app://app/../secret.js', 404],
    ['app://app/../renderer-evil.js', 404],
    ['app://app/..%2fsecret.js', 400],
    ['app://app/assets/link.js', 404],
    ['app://app/assets/notes.xyz', 404],
  ])('%s → %i, nothing of the file', async (url, status) => {
    const r = await get(url);
    expect(r.status).toBe(status);
    expect(await r.text()).not.toContain('SECRET');
    expect(r.headers.get('content-security-policy')).toBe(CSP);
  });
});
