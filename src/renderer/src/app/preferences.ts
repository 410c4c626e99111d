/**
 * What the window remembers across restarts, in the renderer's localStorage: the theme choice,
 * the pane sizes, and the folder tree (shown or not, the delimiter and layout per profile id). Nothing here is about a cluster, so it never goes through main.
 */
import type { AppStore } from './create-app-store';
import { parsePanes } from './layout';

export const THEME_KEY = 'etcd-desktop.theme';
export const PANES_KEY = 'etcd-desktop.panes';
export const TREE_KEY = 'etcd-desktop.tree';
/** The tree's layout per profile id ("kubernetes"; absent: folders). */
export const TREE_LAYOUTS_KEY = 'etcd-desktop.tree-layouts';

function parseLayouts(raw: string | null): Record<string, 'folders' | 'kubernetes'> {
  const out: Record<string, 'folders' | 'kubernetes'> = {};
  try {
    const v = JSON.parse(raw ?? 'null') as unknown;
    if (v && typeof v === 'object') for (const [id, l] of Object.entries(v as Record<string, unknown>)) if (l === 'kubernetes' || l === 'folders') out[id] = l;
  } catch {
    // not JSON: the defaults
  }
  return out;
}

/** What TREE_KEY holds, checked field by field (a hand-edited or older entry is ignored). */
function parseTree(raw: string | null): { open: boolean; delimiters: Record<string, string> } {
  const out = { open: false, delimiters: {} as Record<string, string> };
  try {
    const v = JSON.parse(raw ?? 'null') as { open?: unknown; delimiters?: unknown } | null;
    if (v && v.open === true) out.open = true;
    if (v && typeof v.delimiters === 'object' && v.delimiters !== null) {
      for (const [id, d] of Object.entries(v.delimiters as Record<string, unknown>)) if (typeof d === 'string' && d !== '' && d.length <= 8) out.delimiters[id] = d;
    }
  } catch {
    // not JSON: the defaults
  }
  return out;
}

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
  const tree = parseTree(safely(() => storage.getItem(TREE_KEY), null));
  store.setState({ treeOpen: tree.open, treeDelimiters: tree.delimiters, treeLayouts: parseLayouts(safely(() => storage.getItem(TREE_LAYOUTS_KEY), null)) });

  return store.subscribe((s, prev) => {
    if (s.theme !== prev.theme) safely(() => storage.setItem(THEME_KEY, s.theme), undefined);
    if (s.panes !== prev.panes) safely(() => storage.setItem(PANES_KEY, JSON.stringify(s.panes)), undefined);
    if (s.treeOpen !== prev.treeOpen || s.treeDelimiters !== prev.treeDelimiters) {
      safely(() => storage.setItem(TREE_KEY, JSON.stringify({ open: s.treeOpen, delimiters: s.treeDelimiters })), undefined);
    }
    if (s.treeLayouts !== prev.treeLayouts) safely(() => storage.setItem(TREE_LAYOUTS_KEY, JSON.stringify(s.treeLayouts)), undefined);
  });
}
