/**
 * Where the API server keeps each resource in etcd, and the reverse: which resource, namespace
 * and name a key under /registry/ belongs to. Most resources are stored under their plural
 * name without the group (`/registry/deployments/<ns>/<name>`), a few under historical names
 * (`minions` for nodes, `controllers` for replication controllers, `ingress` for ingresses,
 * `services/specs` and `services/endpoints`), and custom resources and aggregated APIs under
 * `/registry/<group>/<plural>/`. Cluster-scoped resources have no namespace segment.
 */

export const K8S_ROOT = '/registry/';

export interface StoredResource {
  /** What kubectl calls it: "pods", "deployments.apps", "widgets.example.com". */
  readonly resource: string;
  /** The API group ('' = core). */
  readonly group: string;
  readonly namespaced: boolean;
  /** The path under the root its objects live under, ending in '/' (e.g. "services/specs/"). */
  readonly path: string;
  /** A storage quirk worth saying. */
  readonly note?: string;
}

type Entry = readonly [path: string, plural: string, group: string, namespaced: boolean, note?: string];

/** Built-in resources by storage path (Kubernetes v1.36's registry, pkg/registry/*). */
const BUILT_IN: readonly Entry[] = [
  ['pods', 'pods', '', true],
  ['configmaps', 'configmaps', '', true],
  ['secrets', 'secrets', '', true],
  ['serviceaccounts', 'serviceaccounts', '', true],
  ['persistentvolumeclaims', 'persistentvolumeclaims', '', true],
  ['controllers', 'replicationcontrollers', '', true, 'stored as controllers'],
  ['resourcequotas', 'resourcequotas', '', true],
  ['limitranges', 'limitranges', '', true],
  ['podtemplates', 'podtemplates', '', true],
  ['events', 'events', '', true],
  ['services/specs', 'services', '', true, 'stored under services/specs'],
  ['services/endpoints', 'endpoints', '', true, 'stored under services/endpoints'],
  ['namespaces', 'namespaces', '', false],
  ['minions', 'nodes', '', false, 'stored as minions'],
  ['persistentvolumes', 'persistentvolumes', '', false],
  ['ranges', 'rangeallocations', '', false, 'service IP and node port allocations'],
  ['deployments', 'deployments', 'apps', true],
  ['replicasets', 'replicasets', 'apps', true],
  ['statefulsets', 'statefulsets', 'apps', true],
  ['daemonsets', 'daemonsets', 'apps', true],
  ['controllerrevisions', 'controllerrevisions', 'apps', true],
  ['jobs', 'jobs', 'batch', true],
  ['cronjobs', 'cronjobs', 'batch', true],
  ['horizontalpodautoscalers', 'horizontalpodautoscalers', 'autoscaling', true],
  ['poddisruptionbudgets', 'poddisruptionbudgets', 'policy', true],
  ['ingress', 'ingresses', 'networking.k8s.io', true, 'stored as ingress'],
  ['networkpolicies', 'networkpolicies', 'networking.k8s.io', true],
  ['ingressclasses', 'ingressclasses', 'networking.k8s.io', false],
  ['ipaddresses', 'ipaddresses', 'networking.k8s.io', false],
  ['servicecidrs', 'servicecidrs', 'networking.k8s.io', false],
  ['roles', 'roles', 'rbac.authorization.k8s.io', true],
  ['rolebindings', 'rolebindings', 'rbac.authorization.k8s.io', true],
  ['clusterroles', 'clusterroles', 'rbac.authorization.k8s.io', false],
  ['clusterrolebindings', 'clusterrolebindings', 'rbac.authorization.k8s.io', false],
  ['leases', 'leases', 'coordination.k8s.io', true],
  ['leasecandidates', 'leasecandidates', 'coordination.k8s.io', true],
  ['storageclasses', 'storageclasses', 'storage.k8s.io', false],
  ['volumeattachments', 'volumeattachments', 'storage.k8s.io', false],
  ['csidrivers', 'csidrivers', 'storage.k8s.io', false],
  ['csinodes', 'csinodes', 'storage.k8s.io', false],
  ['csistoragecapacities', 'csistoragecapacities', 'storage.k8s.io', true],
  ['volumeattributesclasses', 'volumeattributesclasses', 'storage.k8s.io', false],
  ['endpointslices', 'endpointslices', 'discovery.k8s.io', true],
  ['priorityclasses', 'priorityclasses', 'scheduling.k8s.io', false],
  ['runtimeclasses', 'runtimeclasses', 'node.k8s.io', false],
  ['certificatesigningrequests', 'certificatesigningrequests', 'certificates.k8s.io', false],
  ['clustertrustbundles', 'clustertrustbundles', 'certificates.k8s.io', false],
  ['podcertificaterequests', 'podcertificaterequests', 'certificates.k8s.io', true],
  ['mutatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'admissionregistration.k8s.io', false],
  ['validatingwebhookconfigurations', 'validatingwebhookconfigurations', 'admissionregistration.k8s.io', false],
  ['validatingadmissionpolicies', 'validatingadmissionpolicies', 'admissionregistration.k8s.io', false],
  ['validatingadmissionpolicybindings', 'validatingadmissionpolicybindings', 'admissionregistration.k8s.io', false],
  ['mutatingadmissionpolicies', 'mutatingadmissionpolicies', 'admissionregistration.k8s.io', false],
  ['mutatingadmissionpolicybindings', 'mutatingadmissionpolicybindings', 'admissionregistration.k8s.io', false],
  ['flowschemas', 'flowschemas', 'flowcontrol.apiserver.k8s.io', false],
  ['prioritylevelconfigurations', 'prioritylevelconfigurations', 'flowcontrol.apiserver.k8s.io', false],
  ['resourceclaims', 'resourceclaims', 'resource.k8s.io', true],
  ['resourceclaimtemplates', 'resourceclaimtemplates', 'resource.k8s.io', true],
  ['deviceclasses', 'deviceclasses', 'resource.k8s.io', false],
  ['resourceslices', 'resourceslices', 'resource.k8s.io', false],
  ['devicetaintrules', 'devicetaintrules', 'resource.k8s.io', false],
  ['storageversions', 'storageversions', 'internal.apiserver.k8s.io', false],
  ['storageversionmigrations', 'storageversionmigrations', 'storagemigration.k8s.io', false],
  ['apiregistration.k8s.io/apiservices', 'apiservices', 'apiregistration.k8s.io', false, 'stored as JSON'],
  ['apiextensions.k8s.io/customresourcedefinitions', 'customresourcedefinitions', 'apiextensions.k8s.io', false, 'stored as JSON'],
];

const qualified = (plural: string, group: string): string => (group === '' ? plural : `${plural}.${group}`);

const byPath = new Map<string, StoredResource>(
  BUILT_IN.map(([path, plural, group, namespaced, note]) => [
    `${path}/`,
    { resource: qualified(plural, group), group, namespaced, path: `${path}/`, ...(note ? { note } : {}) },
  ]),
);

/** Top-level folders that hold other folders rather than objects (services/specs, a group's plurals). */
export const isGroupFolder = (segment: string): boolean => segment === 'services' || segment.includes('.');

/** The built-in resource stored under `path` (relative to the root, ending in '/'), if any. */
export const builtInAt = (path: string): StoredResource | undefined => byPath.get(path);

/**
 * The resource stored under `path` (relative to the root, ending in '/'): a built-in one, or a
 * custom resource `<group>/<plural>/` whose scope is told by `namespaced` (from its keys' depth).
 */
export function resourceAt(path: string, namespaced?: boolean): StoredResource | undefined {
  const known = byPath.get(path);
  if (known) return known;
  const parts = path.split('/');
  if (parts.length !== 3 || parts[2] !== '' || !parts[0].includes('.') || parts[1] === '') return undefined;
  return { resource: `${parts[1]}.${parts[0]}`, group: parts[0], namespaced: namespaced ?? true, path, note: 'custom resource' };
}

export interface StoredObjectRef {
  readonly stored: StoredResource;
  /** '' for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

/**
 * Which resource, namespace and name a key belongs to, from its path alone; undefined for keys
 * that are not objects (compact_rev_key, masterleases/…, a path too short or too deep).
 * Custom resources are namespaced when their key has two segments after the plural.
 */
export function objectOfKey(key: string, root: string = K8S_ROOT): StoredObjectRef | undefined {
  if (!key.startsWith(root)) return undefined;
  const rest = key.slice(root.length).split('/');
  for (const take of [2, 1]) {
    if (rest.length <= take) continue;
    const path = `${rest.slice(0, take).join('/')}/`;
    const tail = rest.slice(take);
    const stored = take === 2 && !isGroupFolder(rest[0]) ? undefined : resourceAt(path, tail.length === 2);
    if (!stored) continue;
    if (stored.namespaced ? tail.length !== 2 : tail.length !== 1) return undefined;
    if (tail.some((s) => s === '')) return undefined;
    return stored.namespaced ? { stored, namespace: tail[0], name: tail[1] } : { stored, namespace: '', name: tail[0] };
  }
  return undefined;
}
