/**
 * Screenshots of the main screens, light and dark, for the README (docs/screenshots/*.png):
 * at 1024x700, and the window's minimum size (720x480, `*-min-*.png`), each checked for
 * overlapping regions first. Real etcd (three members) with realistic data.
 *
 * Every run takes them (so the flows behind them are exercised), but only
 * `UPDATE_SCREENSHOTS=1 npx playwright test screenshots` writes them to docs/screenshots/:
 * ports and times differ on every run, and a plain `npm test` should not leave tracked files changed.
 * Otherwise they go to this test's output folder under test-results/.
 */
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import type { EtcdCluster } from '../support/etcd';
import { expect, test } from './support/fixtures';
import { FolderTreePanel } from './pages/folder-tree';
import { etcdDel, etcdPut, saveProfile, seedKeys } from './support/etcd-helpers';
import { DeletedPanel, HistoryTab } from './pages/history';
import { LeasesView } from './pages/leases';
import { SearchPanel } from './pages/search';
import { BulkDeletePage } from './pages/bulk-delete';
import { expectNoOverlap } from './support/layout-checks';
import { K8sTreePanel } from './pages/k8s-tree';
import { K8sViewPage } from './pages/k8s-view';
import { K8sAnalyzeView } from './pages/k8s-analyze';
import { etcdPutBytes } from './support/etcd-helpers';
import { k8sFixtures } from '../support/k8s-values';
import { encodeK8sObject } from '../../src/main/core/k8s/encode';

const DOCS = resolve(__dirname, '../../docs/screenshots');
const UPDATE_DOCS = process.env.UPDATE_SCREENSHOTS === '1';
const SCHEMES = ['light', 'dark'] as const;
type Scheme = (typeof SCHEMES)[number];

const DESKTOP = { width: 1024, height: 700 };
/** The window's minimum size (src/main/electron/window/options.ts). */
const MINIMUM = { width: 720, height: 480 };

test.use({ viewport: DESKTOP });

const json = (v: unknown) => JSON.stringify(v, null, 2);

function service(ns: string, name: string, port: number, ip: string) {
  return json({
    kind: 'Service',
    apiVersion: 'v1',
    metadata: { name, namespace: ns, labels: { app: name, tier: ns === 'shop' ? 'backend' : 'platform' } },
    spec: { type: 'ClusterIP', clusterIP: ip, ports: [{ name: 'http', protocol: 'TCP', port, targetPort: 8080 }], selector: { app: name } },
  });
}

async function seedRealisticData(etcd: EtcdCluster): Promise<void> {
  const services: [string, string, number, string][] = [
    ['default', 'kubernetes', 443, '10.96.0.1'],
    ['kube-system', 'kube-dns', 53, '10.96.0.10'],
    ['kube-system', 'metrics-server', 443, '10.96.14.201'],
    ['monitoring', 'grafana', 3000, '10.96.88.17'],
    ['monitoring', 'prometheus', 9090, '10.96.88.12'],
    ['shop', 'cart', 8080, '10.96.120.4'],
    ['shop', 'catalog', 8080, '10.96.120.9'],
    ['shop', 'checkout', 8080, '10.96.120.33'],
    ['shop', 'payments', 8443, '10.96.121.2'],
    ['shop', 'search', 8080, '10.96.121.40'],
  ];
  const entries: [string, string][] = [
    ['/config/app/feature-flags.json', json({ newCheckout: true, recommendations: { enabled: true, model: 'v7' }, darkLaunch: ['search-v2'] })],
    ['/config/app/log-level', 'info'],
    ['/config/app/maintenance', 'false'],
    [
      '/config/app/settings.yaml',
      'server:\n  port: 8080\n  readTimeout: 15s\ndatabase:\n  host: db-primary.shop.svc\n  pool: 20\ncache:\n  ttl: 5m\n',
    ],
    ['/config/payments/limits.json', json({ currency: 'EUR', maxAmount: 5000, dailyCap: 20000, review: { above: 1500 } })],
    ['/locks/cron/nightly-report', 'holder=worker-3 since=2026-11-26T02:00:04Z'],
    ...services.map(([ns, name, port, ip]) => [`/registry/services/specs/${ns}/${name}`, service(ns, name, port, ip)] as [string, string]),
    ...services.slice(5).map(
      ([ns, name, port], i) =>
        [`/registry/services/endpoints/${ns}/${name}`, json({ subsets: [{ addresses: [{ ip: `10.244.${i}.${12 + i}` }], ports: [{ port }] }] })] as [
          string,
          string,
        ],
    ),
  ];
  // A handful of edits so versions and revisions differ like on a live cluster.
  await seedKeys(etcd, entries.map(([k, v]) => [k, v] as const));
  await etcdPut(etcd, '/config/app/log-level', 'debug');
  await etcdPut(etcd, '/config/app/log-level', 'info');
  await etcdPut(etcd, '/registry/services/specs/shop/checkout', service('shop', 'checkout', 8080, '10.96.120.33'));
}

