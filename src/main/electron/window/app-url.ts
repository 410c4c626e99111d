/**
 * What counts as the app's own page. Navigation guards and the IPC sender check both ask
 * this, so a page that is not ours can neither replace the window nor call main.
 */
import { APP_HOST, APP_SCHEME } from './app-protocol';

export interface AppUrlOptions {
  /** ELECTRON_RENDERER_URL in dev; undefined in production. */
  readonly devServerUrl?: string;
}

/**
 * Whether `url` is the app's own page: app://app/index.html (or app://app/, the same file),
 * with any query or hash; in dev, also any URL on the dev server's origin.
 */
export function createAppUrlMatcher({ devServerUrl }: AppUrlOptions = {}): (url: string) => boolean {
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
    if (u.protocol !== `${APP_SCHEME}:` || u.host.toLowerCase() !== APP_HOST || u.username || u.password || u.port) return false;
    return u.pathname === '/' || u.pathname === '/index.html';
  };
}
