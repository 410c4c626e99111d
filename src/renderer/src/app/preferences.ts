/**
 * What the window remembers across restarts, in the renderer's localStorage: the theme choice
 * and the pane sizes. Nothing here is about a cluster, so it never goes through main.
 */
import type { AppStore } from './create-app-store';
import { parsePanes } from './layout';

export const THEME_KEY = 'etcd-desktop.theme';
export const PANES_KEY = 'etcd-desktop.panes';

export type PreferenceStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** A storage that refuses (quota, disabled storage) costs the memory, not the window. */
function safely<T>(run: () => T, fallback: T): T {
  try {
    return run();
  } catch {
    return fallback;
  }
}

/** Apply what `storage` remembers to `store`, then keep it up to date; returns the unsubscribe. */
export function restorePreferences(store: AppStore, storage: PreferenceStorage): () => void {
  const theme = safely(() => storage.getItem(THEME_KEY), null);
  // "system" (follow the OS) is the default, so it needs no entry.
  if (theme === 'light' || theme === 'dark') store.getState().setTheme(theme);
  store.getState().setPanes(parsePanes(safely(() => storage.getItem(PANES_KEY), null)));

  return store.subscribe((s, prev) => {
    if (s.theme !== prev.theme) safely(() => storage.setItem(THEME_KEY, s.theme), undefined);
    if (s.panes !== prev.panes) safely(() => storage.setItem(PANES_KEY, JSON.stringify(s.panes)), undefined);
  });
}
