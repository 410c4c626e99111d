import { builtInAt, objectOfKey, resourceAt } from '../../../src/main/core/k8s/resource-path';

describe('where Kubernetes stores each resource', () => {
  it.each([
    ['/registry/pods/default/web-0', 'pods', 'default', 'web-0'],
    ['/registry/services/specs/default/web', 'services', 'default', 'web'],
    ['/registry/services/endpoints/default/web', 'endpoints', 'default', 'web'],
    ['/registry/minions/kind-worker', 'nodes', '', 'kind-worker'],
    ['/registry/controllers/ns1/rc', 'replicationcontrollers', 'ns1', 'rc'],
    ['/registry/ingress/shop/front', 'ingresses.networking.k8s.io', 'shop', 'front'],
    ['/registry/deployments/shop/api', 'deployments.apps', 'shop', 'api'],
    ['/registry/namespaces/shop', 'namespaces', '', 'shop'],
    ['/registry/clusterroles/admin', 'clusterroles.rbac.authorization.k8s.io', '', 'admin'],
    ['/registry/example.com/widgets/team-a/w1', 'widgets.example.com', 'team-a', 'w1'],
    ['/registry/example.com/clusterwidgets/w1', 'clusterwidgets.example.com', '', 'w1'],
    ['/registry/apiregistration.k8s.io/apiservices/v1.apps', 'apiservices.apiregistration.k8s.io', '', 'v1.apps'],
    ['/registry/apiextensions.k8s.io/customresourcedefinitions/widgets.example.com', 'customresourcedefinitions.apiextensions.k8s.io', '', 'widgets.example.com'],
  ])('%s is %s %s/%s', (key, resource, namespace, name) => {
    const o = objectOfKey(key);
    expect(o?.stored.resource).toBe(resource);
    expect(o?.namespace).toBe(namespace);
    expect(o?.name).toBe(name);
  });

  it.each(['/registry/compact_rev_key', '/registry/masterleases/10.0.0.1', '/registry/pods/default', '/registry/pods/a/b/c', '/registry/namespaces/a/b', '/other/pods/a/b', '/registry/services/specs/x'])(
    '%s is not an object',
    (key) => expect(objectOfKey(key)).toBeUndefined(),
  );

  it('names the quirks and the scope', () => {
    expect(builtInAt('minions/')).toMatchObject({ resource: 'nodes', namespaced: false, note: 'stored as minions' });
    expect(builtInAt('services/')).toBeUndefined();
    expect(resourceAt('example.com/widgets/', false)).toMatchObject({ resource: 'widgets.example.com', namespaced: false, group: 'example.com' });
    expect(resourceAt('pods/x/')).toBeUndefined();
  });

  it('takes another root', () => {
    expect(objectOfKey('/kubernetes.io/pods/default/a', '/kubernetes.io/')?.stored.resource).toBe('pods');
  });
});
