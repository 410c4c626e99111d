/**
 * The Kubernetes view, in Chromium on the built renderer against a real etcd: the reference
 * fixtures (tests/fixtures/k8s/fixtures.json) are written byte-exact under /registry/ by another
 * client (etcd3, checked back with etcdctl), then opened in the value panel. The Pod shows as
 * kubectl-shaped YAML with resourceVersion = the key's mod revision, and as JSON on the toggle;
 * the Secret's data is masked until revealed; the encrypted Secret says so; a truncated Pod says
 * "Cannot decode … at byte N" with no YAML.
 */
import { etcdBase64, etcdModRevision, etcdPutBytes } from './support/etcd-helpers';
import { openConnected } from './support/flows';
import { expect, test } from './support/fixtures';
import { K8sViewPage } from './pages/k8s-view';
import { k8sFixture, k8sFixtures, syntheticConfigMap } from '../support/k8s-values';
import type { EtcdCluster } from '../support/etcd';

const POD = '/registry/pods/default/web-0';
const SECRET = '/registry/secrets/default/db-credentials';
const ENCRYPTED = '/registry/secrets/shop/stripe-api-key';

async function seedFixtures(etcd: EtcdCluster): Promise<void> {
  for (const f of k8sFixtures) {
    await etcdPutBytes(etcd, f.key, Buffer.from(f.valueBase64, 'base64'));
    expect(await etcdBase64(etcd, f.key), `${f.key} is stored byte-exact`).toBe(f.valueBase64);
  }
}

test.describe('the Kubernetes view', () => {
  test.beforeEach(async ({ page }) => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  });

  test("a Pod opens as kubectl-shaped YAML with resourceVersion = the key's mod revision; JSON shows the same object", async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    await seedFixtures(etcd);
    await openConnected(launch, ui, etcd);
    const k8s = new K8sViewPage(ui.page);
    await ui.grid.select(POD);
    const rev = await etcdModRevision(etcd, POD);
    await expect(k8s.kind).toHaveText('Pod');
    await expect(k8s.button('Kubernetes')).toHaveAttribute('aria-pressed', 'true');
    await expect(k8s.header).toContainText('default/web-0');
    await expect(k8s.schema).toHaveText('decoded with schema v0.36.3');
    await expect(k8s.resourceVersion).toHaveText(`${rev} (the key's mod revision, as the API server shows it)`);
    await expect.poll(() => k8s.visibleText()).toMatch(/^apiVersion: v1\nkind: Pod\nmetadata:\n/);

    const yaml = await k8s.copiedText();
    expect(yaml).toMatch(/^apiVersion: v1\nkind: Pod\n/);
    expect(yaml).toContain('\n    image: nginx:1.27.3\n');
    expect(yaml).toContain(`\n  resourceVersion: "${rev}"\n`);

    await k8s.button('JSON').click();
    await expect.poll(() => k8s.visibleText()).toMatch(/^\{\n {2}"apiVersion": "v1",\n {2}"kind": "Pod",/);
    const json = JSON.parse(await k8s.copiedText()) as Record<string, unknown>;
    const expected = structuredClone(k8sFixture(POD).expected) as { metadata: Record<string, unknown> };
    expected.metadata.resourceVersion = String(rev);
    expect(json).toEqual(expected);

    // The raw value stays one click away.
    await k8s.button('Value').click();
    await expect(k8s.root).toHaveCount(0);
    await expect(ui.page.getByTestId('hex-dump').or(ui.value.editor)).toBeVisible();
  });

  test("a Secret's data is masked until Reveal values, then shows the base64 value", async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    await seedFixtures(etcd);
    await openConnected(launch, ui, etcd);
    const k8s = new K8sViewPage(ui.page);
    const data = (k8sFixture(SECRET).expected as { data: Record<string, string> }).data;
    const [name, b64] = Object.entries(data)[0];
    await ui.grid.select(SECRET);
    await expect(k8s.kind).toHaveText('Secret');
    await expect(k8s.maskedNote).toBeVisible();
    await expect.poll(() => k8s.visibleText()).toContain(`  ${name}: ••••••••`);
    expect(await k8s.visibleText()).not.toContain(b64);
    const masked = await k8s.copiedText();
    expect(masked).toContain(`  ${name}: ••••••••`);
    for (const value of Object.values(data).filter((v) => v !== '')) expect(masked).not.toContain(value);

    await k8s.button('Reveal values').click();
    await expect.poll(() => k8s.visibleText()).toContain(`  ${name}: ${b64}`);
    await expect(k8s.maskedNote).toHaveCount(0);

    // Another key and back: masked again.
    await ui.grid.select(POD);
    await expect(k8s.kind).toHaveText('Pod');
    await ui.grid.select(SECRET);
    await expect(k8s.kind).toHaveText('Secret');
    await expect.poll(() => k8s.visibleText()).toContain(`  ${name}: ••••••••`);
  });

  test('the encrypted Secret says it is encrypted at rest by aescbc with key key1, and shows its bytes', async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    await seedFixtures(etcd);
    await openConnected(launch, ui, etcd);
    const k8s = new K8sViewPage(ui.page);
    await ui.grid.select(ENCRYPTED);
    await expect(k8s.encrypted).toHaveText('Encrypted at rest by aescbc, key key1: the API server holds the key.');
    await expect(k8s.hexDump).toContainText('6b 38 73 3a 65 6e 63 3a');
    await expect(k8s.object).toHaveCount(0);
  });

  test('a 1 MB ConfigMap (decoded in the worker thread) opens as YAML', async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    const key = '/registry/configmaps/default/big';
    const big = Buffer.from(syntheticConfigMap('big', 1000, 1024));
    await etcdPutBytes(etcd, key, big);
    await openConnected(launch, ui, etcd);
    const k8s = new K8sViewPage(ui.page);
    const started = Date.now();
    await ui.grid.select(key);
    await expect(k8s.kind).toHaveText('ConfigMap');
    await expect.poll(() => k8s.visibleText()).toMatch(/^apiVersion: v1\ndata:\n {2}key-00000: a{1024}\n {2}key-00001: b{1024}\n/);
    console.log(`[k8s-view e2e] ${big.length}-byte ConfigMap selected to YAML on screen in ${Date.now() - started} ms`);
    await expect(k8s.header).toContainText('default/big');
  });

  test('a truncated Pod (its first 100 bytes) says "Cannot decode" with a byte offset and shows no YAML', async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    const cut = Buffer.from(k8sFixture(POD).valueBase64, 'base64').subarray(0, 100);
    await etcdPutBytes(etcd, POD, cut);
    expect(await etcdBase64(etcd, POD)).toBe(cut.toString('base64'));
    await openConnected(launch, ui, etcd);
    const k8s = new K8sViewPage(ui.page);
    await ui.grid.select(POD);
    await expect(k8s.problem).toHaveText(/^Cannot decode: .+ at byte \d+$/);
    await expect(k8s.hexDump).toBeVisible();
    await expect(k8s.object).toHaveCount(0);
    await expect(k8s.root).not.toContainText('kind: Pod');
  });
});
