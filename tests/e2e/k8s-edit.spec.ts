/**
 * "Edit as YAML" against the real encoder (k8s:encode) and a real etcd, in Chromium on the built
 * renderer: a typo in a field name is refused with its path and the draft kept; a label added is
 * reviewed as a byte diff and saved with compare-and-swap, etcd holds the new bytes (read back
 * with etcdctl and decoded here) and the view shows the label; a change by another client
 * between decoding and saving makes the save a CONFLICT that overwrites nothing.
 */
import { decodeK8sValue } from '../../src/main/core/k8s/decode';
import { etcdBase64, etcdBytes, etcdModRevision, etcdPutBytes } from './support/etcd-helpers';
import { openConnected } from './support/flows';
import { expect, test } from './support/fixtures';
import { K8sViewPage } from './pages/k8s-view';
import { k8sFixture } from '../support/k8s-values';
import type { EtcdCluster } from '../support/etcd';

const POD = '/registry/pods/default/web-0';
const podBytes = () => Buffer.from(k8sFixture(POD).valueBase64, 'base64');

async function openPodForEditing(etcd: EtcdCluster, launch: Parameters<typeof openConnected>[0], ui: Parameters<typeof openConnected>[1]) {
  await etcdPutBytes(etcd, POD, podBytes());
  expect(await etcdBase64(etcd, POD)).toBe(k8sFixture(POD).valueBase64);
  await openConnected(launch, ui, etcd);
  const k8s = new K8sViewPage(ui.page);
  await ui.grid.select(POD);
  await expect(k8s.kind).toHaveText('Pod');
  await k8s.button('Edit as YAML').click();
  await expect(k8s.editWarning).toContainText('the API server normally owns these objects');
  return k8s;
}

test.describe('Edit as YAML', () => {
  test.beforeEach(async ({ page }) => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  });

  test('a typo in a field name is refused with its path, shown once beside the editor; the draft stays', async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    const k8s = await openPodForEditing(etcd, launch, ui);
    const original = await k8s.editorText();
    expect(original).toContain('\n    image: nginx:1.27.3\n');
    const typo = original.replace('\n    image: nginx:1.27.3\n', '\n    imag: nginx:1.27.3\n');
    await k8s.replaceEditorText(typo);
    await k8s.button('Review change').click();
    await expect(k8s.encodeError).toContainText('spec.containers[0].imag');
    await expect(k8s.encodeError).toHaveAttribute('data-code', 'INVALID_ARGUMENT');
    await expect(ui.page.getByText('spec.containers[0].imag')).toHaveCount(1);
    expect(await k8s.editorText()).toBe(typo);
    await expect(k8s.button('Save')).toHaveCount(0);
    expect(await etcdBase64(etcd, POD)).toBe(k8sFixture(POD).valueBase64);
  });

  test('a label added: the byte diff, Save with compare-and-swap, etcd holds the new bytes, the view shows the label', async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    const k8s = await openPodForEditing(etcd, launch, ui);
    const before = await etcdModRevision(etcd, POD);
    const original = await k8s.editorText();
    expect(original).toContain('\n  labels:\n    app: web\n');
    await k8s.replaceEditorText(original.replace('\n  labels:\n    app: web\n', '\n  labels:\n    app: web\n    repaired: "yes"\n'));
    await k8s.button('Review change').click();
    await expect(k8s.diff).toBeVisible();
    await expect(k8s.diff).toContainText(`${podBytes().length} →`);
    await k8s.button('Save').click();
    await expect(k8s.editor).toHaveCount(0);

    await expect.poll(() => etcdModRevision(etcd, POD)).toBeGreaterThan(before ?? 0);
    const stored = (await etcdBytes(etcd, POD)) as Buffer;
    expect(stored.equals(podBytes())).toBe(false);
    const decoded = decodeK8sValue(new Uint8Array(stored));
    expect(decoded.kind).toBe('object');
    const labels = (decoded.kind === 'object' ? decoded.object : {}) as { metadata: { labels: Record<string, string> } };
    expect(labels.metadata.labels).toEqual({ ...(k8sFixture(POD).expected as typeof labels).metadata.labels, repaired: 'yes' });

    const rev = await etcdModRevision(etcd, POD);
    await expect(k8s.resourceVersion).toHaveText(`${rev} (the key's mod revision, as the API server shows it)`);
    expect(await k8s.copiedText()).toContain('\n    repaired: "yes"\n');
  });

  test('another client changes the Pod between review and save: the save is a CONFLICT and overwrites nothing', async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    const k8s = await openPodForEditing(etcd, launch, ui);
    const original = await k8s.editorText();
    await k8s.replaceEditorText(original.replace('\n  labels:\n    app: web\n', '\n  labels:\n    app: web\n    repaired: "yes"\n'));
    await k8s.button('Review change').click();
    await expect(k8s.diff).toBeVisible();

    // Theirs: the same bytes written again by another client (a new mod revision).
    await etcdPutBytes(etcd, POD, podBytes());
    const theirRev = await etcdModRevision(etcd, POD);
    await k8s.button('Save').click();
    // Said beside the edit; no merge view, whose "Keep mine" would force the old object over theirs.
    await expect(k8s.encodeError).toContainText(`now at revision ${theirRev}`);
    await expect(ui.value.conflict).toHaveCount(0);
    expect(await etcdBase64(etcd, POD)).toBe(k8sFixture(POD).valueBase64);
    expect(await etcdModRevision(etcd, POD)).toBe(theirRev);
  });
});
