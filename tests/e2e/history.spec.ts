import { expect, test } from './support/fixtures';
import { etcdBase64, etcdDel, etcdModRevision, etcdPut, etcdText, putViaHandlers } from './support/etcd-helpers';
import { openConnected } from './support/flows';
import { DeletedPanel, HistoryTab } from './pages/history';

test.describe('history and time travel', () => {
  test('diff of two revisions, restore one with compare-and-swap, CONFLICT when someone wrote meanwhile', async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    const key = '/app/config.yaml';
    const v1 = 'replicas: 1\nimage: shop:1.0\nregion: eu-west-1';
    const v2 = 'replicas: 3\nimage: shop:1.0\nregion: eu-west-1';
    const v3 = 'replicas: 3\nimage: shop:2.0\nregion: eu-west-1';
    const revs: number[] = [];
    for (const v of [v1, v2, v3]) {
      await etcdPut(etcd, key, v);
      revs.push((await etcdModRevision(etcd, key))!);
    }
    await openConnected(launch, ui, etcd);
    const history = new HistoryTab(ui.page);
    await ui.grid.select(key);
    await expect(ui.value.keyText).toHaveText(key);

    await history.toggle.click();
    await expect(history.rows).toHaveCount(3);
    await expect(history.rows.first()).toHaveAttribute('data-revision', String(revs[2]));

    // Any two revisions side by side: the older left, the newer right, changes marked.
    await history.compare(revs[0]).check();
    await history.compare(revs[2]).check();
    await expect(history.diff).toBeVisible();
    await expect(history.side(revs[0])).toContainText('replicas: 1');
    await expect(history.side(revs[2])).toContainText('image: shop:2.0');
    await expect(history.diff.locator('.cm-changedLine').first()).toBeVisible();

    // Restore revision 1: asked first, then written as a new version; etcdctl sees the old value.
    await history.restore(revs[0]).click();
    await expect(ui.confirm.root).toBeVisible();
    await ui.confirm.button('Restore').click();
    await expect(history.restoreDone).toBeVisible();
    expect(await etcdText(etcd, key)).toBe(v1);
    await expect(history.rows).toHaveCount(4);
    // The editor shows what is current now.
    await history.toggle.click();
    await expect(ui.value.content).toContainText('replicas: 1');
    await expect(ui.value.metaValue('Version')).toHaveText('4');

    // Someone else writes: the open history follows (the key's watch saw it).
    await history.toggle.click();
    await expect(history.rows).toHaveCount(4);
    await etcdPut(etcd, key, 'replicas: 9');
    await expect(history.rows).toHaveCount(5);
    await expect(history.rows.first()).toHaveAttribute('data-revision', String((await etcdModRevision(etcd, key))!));

    // While two revisions are compared the list stays put and says the key moved on; restoring
    // from the stale list refuses, in words.
    await history.compare(revs[0]).check();
    await etcdPut(etcd, key, 'replicas: 9');
    await expect(history.behind).toContainText('The key changed since this history was read');
    await expect(history.rows).toHaveCount(5);
    await history.restore(revs[1]).click();
    await ui.confirm.button('Restore').click();
    await expect(history.restoreError).toHaveAttribute('data-code', 'CONFLICT');
    await expect(history.restoreError).toContainText('changed since the history was read');
    expect(await etcdText(etcd, key)).toBe('replicas: 9');
  });

  test('Recently deleted lists deletes under the prefix and undeletes byte-exact', async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    await etcdPut(etcd, '/svc/keep', 'kept');
    const { app, profileId } = await openConnected(launch, ui, etcd);
    const bin = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41, 0x0a, 0xc3, 0x28]);
    await putViaHandlers(app, profileId, '/svc/blob', bin);
    await etcdPut(etcd, '/svc/motd', 'hello');
    await etcdDel(etcd, '/svc/blob');
    await etcdDel(etcd, '/svc/motd');
    await etcdPut(etcd, '/svc/back', 'first');
    await etcdDel(etcd, '/svc/back');
    await etcdPut(etcd, '/svc/back', 'second');
    await etcdPut(etcd, '/other/x', 'x');
    await etcdDel(etcd, '/other/x');

    await ui.grid.applyPrefix('/svc/');
    await expect(ui.grid.row('/svc/keep')).toBeVisible();
    const deleted = new DeletedPanel(ui.page);
    await deleted.open.click();
    await expect(deleted.root).toContainText('Recently deleted under “/svc/”');
    await expect(deleted.rows).toHaveCount(3);
    await expect(deleted.row('/other/x')).toHaveCount(0);
    // Re-created since: marked, no restore offered.
    await expect(deleted.row('/svc/back')).toContainText('Exists again');
    await expect(deleted.restore('/svc/back')).toHaveCount(0);

    await deleted.restore('/svc/blob').click();
    await expect(deleted.row('/svc/blob').getByRole('status')).toContainText('Restored at revision');
    expect(await etcdBase64(etcd, '/svc/blob')).toBe(bin.toString('base64'));
    await deleted.restore('/svc/motd').click();
    await expect(deleted.row('/svc/motd').getByRole('status')).toContainText('Restored at revision');
    expect(await etcdText(etcd, '/svc/motd')).toBe('hello');

    // A later revision to start after: nothing deleted since.
    const now = (await etcdModRevision(etcd, '/svc/motd'))!;
    await deleted.since.fill(String(now));
    await deleted.show.click();
    await expect(deleted.root).toContainText('No keys were deleted under this prefix since that revision.');

    await deleted.root.getByRole('button', { name: 'Close' }).click();
    await expect(ui.grid.row('/svc/blob')).toBeVisible();
  });
});
