/**
 * The folder tree: a folder's direct children by delimiter (`kv:children`), loaded when the
 * folder is expanded, paged with "more". Owned by the connection: a profile switch or disconnect
 * resets it, and answers for an older connection are dropped. The delimiter is per profile
 * (default "/"), remembered by the window (app/preferences.ts).
 */
import type { Bytes } from '../../../../shared/bytes';
import { text } from '../../../../shared/bytes';
import type { AppError } from '../../../../shared/result';
import type { FolderChild } from '../../../../shared/types';
import type { SliceCreator } from '../../app/slice';
import { keyId } from '../keys/live-listing';

/** Children per call; more come with "Show more". */
export const TREE_PAGE = 200;
export const DEFAULT_DELIMITER = '/';

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
}

const ROOT = text('');

const initialTree = () => ({
  treeNodes: new Map<string, TreeNode>() as ReadonlyMap<string, TreeNode>,
  treeExpanded: new Set<string>() as ReadonlySet<string>,
});

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

    async reloadTree() {
      const expanded = [...get().treeNodes.values()].filter((n) => get().treeExpanded.has(keyId(n.prefix))).map((n) => n.prefix);
      set({ treeNodes: new Map() });
      await load(ROOT, false);
      await Promise.all(expanded.map((p) => load(p, false)));
    },
  };
};