/** Hide transient things (toasts, hover) and save `name-<scheme>.png` for each scheme. */
async function shoot(page: Page, name: string, schemes: readonly Scheme[] = SCHEMES): Promise<void> {
  const out = UPDATE_DOCS ? DOCS : test.info().outputPath();
  // Toasts come and go on their own timers: keep them out of the pictures.
  await page.addStyleTag({ content: '[data-testid="toasts"] { visibility: hidden !important; }' });
  await page.mouse.move(1, 1);
  for (const colorScheme of schemes) {
    await page.emulateMedia({ colorScheme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', colorScheme);
    await page.screenshot({ path: join(out, `${name}-${colorScheme}.png`), animations: 'disabled', caret: 'hide' });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('screenshots: main grid, profile form, conflict view, cluster view (light and dark)', async ({ launch, startEtcd, ui }) => {
  test.setTimeout(120_000);
  const etcd = await startEtcd({ members: 3 });
  await seedRealisticData(etcd);

  const app = await launch();
  await saveProfile(app, { name: 'production (eu-west)', endpoints: etcd.endpoints, deadlineMs: 3000, color: '#e5484d' });
  await saveProfile(app, { name: 'staging', endpoints: ['http://10.20.0.11:2379', 'http://10.20.0.12:2379'], color: '#e2a336' });
  await saveProfile(app, { name: 'ci runners', endpoints: ['https://etcd.ci.internal:2379'], color: '#12a594' });
  await ui.page.reload();
  await ui.sidebar.connect('production (eu-west)');
  await expect(ui.grid.count).toHaveText('21 keys');

  // 1. Main grid with a selected JSON key, at 1024x700 and at the minimum size. A Kubernetes
  // object under /registry/ opens in the Kubernetes view; this one is shown as its stored value.
  await ui.grid.select('/registry/services/specs/shop/checkout');
  await new K8sViewPage(ui.page).button('Value').click();
  await expect(ui.value.modeSelect).toHaveValue('json');
  await expect(ui.value.content).toContainText('"clusterIP": "10.96.120.33"');
  await expectNoOverlap(ui, ui.page);
  await shoot(ui.page, 'main');
  await ui.page.setViewportSize(MINIMUM);
  await expectNoOverlap(ui, ui.page);
  await shoot(ui.page, 'main-min');
  await ui.page.setViewportSize(DESKTOP);

  // 2. Profile form (editing the connected profile, after a successful connection test)
  await ui.sidebar.edit('production (eu-west)');
  await expect(ui.profileForm.root).toBeVisible();
  await ui.profileForm.testButton.click();
  await expect(ui.profileForm.testResult).toHaveClass(/ok/);
  await shoot(ui.page, 'profile-form');
  await ui.page.setViewportSize(MINIMUM);
  await shoot(ui.page, 'profile-form-min', ['light']);
  await ui.page.setViewportSize(DESKTOP);
  await ui.page.keyboard.press('Escape');
  await expect(ui.profileForm.root).toHaveCount(0);

  // 3. Conflict view
  await ui.grid.select('/config/app/settings.yaml');
  await expect(ui.value.modeSelect).toHaveValue('yaml');
  await ui.value.content.click();
  await ui.page.keyboard.press('ControlOrMeta+End');
  await ui.page.keyboard.insertText('  maxEntries: 10000\n');
  await etcdPut(
    etcd,
    '/config/app/settings.yaml',
    'server:\n  port: 8080\n  readTimeout: 30s\ndatabase:\n  host: db-replica.shop.svc\n  pool: 40\ncache:\n  ttl: 5m\n',
  );
  await ui.value.saveWithShortcut();
  await expect(ui.value.merged).toContainText('db-replica.shop.svc');
  await shoot(ui.page, 'conflict');
  await ui.page.setViewportSize(MINIMUM);
  await shoot(ui.page, 'conflict-min', ['light']);
  await ui.page.setViewportSize(DESKTOP);
  await ui.value.conflictButton('Discard my draft and load current').click();
  await expect(ui.value.conflict).toHaveCount(0);

  // 4. Cluster view
  await ui.toolbar.button('cluster-view').click();
  await expect(ui.cluster.memberRows).toHaveCount(3);
  await expect(ui.cluster.endpointRows.and(ui.page.locator('[data-reachable="true"]'))).toHaveCount(3);
  await expect(ui.page.getByTestId('cluster-updated')).toContainText('updated');
  await shoot(ui.page, 'cluster');
  await ui.page.setViewportSize(MINIMUM);
  await shoot(ui.page, 'cluster-min', ['light']);
  await ui.page.setViewportSize(DESKTOP);
  await ui.toolbar.button('cluster-view').click();

  // 5. Folder tree: /registry/ opened in the grid, the breadcrumbs above it
  const tree = new FolderTreePanel(ui.page);
  await tree.toggle.click();
  await tree.twisty('/').click();
  await tree.open('registry/').click();
  await tree.twisty('services/').click();
  await tree.twisty('specs/').click();
  await expect(tree.item('shop/')).toBeVisible();
  await expect(tree.breadcrumbs).toContainText('registry/');
  await shoot(ui.page, 'tree');
  console.log(
    UPDATE_DOCS
      ? `[screenshots] written to ${DOCS}`
      : `[screenshots] written to ${test.info().outputPath()} (UPDATE_SCREENSHOTS=1 writes them to docs/screenshots/)`,
  );
});

test('screenshots: a live keyspace — history diff, recently deleted, leases (light and dark)', async ({ launch, startEtcd, ui }) => {
  test.setTimeout(120_000);
  const etcd = await startEtcd({ members: 3 });
  await seedRealisticData(etcd);
  const limits = (maxAmount: number, dailyCap: number) =>
    json({ currency: 'EUR', maxAmount, dailyCap, review: { above: 1500 }, ...(maxAmount > 5000 ? { approvers: ['finance-oncall'] } : {}) });
  await etcdPut(etcd, '/config/payments/limits.json', limits(7500, 20000));
  await etcdPut(etcd, '/config/payments/limits.json', limits(7500, 30000));
  // Two leases as a scheduler and a lock service would hold them (etcdctl prints ids in hex).
  const grant = async (ttl: number) => /lease ([0-9a-f]+) granted/.exec((await etcd.etcdctl(['lease', 'grant', String(ttl)])).stdout)![1];
  const lockLease = await grant(900);
  const sessionLease = await grant(3600);
  await etcd.etcdctl(['put', `--lease=${lockLease}`, '/locks/cron/nightly-report', 'holder=worker-3 since=2026-11-26T02:00:04Z']);
  await etcd.etcdctl(['put', `--lease=${sessionLease}`, '/sessions/worker-3', 'node=ip-10-0-3-17']);
  await etcd.etcdctl(['put', `--lease=${sessionLease}`, '/sessions/worker-4', 'node=ip-10-0-3-44']);
  await etcdDel(etcd, '/registry/services/specs/shop/search');
  await etcdDel(etcd, '/registry/services/endpoints/shop/search');

  const app = await launch();
  await saveProfile(app, { name: 'production (eu-west)', endpoints: etcd.endpoints, deadlineMs: 3000, color: '#e5484d' });
  await ui.page.reload();
  await ui.sidebar.connect('production (eu-west)');
  await expect(ui.grid.count).toHaveText('21 keys');

  // 1. A key's history: two revisions side by side.
  const history = new HistoryTab(ui.page);
  await ui.grid.select('/config/payments/limits.json');
  await history.toggle.click();
  await expect(history.rows).toHaveCount(3);
  const revisions = await history.rows.evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-revision'))));
  await history.compare(revisions[2]).check();
  await history.compare(revisions[0]).check();
  await expect(history.side(revisions[0])).toContainText('finance-oncall');
  await shoot(ui.page, 'history');
  await history.toggle.click();

  // 2. Recently deleted under the listing's prefix.
  const deleted = new DeletedPanel(ui.page);
  await deleted.open.click();
  await expect(deleted.rows).toHaveCount(2);
  await shoot(ui.page, 'deleted');
  await deleted.open.click();

  // 3. Leases, with the keys of one of them.
  const leases = new LeasesView(ui.page);
  await leases.toolbarButton().click();
  await expect(leases.rows).toHaveCount(2);
  await expect(leases.row(lockLease.padStart(16, '0'))).toContainText('1');
  await shoot(ui.page, 'leases');
});

test('screenshots: many keys — search across the keyspace, bulk delete with its typed confirmation (light and dark)', async ({ launch, startEtcd, ui }) => {
  test.setTimeout(120_000);
  const etcd = await startEtcd();
  await seedRealisticData(etcd);
  const app = await launch();
  await saveProfile(app, { name: 'production (eu-west)', endpoints: etcd.endpoints, deadlineMs: 3000, color: '#e5484d' });
  await ui.page.reload();
  await ui.sidebar.connect('production (eu-west)');
  await expect(ui.grid.count).toHaveText('21 keys');

  // 1. A regular expression over keys and values, results listed with their keys.
  const search = new SearchPanel(ui.page);
  await search.openView();
  await expect(search.view).toBeVisible();
  await search.regex.check();
  await search.inValues.check();
  await search.query.fill('10\\.96\\.\\d+\\.\\d+');
  await search.start.click();
  await expect(search.progress).toContainText('scanned 21 of 21');
  await expect(search.results.first()).toBeVisible();
  await shoot(ui.page, 'search');
  await search.view.getByRole('button', { name: 'Close' }).click();
  await expect(search.view).toHaveCount(0);

  // 2. Bulk delete of a selection: the exact count, the profile named, the typed confirmation.
  const bulk = new BulkDeletePage(ui.page);
  await ui.grid.row('/config/app/log-level').click({ modifiers: ['Control'] });
  await ui.grid.row('/config/app/settings.yaml').click({ modifiers: ['Control'] });
  await expect(bulk.selectedCount).toHaveText('2 selected');
  await bulk.deleteSelection.click();
  await expect(bulk.count).toContainText('This deletes exactly 2 keys');
  await bulk.typed.fill('2');
  await shoot(ui.page, 'bulk-delete');
});

/** A few objects as the API server stores them (k8s\0 + protobuf), beside the reference fixtures. */
async function seedKubernetes(etcd: EtcdCluster): Promise<void> {
  for (const f of k8sFixtures) await etcdPutBytes(etcd, f.key, Buffer.from(f.valueBase64, 'base64'));
  const created = '2026-11-28T09:14:03Z';
  const pod = (ns: string, name: string, owner: string, uid: string) =>
    encodeK8sObject('v1', 'Pod', {
      metadata: { name, namespace: ns, uid, creationTimestamp: created, labels: { app: owner.split('/')[1] }, ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.split('/')[0], name: owner.split('/')[1], uid: `${uid}-owner`, controller: true, blockOwnerDeletion: true }] },
      spec: { containers: [{ name: 'app', image: `registry.example.com/${name.split('-')[0]}:1.4.2` }] },
    });
  const pods: [string, string, string][] = [
    ['shop', 'cart-7c9f8d6b5-2xkqp', 'ReplicaSet/cart-7c9f8d6b5'],
    ['shop', 'cart-7c9f8d6b5-h4wzn', 'ReplicaSet/cart-7c9f8d6b5'],
    ['shop', 'checkout-5f6d7c8b9-m2p7r', 'ReplicaSet/checkout-5f6d7c8b9'],
    ['shop', 'payments-0', 'StatefulSet/payments'],
    ['kube-system', 'coredns-668d6bf9bc-qk9vx', 'ReplicaSet/coredns-668d6bf9bc'],
    ['kube-system', 'kube-proxy-8hz5t', 'DaemonSet/kube-proxy'],
  ];
  let n = 0;
  for (const [ns, name, owner] of pods) await etcdPutBytes(etcd, `/registry/pods/${ns}/${name}`, Buffer.from(pod(ns, name, owner, `6f1c2a9e-0b4d-4c1e-9a7f-00000000000${n++}`)));
  for (const node of ['kind-control-plane', 'kind-worker']) {
    await etcdPutBytes(etcd, `/registry/minions/${node}`, Buffer.from(encodeK8sObject('v1', 'Node', { metadata: { name: node, uid: `node-${node}`, creationTimestamp: created } })));
  }
  for (const ns of ['default', 'kube-system', 'shop']) {
    await etcdPutBytes(etcd, `/registry/namespaces/${ns}`, Buffer.from(encodeK8sObject('v1', 'Namespace', { metadata: { name: ns, uid: `ns-${ns}`, creationTimestamp: created } })));
  }
}

test('screenshots: Kubernetes — the tree by resource with its columns, a decoded Pod, the analysis (light and dark)', async ({ launch, startEtcd, ui }) => {
  test.setTimeout(120_000);
  const etcd = await startEtcd();
  await seedKubernetes(etcd);
  const app = await launch();
  await saveProfile(app, { name: 'kind (dev)', endpoints: etcd.endpoints, deadlineMs: 3000, color: '#12a594' });
  await ui.page.reload();
  await ui.sidebar.connect('kind (dev)');

  // 1. The tree by resource type → namespace → name, the pods of a namespace with their columns, one Pod open.
  const tree = new K8sTreePanel(ui.page);
  await tree.treeToggle.click();
  await tree.layoutToggle.click();
  await expect(tree.count(tree.type('pods'))).toHaveText('(7)');
  await tree.expand(tree.type('pods'), 'pods').click();
  await tree.label(tree.namespace('pods', 'shop'), 'shop').click();
  await expect(ui.grid.count).toHaveText('4 keys');
  await expect(ui.grid.row('/registry/pods/shop/payments-0').getByRole('gridcell', { name: 'Pod', exact: true })).toBeVisible();
  await ui.grid.select('/registry/pods/shop/checkout-5f6d7c8b9-m2p7r');
  const view = new K8sViewPage(ui.page);
  await expect(view.kind).toHaveText('Pod');
  await expect.poll(() => view.visibleText()).toContain('image: registry.example.com/checkout:1.4.2');
  await shoot(ui.page, 'k8s-tree');

  // 2. The reference Pod (a StatefulSet's, with managedFields) as kubectl prints it.
  await tree.expand(tree.namespace('pods', 'default'), 'default').click();
  await tree.label(tree.object(tree.namespace('pods', 'default'), 'web-0'), 'web-0').click();
  await expect(view.header).toContainText('default/web-0');
  await expect.poll(() => view.visibleText()).toMatch(/^apiVersion: v1\nkind: Pod\n/);
  await shoot(ui.page, 'k8s-pod');

  // 3. The analysis of everything under /registry/.
  const analyze = new K8sAnalyzeView(ui.page);
  await analyze.toolbarButton().click();
  await analyze.analyze.click();
  await expect(analyze.summary).toBeVisible();
  await shoot(ui.page, 'k8s-analyze');
});

