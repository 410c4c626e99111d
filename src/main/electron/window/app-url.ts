/**
 * What counts as the app's own page. Navigation guards and the IPC sender check both ask
 * this, so a page that is not ours can neither replace the window nor call main.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  // Windows paths compare case-insensitively; elsewhere a differently cased path is another file.
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
    // file://host/... is a network share, never the local build.
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
