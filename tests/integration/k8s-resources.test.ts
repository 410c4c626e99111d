/**
 * k8s:resources, k8s:namespaces and k8s:summaries on a real etcd holding the reference fixtures
 * (byte-exact) and Kubernetes' storage quirks: services/specs and services/endpoints, minions,
 * controllers, ingress, custom resources namespaced and cluster-scoped, an aggregated API's
 * JSON objects, and keys that are no resource (compact_rev_key, masterleases). The listing's
 * Range calls are counted by etcd itself: 4,000 pods cost no more reads than 40.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EtcdSession } from '../../src/main/core/etcd/session';
import { putMany } from '../../src/main/core/etcd/bulk';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { text, toUint8, type Bytes } from '../../src/shared/bytes';
import type { K8sResourceType } from '../../src/shared/k8s';

interface Fixture {
  readonly key: string;
  readonly valueBase64: string;
  readonly kind: string;
}
const fixtures = JSON.parse(readFileSync(join(__dirname, '../fixtures/k8s/fixtures.json'), 'utf8')) as Fixture[];
const fixture = (key: string): Buffer => Buffer.from(fixtures.find((f) => f.key === key)!.valueBase64, 'base64');
const POD = '/registry/pods/default/web-0';
const ENCRYPTED = '/registry/secrets/shop/stripe-api-key';
const TRUNCATED = '/registry/pods/default/broken';

const json = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));
const widget = (ns: string | undefined, name: string) =>
  json({ apiVersion: 'example.com/v1', kind: ns ? 'Widget' : 'ClusterWidget', metadata: { name, ...(ns ? { namespace: ns } : {}), uid: `uid-${name}` } });

const quirky: Array<[string, Buffer]> = [
  ['/registry/services/endpoints/default/web', json({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' } })],
  ['/registry/minions/kind-control-plane', json({ kind: 'Node', metadata: { name: 'kind-control-plane' } })],
  ['/registry/minions/kind-worker', json({ kind: 'Node', metadata: { name: 'kind-worker' } })],
  ['/registry/controllers/default/legacy-rc', json({ kind: 'ReplicationController', metadata: { name: 'legacy-rc', namespace: 'default' } })],
  ['/registry/ingress/shop/storefront', json({ kind: 'Ingress', metadata: { name: 'storefront', namespace: 'shop' } })],
  ['/registry/example.com/widgets/default/w1', widget('default', 'w1')],
  ['/registry/example.com/widgets/shop/w2', widget('shop', 'w2')],
  ['/registry/example.com/widgets/shop/w3', widget('shop', 'w3')],
  ['/registry/example.com/clusterwidgets/big', widget(undefined, 'big')],
  ['/registry/apiregistration.k8s.io/apiservices/v1.apps', json({ apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1.apps' } })],
  ['/registry/compact_rev_key', Buffer.from('12345')],
  ['/registry/masterleases/10.0.0.1', json({ kind: 'Endpoints' })],
  ['/registry/unknownthing/x', Buffer.from('?')],
  // A Pod cut in half: a decoder that shows half an object would be wrong.
  [TRUNCATED, fixture(POD).subarray(0, 3000)],
  // Outside the root: never listed.
  ['/registryx/pods/default/p', Buffer.from('x')],
];

/** Protobuf by hand (field numbers from the schema table): a ConfigMap large enough to be summarized from its metadata. */
const varint = (n: number): number[] => {
  const o: number[] = [];
  for (; n > 127; n = Math.floor(n / 128)) o.push((n % 128) | 128);
  o.push(n);
  return o;
};
const field = (f: number, payload: Buffer) => Buffer.concat([Buffer.from([(f << 3) | 2, ...varint(payload.length)]), payload]);
const pstr = (f: number, s: string) => field(f, Buffer.from(s));
function bigConfigMap(): Buffer {
  const owner = Buffer.concat([pstr(1, 'Deployment'), pstr(3, 'api'), pstr(4, 'uid-owner'), pstr(5, 'apps/v1'), Buffer.from([6 << 3, 1])]);
  const created = Buffer.from([1 << 3, ...varint(1784538764)]);
  const meta = field(1, Buffer.concat([pstr(1, 'big-config'), pstr(3, 'shop'), pstr(5, 'uid-big'), field(8, created), field(13, owner)]));
  const data = Array.from({ length: 200 }, (_, i) => field(2, Buffer.concat([pstr(1, `key-${i}`), pstr(2, 'x'.repeat(1000))])));
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), field(1, Buffer.concat([pstr(1, 'v1'), pstr(2, 'ConfigMap')])), field(2, Buffer.concat([meta, ...data]))]);
}
const BIG_CM = '/registry/configmaps/shop/big-config';
const BIG_CM_CUT = '/registry/configmaps/shop/big-config-cut';

