import { expect, test } from './support/fixtures';
import { etcdBase64, etcdDel, etcdModRevision, etcdPut, etcdText, putViaHandlers, seedKeys } from './support/etcd-helpers';
import { openConnected } from './support/flows';

test.describe('keys', () => {
  test('put, get, edit + Mod+S, delete with confirmation, undo — etcdctl sees each step', async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    await seedKeys(etcd, [
      ['/config/app/name', 'shop'],
      ['/config/app/region', 'eu-west-1'],
    ]);
    await openConnected(launch, ui, etcd);
    await expect(ui.grid.count).toHaveText('2 keys');

    // put: the New key dialog
    await ui.toolbar.button('new-key').click();
    await expect(ui.newKey.root).toBeVisible();
    await ui.newKey.key.fill('/config/app/motd');
    await ui.newKey.value.fill('Hello from the e2e suite');
    await ui.newKey.create.click();
    await expect(ui.newKey.root).toHaveCount(0);
    expect(await etcdText(etcd, '/config/app/motd')).toBe('Hello from the e2e suite');
    await expect(ui.grid.count).toHaveText('3 keys');
    await expect(ui.grid.row('/config/app/motd')).toBeVisible();

    // get: select another row, then the new one; the panel shows the value and its metadata
    await ui.grid.select('/config/app/region');
    await expect(ui.value.keyText).toHaveText('/config/app/region');
    await expect(ui.value.content).toHaveText('eu-west-1');
    await ui.grid.select('/config/app/motd');
    await expect(ui.value.keyText).toHaveText('/config/app/motd');
    await expect(ui.value.content).toHaveText('Hello from the e2e suite');
    await expect(ui.value.metaValue('Version')).toHaveText('1');
    await expect(ui.value.metaValue('Size')).toHaveText('24 B');
    await expect(ui.value.metaValue('Encoding')).toHaveText('UTF-8 text');
    await expect(ui.value.metaValue('Lease')).toHaveText('—');
    await expect(ui.grid.row('/config/app/motd')).toHaveAttribute('aria-selected', 'true');

    // edit + Mod+S
    await ui.value.replaceWith('Maintenance window: Sunday 02:00 UTC');
    await expect(ui.page.getByText('Unsaved changes')).toBeVisible();
    await ui.value.saveWithShortcut();
    // Clean again once etcd answered the write (toasts come and go; this state stays).
    await expect(ui.page.getByText('Unsaved changes')).toHaveCount(0);
    expect(await etcdText(etcd, '/config/app/motd')).toBe('Maintenance window: Sunday 02:00 UTC');
    await expect(ui.value.metaValue('Version')).toHaveText('2');
    await expect(ui.grid.row('/config/app/motd').locator('.cell-preview')).toHaveText('Maintenance window: Sunday 02:00 UTC');

    // delete: Delete key in the grid asks first; Cancel keeps the key
    await ui.grid.grid.focus();
    await ui.page.keyboard.press('Delete');
    await expect(ui.confirm.root).toBeVisible();
    await expect(ui.confirm.subject).toHaveText('/config/app/motd');
    await ui.confirm.button('Cancel').click();
    await expect(ui.confirm.root).toHaveCount(0);
    expect(await etcdText(etcd, '/config/app/motd')).toBe('Maintenance window: Sunday 02:00 UTC');

    await ui.toolbar.button('delete').click();
    await expect(ui.confirm.root).toBeVisible();
    await ui.confirm.button('Delete').click();
    await expect(ui.confirm.root).toHaveCount(0);
    await expect(ui.grid.row('/config/app/motd')).toHaveCount(0);
    await expect(ui.grid.count).toHaveText('2 keys');
    await expect(ui.value.root).toHaveCount(0);
    await expect(ui.status.message).toContainText('Deleted “/config/app/motd”.');
    expect(await etcdText(etcd, '/config/app/motd')).toBeNull();

    // undo from the status bar
    await expect(ui.status.action).toHaveText('Undo');
    await ui.status.action.click();
    await expect(ui.status.message).toContainText('Restored “/config/app/motd”');
    expect(await etcdText(etcd, '/config/app/motd')).toBe('Maintenance window: Sunday 02:00 UTC');
    await expect(ui.grid.row('/config/app/motd')).toBeVisible();
    await expect(ui.grid.count).toHaveText('3 keys');
  });

  test('a key deleted by another client after the grid loaded shows as not found', async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    await seedKeys(etcd, [
      ['/svc/a', 'alpha'],
      ['/svc/b', 'bravo'],
      ['/svc/c', 'charlie'],
    ]);
    await openConnected(launch, ui, etcd);
    await expect(ui.grid.row('/svc/b')).toBeVisible();

    await etcdDel(etcd, '/svc/b');
    await ui.grid.select('/svc/b');
    await expect(ui.value.notFound).toBeVisible();
    await expect(ui.value.notFound).toContainText('“/svc/b” no longer exists');
    await expect(ui.value.hexView).toHaveCount(0);
    // The stale row goes away; the rest of the grid is untouched and still works.
    await expect(ui.grid.row('/svc/b')).toHaveCount(0);
    await expect(ui.grid.count).toHaveText('2 keys');
    await ui.grid.select('/svc/c');
    await expect(ui.value.content).toHaveText('charlie');
    expect(await etcdText(etcd, '/svc/b')).toBeNull();
  });

  test('conflict: a save after another client changed the key overwrites nothing, shows the merge; "Keep editing" rebases on the current revision', async ({
    launch,
    startEtcd,
    ui,
  }) => {
    const etcd = await startEtcd();
    await seedKeys(etcd, [['/config/app/db', 'host=db-1 port=5432']]);
    await openConnected(launch, ui, etcd);
    await ui.grid.select('/config/app/db');
    await expect(ui.value.content).toHaveText('host=db-1 port=5432');

    await ui.value.typeAtEnd(' pool=20');
    const draft = 'host=db-1 port=5432 pool=20';
    await expect(ui.value.content).toHaveText(draft);

    await etcdPut(etcd, '/config/app/db', 'host=db-2 port=6432');
    await ui.value.saveWithShortcut();

    await expect(ui.value.conflict).toBeVisible();
    await expect(ui.value.conflict).toContainText('Someone else changed this key after you loaded it');
    // Both changed the one line: the merged result marks it for the user.
    await expect.poll(() => ui.value.mergedText()).toBe(['<<<<<<< mine', draft, '=======', 'host=db-2 port=6432', '>>>>>>> theirs'].join('\n'));
    // Nothing was overwritten, and the draft is still there.
    expect(await etcdText(etcd, '/config/app/db')).toBe('host=db-2 port=6432');
    await expect(ui.toolbar.button('save')).toBeDisabled();

    // "Keep editing": the merged result becomes the draft, based on the current revision.
    const theirRev = await etcdModRevision(etcd, '/config/app/db');
    await ui.value.conflictButton('Keep editing').click();
    await expect(ui.value.conflict).toHaveCount(0);
    await expect(ui.value.metaValue('Mod rev')).toHaveText(String(theirRev));
    // Markers left: saving is refused in words.
    await ui.value.saveWithShortcut();
    await expect(ui.value.error).toContainText('conflict block');
    expect(await etcdText(etcd, '/config/app/db')).toBe('host=db-2 port=6432');

    await ui.value.replaceWith('host=db-2 port=6432 pool=20');
    await ui.value.saveWithShortcut();
    await expect(ui.value.metaValue('Version')).toHaveText('3');
    expect(await etcdText(etcd, '/config/app/db')).toBe('host=db-2 port=6432 pool=20');
    await expect(ui.value.content).toHaveText('host=db-2 port=6432 pool=20');
  });

  test('a binary value is shown as hex, read-only, and saving another key leaves its bytes alone', async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    const bytes = Buffer.from([0x30, 0x82, 0x01, 0x0a, 0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x41, 0x42, 0x43, 0xe2, 0x82, 0x0a, 0x9f, 0x00]);
    await seedKeys(etcd, [['/blobs/readme', 'certificates live here']]);
    const { app, profileId } = await openConnected(launch, ui, etcd);
    await expect(ui.grid.count).toHaveText('1 key');
    await putViaHandlers(app, profileId, '/blobs/cert.der', bytes);
    const before = await etcdBase64(etcd, '/blobs/cert.der');
    expect(before).toBe(bytes.toString('base64'));
    const rev = await etcdModRevision(etcd, '/blobs/cert.der');

    await ui.toolbar.button('reload').click();
    await expect(ui.grid.count).toHaveText('2 keys');
    await ui.grid.select('/blobs/cert.der');
    await expect(ui.value.hexView).toBeVisible();
    await expect(ui.value.editor).toHaveCount(0);
    await expect(ui.value.metaValue('Encoding')).toHaveText('binary');
    await expect(ui.value.metaValue('Size')).toHaveText('18 B');
    await expect(ui.value.hexDump).toContainText('30 82 01 0a ff fe 00 80  c3 28 41 42 43 e2 82 0a');
    await expect(ui.value.base64).toHaveValue(bytes.toString('base64'));
    await expect(ui.value.saveButton).toHaveCount(0);
    await expect(ui.toolbar.button('save')).toBeDisabled();
    // Mod+S on a binary value writes nothing.
    await ui.value.hexView.click();
    await ui.value.saveWithShortcut();

    await ui.grid.select('/blobs/readme');
    await expect(ui.value.content).toHaveText('certificates live here');
    await ui.value.typeAtEnd(' (DER)');
    await expect(ui.page.getByText('Unsaved changes')).toBeVisible();
    await ui.value.saveWithShortcut();
    await expect(ui.page.getByText('Unsaved changes')).toHaveCount(0);
    await expect(ui.value.metaValue('Version')).toHaveText('2');
    expect(await etcdText(etcd, '/blobs/readme')).toBe('certificates live here (DER)');

    expect(await etcdBase64(etcd, '/blobs/cert.der')).toBe(before);
    expect(await etcdModRevision(etcd, '/blobs/cert.der'), 'the binary key was never written').toBe(rev);
    // And the hex view still shows the same bytes.
    await ui.grid.select('/blobs/cert.der');
    await expect(ui.value.base64).toHaveValue(bytes.toString('base64'));
  });
});
