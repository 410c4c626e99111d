/**
 * Conflicts that resolve, in Chromium against a real etcd: another client (etcdctl) changes the
 * key being edited; the panel says so at once with their diff and keeps the draft; Save opens
 * the three-way merge; saving the merge is a compare-and-swap on the revision seen, so a write
 * during the merge is caught again. What etcd holds is checked with etcdctl.
 */
import { expect, test } from './support/fixtures';
import { etcdDel, etcdModRevision, etcdPut, etcdText, seedKeys } from './support/etcd-helpers';
import { openConnected } from './support/flows';

const BASE = ['name=shop', 'port=5432', 'pool=10', 'replicas=2', 'timeout=30s'];
const lines = (...l: string[]) => l.join('\n');
const KEY = '/config/app/settings';

test.describe('the conflict merge', () => {
  test('another writer changes line 3 while I edit line 1: said at once with a diff, draft kept; Save merges both; etcd holds the merge', async ({
    launch,
    startEtcd,
    ui,
  }) => {
    const etcd = await startEtcd();
    await seedKeys(etcd, [[KEY, lines(...BASE)]]);
    await openConnected(launch, ui, etcd);
    await ui.grid.select(KEY);
    await expect(ui.value.content).toHaveText(BASE.join(''));
    const loadedRev = await etcdModRevision(etcd, KEY);

    // Mine: line 1.
    await ui.value.content.locator('.cm-line').first().click();
    await ui.page.keyboard.press('End');
    await ui.page.keyboard.type('-eu');
    const mine = lines('name=shop-eu', ...BASE.slice(1));
    await expect.poll(() => ui.value.text()).toBe(mine);

    // Theirs: line 3, by etcdctl.
    const theirs = lines(...BASE.slice(0, 2), 'pool=40', ...BASE.slice(3));
    await etcdPut(etcd, KEY, theirs);
    const theirRev = await etcdModRevision(etcd, KEY);
    await expect(ui.value.remoteChange).toContainText(`Changed by someone else at revision ${theirRev}`);
    await expect(ui.value.remoteChange).toContainText('Your draft is kept');
    await expect.poll(() => ui.value.diffSide(ui.value.remoteDiff, 'b')).toBe(theirs);
    await expect.poll(() => ui.value.diffSide(ui.value.remoteDiff, 'a')).toBe(lines(...BASE));
    await expect(ui.value.currentRevision).toHaveText(`${theirRev} (your draft: ${loadedRev})`);
    expect(await ui.value.text()).toBe(mine); // the draft is untouched

    await ui.value.saveWithShortcut();
    await expect(ui.value.conflict).toBeVisible();
    await expect(ui.value.conflict).toContainText(`now at revision ${theirRev}`);
    expect(await etcdText(etcd, KEY)).toBe(theirs); // nothing overwritten
    const merged = lines('name=shop-eu', 'port=5432', 'pool=40', 'replicas=2', 'timeout=30s');
    await expect.poll(() => ui.value.mergedText()).toBe(merged);
    await expect(ui.value.conflictCount).toContainText('merged cleanly');
    await expect.poll(() => ui.value.diffSide(ui.value.conflictDiff('theirs'), 'b')).toBe(theirs);
    await ui.value.conflictTab('Your changes').click();
    await expect.poll(() => ui.value.diffSide(ui.value.conflictDiff('mine'), 'b')).toBe(mine);

    await ui.value.conflictButton('Save merged result').click();
    await expect(ui.value.conflict).toHaveCount(0);
    await expect.poll(() => etcdText(etcd, KEY)).toBe(merged);
    await expect.poll(() => ui.value.text()).toBe(merged);
    await expect(ui.value.metaValue('Mod rev')).toHaveText(String(await etcdModRevision(etcd, KEY)));
    await expect(ui.value.remoteChange).toHaveCount(0); // our own write is not someone else's
  });

  test('overlapping edits are marked; saving refuses while markers remain; a third write during the merge is caught again; then the merge lands', async ({
    launch,
    startEtcd,
    ui,
  }) => {
    const etcd = await startEtcd();
    await seedKeys(etcd, [[KEY, lines(...BASE)]]);
    await openConnected(launch, ui, etcd);
    await ui.grid.select(KEY);
    await expect(ui.value.content).toHaveText(BASE.join(''));

    const mine = lines('name=shop', 'port=6432', ...BASE.slice(2));
    await ui.value.replaceWith(mine);
    await etcdPut(etcd, KEY, lines('name=shop', 'port=7000', ...BASE.slice(2)));
    await expect(ui.value.remoteChange).toContainText('Changed by someone else');

    await ui.value.saveWithShortcut();
    await expect(ui.value.conflict).toBeVisible();
    await expect
      .poll(() => ui.value.mergedText())
      .toBe(lines('name=shop', '<<<<<<< mine', 'port=6432', '=======', 'port=7000', '>>>>>>> theirs', ...BASE.slice(2)));
    await expect(ui.value.conflictCount).toContainText('1 conflict left');

    await ui.value.conflictButton('Save merged result').click();
    await expect(ui.value.conflictRefused).toContainText('still has 1 conflict block');
    expect(await etcdText(etcd, KEY)).toBe(lines('name=shop', 'port=7000', ...BASE.slice(2)));

    const resolved = lines('name=shop', 'port=6432', ...BASE.slice(2));
    await ui.value.replaceMerged(resolved);
    await expect(ui.value.conflictCount).toContainText('no conflicts left');

    // A third writer, while the merge is open: the watch says so; saving is caught as a conflict again.
    const third = lines('name=shop', 'port=7000', 'pool=10', 'replicas=2', 'timeout=90s');
    await etcdPut(etcd, KEY, third);
    const thirdRev = await etcdModRevision(etcd, KEY);
    await expect(ui.value.conflictNewer).toContainText(`again by someone else at revision ${thirdRev}`);
    await ui.value.conflictButton('Save merged result').click();
    await expect(ui.value.conflict).toHaveAttribute('data-round', '2');
    await expect(ui.value.conflict).toContainText(`changed this key again while you merged (now at revision ${thirdRev})`);
    expect(await etcdText(etcd, KEY)).toBe(third); // never overwritten
    const final = lines('name=shop', 'port=6432', 'pool=10', 'replicas=2', 'timeout=90s');
    await expect.poll(() => ui.value.mergedText()).toBe(final);

    await ui.value.conflictButton('Save merged result').click();
    await expect(ui.value.conflict).toHaveCount(0);
    await expect.poll(() => etcdText(etcd, KEY)).toBe(final);
  });

  test('deleted by someone else while editing: said at once; Save offers "Recreate with my draft", which creates it only if it still does not exist', async ({
    launch,
    startEtcd,
    ui,
  }) => {
    const etcd = await startEtcd();
    await seedKeys(etcd, [[KEY, lines(...BASE)]]);
    await openConnected(launch, ui, etcd);
    await ui.grid.select(KEY);
    await expect(ui.value.content).toHaveText(BASE.join(''));
    const mine = lines(...BASE, 'extra=1');
    await ui.value.replaceWith(mine);

    await etcdDel(etcd, KEY);
    await expect(ui.value.remoteChange).toContainText('Deleted by someone else at revision');
    await ui.value.saveWithShortcut();
    await expect(ui.value.conflict).toContainText('The key was deleted in etcd after you loaded it.');
    await expect(ui.value.conflictDraft).toHaveText(mine);
    await ui.value.conflictButton('Recreate with my draft').click();
    await expect(ui.value.conflict).toHaveCount(0);
    await expect.poll(() => etcdText(etcd, KEY)).toBe(mine);
    await expect(ui.value.metaValue('Version')).toHaveText('1');
  });
});
