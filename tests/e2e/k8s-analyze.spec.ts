/**
 * The Kubernetes analysis view against a real etcd holding the reference fixtures (byte-exact)
 * and generated objects: it says how many values it will read, runs, shows the per-type table
 * with the right counts, the namespaces sortable by bytes, the largest object first (which opens
 * in the value panel); then a run slowed by network latency is cancelled mid-way and its partial
 * report is labelled as partial.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './support/fixtures';
import { etcdPutBytes, saveProfile, seedMany } from './support/etcd-helpers';
import { faultProxy } from '../support/fault-proxy';
import { K8sAnalyzeView } from './pages/k8s-analyze';

const fixtures = JSON.parse(readFileSync(join(__dirname, '../fixtures/k8s/fixtures.json'), 'utf8')) as { key: string; valueBase64: string }[];
const NAMESPACES = ['ns-a', 'ns-b', 'ns-c'];
const PODS = 100;
const podKey = (i: number): string => `/registry/pods/${NAMESPACES[i % 3]}/pod-${String(Math.floor(i / 3)).padStart(3, '0')}`;
/** 500..599 bytes, each size once per namespace. */
const podValue = (i: number): string => `k8s\0${'p'.repeat(496 + Math.floor(i / 3))}`;

test('analyze: per-type counts, namespaces, the largest object opens its key; a cancelled run shows a partial report', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  for (const f of fixtures) await etcdPutBytes(etcd, f.key, Buffer.from(f.valueBase64, 'base64'));
  await seedMany(etcd, 3 * PODS, podKey, podValue);
  // The 1 MB objects sort after the pods (secrets), so that the slowed run below reads small pages first.
  await etcdPutBytes(etcd, '/registry/secrets/ns-b/big-0', Buffer.alloc(1_000_000, 'c'));
  await etcdPutBytes(etcd, '/registry/secrets/ns-b/big-1', Buffer.alloc(1_100_000, 'c'));
  await etcdPutBytes(etcd, '/registry/secrets/ns-c/sealed', Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key1:'), Buffer.alloc(200, 9)]));
  await etcdPutBytes(etcd, '/registry/compact_rev_key', Buffer.from('42'));
  const total = fixtures.length + 3 * PODS + 2 + 1 + 1;

  // Through a proxy, so that the second run can be slowed down and cancelled mid-way.
  const proxy = await faultProxy(etcd.endpoints[0]);
  try {
    const app = await launch();
    await saveProfile(app, { name: 'k8s', endpoints: [proxy.endpoint], deadlineMs: 15_000 });
    await ui.page.reload();
    await ui.sidebar.connect('k8s');

    const view = new K8sAnalyzeView(ui.page);
    await view.toolbarButton().click();
    await expect(view.root).toBeVisible();
    await expect(view.intro).toContainText('Reads every value under /registry/');
    await expect(view.intro).toContainText(`That is ${total} values to read from etcd.`);

    await view.analyze.click();
    await expect(view.progress).toHaveText(`Done: ${total} of ${total} keys read`);
    await expect(view.partial).toHaveCount(0);
    await expect(view.summary).toContainText(`${total} keys`);
    // The fixtures' encrypted Secret and ours.
    await expect(view.summary).toContainText('2 encrypted at rest');
    // Resource, objects: the largest total first.
    const resources = (await view.rows(view.resources)).map((r) => [r[0], r[1]]);
    expect(resources[0]).toEqual(['secrets', '5']);
    expect(resources).toEqual(
      expect.arrayContaining([
        ['pods', String(3 * PODS + 1)],
        ['configmaps', '1'],
        ['services', '1'],
        ['deployments.apps', '1'],
        ['namespaces', '1'],
        ['(other)', '1'],
      ]),
    );
    expect(resources).toHaveLength(7);

    // Namespaces: by objects, then by bytes.
    expect((await view.rows(view.namespaces))[0].slice(0, 3)).toEqual(['pods', 'ns-a', String(PODS)]);
    await view.sortNamespacesBy('Bytes');
    expect((await view.rows(view.namespaces))[0].slice(0, 3)).toEqual(['secrets', 'ns-b', '2']);

    // The largest object is listed first and opens in the value panel.
    const largest = await view.rows(view.largest);
    expect(largest[0].slice(0, 2)).toEqual(['/registry/secrets/ns-b/big-1', 'secrets']);
    expect(largest[1][0]).toBe('/registry/secrets/ns-b/big-0');
    expect(largest[2][0]).toBe('/registry/pods/default/web-0');
    await view.largestKey('/registry/secrets/ns-b/big-1').click();
    await expect(ui.value.keyText).toHaveText('/registry/secrets/ns-b/big-1');

    // Slowed down (every chunk 400 ms late), a new run is cancelled once it has read some values.
    proxy.setLatency(400);
    await view.analyze.click();
    await expect(view.progress).toHaveText(new RegExp(`^Reading values: [1-9][\\d,]* of ${total} keys$`), { timeout: 30_000 });
    await view.cancel.click();
    await expect(view.progress).toHaveText(new RegExp(`^Cancelled after [1-9][\\d,]* of ${total} keys$`), { timeout: 30_000 });
    await expect(view.partial).toContainText('Partial report: the analysis was cancelled after');
    await expect(view.cancel).toHaveCount(0);
    await expect(view.summary).not.toContainText(`${total} keys`);
  } finally {
    await proxy.close();
  }
});
