/**
 * The key listing: a server-side prefix, pages pinned to the first page's revision, a quick
 * filter over what is loaded, and the mutations that change the set of keys (create, delete, undo).
 */
import type { Bytes } from '../../../../shared/bytes';
import { byteLength, displayBytes, text, toUint8 } from '../../../../shared/bytes';
import type { AppError } from '../../../../shared/result';
import type { KeyEntry, KeyValue } from '../../../../shared/types';
import { keyLabel } from '../../ui/format';
import type { Slice } from '../../app/slice';

export const PAGE_SIZE = 500;
/** Bytes of each value the listing sends for previews. */
export const PREVIEW_BYTES = 160;

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
  listLoading: boolean;
  listError: AppError | null;
  /** Client-side filter over loaded keys. */
  filter: string;
  /** Listing token: a reload or prefix change drops pages of the previous listing. */
  listGen: number;

  setPrefix(prefix: string): Promise<void>;
  setFilter(filter: string): void;
  reloadKeys(): Promise<void>;
  loadNextPage(): Promise<void>;

  submitNewKey(opts?: { overwrite?: boolean }): Promise<void>;
  requestDelete(key?: Bytes): void;
  deleteKey(key: Bytes): Promise<void>;
  undoDelete(deleted: KeyValue, session: number): Promise<void>;

  /** Reflect a write in the loaded rows (insert if it falls inside the loaded range). */
  upsertRow(kv: KeyValue): void;
  removeRow(key: Bytes): void;
}

export const initialKeys = () => ({
  items: [] as readonly KeyEntry[],
  listRevision: 0,
  nextCursor: null,
  more: false,
  total: null,
  listLoading: false,
  listError: null,
  filter: '',
});

