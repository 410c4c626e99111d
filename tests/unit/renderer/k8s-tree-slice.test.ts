/**
 * The tree's Kubernetes layout as store state (no React): offered only when k8s:resources finds
 * /registry/, chosen per profile and remembered, types → namespaces → names read on expand, the
 * grid's Kubernetes columns only under /registry/, and summaries for the rows on screen only.
 */
import { describe, expect, it } from 'vitest';
import { text, type Bytes } from '../../../src/shared/bytes';
import type { K8sResourceTypes, K8sSummary } from '../../../src/shared/k8s';
import { keyId } from '../../../src/renderer/src/features/keys/live-listing';
import { K8S_NAMES_PAGE } from '../../../src/renderer/src/features/kubernetes/k8s-tree-slice';
import { formatAge, k8sGridLayout } from '../../../src/renderer/src/features/kubernetes/k8s-tree-columns';
import { restorePreferences, TREE_LAYOUTS_KEY } from '../../../src/renderer/src/app/preferences';
import { entry, errR, flush, okR, page } from './fake-api';
import { setupStore } from './helpers';

const RESOURCES: K8sResourceTypes = {
  types: [
    { resource: 'nodes', group: '', prefix: text('/registry/minions/'), namespaced: false, count: 2, note: 'stored as minions' },
    { resource: 'pods', group: '', prefix: text('/registry/pods/'), namespaced: true, count: 3 },
  ],
  other: [text('/registry/compact_rev_key')],
  revision: 7,
};
const NONE: K8sResourceTypes = { types: [], other: [], revision: 7 };

async function connected(resources: K8sResourceTypes = RESOURCES) {
  const ctx = await setupStore();
  ctx.fake.ep['kv:list'].handle(() => okR(page([])));
  ctx.fake.ep['kv:count'].handle(() => okR({ count: 0, revision: 1 }));
  ctx.fake.ep['k8s:resources'].handle(() => okR(resources));
  await ctx.store.getState().switchProfile('a');
  await flush();
  return ctx;
}

const summary = (key: string, modRevision = 5): K8sSummary => ({ key: text(key), size: 10, modRevision, objectKind: 'Pod', name: key.split('/').pop() as string });

