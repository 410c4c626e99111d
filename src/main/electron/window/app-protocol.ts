/**
 * The page is served from `app://app/` (a standard, secure scheme registered before ready),
 * not file://: a file:// page's origin is `null` and it could read any local file its URL
 * names. Only files under the built renderer folder (out/renderer) are served, only with a
 * known MIME type, and every response carries the page's CSP as a header as well as its <meta>.
 *
 * Plain Node (Request/Response are Node's globals too): `resolveAppRequest` is pure (URL →
 * file or refusal) and `serveAppRequest` reads the file; Electron's protocol.handle calls it.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { CSP, withCsp } from '../../../shared/csp';

export const APP_SCHEME = 'app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the main window loads in production. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** For protocol.registerSchemesAsPrivileged, before ready: an origin of its own, secure, fetch and module scripts work. */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: true,
} as const;

/** The only types served; a file of any other type is not found. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export type AppRequestResolution =
  | { readonly ok: true; readonly path: string; readonly mime: string }
  | { readonly ok: false; readonly status: 400 | 403 | 404 | 405; readonly reason: string };

const refuse = (status: 400 | 403 | 404 | 405, reason: string): AppRequestResolution => ({ ok: false, status, reason });

/**
 * Which file under `rootDir` an app:// request names, or why none. Pure: no file system.
 * `/` is index.html; query and hash are ignored; encoded separators, NUL, `..` and anything
 * that would resolve outside `rootDir` are refused.
 */
export function resolveAppRequest(url: string, rootDir: string, method = 'GET'): AppRequestResolution {
  if (method !== 'GET' && method !== 'HEAD') return refuse(405, 'only GET and HEAD');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return refuse(400, 'not a URL');
  }
  if (u.protocol !== `${APP_SCHEME}:`) return refuse(400, 'not the app scheme');
  if (u.host.toLowerCase() !== APP_HOST || u.username || u.password || u.port) return refuse(404, 'another host');
  const raw = u.pathname;
  // %2F / %5C would smuggle a separator past the URL parser's dot-segment handling.
  if (/%(2f|5c|00)/i.test(raw) || raw.includes('\\')) return refuse(400, 'encoded separator or NUL');
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return refuse(400, 'bad escape');
  }
  if (path.includes('\0')) return refuse(400, 'NUL');
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) return refuse(403, 'dot segment');
  if (segments.length === 0) segments.push('index.html');
  const root = resolve(rootDir);
  const file = resolve(root, ...segments);
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return refuse(403, 'outside the renderer folder');
  const mime = MIME_TYPES[extname(file).toLowerCase()];
  if (!mime) return refuse(404, 'not a served type');
  return { ok: true, path: file, mime };
}

/** The headers of every app:// response: the page's CSP, no MIME sniffing, no caching of stale builds. */
export function appResponseHeaders(mime: string, policy: string = CSP): [string, string][] {
  const headers = withCsp({ 'Content-Type': mime, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' }, policy);
  return Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value.map((v): [string, string] => [name, v]) : [[name, value]]));
}

/** Answers one app:// request from `rootDir` (Electron's protocol.handle, or a test's route). */
export async function serveAppRequest(request: Pick<Request, 'url' | 'method'>, rootDir: string): Promise<Response> {
  const target = resolveAppRequest(request.url, rootDir, request.method);
  if (!target.ok) return new Response(null, { status: target.status, headers: appResponseHeaders('text/plain; charset=utf-8') });
  const notFound = () => new Response(null, { status: 404, headers: appResponseHeaders('text/plain; charset=utf-8') });
  try {
    const info = await stat(target.path);
    if (!info.isFile()) return notFound();
    // A link inside the folder must not lead out of it.
    const [root, real] = await Promise.all([realpath(rootDir), realpath(target.path)]);
    const rel = relative(root, real);
    if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return notFound();
    const body = request.method === 'HEAD' ? null : await readFile(target.path);
    return new Response(body, { status: 200, headers: appResponseHeaders(target.mime) });
  } catch {
    return notFound();
  }
}
