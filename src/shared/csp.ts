/**
 * The renderer's Content-Security-Policy, declared once. The build puts it into index.html
 * (electron.vite.config.ts), main sends the dev variant as a header, and the tests check the
 * built page against it. Pure: imported by the Vite config, which cannot load electron.
 */

/** Directive name → its sources. Written order is kept, so the policy text is stable. */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

export function serializeCsp(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/**
 * Scripts only from the app itself; inline styles are allowed because CodeMirror injects its
 * theme as a `<style>` element. Everything the app does not use is `'none'`, not left to
 * default-src, so a reader sees the whole surface.
 */
export const CSP_DIRECTIVES: CspDirectives = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'worker-src': ["'none'"],
  'manifest-src': ["'none'"],
};

/**
 * The dev server's page differs only where Vite needs it: the React refresh preamble is an
 * inline module script and HMR talks over a websocket.
 */
export const DEV_CSP_DIRECTIVES: CspDirectives = {
  ...CSP_DIRECTIVES,
  'script-src': [...CSP_DIRECTIVES['script-src'], "'unsafe-inline'"],
  'connect-src': [...CSP_DIRECTIVES['connect-src'], 'ws://localhost:*', 'ws://127.0.0.1:*'],
};

/** The policy of the built page: in its <meta>, and as a header of every app:// response. */
export const CSP = serializeCsp(CSP_DIRECTIVES);

export const DEV_CSP = serializeCsp(DEV_CSP_DIRECTIVES);

const CSP_META = /<meta\b[^>]*\bhttp-equiv\s*=\s*["']?Content-Security-Policy["']?[^>]*>/gi;
const CONTENT_ATTR = /(\bcontent\s*=\s*)("[^"]*"|'[^']*')/i;

const escapeAttr = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * `html` with its one CSP `<meta>` set to `policy`. Throws unless there is exactly one such
 * meta with a content attribute: a page that lost it must fail the build, not ship without a
 * policy, and a second meta would silently tighten or confuse the first.
 */
export function setCspMeta(html: string, policy: string): string {
  const metas = html.match(CSP_META) ?? [];
  if (metas.length !== 1) {
    throw new Error(`expected exactly one <meta http-equiv="Content-Security-Policy"> in the page, found ${metas.length}`);
  }
  const [meta] = metas;
  if (!CONTENT_ATTR.test(meta)) throw new Error('the Content-Security-Policy <meta> has no content attribute');
  return html.replace(meta, () => meta.replace(CONTENT_ATTR, (_all, prefix: string) => `${prefix}"${escapeAttr(policy)}"`));
}

/** Response headers with the CSP set (any existing CSP header, whatever its case, replaced). */
export function withCsp(
  headers: Record<string, string | string[]> | undefined,
  policy: string,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [policy];
  return out;
}