/** Compare keys as etcd orders them: by bytes. */
export function compareKeys(a: Bytes, b: Bytes): number {
  if (a.encoding === 'utf8' && b.encoding === 'utf8') {
    // Fast path for ASCII: code unit order equals byte order.
    if (/^[\x00-\x7f]*$/.test(a.data) && /^[\x00-\x7f]*$/.test(b.data)) return a.data < b.data ? -1 : a.data > b.data ? 1 : 0;
  }
  const x = toUint8(a);
  const y = toUint8(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

export const sameKey = (a: Bytes | null | undefined, b: Bytes | null | undefined): boolean =>
  !!a && !!b && (a.encoding === b.encoding ? a.data === b.data : compareKeys(a, b) === 0);

/** Index of the first row whose key is >= `key`. */
function lowerBound(items: readonly KeyEntry[], key: Bytes): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(items[mid].key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function entryFromKeyValue(kv: KeyValue): KeyEntry {
  const preview: Bytes = kv.value.encoding === 'utf8' ? text(kv.value.data.slice(0, PREVIEW_BYTES)) : kv.value;
  return {
    key: kv.key,
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
    lease: kv.lease,
    size: kv.size,
    preview,
    truncated: kv.value.encoding === 'utf8' && kv.value.data.length > PREVIEW_BYTES,
  };
}

/** Quick filter: case-insensitive substring of the key as displayed. */
export function filterEntries(items: readonly KeyEntry[], filter: string): readonly KeyEntry[] {
  const f = filter.trim().toLowerCase();
  if (!f) return items;
  return items.filter((e) => displayBytes(e.key, Infinity).toLowerCase().includes(f));
}

export function startsWithPrefix(key: Bytes, prefix: string): boolean {
  if (!prefix) return true;
  if (key.encoding === 'utf8') return key.data.startsWith(prefix);
  const k = toUint8(key);
  const p = toUint8(text(prefix));
  return p.length <= k.length && p.every((v, i) => v === k[i]);
}

export const createKeysSlice: Slice<KeysSlice> = (set, get, { client }) => ({
  prefix: '',
  ...initialKeys(),
  listGen: 0,

  async setPrefix(prefix) {
    set({ prefix });
    await get().reloadKeys();
  },

  setFilter(filter) {
    set({ filter });
  },

  async reloadKeys() {
    const { activeProfileId: profileId, session, prefix } = get();
    if (!profileId) return;
    const gen = get().listGen + 1;
    set({ listGen: gen, ...initialKeys(), filter: get().filter, listLoading: true });
    const r = await client.kv.list({ profileId, prefix: text(prefix), limit: PAGE_SIZE, revision: 0, count: true, previewBytes: PREVIEW_BYTES });
    if (get().session !== session || get().listGen !== gen) return;
    if (!r.ok) {
      set({ listLoading: false, listError: r.error });
      get().notifyError(r.error, { op: 'list' }, listHandlers(get));
      return;
    }
    const page = r.value;
    set({
      items: page.items,
      listRevision: page.revision,
      nextCursor: page.nextCursor,
      more: page.more && page.nextCursor !== null,
      total: page.count ?? null,
      listLoading: false,
      listError: null,
    });
  },

  async loadNextPage() {
    const s = get();
    if (!s.activeProfileId || !s.more || s.listLoading || !s.nextCursor || s.listError) return;
    const { session, listGen: gen, activeProfileId: profileId } = s;
    set({ listLoading: true });
    const r = await client.kv.list({
      profileId,
      prefix: text(s.prefix),
      cursor: s.nextCursor,
      limit: PAGE_SIZE,
      revision: s.listRevision,
      previewBytes: PREVIEW_BYTES,
    });
    if (get().session !== session || get().listGen !== gen) return;
    if (!r.ok) {
      set({ listLoading: false, listError: r.error });
      get().notifyError(r.error, { op: 'list' }, {
        ...listHandlers(get),
        retry: () => {
          set({ listError: null });
          void get().loadNextPage();
        },
      });
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

  async submitNewKey(opts = {}) {
    const s = get();
    const nk = s.newKey;
    const profileId = s.activeProfileId;
    if (!nk || nk.busy || !profileId) return;
    if (nk.key.length === 0) {
      set({ newKey: { ...nk, error: { code: 'INVALID_ARGUMENT', message: 'Type a key.', details: { field: 'key' } } } });
      return;
    }
    const overwrite = opts.overwrite === true && nk.exists !== null;
    const key = text(nk.key);
    const value = text(nk.value);
    const session = s.session;
    set({ newKey: { ...nk, busy: true, error: null } });
    const r = await client.kv.put({
      profileId,
      key,
      value,
      expectedModRevision: overwrite && nk.exists ? nk.exists.modRevision : 0,
    });
    if (get().session !== session) return;
    const cur = get().newKey;
    if (!r.ok) {
      if (r.error.code === 'CONFLICT') {
        let modRevision = r.error.details?.currentModRevision;
        if (modRevision === undefined) {
          const g = await client.kv.get({ profileId, key });
          if (get().session !== session) return;
          modRevision = g.ok ? g.value.modRevision : 0;
        }
        // modRevision 0 means it vanished meanwhile: a create (expected 0) will do.
        set({ newKey: cur ? { ...cur, busy: false, exists: modRevision > 0 ? { modRevision } : null } : null });
        return;
      }
      set({ newKey: cur ? { ...cur, busy: false, error: r.error } : null });
      return;
    }
    const kv: KeyValue = {
      key,
      value,
      size: byteLength(value),
      createRevision: r.value.revision,
      modRevision: r.value.revision,
      version: 1,
      lease: '0',
    };
    set({ newKey: null });
    const label = keyLabel(key);
    get().pushToast('success', r.value.created ? `Created “${label}”` : `Overwrote “${label}”`, `revision ${r.value.revision}`);
    if (r.value.created) get().upsertRow(kv);
    else get().upsertRow({ ...kv, createRevision: 0, version: 0 });
    if (!get().dirty) await get().selectKey(key);
  },

  requestDelete(keyArg) {
    const s = get();
    const key = keyArg ?? s.selectedKey;
    if (!key || !s.activeProfileId) return;
    s.askConfirm({
      title: 'Delete key?',
      message: 'This deletes the key from etcd. You can undo it right after from the status bar.',
      subject: displayBytes(key, 400),
      confirmLabel: 'Delete',
      danger: true,
      onConfirm: () => void get().deleteKey(key),
    });
  },

  async deleteKey(key) {
    const s = get();
    const profileId = s.activeProfileId;
    if (!profileId) return;
    const session = s.session;
    const loaded = s.loaded && sameKey(s.loaded.key, key) ? s.loaded : null;
    const row = loaded ? null : s.items.find((e) => sameKey(e.key, key));
    const expected = loaded?.modRevision ?? row?.modRevision;
    const r = await client.kv.delete({ profileId, key, ...(expected !== undefined ? { expectedModRevision: expected } : {}) });
    if (get().session !== session) return;
    const label = keyLabel(key);
    if (!r.ok) {
      if (r.error.code === 'NOT_FOUND') get().removeRow(key);
      get().notifyError(r.error, { op: 'delete', key: label }, {
        retry: () => void get().deleteKey(key),
        reread: () => void get().selectKey(key, { force: true, reread: true }),
        reload: () => void get().reloadKeys(),
        reconnect: () => void get().reconnect(),
      });
      return;
    }
    const deleted = r.value.deleted;
    get().removeRow(key);
    if (sameKey(get().selectedKey, key)) get().clearEditor();
    get().pushToast('success', `Deleted “${label}”`);
    get().setStatus('success', `Deleted “${label}”.`, { label: 'Undo', run: () => void get().undoDelete(deleted, session) });
  },

  async undoDelete(deleted, session) {
    const s = get();
    const profileId = s.activeProfileId;
    const label = keyLabel(deleted.key);
    if (!profileId || s.session !== session) {
      s.setStatus('warning', `Undo is not available any more: the connection changed since “${label}” was deleted.`);
      return;
    }
    const r = await client.kv.put({ profileId, key: deleted.key, value: deleted.value, expectedModRevision: 0 });
    if (get().session !== session) return;
    if (!r.ok) {
      if (r.error.code === 'CONFLICT') {
        const rev = r.error.details?.currentModRevision;
        get().setStatus(
          'error',
          `Can't undo: “${label}” was re-created meanwhile${rev ? ` (revision ${rev})` : ''}. Nothing was overwritten.`,
          { label: 'Show current', run: () => void get().selectKey(deleted.key) },
        );
        get().pushToast('error', `Undo failed: “${label}” exists again`);
        return;
      }
      get().notifyError(r.error, { op: 'undo', key: label }, {
        retry: () => void get().undoDelete(deleted, session),
        reconnect: () => void get().reconnect(),
      });
      return;
    }
    const lease = deleted.lease !== '0' ? ` It is no longer attached to lease ${deleted.lease}.` : '';
    const restored: KeyValue = {
      ...deleted,
      createRevision: r.value.revision,
      modRevision: r.value.revision,
      version: 1,
      lease: '0',
    };
    get().upsertRow(restored);
    get().pushToast('success', `Restored “${label}”`);
    get().setStatus('success', `Restored “${label}” (revision ${r.value.revision}).${lease}`);
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
});

function listHandlers(get: () => { reloadKeys(): Promise<void>; reconnect(): Promise<void> }) {
  return {
    retry: () => void get().reloadKeys(),
    reload: () => void get().reloadKeys(),
    reconnect: () => void get().reconnect(),
  };
}