describe('the Kubernetes tree layout', () => {
  it('is offered only when the keyspace has /registry/, per profile, and forgotten state goes with the connection', async () => {
    const { store, fake } = await connected(NONE);
    store.getState().probeK8s();
    await flush();
    expect(fake.ep['k8s:resources'].requests).toEqual([{ profileId: 'a' }]);
    expect(store.getState().k8sAvailable()).toBe(false);
    store.getState().setTreeLayout('kubernetes');
    // Chosen but not available: the folders stay.
    expect(store.getState().treeLayout()).toBe('folders');

    fake.ep['k8s:resources'].handle(() => okR(RESOURCES));
    await store.getState().switchProfile('b');
    await flush();
    expect(store.getState().k8sResources).toBeNull();
    store.getState().probeK8s();
    store.getState().probeK8s();
    await flush();
    // Once per connection.
    expect(fake.ep['k8s:resources'].requests).toEqual([{ profileId: 'a' }, { profileId: 'b' }]);
    expect(store.getState().k8sAvailable()).toBe(true);
    expect(store.getState().treeLayout()).toBe('folders');
    store.getState().setTreeLayout('kubernetes');
    expect(store.getState().treeLayout()).toBe('kubernetes');
    expect(store.getState().treeLayouts).toEqual({ a: 'kubernetes', b: 'kubernetes' });
    store.getState().setTreeLayout('folders');
    expect(store.getState().treeLayout()).toBe('folders');
  });

  it('a failed probe offers nothing and is tried again when asked', async () => {
    const { store, fake } = await connected();
    fake.ep['k8s:resources'].handle(() => errR('TIMEOUT', 'slow'));
    await store.getState().switchProfile('b');
    store.getState().probeK8s();
    await flush();
    expect(store.getState().k8sResources).toMatchObject({ state: 'failed', error: { code: 'TIMEOUT' } });
    expect(store.getState().k8sAvailable()).toBe(false);
    fake.ep['k8s:resources'].handle(() => okR(RESOURCES));
    store.getState().probeK8s();
    await flush();
    expect(store.getState().k8sAvailable()).toBe(true);
  });

  it('is remembered per profile by the window', async () => {
    const { store } = await connected();
    const mem = new Map<string, string>([[TREE_LAYOUTS_KEY, JSON.stringify({ a: 'kubernetes', x: 'bogus' })]]);
    const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) };
    const stop = restorePreferences(store, storage);
    expect(store.getState().treeLayouts).toEqual({ a: 'kubernetes' });
    store.getState().probeK8s();
    await flush();
    expect(store.getState().treeLayout()).toBe('kubernetes');
    store.getState().setTreeLayout('folders');
    expect(JSON.parse(mem.get(TREE_LAYOUTS_KEY) as string)).toEqual({ a: 'folders' });
    stop();
  });

  it('a namespaced type expands to its namespaces (k8s:namespaces), a namespace and a cluster-scoped type to their keys (keys-only pages)', async () => {
    const { store, fake } = await connected();
    store.getState().probeK8s();
    await flush();
    void store.getState().toggleK8sNode(text('/registry/pods/'), 'namespaces');
    await flush();
    const ns = fake.ep['k8s:namespaces'].next();
    expect(ns.req).toEqual({ profileId: 'a', prefix: text('/registry/pods/') });
    ns.resolve(okR([{ namespace: 'default', prefix: text('/registry/pods/default/'), count: 3 }]));
    await flush();
    expect(store.getState().k8sNamespaces.get(keyId(text('/registry/pods/')))).toMatchObject({ state: 'done', value: [{ namespace: 'default', count: 3 }] });
    expect(store.getState().k8sExpanded.has(keyId(text('/registry/pods/')))).toBe(true);

    fake.ep['kv:list'].handle(null);
    void store.getState().expandK8sNode(text('/registry/pods/default/'), 'names');
    await flush();
    const names = fake.ep['kv:list'].next();
    expect(names.req).toEqual({ profileId: 'a', prefix: text('/registry/pods/default/'), limit: K8S_NAMES_PAGE, keysOnly: true });
    names.resolve(okR(page([entry('/registry/pods/default/web-0'), entry('/registry/pods/default/web-1')], { more: true, nextCursor: text('/registry/pods/default/web-1'), revision: 40 })));
    await flush();
    void store.getState().loadMoreK8sNames(text('/registry/pods/default/'));
    await flush();
    const more = fake.ep['kv:list'].next();
    expect(more.req).toMatchObject({ cursor: text('/registry/pods/default/web-1'), revision: 40 });
    more.resolve(okR(page([entry('/registry/pods/default/web-2')])));
    await flush();
    expect(store.getState().k8sNames.get(keyId(text('/registry/pods/default/')))?.keys).toEqual([
      text('/registry/pods/default/web-0'),
      text('/registry/pods/default/web-1'),
      text('/registry/pods/default/web-2'),
    ]);

    // Collapsing keeps what was read; expanding again reads nothing.
    await store.getState().toggleK8sNode(text('/registry/pods/'), 'namespaces');
    expect(store.getState().k8sExpanded.has(keyId(text('/registry/pods/')))).toBe(false);
    void store.getState().toggleK8sNode(text('/registry/pods/'), 'namespaces');
    await flush();
    expect(fake.ep['k8s:namespaces'].pending).toHaveLength(0);

    void store.getState().expandK8sNode(text('/registry/minions/'), 'names');
    await flush();
    expect(fake.ep['kv:list'].next().req).toMatchObject({ prefix: text('/registry/minions/'), keysOnly: true });
  });

  it('a key opened elsewhere is revealed: its type and namespace expand (read once), a key of no type changes nothing', async () => {
    const { store, fake } = await connected();
    store.getState().probeK8s();
    await flush();
    fake.ep['k8s:namespaces'].handle(() => okR([{ namespace: 'default', prefix: text('/registry/pods/default/'), count: 1 }]));
    fake.ep['kv:list'].handle(() => okR(page([entry('/registry/pods/default/web-0')])));
    await store.getState().revealInK8sTree(text('/registry/pods/default/web-0'));
    expect([...store.getState().k8sExpanded]).toEqual([keyId(text('/registry/pods/')), keyId(text('/registry/pods/default/'))]);
    expect(fake.ep['kv:list'].requests.at(-1)).toMatchObject({ prefix: text('/registry/pods/default/') });
    await store.getState().revealInK8sTree(text('/registry/minions/kind-worker'));
    expect(store.getState().k8sExpanded.has(keyId(text('/registry/minions/')))).toBe(true);
    const before = fake.ep['kv:list'].requests.length + fake.ep['k8s:namespaces'].requests.length;
    await store.getState().revealInK8sTree(text('/registry/pods/default/web-0'));
    await store.getState().revealInK8sTree(text('/registry/compact_rev_key'));
    expect(fake.ep['kv:list'].requests.length + fake.ep['k8s:namespaces'].requests.length).toBe(before);
    expect(store.getState().k8sExpanded.size).toBe(3);
  });

  it('the grid shows the Kubernetes columns only in the layout and under /registry/', async () => {
    const { store } = await connected();
    store.getState().probeK8s();
    await flush();
    await store.getState().setPrefix('/registry/pods/');
    expect(store.getState().k8sGridColumns()).toBe(false);
    store.getState().setTreeLayout('kubernetes');
    expect(store.getState().k8sGridColumns()).toBe(true);
    await store.getState().setPrefix('/config/');
    expect(store.getState().k8sGridColumns()).toBe(false);
  });

  it('summaries: for the rows on screen, one call at a time; rows that scrolled away meanwhile are never read; known rows not again', async () => {
    const { store, fake } = await connected();
    store.getState().probeK8s();
    await flush();
    store.getState().setTreeLayout('kubernetes');
    await store.getState().setPrefix('/registry/pods/');
    const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => entry(`/registry/pods/default/p${String(from + i).padStart(3, '0')}`));
    const keysOf = (req: { keys: readonly Bytes[] }) => req.keys.map((k) => k.data);

    store.getState().ensureK8sSummaries(rows(0, 3));
    await flush();
    const first = fake.ep['k8s:summaries'].next();
    expect(keysOf(first.req)).toEqual(['/registry/pods/default/p000', '/registry/pods/default/p001', '/registry/pods/default/p002']);
    // Scrolled twice while the first call runs: only the last rows on screen are read next.
    store.getState().ensureK8sSummaries(rows(10, 2));
    store.getState().ensureK8sSummaries(rows(20, 2));
    await flush();
    expect(fake.ep['k8s:summaries'].pending).toHaveLength(0);
    first.resolve(okR(rows(0, 3).map((r) => summary(r.key.data))));
    await flush();
    const second = fake.ep['k8s:summaries'].next();
    expect(keysOf(second.req)).toEqual(['/registry/pods/default/p020', '/registry/pods/default/p021']);
    // The byte budget left one out: it is asked again.
    second.resolve(okR([summary('/registry/pods/default/p020')]));
    await flush();
    const third = fake.ep['k8s:summaries'].next();
    expect(keysOf(third.req)).toEqual(['/registry/pods/default/p021']);
    third.resolve(okR([summary('/registry/pods/default/p021')]));
    await flush();
    expect(store.getState().k8sSummaries.get(keyId(text('/registry/pods/default/p001')))).toMatchObject({ objectKind: 'Pod', name: 'p001' });

    // Rows already summarized at their revision are not read again; a changed row is.
    store.getState().ensureK8sSummaries([...rows(0, 3), entry('/registry/pods/default/p001', 6)]);
    await flush();
    expect(keysOf(fake.ep['k8s:summaries'].next().req)).toEqual(['/registry/pods/default/p001']);

    // Outside the layout nothing is read.
    store.getState().setTreeLayout('folders');
    store.getState().ensureK8sSummaries(rows(50, 2));
    await flush();
    expect(fake.ep['k8s:summaries'].pending).toHaveLength(0);
  });
});

describe('the grid’s Kubernetes columns', () => {
  it('fit the width: all six on a wide grid, the least telling dropped first on a narrow one', () => {
    expect(k8sGridLayout(1400, 320).columns).toEqual(['kind', 'namespace', 'name', 'uid', 'owner', 'age']);
    expect(k8sGridLayout(760, 320).columns).toEqual(['kind', 'namespace', 'name', 'owner', 'age']);
    expect(k8sGridLayout(500, 320).columns).toEqual(['kind', 'namespace', 'name']);
    expect(k8sGridLayout(420, 320).columns).toEqual(['kind', 'name']);
    const l = k8sGridLayout(1400, 320);
    expect(l.template.split(' ')).toHaveLength(1 + l.columns.length + 1);
  });

  it('age from creationTimestamp with the duration formatter', () => {
    const now = Date.parse('2026-07-23T13:12:44Z');
    expect(formatAge('2026-07-20T09:12:44Z', now)).toBe('3 d 4 h');
    expect(formatAge(undefined, now)).toBe('');
    expect(formatAge('not a time', now)).toBe('');
  });
});
