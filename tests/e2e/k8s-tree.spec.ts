/**
 * The folder tree's Kubernetes layout against a real etcd holding the reference fixtures and
 * Kubernetes' storage quirks: offered for a keyspace with /registry/, types with counts and
 * notes, pods → namespace → name opening the Pod's key, and the grid's Kubernetes columns.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './support/fixtures';
import { etcdPutBytes, seedKeys } from './support/etcd-helpers';
import { openConnected } from './support/flows';
import { K8sTreePanel } from './pages/k8s-tree';

interface Fixture {
  readonly key: string;
  readonly valueBase64: string;
}
const fixtures = JSON.parse(readFileSync(join(__dirname, '../fixtures/k8s/fixtures.json'), 'utf8')) as Fixture[];

const json = (o: unknown): string => JSON.stringify(o);

test('the Kubernetes layout: types with counts and quirks, pods → namespace → name opens the Pod, the grid shows Kind/Namespace/Name/Owner', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  for (const f of fixtures) await etcdPutBytes(etcd, f.key, Buffer.from(f.valueBase64, 'base64'));
  await seedKeys(etcd, [
    ['/registry/services/endpoints/default/web', json({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' } })],
    ['/registry/minions/kind-worker', json({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'kind-worker' } })],
    ['/registry/minions/kind-control-plane', json({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'kind-control-plane' } })],
    ['/registry/example.com/widgets/default/w1', json({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'default' } })],
    ['/registry/pods/shop/api-1', json({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api-1', namespace: 'shop', ownerReferences: [{ kind: 'ReplicaSet', name: 'api-5d8', controller: true }] } })],
    ['/registry/masterleases/10.0.0.1', 'x'],
  ]);
  await openConnected(launch, ui, etcd);
  const k8s = new K8sTreePanel(ui.page);
  await k8s.treeToggle.click();
  await expect(k8s.layoutToggle).toBeVisible();
  await expect(k8s.layoutToggle).toHaveAttribute('aria-pressed', 'false');
  await k8s.layoutToggle.click();
  await expect(k8s.layoutToggle).toHaveAttribute('aria-pressed', 'true');

  // Types with their exact counts; storage quirks said.
  await expect(k8s.count(k8s.type('pods'))).toHaveText('(2)');
  await expect(k8s.count(k8s.type('services'))).toHaveText('(1)');
  await expect(k8s.note(k8s.type('services'))).toHaveText('stored under services/specs');
  await expect(k8s.count(k8s.type('endpoints'))).toHaveText('(1)');
  await expect(k8s.count(k8s.type('nodes'))).toHaveText('(2)');
  await expect(k8s.note(k8s.type('nodes'))).toHaveText('stored as minions');
  await expect(k8s.count(k8s.type('widgets.example.com'))).toHaveText('(1)');
  await expect(k8s.count(k8s.type('secrets'))).toHaveText('(2)');
  await expect(k8s.other('masterleases/')).toBeVisible();

  // A cluster-scoped type lists names directly.
  await k8s.expand(k8s.type('nodes'), 'nodes').click();
  await expect(k8s.object(k8s.type('nodes'), 'kind-worker')).toBeVisible();

  // pods → namespaces (with counts) → names; the Pod opens in the value panel.
  await k8s.expand(k8s.type('pods'), 'pods').click();
  await expect(k8s.count(k8s.namespace('pods', 'default'))).toHaveText('(1)');
  await expect(k8s.count(k8s.namespace('pods', 'shop'))).toHaveText('(1)');
  await k8s.expand(k8s.namespace('pods', 'default'), 'default').click();
  const web0 = k8s.object(k8s.namespace('pods', 'default'), 'web-0');
  await k8s.label(web0, 'web-0').click();
  await expect(ui.value.keyText).toHaveText('/registry/pods/default/web-0');
  await expect(web0).toHaveAttribute('aria-selected', 'true');

  // The type shows its keys in the grid, with the Kubernetes columns for the rows on screen.
  await k8s.label(k8s.type('pods'), 'pods').click();
  await expect(ui.grid.count).toHaveText('2 keys');
  await expect(k8s.type('pods')).toHaveAttribute('aria-selected', 'true');
  for (const label of ['Kind', 'Namespace', 'Name', 'Owner', 'Age']) await expect(k8s.columnHeader(label)).toBeVisible();
  const podRow = ui.grid.row('/registry/pods/default/web-0');
  for (const cell of ['Pod', 'default', 'web-0', 'StatefulSet/web']) await expect(podRow.getByRole('gridcell', { name: cell, exact: true })).toBeVisible();
  const apiRow = ui.grid.row('/registry/pods/shop/api-1');
  for (const cell of ['Pod', 'shop', 'api-1', 'ReplicaSet/api-5d8']) await expect(apiRow.getByRole('gridcell', { name: cell, exact: true })).toBeVisible();

  // An encrypted Secret says so in the Kind column; its namespace and name come from its key.
  await k8s.label(k8s.type('secrets'), 'secrets').click();
  const encRow = ui.grid.row('/registry/secrets/shop/stripe-api-key');
  for (const cell of ['encrypted', 'shop', 'stripe-api-key']) await expect(encRow.getByRole('gridcell', { name: cell, exact: true })).toBeVisible();
  await expect(encRow.getByRole('gridcell', { name: 'encrypted', exact: true })).toHaveAttribute('title', /aescbc, key key1/);
  await expect(ui.grid.row('/registry/secrets/default/db-credentials').getByRole('gridcell', { name: 'Secret', exact: true })).toBeVisible();

  // A namespace narrows the grid to its keys.
  await k8s.label(k8s.namespace('pods', 'shop'), 'shop').click();
  await expect(ui.grid.count).toHaveText('1 key');
  await expect(k8s.namespace('pods', 'shop')).toHaveAttribute('aria-selected', 'true');

  // Remembered for this profile: after a reload and reconnect the tree opens in the Kubernetes layout.
  await ui.page.reload();
  await ui.sidebar.connect('e2e etcd');
  await expect(k8s.layoutToggle).toHaveAttribute('aria-pressed', 'true');
  await expect(k8s.count(k8s.type('pods'))).toHaveText('(2)');
  // A key opened from the grid is revealed in the tree (its type and namespace expand).
  await ui.grid.prefix.fill('/registry/');
  await ui.grid.prefix.press('Enter');
  await ui.grid.select('/registry/pods/shop/api-1');
  await expect(ui.value.keyText).toHaveText('/registry/pods/shop/api-1');
  await expect(k8s.object(k8s.namespace('pods', 'shop'), 'api-1')).toHaveAttribute('aria-selected', 'true');

  // Back to folders: the plain columns again.
  await k8s.layoutToggle.click();
  await expect(k8s.tree).toHaveCount(0);
  await expect(k8s.columnHeader('Kind')).toHaveCount(0);
  await expect(k8s.columnHeader('Value')).toBeVisible();
});
