/**
 * The folder tree: a folder's direct children by delimiter (`kv:children`), loaded when the
 * folder is expanded, paged with "more". Owned by the connection: a profile switch or disconnect
 * resets it, and answers for an older connection are dropped. The delimiter is per profile
 * (default "/"), remembered by the window (app/preferences.ts).
 */
import type { Bytes } from '../../../../shared/bytes';
import { fromUint8, text, toUint8 } from '../../../../shared/bytes';
import type { AppError } from '../../../../shared/result';
import type { FolderChild } from '../../../../shared/types';
import type { SliceCreator } from '../../app/slice';
import { keyId } from '../keys/live-listing';

/** Children per call; more come with "Show more". */
export const TREE_PAGE = 200;
export const DEFAULT_DELIMITER = '/';
/** Revealing a key reads at most this many pages of one folder looking for it. */
export const REVEAL_PAGES_MAX = 10;

/** A folder's key count, read on demand (`kv:count`). */
export type FolderCount = { readonly state: 'loading' } | { readonly state: 'done'; readonly count: number; readonly revision: number } | { readonly state: 'failed'; readonly error: AppError };

/**
 * The folders that hold `key`, outermost first, by `delimiter`: "a/b/c" → "a/", "a/b/"; "a/b/" →
 * "a/", "a/b/". Byte-wise, so binary keys and delimiters work too.
 */
export function ancestorsOf(key: Bytes, delimiter: string): Bytes[] {
  const k = toUint8(key);
  const d = new TextEncoder().encode(delimiter);
  const out: Bytes[] = [];
  if (d.length === 0) return out;
  for (let i = 0; i + d.length <= k.length; i++) {
    let match = true;
    for (let j = 0; j < d.length && match; j++) match = k[i + j] === d[j];
    if (!match) continue;
    const end = i + d.length;
    // A key that ends with the delimiter ("a/b/") is listed inside its own folder, as kv:children does.
    out.push(fromUint8(k.slice(0, end)));
    i = end - 1;
  }
  return out;
}

export interface TreeNode {
  readonly prefix: Bytes;
  readonly children: readonly FolderChild[];
  readonly more: boolean;
  readonly nextCursor: Bytes | null;
  readonly revision: number;
  readonly loading: boolean;
  readonly error: AppError | null;
}

export interface TreeSlice {
  treeOpen: boolean;
  /** Loaded folders by keyId of their prefix ("" is the root). */
  treeNodes: ReadonlyMap<string, TreeNode>;
  /** Expanded folders, by keyId of their prefix. */
  treeExpanded: ReadonlySet<string>;
  /** Per profile id; absent means DEFAULT_DELIMITER. */
  treeDelimiters: Readonly<Record<string, string>>;
  toggleTree(open?: boolean): void;
  /** Reads the root when it is not loaded (a new connection, a reset). */
  ensureTreeRoot(): void;
  /** The delimiter of the active profile. */
  treeDelimiter(): string;
  setTreeDelimiter(delimiter: string): void;
  /** Expand (loading its children the first time) or collapse a folder. */
  toggleFolder(prefix: Bytes): Promise<void>;
  expandFolder(prefix: Bytes): Promise<void>;
  loadMoreChildren(prefix: Bytes): Promise<void>;
  /** Forget what was loaded and read the root (and the expanded folders) again. */
  reloadTree(): Promise<void>;
  /** Folder key counts read on demand, by keyId of the prefix. */
  treeCounts: ReadonlyMap<string, FolderCount>;
  /** Count the keys under a folder (exact, `kv:count`). */
  countFolder(prefix: Bytes): Promise<void>;
  /**
   * Expand the folders that hold `key` (reading further pages of a folder, up to
   * REVEAL_PAGES_MAX, until the next one appears) so that it shows in the tree. Resolves true when
   * the key's row is loaded.
   */
  revealInTree(key: Bytes): Promise<boolean>;
}

const ROOT = text('');

const initialTree = () => ({
  treeNodes: new Map<string, TreeNode>() as ReadonlyMap<string, TreeNode>,
  treeExpanded: new Set<string>() as ReadonlySet<string>,
  treeCounts: new Map<string, FolderCount>() as ReadonlyMap<string, FolderCount>,
});

const childId = (c: FolderChild): string => keyId(c.kind === 'folder' ? c.prefix : c.key);

interface TreeNeeds {
  readonly activeProfileId: string | null;
}