/** 1 MiB values for the byte budget of k8s:summaries. */
const BIG = Array.from({ length: 16 }, (_, i) => `/budget/registry/configmaps/default/big-${String(i).padStart(2, '0')}`);

const NAMESPACES = 20;
const PODS_PER_NAMESPACE = 200;
/** The same layout twice: 200 pods per namespace under /scale/, 2 under /small/. */
function scaled(root: string, pods: number): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `ns-${String(n).padStart(2, '0')}`;
    for (let p = 0; p < pods; p++) out.push([`${root}pods/${ns}/pod-${String(p).padStart(3, '0')}`, Buffer.from('v')]);
    out.push([`${root}configmaps/${ns}/kube-root-ca.crt`, Buffer.from('v')]);
  }
  out.push([`${root}minions/node-1`, Buffer.from('v')]);
  return out;
}

let etcd: EtcdCluster;
let h: Harness;
let profileId: string;

beforeAll(async () => {
  etcd = await startCluster({ startTimeoutMs: 30_000, extraArgs: ['--metrics', 'extensive'] });
  const s = new EtcdSession({ endpoints: etcd.endpoints, deadlineMs: 60_000 });
  try {
    const entries: Array<[string, Buffer]> = [
      ...fixtures.map((f): [string, Buffer] => [f.key, Buffer.from(f.valueBase64, 'base64')]),
      ...quirky,
      ...scaled('/scale/registry/', PODS_PER_NAMESPACE),
      ...scaled('/small/registry/', 2),
      // More keys that are no resource than `other` lists.
      ...Array.from({ length: 150 }, (_, i): [string, Buffer] => [`/junk/registry/k-${String(i).padStart(3, '0')}`, Buffer.from('j')]),
      ['/junk/registry/pods/default/p', Buffer.from('p')],
    ];
    await putMany(s, entries.map(([key, value]) => ({ key: Buffer.from(key), value })));
    await putMany(s, [
      { key: Buffer.from(BIG_CM), value: bigConfigMap() },
      // Cut in the data, after the metadata: still "cannot decode", not a summary from the metadata.
      { key: Buffer.from(BIG_CM_CUT), value: bigConfigMap().subarray(0, 150_000) },
    ]);
    for (const key of BIG) await putMany(s, [{ key: Buffer.from(key), value: Buffer.alloc(1024 * 1024, 0x61) }]);
  } finally {
    s.close();
  }
  h = await createHarness();
  profileId = await h.connect({ name: 'k8s', endpoints: etcd.endpoints, deadlineMs: 20_000 });
}, 120_000);
afterAll(async () => {
  await h?.close();
  await etcd?.close();
});

const str = (b: Bytes): string => Buffer.from(toUint8(b)).toString('latin1');
const shape = (t: K8sResourceType) => ({ resource: t.resource, group: t.group, prefix: str(t.prefix), namespaced: t.namespaced, count: t.count, note: t.note });

