/**
 * The key listing: a server-side prefix, pages pinned to the first page's revision, and a quick
 * filter over what is loaded. Writes elsewhere reflect themselves here through upsertRow/removeRow.
 * A failed listing is kept in `listError`, which the grid shows (and nothing else does).
 *
 * A reload of the same prefix keeps the rows on screen until its answer arrives. When it fails,
 * the last listing stays, marked stale (`listStale`, with `listedAt` saying when it was read),
 * instead of emptying the grid; the next successful reload replaces it. A listing of another
 * prefix (or another connection: the scope resets it) never shows under this one.
 */
import type { Bytes } from '../../../../shared/bytes';
import { text } from '../../../../shared/bytes';
import type { AppError } from '../../../../shared/result';
import type { KeyEntry, KeyValue } from '../../../../shared/types';
import type { SliceCreator } from '../../app/slice';
import { compareKeys } from '../../ui/key-order';
import { entryFromKeyValue, lowerBound, PREVIEW_BYTES, startsWithPrefix } from './rows';

export const PAGE_SIZE = 500;

export interface KeysSlice {
  /** Server-side prefix (text); '' lists the whole keyspace, page by page. */
  prefix: string;
  items: readonly KeyEntry[];
  /** The revision every page of this listing is pinned to (0 until the first page arrived). */
  listRevision: number;
  nextCursor: Bytes | null;
  more: boolean;
  /** How many keys the prefix holds at `listRevision`. */
  total: number | null;
  /** The exact total is being counted (kv:count) after the first page. */
  counting: boolean;
  listLoading: boolean;
  listError: AppError | null;
  /** The rows are the last listing, kept after a reload failed (`listError` says why). */
  listStale: boolean;
  /** When the listing on screen was read (its first page arrived), ms since epoch; null when none. */
  listedAt: number | null;
  /** The prefix the rows on screen were listed with; null when none was listed yet. */
  listedPrefix: string | null;
  /** Client-side filter over loaded keys. */
  filter: string;
  /** Bumped to ask the quick filter to take focus. */
  focusFilterSeq: number;

  setPrefix(prefix: string): Promise<void>;
  setFilter(filter: string): void;
  focusFilter(): void;
  reloadKeys(): Promise<void>;
  loadNextPage(): Promise<void>;
  /** Try the failed part again: the next page when some are loaded, else (or after a failed reload) the whole listing. */
  retryListing(): Promise<void>;

  /** Reflect a write in the loaded rows (insert if it falls inside the loaded range). */
  upsertRow(kv: KeyValue): void;
  removeRow(key: Bytes): void;
}

/** The listing of a fresh connection; the prefix is the user's and outlives connections. */
const initialKeys = () => ({
  items: [] as readonly KeyEntry[],
  listRevision: 0,
  nextCursor: null,
  more: false,
  total: null,
  counting: false,
  listLoading: false,
  listError: null,
  listStale: false,
  listedAt: null,
  listedPrefix: null,
  filter: '',
});

export const createKeysSlice: SliceCreator<KeysSlice> = (set, get, { client, scope, now }) => {
  scope.own({ reset: () => set(initialKeys()) });
  // A reload or prefix change replaces the listing: pages of the previous one are dropped.
  const listing = scope.sequence();

  return {
    prefix: '',
    ...initialKeys(),
    focusFilterSeq: 0,

    async setPrefix(prefix) {
      set({ prefix });
      await get().reloadKeys();
    },

    setFilter(filter) {
      set({ filter });
    },

    focusFilter() {
      set((s) => ({ focusFilterSeq: s.focusFilterSeq + 1 }));
    },

    async reloadKeys() {
      const guard = listing.begin();
      if (!guard) return;
      const { prefix, filter, listedPrefix } = get();
      // The rows of this prefix stay while it is listed again (and after, marked stale, if that
      // fails); another prefix's rows go at once. A count still on its way is for the listing
      // being replaced: its answer will be dropped.
      const keep = listedPrefix === prefix;
      set(keep ? { listLoading: true, counting: false } : { ...initialKeys(), filter, listLoading: true });
      const r = await guard.wait(
        client.kv.list({ profileId: guard.profileId, prefix: text(prefix), limit: PAGE_SIZE, revision: 0, previewBytes: PREVIEW_BYTES }),
      );
      if (!r) return;
      if (!r.ok) {
        set({ listLoading: false, listError: r.error, listStale: keep });
        return;
      }
      const page = r.value;
      set({
        items: page.items,
        listRevision: page.revision,
        nextCursor: page.nextCursor,
        more: page.more && page.nextCursor !== null,
        total: page.more ? null : page.items.length,
        listLoading: false,
        listError: null,
        listStale: false,
        listedAt: now(),
        listedPrefix: prefix,
      });
      // The exact total, at the listing's revision, arrives on its own: etcd walks its index to
      // count, so the first rows are not held back by it. A failed count only leaves it unknown.
      if (page.more) {
        set({ counting: true });
        const c = await guard.wait(client.kv.count({ profileId: guard.profileId, prefix: text(prefix), revision: page.revision }));
        if (c) set({ counting: false, ...(c.ok ? { total: c.value.count } : {}) });
      }
    },

    async loadNextPage() {
      const s = get();
      if (!s.more || s.listLoading || !s.nextCursor || s.listError) return;
      const guard = listing.join();
      if (!guard) return;
      set({ listLoading: true });
      const r = await guard.wait(
        client.kv.list({
          profileId: guard.profileId,
          prefix: text(s.prefix),
          cursor: s.nextCursor,
          limit: PAGE_SIZE,
          revision: s.listRevision,
          previewBytes: PREVIEW_BYTES,
        }),
      );
      if (!r) return;
      if (!r.ok) {
        set({ listLoading: false, listError: r.error });
        return;
      }
      const page = r.value;
      set((cur) => ({
        items: cur.items.concat(page.items),
        nextCursor: page.nextCursor,
        more: page.more && page.nextCursor !== null,
        listLoading: false,
        ...(page.count !== undefined ? { total: page.count } : {}),
      }));
    },

    async retryListing() {
      const s = get();
      if (!s.listStale && s.items.length > 0 && s.more) {
        set({ listError: null });
        await get().loadNextPage();
      } else {
        await get().reloadKeys();
      }
    },

    upsertRow(kv) {
      set((s) => {
        if (!startsWithPrefix(kv.key, s.prefix)) return {};
        const items = s.items;
        const i = lowerBound(items, kv.key);
        const entry = entryFromKeyValue(kv);
        if (i < items.length && compareKeys(items[i].key, kv.key) === 0) {
          const old = items[i];
          const merged: KeyEntry = {
            ...entry,
            createRevision: entry.createRevision || old.createRevision,
            version: entry.version || old.version + 1,
          };
          const next = items.slice();
          next[i] = merged;
          return { items: next };
        }
        // Beyond the loaded end while more pages exist: the next page will bring it (or not, being pinned).
        if (i === items.length && s.more) return {};
        const next = items.slice();
        next.splice(i, 0, entry);
        return { items: next, total: s.total === null ? null : s.total + 1 };
      });
    },

    removeRow(key) {
      set((s) => {
        const i = lowerBound(s.items, key);
        if (i >= s.items.length || compareKeys(s.items[i].key, key) !== 0) return {};
        const next = s.items.slice();
        next.splice(i, 1);
        return { items: next, total: s.total === null ? null : Math.max(0, s.total - 1) };
      });
    },
  };
};
