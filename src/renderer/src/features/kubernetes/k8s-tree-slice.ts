/**
 * The folder tree's Kubernetes layout: resource type → namespace → name under /registry/, with
 * counts (k8s:resources, k8s:namespaces read on expand), and the grid's Kubernetes columns
 * (k8s:summaries for the rows on screen). The layout is chosen per profile (remembered by the
 * window, app/preferences.ts) and offered only when the keyspace has /registry/: the first
 * k8s:resources answer of a connection tells. Everything read is owned by the connection.
 */
import { type Bytes, text } from '../../../../shared/bytes';
import { K8S_SUMMARY_KEYS_MAX } from '../../../../shared/contract/k8s';
import type { K8sNamespaceCount, K8sResourceTypes, K8sSummary } from '../../../../shared/k8s';
import type { AppError } from '../../../../shared/result';
import type { KeyEntry } from '../../../../shared/types';
import type { SliceCreator } from '../../app/slice';
import { keyId } from '../keys/live-listing';

export const K8S_ROOT = '/registry/';
export type TreeLayout = 'folders' | 'kubernetes';
/** Names per read under a namespace (or a cluster-scoped type); more with "Show more". */
export const K8S_NAMES_PAGE = 200;
/** Summaries kept for the grid (the rows seen lately); beyond it the oldest go. */
export const K8S_SUMMARIES_KEPT = 5000;
/** Keys per k8s:summaries call: a screenful or two. */
const SUMMARY_BATCH = 100;
/** Rows remembered as asked for; past it the memory starts again (a row is then read at most once more). */
const ASKED_MAX = 20_000;

export type K8sLoad<T> = { readonly state: 'loading' } | { readonly state: 'done'; readonly value: T } | { readonly state: 'failed'; readonly error: AppError };

/** The object keys under a namespace (or a cluster-scoped type), page by page. */
export interface K8sNames {
  readonly prefix: Bytes;
  readonly keys: readonly Bytes[];
  readonly more: boolean;
  readonly nextCursor: Bytes | null;
  readonly revision: number;
  readonly loading: boolean;
  readonly error: AppError | null;
}

export interface K8sTreeSlice {
  /** Per profile id; absent means 'folders'. */
  treeLayouts: Readonly<Record<string, TreeLayout>>;
  /** This connection's resource types; null until asked. */
  k8sResources: K8sLoad<K8sResourceTypes> | null;
  /** Namespaces of a namespaced type, by keyId of the type's prefix. */
  k8sNamespaces: ReadonlyMap<string, K8sLoad<readonly K8sNamespaceCount[]>>;
  /** Object keys by keyId of a namespace's (or cluster-scoped type's) prefix. */
  k8sNames: ReadonlyMap<string, K8sNames>;
  /** Expanded types and namespaces, by keyId of their prefix. */
  k8sExpanded: ReadonlySet<string>;
  /** What the grid's Kubernetes columns show, by keyId of the key. */
  k8sSummaries: ReadonlyMap<string, K8sSummary>;
  /** The keyspace has /registry/ (known once k8s:resources answered). */
  k8sAvailable(): boolean;
  /** The layout the active profile's tree shows: 'kubernetes' only when chosen and available. */
  treeLayout(): TreeLayout;
  setTreeLayout(layout: TreeLayout): void;
  /** Reads the resource types once per connection (the probe for /registry/), again after a failure. */
  probeK8s(): void;
  /** Read the types again, and the namespaces and names shown. */
  reloadK8s(): Promise<void>;
  /** Expand (reading its namespaces or names the first time) or collapse a type or namespace. */
  toggleK8sNode(prefix: Bytes, holds: 'namespaces' | 'names'): Promise<void>;
  expandK8sNode(prefix: Bytes, holds: 'namespaces' | 'names'): Promise<void>;
  loadMoreK8sNames(prefix: Bytes): Promise<void>;
  /** Expand the type and namespace that hold `key` (its name shows once its namespace's first page has it). */
  revealInK8sTree(key: Bytes): Promise<void>;
  /** The grid shows the Kubernetes columns: the layout is on and the grid lists keys under /registry/. */
  k8sGridColumns(): boolean;
  /** Summaries for these rows (the ones on screen); rows that scrolled away before their turn are not read. */
  ensureK8sSummaries(rows: readonly KeyEntry[]): void;
}

interface K8sTreeNeeds {
  readonly activeProfileId: string | null;
  readonly prefix: string;
  /** The grid lists a past revision: its rows' columns describe the objects as they were then. */
  readonly viewRevision: number | null;
}

