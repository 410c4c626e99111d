/**
 * The live grid against a real etcd: another client (etcdctl, or a plain etcd3 client in this
 * process) writes, and the grid follows without a reload. Also: the Live switch, a resync after
 * compaction, and a past revision (the burst of 10,000 puts: live-grid-burst.spec.ts).
 */
import type { EtcdCluster } from '../support/etcd';
import { expect, test } from './support/fixtures';
import { etcdDel, etcdPut, seedKeys } from './support/etcd-helpers';
import { openConnected } from './support/flows';

/** The cluster's current revision, as etcdctl sees it. */
async function currentRevision(etcd: EtcdCluster): Promise<number> {
  const r = await etcd.etcdctl(['get', 'revision-probe', '-w', 'json']);
  if (r.code !== 0) throw new Error(`etcdctl get failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { header: { revision: number } }).header.revision;
}

async function compact(etcd: EtcdCluster, revision: number): Promise<void> {
  const r = await etcd.etcdctl(['compaction', String(revision)]);
  if (r.code !== 0) throw new Error(`etcdctl compaction failed: ${r.stderr}`);
}

test.describe('live grid', () => {
  test('writes by another client appear live: create, update, delete; the total follows; nothing is missed between the listing and the watch', async ({
    launch,
    startEtcd,
    ui,
  }) => {
    const etcd = await startEtcd();
    await seedKeys(etcd, [
      ['/svc/a', 'alpha'],
      ['/svc/c', 'charlie'],
    ]);
    // The watch opens late: a write made between the listing and the watch must still arrive.
    let held = false;
    const { app } = await openConnected(launch, ui, etcd, {
      launch: {
        delayMs: (channel) => {
          if (channel !== 'watch:prefix' || held) return 0;
          held = true;
          return 1500;
        },
      },
    });
    await expect(ui.grid.count).toHaveText('2 keys');
    await expect.poll(() => app.calls.includes('watch:prefix')).toBe(true);
    await etcdPut(etcd, '/svc/between', 'written before the watch opened');
    await expect(ui.grid.row('/svc/between')).toBeVisible();
    await expect(ui.live.toggle).toHaveAttribute('aria-checked', 'true');
    await expect(ui.live.liveState()).toHaveAttribute('data-state', 'live');

    // create: in key order, highlighted briefly
    await etcdPut(etcd, '/svc/b', 'bravo');
    await expect(ui.grid.row('/svc/b')).toBeVisible();
    await expect(ui.grid.count).toHaveText('4 keys');
    expect(await ui.grid.renderedKeys()).toEqual(['/svc/a', '/svc/b', '/svc/between', '/svc/c']);

    // update: preview and mod revision follow
    await etcdPut(etcd, '/svc/a', 'alpha two');
    await expect(ui.grid.row('/svc/a').locator('.cell-preview')).toHaveText('alpha two');
    await expect(ui.grid.row('/svc/a')).toHaveAttribute('data-changed', 'true');
    // the highlight goes by itself
    await expect(ui.grid.row('/svc/a')).not.toHaveAttribute('data-changed', 'true', { timeout: 5000 });

    // delete: the row is marked a moment, then leaves; the total follows at once
    await etcdDel(etcd, '/svc/c');
    await expect(ui.grid.row('/svc/c')).toHaveAttribute('data-deleted', 'true');
    await expect(ui.grid.count).toHaveText('3 keys');
    await expect(ui.grid.row('/svc/c')).toHaveCount(0);
    expect(await ui.grid.renderedKeys()).toEqual(['/svc/a', '/svc/b', '/svc/between']);
  });

  test('Live off: no updates; on again: caught up, and following again', async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    await seedKeys(etcd, [['/l/a', '1']]);
    await openConnected(launch, ui, etcd);
    await expect(ui.grid.count).toHaveText('1 key');
    await expect(ui.live.liveState()).toHaveAttribute('data-state', 'live');

    await ui.live.toggle.click();
    await expect(ui.live.toggle).toHaveAttribute('aria-checked', 'false');
    await expect(ui.live.liveState()).toHaveAttribute('data-state', 'off');
    const before = await ui.live.storeUpdates();
    await etcdPut(etcd, '/l/b', '2');
    await etcdPut(etcd, '/l/a', 'changed');
    // A later write the grid would show if it were live: check that nothing of the three applied
    // once etcd holds them all (etcdctl has answered each), by reading the rows.
    await etcdDel(etcd, '/l/a');
    await expect(ui.grid.count).toHaveText('1 key');
    expect(await ui.grid.renderedKeys()).toEqual(['/l/a']);
    expect(await ui.live.storeUpdates()).toBe(before);

    await ui.live.toggle.click();
    await expect(ui.live.toggle).toHaveAttribute('aria-checked', 'true');
    await expect(ui.grid.row('/l/b')).toBeVisible();
    await expect(ui.grid.row('/l/a')).toHaveCount(0);
    await expect(ui.grid.count).toHaveText('1 key');
    await expect(ui.live.liveState()).toHaveAttribute('data-state', 'live');
    await etcdPut(etcd, '/l/c', '3');
    await expect(ui.grid.row('/l/c')).toBeVisible();
    await expect(ui.grid.count).toHaveText('2 keys');
  });

  test('compaction past the watch: the grid lists again, says so, keeps the selection, and follows again', async ({ launch, startEtcd, ui }) => {
    const etcd = await startEtcd();
    await seedKeys(etcd, [
      ['/r/a', 'one'],
      ['/r/b', 'two'],
    ]);
    // The first watch opens late; meanwhile its start revision is compacted away.
    let first = true;
    const { app } = await openConnected(launch, ui, etcd, {
      launch: {
        delayMs: (channel) => {
          if (channel !== 'watch:prefix' || !first) return 0;
          first = false;
          return 3000;
        },
      },
    });
    await expect(ui.grid.count).toHaveText('2 keys');
    await ui.grid.select('/r/a');
    await expect(ui.grid.row('/r/a')).toHaveAttribute('aria-selected', 'true');
    await expect.poll(() => app.calls.includes('watch:prefix')).toBe(true);
    // Two writes, then compaction at the last: etcd keeps the compaction revision itself, so the
    // watch's start (the listing's revision + 1, the first write) is gone.
    await etcdPut(etcd, '/r/c', 'first write, compacted away');
    await etcdPut(etcd, '/r/c', 'second write');
    await compact(etcd, await currentRevision(etcd));

    await expect(ui.live.notice).toContainText('Changes were compacted away; the list was reloaded.');
    await expect(ui.grid.row('/r/c').locator('.cell-preview')).toHaveText('second write');
    await expect(ui.grid.count).toHaveText('3 keys');
    await expect(ui.grid.row('/r/a')).toHaveAttribute('aria-selected', 'true');
    await expect(ui.live.liveState()).toHaveAttribute('data-state', 'live');
    expect(app.calls.filter((c) => c === 'watch:prefix').length).toBeGreaterThanOrEqual(2);

    await etcdPut(etcd, '/r/d', 'after the resync');
    await expect(ui.grid.row('/r/d')).toBeVisible();
    await expect(ui.grid.count).toHaveText('4 keys');
  });

  test('a past revision: old values, read-only, with a banner; back to live; a compacted revision is refused in words', async ({
    launch,
    startEtcd,
    ui,
  }) => {
    const etcd = await startEtcd();
    await seedKeys(etcd, [
      ['/cfg/a', 'one'],
      ['/cfg/b', 'two'],
    ]);
    await openConnected(launch, ui, etcd);
    await ui.grid.applyPrefix('/cfg/');
    await expect(ui.grid.count).toHaveText('2 keys');
    const past = await currentRevision(etcd);

    await etcdPut(etcd, '/cfg/a', 'uno');
    await etcdDel(etcd, '/cfg/b');
    await etcdPut(etcd, '/cfg/c', 'three');
    await expect(ui.grid.row('/cfg/a').locator('.cell-preview')).toHaveText('uno');
    await expect(ui.grid.row('/cfg/b')).toHaveCount(0);
    await expect(ui.grid.row('/cfg/c')).toBeVisible();

    await ui.live.view(past);
    await expect(ui.live.banner).toHaveText(`Viewing /cfg/ at revision ${past} (read-only) — Back to live`);
    await expect(ui.grid.row('/cfg/a').locator('.cell-preview')).toHaveText('one');
    await expect(ui.grid.row('/cfg/b').locator('.cell-preview')).toHaveText('two');
    await expect(ui.grid.row('/cfg/c')).toHaveCount(0);
    await expect(ui.grid.count).toHaveText('2 keys');
    // read-only: nothing writes from here, and it is not live
    await expect(ui.toolbar.button('new-key')).toBeDisabled();
    await expect(ui.toolbar.button('delete')).toBeDisabled();
    await expect(ui.live.toggle).toBeDisabled();
    await expect(ui.live.toggle).toHaveAttribute('aria-checked', 'false');
    // the value panel shows the value at that revision too, read-only
    await ui.grid.select('/cfg/a');
    await expect(ui.page.getByTestId('past-value-note')).toContainText(`revision ${past}`);
    await expect(ui.page.getByLabel(`Value at revision ${past}`)).toContainText('one');
    await expect(ui.toolbar.button('save')).toBeDisabled();
    // a write elsewhere does not show in the past
    await etcdPut(etcd, '/cfg/d', 'four');
    await ui.toolbar.button('reload').click();
    await expect(ui.grid.count).toHaveText('2 keys');
    await expect(ui.grid.row('/cfg/d')).toHaveCount(0);

    await ui.live.backToLive.click();
    await expect(ui.live.banner).toHaveCount(0);
    await expect(ui.grid.row('/cfg/a').locator('.cell-preview')).toHaveText('uno');
    await expect(ui.grid.row('/cfg/b')).toHaveCount(0);
    await expect(ui.grid.count).toHaveText('3 keys');
    await expect(ui.toolbar.button('new-key')).toBeEnabled();
    await expect(ui.live.liveState()).toHaveAttribute('data-state', 'live');
    // and the panel the current value, editable again
    await expect(ui.page.getByTestId('past-value-note')).toHaveCount(0);
    await expect(ui.value.content).toContainText('uno');

    // compacted: said in words next to the control; the live view stays
    await compact(etcd, await currentRevision(etcd));
    await ui.live.view(past);
    await expect(ui.live.revisionError).toHaveText(`Revision ${past} was compacted: etcd no longer keeps it. Pick a later revision.`);
    await expect(ui.live.revisionError).toHaveAttribute('data-code', 'COMPACTED');
    await expect(ui.live.banner).toHaveCount(0);
    await etcdPut(etcd, '/cfg/e', 'five');
    await expect(ui.grid.row('/cfg/e')).toBeVisible();
  });
});