export const createTreeSlice: SliceCreator<TreeSlice, TreeNeeds> = (set, get, { client, scope }) => {
  scope.own({ reset: () => set(initialTree()) });

  const putNode = (id: string, node: TreeNode) => {
    const next = new Map(get().treeNodes);
    next.set(id, node);
    set({ treeNodes: next });
  };

  /** Reads one page of `prefix`'s children, appended to what is loaded when `append`. */
  const load = async (prefix: Bytes, append: boolean): Promise<void> => {
    const guard = scope.capture();
    if (!guard) return;
    const id = keyId(prefix);
    const before = get().treeNodes.get(id);
    if (before?.loading) return;
    const base: TreeNode = before ?? { prefix, children: [], more: false, nextCursor: null, revision: 0, loading: false, error: null };
    putNode(id, { ...base, loading: true, error: null });
    const cursor = append ? base.nextCursor : null;
    const r = await guard.wait(
      client.kv.children({
        profileId: guard.profileId,
        folder: prefix,
        delimiter: text(get().treeDelimiter()),
        limit: TREE_PAGE,
        ...(cursor ? { cursor } : {}),
        ...(append && base.revision ? { revision: base.revision } : {}),
      }),
    );
    if (!r) return;
    if (!r.ok) {
      putNode(id, { ...base, loading: false, error: r.error });
      return;
    }
    putNode(id, {
      prefix,
      children: append ? [...base.children, ...r.value.children] : r.value.children,
      more: r.value.more,
      nextCursor: r.value.nextCursor,
      revision: r.value.revision,
      loading: false,
      error: null,
    });
  };

  return {
    treeOpen: false,
    ...initialTree(),
    treeDelimiters: {},

    toggleTree(open) {
      const next = open ?? !get().treeOpen;
      set({ treeOpen: next });
      if (next && !get().treeNodes.has(keyId(ROOT))) void load(ROOT, false);
    },

    ensureTreeRoot() {
      if (get().activeProfileId && !get().treeNodes.has(keyId(ROOT))) void load(ROOT, false);
    },

    treeDelimiter() {
      const id = get().activeProfileId;
      return (id && get().treeDelimiters[id]) || DEFAULT_DELIMITER;
    },

    setTreeDelimiter(delimiter) {
      const id = get().activeProfileId;
      if (!id || delimiter === '' || delimiter === get().treeDelimiter()) return;
      set({ treeDelimiters: { ...get().treeDelimiters, [id]: delimiter } });
      void get().reloadTree();
    },

    async toggleFolder(prefix) {
      const id = keyId(prefix);
      if (get().treeExpanded.has(id)) {
        const next = new Set(get().treeExpanded);
        next.delete(id);
        set({ treeExpanded: next });
        return;
      }
      await get().expandFolder(prefix);
    },

    async expandFolder(prefix) {
      const id = keyId(prefix);
      if (!get().treeExpanded.has(id)) set({ treeExpanded: new Set(get().treeExpanded).add(id) });
      if (!get().treeNodes.has(id)) await load(prefix, false);
    },

    async loadMoreChildren(prefix) {
      await load(prefix, true);
    },

    async countFolder(prefix) {
      const guard = scope.capture();
      if (!guard) return;
      const id = keyId(prefix);
      const put = (c: FolderCount) => set({ treeCounts: new Map(get().treeCounts).set(id, c) });
      put({ state: 'loading' });
      const r = await guard.wait(client.kv.count({ profileId: guard.profileId, prefix }));
      if (!r) return;
      put(r.ok ? { state: 'done', count: r.value.count, revision: r.value.revision } : { state: 'failed', error: r.error });
    },

    async revealInTree(key) {
      const guard = scope.capture();
      if (!guard) return false;
      if (!get().treeNodes.has(keyId(ROOT))) await load(ROOT, false);
      let parent = ROOT;
      const chain = [...ancestorsOf(key, get().treeDelimiter()), key];
      for (const next of chain) {
        if (!guard.current()) return false;
        const parentId = keyId(parent);
        if (parent !== ROOT && !get().treeExpanded.has(parentId)) set({ treeExpanded: new Set(get().treeExpanded).add(parentId) });
        if (!get().treeNodes.has(parentId)) await load(parent, false);
        const want = keyId(next);
        for (let page = 0; page < REVEAL_PAGES_MAX; page++) {
          const node = get().treeNodes.get(parentId);
          if (!node || node.error || node.children.some((c) => childId(c) === want) || !node.more) break;
          await load(parent, true);
        }
        if (!get().treeNodes.get(parentId)?.children.some((c) => childId(c) === want)) return false;
        parent = next;
      }
      return true;
    },

    async reloadTree() {
      const expanded = [...get().treeNodes.values()].filter((n) => get().treeExpanded.has(keyId(n.prefix))).map((n) => n.prefix);
      set({ treeNodes: new Map(), treeCounts: new Map() });
      await load(ROOT, false);
      await Promise.all(expanded.map((p) => load(p, false)));
    },
  };
};