const initialK8s = () => ({
  k8sResources: null as K8sLoad<K8sResourceTypes> | null,
  k8sNamespaces: new Map() as ReadonlyMap<string, K8sLoad<readonly K8sNamespaceCount[]>>,
  k8sNames: new Map() as ReadonlyMap<string, K8sNames>,
  k8sExpanded: new Set() as ReadonlySet<string>,
  k8sSummaries: new Map() as ReadonlyMap<string, K8sSummary>,
});

const rowId = (r: KeyEntry): string => `${keyId(r.key)}@${r.modRevision}`;

export const createK8sTreeSlice: SliceCreator<K8sTreeSlice, K8sTreeNeeds> = (set, get, { client, scope }) => {
  /** Summary reads: one call in flight, the latest rows on screen waiting for their turn. */
  let asked = new Set<string>();
  let inFlight = false;
  let waiting: readonly KeyEntry[] = [];
  scope.own({
    reset: () => {
      asked = new Set();
      waiting = [];
      set(initialK8s());
    },
  });

  const loadResources = async (): Promise<void> => {
    const guard = scope.capture();
    if (!guard) return;
    set({ k8sResources: { state: 'loading' } });
    const r = await guard.wait(client.k8s.resources({ profileId: guard.profileId }));
    if (!r) return;
    set({ k8sResources: r.ok ? { state: 'done', value: r.value } : { state: 'failed', error: r.error } });
  };

  const loadNamespaces = async (prefix: Bytes): Promise<void> => {
    const guard = scope.capture();
    if (!guard) return;
    const id = keyId(prefix);
    const put = (v: K8sLoad<readonly K8sNamespaceCount[]>) => set({ k8sNamespaces: new Map(get().k8sNamespaces).set(id, v) });
    put({ state: 'loading' });
    const r = await guard.wait(client.k8s.namespaces({ profileId: guard.profileId, prefix }));
    if (!r) return;
    put(r.ok ? { state: 'done', value: r.value } : { state: 'failed', error: r.error });
  };

  const loadNames = async (prefix: Bytes, append: boolean): Promise<void> => {
    const guard = scope.capture();
    if (!guard) return;
    const id = keyId(prefix);
    const before = get().k8sNames.get(id);
    if (before?.loading) return;
    const base: K8sNames = before ?? { prefix, keys: [], more: false, nextCursor: null, revision: 0, loading: false, error: null };
    const put = (v: K8sNames) => set({ k8sNames: new Map(get().k8sNames).set(id, v) });
    put({ ...base, loading: true, error: null });
    const cursor = append ? base.nextCursor : null;
    const r = await guard.wait(
      client.kv.list({
        profileId: guard.profileId,
        prefix,
        limit: K8S_NAMES_PAGE,
        keysOnly: true,
        ...(cursor ? { cursor } : {}),
        ...(append && base.revision ? { revision: base.revision } : {}),
      }),
    );
    if (!r) return;
    if (!r.ok) {
      put({ ...base, loading: false, error: r.error });
      return;
    }
    const keys = r.value.items.map((e) => e.key);
    put({ prefix, keys: append ? [...base.keys, ...keys] : keys, more: r.value.more, nextCursor: r.value.nextCursor, revision: r.value.revision, loading: false, error: null });
  };

  const load = (prefix: Bytes, holds: 'namespaces' | 'names') => (holds === 'namespaces' ? loadNamespaces(prefix) : loadNames(prefix, false));

  /** Reads summaries for `rows` (those not known yet), then for whatever came on screen meanwhile. */
  const readSummaries = async (rows: readonly KeyEntry[]): Promise<void> => {
    const guard = scope.capture();
    if (!guard) return;
    const known = get().k8sSummaries;
    const wanted = rows.filter((r) => {
      const s = known.get(keyId(r.key));
      return !(s && s.modRevision === r.modRevision) && !asked.has(rowId(r));
    });
    if (wanted.length === 0) return;
    const batch = wanted.slice(0, Math.min(SUMMARY_BATCH, K8S_SUMMARY_KEYS_MAX));
    if (asked.size + batch.length > ASKED_MAX) asked = new Set();
    for (const r of batch) asked.add(rowId(r));
    const askedNow = asked;
    inFlight = true;
    try {
      const r = await guard.wait(client.k8s.summaries({ profileId: guard.profileId, keys: batch.map((b) => b.key), ...(get().viewRevision ? { revision: get().viewRevision as number } : {}) }));
      if (!r) return;
      if (!r.ok) {
        // Not an error on screen: the rows keep their keys; a later scroll asks again.
        for (const b of batch) askedNow.delete(rowId(b));
        return;
      }
      const next = new Map(get().k8sSummaries);
      for (const s of r.value) next.set(keyId(s.key), s);
      while (next.size > K8S_SUMMARIES_KEPT) next.delete(next.keys().next().value as string);
      set({ k8sSummaries: next });
      // Keys left out by the call's byte budget are asked again (missing keys are left out too:
      // asked once more at most, as the next round only follows a round that read something).
      const got = new Set(r.value.map((s) => keyId(s.key)));
      const unread = batch.filter((b) => !got.has(keyId(b.key)));
      if (r.value.length > 0) for (const u of unread) askedNow.delete(rowId(u));
      if (waiting.length === 0 && r.value.length > 0 && (unread.length > 0 || wanted.length > batch.length)) waiting = wanted;
    } finally {
      inFlight = false;
    }
    const rest = waiting;
    waiting = [];
    if (rest.length > 0 && guard.current()) await readSummaries(rest);
  };

  return {
    treeLayouts: {},
    ...initialK8s(),

    k8sAvailable() {
      const r = get().k8sResources;
      return r?.state === 'done' && (r.value.types.length > 0 || r.value.other.length > 0);
    },

    treeLayout() {
      const id = get().activeProfileId;
      return id && get().treeLayouts[id] === 'kubernetes' && get().k8sAvailable() ? 'kubernetes' : 'folders';
    },

    setTreeLayout(layout) {
      const id = get().activeProfileId;
      if (!id) return;
      set({ treeLayouts: { ...get().treeLayouts, [id]: layout } });
    },

    probeK8s() {
      const r = get().k8sResources;
      // A failed probe (a timeout, say) is tried again the next time it is asked for.
      if (get().activeProfileId && (r === null || r.state === 'failed')) void loadResources();
    },

    async reloadK8s() {
      const expanded = get().k8sExpanded;
      const namespaces = [...get().k8sNamespaces.keys()];
      const names = [...get().k8sNames.values()].map((n) => n.prefix);
      asked = new Set();
      set({ k8sNamespaces: new Map(), k8sNames: new Map(), k8sSummaries: new Map() });
      await loadResources();
      const types = get().k8sResources;
      const again = types?.state === 'done' ? types.value.types.filter((t) => namespaces.includes(keyId(t.prefix))).map((t) => t.prefix) : [];
      await Promise.all([...again.map((p) => loadNamespaces(p)), ...names.filter((p) => expanded.has(keyId(p))).map((p) => loadNames(p, false))]);
    },

    async toggleK8sNode(prefix, holds) {
      const id = keyId(prefix);
      if (get().k8sExpanded.has(id)) {
        const next = new Set(get().k8sExpanded);
        next.delete(id);
        set({ k8sExpanded: next });
        return;
      }
      await get().expandK8sNode(prefix, holds);
    },

    async expandK8sNode(prefix, holds) {
      const id = keyId(prefix);
      if (!get().k8sExpanded.has(id)) set({ k8sExpanded: new Set(get().k8sExpanded).add(id) });
      const loaded = holds === 'namespaces' ? get().k8sNamespaces.has(id) : get().k8sNames.has(id);
      if (!loaded) await load(prefix, holds);
    },

    async loadMoreK8sNames(prefix) {
      await loadNames(prefix, true);
    },

    async revealInK8sTree(key) {
      const r = get().k8sResources;
      if (r?.state !== 'done' || key.encoding !== 'utf8') return;
      let type: K8sResourceTypes['types'][number] | undefined;
      for (const t of r.value.types) {
        if (t.prefix.encoding === 'utf8' && key.data.startsWith(t.prefix.data) && (!type || t.prefix.data.length > type.prefix.data.length)) type = t;
      }
      if (!type) return;
      await get().expandK8sNode(type.prefix, type.namespaced ? 'namespaces' : 'names');
      if (!type.namespaced) return;
      const rest = key.data.slice(type.prefix.data.length);
      const slash = rest.indexOf('/');
      if (slash > 0) await get().expandK8sNode(text(type.prefix.data + rest.slice(0, slash + 1)), 'names');
    },

    k8sGridColumns() {
      return get().treeLayout() === 'kubernetes' && get().prefix.startsWith(K8S_ROOT);
    },

    ensureK8sSummaries(rows) {
      if (!get().k8sGridColumns() || rows.length === 0) return;
      if (inFlight) {
        // The rows on screen now replace those that were waiting: rows scrolled away are not read.
        waiting = rows;
        return;
      }
      void readSummaries(rows);
    },
  };
};