/** etcd's own count of Range calls answered, from its /metrics. */
async function rangeCalls(): Promise<number> {
  const body = await (await fetch(`${etcd.members[0].clientUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  let sum = 0;
  for (const m of body.matchAll(/^grpc_server_handled_total\{[^}]*grpc_method="Range"[^}]*\} (\S+)$/gm)) sum += Number(m[1]);
  return sum;
}

describe('k8s:resources', () => {
  it('lists every resource type under /registry/ with its group, scope, exact count and storage quirk; the rest as other', async () => {
    const r = unwrap(await h.handlers['k8s:resources']({ profileId }));
    expect(r.revision).toBeGreaterThan(0);
    expect(r.types.map(shape)).toEqual([
      { resource: 'apiservices.apiregistration.k8s.io', group: 'apiregistration.k8s.io', prefix: '/registry/apiregistration.k8s.io/apiservices/', namespaced: false, count: 1, note: 'stored as JSON' },
      { resource: 'clusterwidgets.example.com', group: 'example.com', prefix: '/registry/example.com/clusterwidgets/', namespaced: false, count: 1, note: 'custom resource' },
      { resource: 'configmaps', group: '', prefix: '/registry/configmaps/', namespaced: true, count: 3, note: undefined },
      { resource: 'deployments.apps', group: 'apps', prefix: '/registry/deployments/', namespaced: true, count: 1, note: undefined },
      { resource: 'endpoints', group: '', prefix: '/registry/services/endpoints/', namespaced: true, count: 1, note: 'stored under services/endpoints' },
      { resource: 'ingresses.networking.k8s.io', group: 'networking.k8s.io', prefix: '/registry/ingress/', namespaced: true, count: 1, note: 'stored as ingress' },
      { resource: 'namespaces', group: '', prefix: '/registry/namespaces/', namespaced: false, count: 1, note: undefined },
      { resource: 'nodes', group: '', prefix: '/registry/minions/', namespaced: false, count: 2, note: 'stored as minions' },
      { resource: 'pods', group: '', prefix: '/registry/pods/', namespaced: true, count: 2, note: undefined },
      { resource: 'replicationcontrollers', group: '', prefix: '/registry/controllers/', namespaced: true, count: 1, note: 'stored as controllers' },
      { resource: 'secrets', group: '', prefix: '/registry/secrets/', namespaced: true, count: 2, note: undefined },
      { resource: 'services', group: '', prefix: '/registry/services/specs/', namespaced: true, count: 1, note: 'stored under services/specs' },
      { resource: 'widgets.example.com', group: 'example.com', prefix: '/registry/example.com/widgets/', namespaced: true, count: 3, note: 'custom resource' },
    ]);
    expect(r.other.map(str)).toEqual(['/registry/compact_rev_key', '/registry/masterleases/', '/registry/unknownthing/']);
  });

  it('counts follow writes, and each answer names the revision it read at', async () => {
    const before = unwrap(await h.handlers['k8s:resources']({ profileId }));
    unwrap(await h.handlers['kv:put']({ profileId, key: text('/registry/pods/default/later'), value: text('{}') }));
    try {
      const after = unwrap(await h.handlers['k8s:resources']({ profileId }));
      expect(after.revision).toBeGreaterThan(before.revision);
      expect(after.types.find((t) => t.resource === 'pods')?.count).toBe(3);
      expect(before.types.find((t) => t.resource === 'pods')?.count).toBe(2);
    } finally {
      unwrap(await h.handlers['kv:delete']({ profileId, key: text('/registry/pods/default/later') }));
    }
  });

  it('other is bounded: 100 of 150 keys that are no resource, in key order, the types still listed', async () => {
    const r = unwrap(await h.handlers['k8s:resources']({ profileId, root: text('/junk/registry/') }));
    expect(r.other).toHaveLength(100);
    expect(str(r.other[0])).toBe('/junk/registry/k-000');
    expect(str(r.other[99])).toBe('/junk/registry/k-099');
    expect(r.types.map((t) => [t.resource, t.count])).toEqual([['pods', 1]]);
  });

  it('a root without a trailing "/" is refused with INVALID_ARGUMENT; an empty root answers no types', async () => {
    expect(errorOf(await h.handlers['k8s:resources']({ profileId, root: text('/registry') })).code).toBe('INVALID_ARGUMENT');
    const empty = unwrap(await h.handlers['k8s:resources']({ profileId, root: text('/nothing-here/') }));
    expect(empty.types).toEqual([]);
    expect(empty.other).toEqual([]);
  });

  it(`${NAMESPACES} namespaces × ${PODS_PER_NAMESPACE} pods: as many Range calls as with 2 pods per namespace (proportional to the types, not the keys)`, async () => {
    const b0 = await rangeCalls();
    const big = unwrap(await h.handlers['k8s:resources']({ profileId, root: text('/scale/registry/') }));
    const bigReads = (await rangeCalls()) - b0;
    const s0 = await rangeCalls();
    const small = unwrap(await h.handlers['k8s:resources']({ profileId, root: text('/small/registry/') }));
    const smallReads = (await rangeCalls()) - s0;
    expect(big.types.map((t) => [t.resource, t.count])).toEqual([
      ['configmaps', NAMESPACES],
      ['nodes', 1],
      ['pods', NAMESPACES * PODS_PER_NAMESPACE],
    ]);
    expect(small.types.find((t) => t.resource === 'pods')?.count).toBe(NAMESPACES * 2);
    console.info(`k8s:resources Range calls: ${bigReads} for ${NAMESPACES * PODS_PER_NAMESPACE} pods, ${smallReads} for ${NAMESPACES * 2}`);
    expect(bigReads).toBeLessThanOrEqual(smallReads + 2);
    // 3 types: a few windows over the root's children and one count each.
    expect(bigReads).toBeLessThan(25);

    const n0 = await rangeCalls();
    const ns = unwrap(await h.handlers['k8s:namespaces']({ profileId, prefix: text('/scale/registry/pods/') }));
    const nsReads = (await rangeCalls()) - n0;
    expect(ns.length).toBe(NAMESPACES);
    expect(ns.every((n) => n.count === PODS_PER_NAMESPACE)).toBe(true);
    const m0 = await rangeCalls();
    const smallNs = unwrap(await h.handlers['k8s:namespaces']({ profileId, prefix: text('/small/registry/pods/') }));
    const smallNsReads = (await rangeCalls()) - m0;
    expect(smallNs.map((n) => n.count)).toEqual(Array.from({ length: NAMESPACES }, () => 2));
    console.info(`k8s:namespaces Range calls: ${nsReads} for ${NAMESPACES} namespaces of ${PODS_PER_NAMESPACE} pods, ${smallNsReads} for ${NAMESPACES} of 2`);
    // The folder reads by delimiter plus one count per namespace: about as many for 4,000 keys as for 40.
    expect(nsReads).toBeLessThanOrEqual(smallNsReads + 2);
    expect(nsReads).toBeLessThan(NAMESPACES * 4);
  });
});

describe('k8s:namespaces', () => {
  it("a type's namespace folders with exact counts, in key order", async () => {
    const secrets = unwrap(await h.handlers['k8s:namespaces']({ profileId, prefix: text('/registry/secrets/') }));
    expect(secrets.map((n) => [n.namespace, str(n.prefix), n.count])).toEqual([
      ['default', '/registry/secrets/default/', 1],
      ['shop', '/registry/secrets/shop/', 1],
    ]);
    const widgets = unwrap(await h.handlers['k8s:namespaces']({ profileId, prefix: text('/registry/example.com/widgets/') }));
    expect(widgets.map((n) => [n.namespace, n.count])).toEqual([
      ['default', 1],
      ['shop', 2],
    ]);
    const pods = unwrap(await h.handlers['k8s:namespaces']({ profileId, prefix: text('/registry/pods/') }));
    expect(pods.map((n) => [n.namespace, n.count])).toEqual([['default', 2]]);
  });

  it('a cluster-scoped type has no namespaces; a prefix without "/" is refused', async () => {
    expect(unwrap(await h.handlers['k8s:namespaces']({ profileId, prefix: text('/registry/minions/') }))).toEqual([]);
    expect(errorOf(await h.handlers['k8s:namespaces']({ profileId, prefix: text('/registry/pods') })).code).toBe('INVALID_ARGUMENT');
  });
});

describe('k8s:summaries', () => {
  it('at a past revision (the grid shows one): the object as it was then, and a key deleted since is still there', async () => {
    const key = '/registry/example.com/widgets/team-past/w';
    const put = async (owner: string) =>
      unwrap(await h.handlers['kv:put']({ profileId, key: text(key), value: text(JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'team-past', ownerReferences: [{ kind: 'Gadget', name: owner, controller: true }] } })) }));
    const first = await put('first');
    await put('second');
    unwrap(await h.handlers['kv:delete']({ profileId, key: text(key) }));
    expect(unwrap(await h.handlers['k8s:summaries']({ profileId, keys: [text(key)] }))).toEqual([]);
    const then = unwrap(await h.handlers['k8s:summaries']({ profileId, keys: [text(key)], revision: first.revision }));
    expect(then).toHaveLength(1);
    expect(then[0]).toMatchObject({ owner: 'Gadget/first', modRevision: first.revision });
  });

  it('kind, namespace, name, uid, owner and creation time of the named keys; encrypted and undecodable values said so; missing keys left out', async () => {
    const keys = [POD, ENCRYPTED, TRUNCATED, '/registry/pods/default/does-not-exist', '/registry/example.com/widgets/shop/w2', '/registry/namespaces/shop'];
    const r = unwrap(await h.handlers['k8s:summaries']({ profileId, keys: keys.map(text) }));
    expect(r.map((s) => str(s.key))).toEqual([POD, ENCRYPTED, TRUNCATED, '/registry/example.com/widgets/shop/w2', '/registry/namespaces/shop']);
    const [pod, enc, broken, w2, ns] = r;
    expect(pod).toMatchObject({
      objectKind: 'Pod',
      apiVersion: 'v1',
      namespace: 'default',
      name: 'web-0',
      uid: '9e2d4c71-8b5a-4f3e-a6d0-17c2b9f4e835',
      owner: 'StatefulSet/web',
      createdAt: '2026-07-20T09:12:44Z',
      size: fixture(POD).length,
    });
    expect(pod.modRevision).toBeGreaterThan(0);
    expect(pod.problem).toBeUndefined();
    expect(enc).toMatchObject({ encrypted: { provider: 'aescbc', keyName: 'key1' }, namespace: 'shop', name: 'stripe-api-key' });
    expect(enc.objectKind).toBeUndefined();
    expect(broken.problem).toMatch(/^Cannot decode this value: .*byte \d+/);
    expect(broken.objectKind).toBeUndefined();
    expect(broken.uid).toBeUndefined();
    expect(broken).toMatchObject({ namespace: 'default', name: 'broken', size: 3000 });
    expect(w2).toMatchObject({ objectKind: 'Widget', apiVersion: 'example.com/v1', namespace: 'shop', name: 'w2', uid: 'uid-w2' });
    expect(ns).toMatchObject({ objectKind: 'Namespace', name: 'shop', uid: '0c5e8a3f-71b2-4d9e-8f46-3a1d7c2e9b04', createdAt: '2026-07-18T13:58:02Z' });
    expect(ns.namespace).toBeUndefined();
  });

  it('a large object is summarized from its metadata; a large one cut after its metadata is still undecodable', async () => {
    const [big, cut] = unwrap(await h.handlers['k8s:summaries']({ profileId, keys: [text(BIG_CM), text(BIG_CM_CUT)] }));
    expect(big).toMatchObject({
      objectKind: 'ConfigMap',
      apiVersion: 'v1',
      namespace: 'shop',
      name: 'big-config',
      uid: 'uid-big',
      owner: 'Deployment/api',
      createdAt: new Date(1784538764 * 1000).toISOString().replace('.000Z', 'Z'),
      size: bigConfigMap().length,
    });
    expect(big.problem).toBeUndefined();
    expect(big.size).toBeGreaterThan(200_000);
    expect(cut.problem).toMatch(/^Cannot decode this value: .*byte \d+/);
    expect(cut.objectKind).toBeUndefined();
  });

  it('stops starting reads past its byte budget: the caller asks again for the rest', async () => {
    const first = unwrap(await h.handlers['k8s:summaries']({ profileId, keys: BIG.map(text) }));
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(BIG.length);
    const got = new Set(first.map((s) => str(s.key)));
    const rest = BIG.filter((k) => !got.has(k));
    const second = unwrap(await h.handlers['k8s:summaries']({ profileId, keys: rest.map(text) }));
    expect(second.length).toBeGreaterThan(0);
    expect(first[0]).toMatchObject({ size: 1024 * 1024, problem: expect.stringMatching(/^Cannot decode this value/) });
  });
});
