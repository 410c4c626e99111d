import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EtcdCluster } from '../support/etcd';
import { MaintenancePanel } from './pages/maintenance';
import { etcdModRevision, etcdPut, seedKeys } from './support/etcd-helpers';
import { expect, test } from './support/fixtures';
import { openConnected } from './support/flows';

/** Overwrite a few keys with big values: the old revisions make the backend grow (and fragment once compacted). */
async function churn(etcd: EtcdCluster, rounds: number, valueBytes: number): Promise<void> {
  const big = 'z'.repeat(valueBytes);
  for (let i = 0; i < rounds; i++) await seedKeys(etcd, [0, 1, 2, 3].map((k) => [`/churn/${k}`, big] as const));
}

test('defragment all on 3 members: followers first, the leader last, each with its sizes before and after', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd({ members: 3 });
  await churn(etcd, 8, 32 * 1024);
  await openConnected(launch, ui, etcd, { deadlineMs: 3000 });
  await ui.toolbar.button('cluster-view').click();
  const m = new MaintenancePanel(ui.page);
  await expect(m.defragWarning).toContainText('blocks reads and writes');
  await expect(m.defragWarning).toContainText('followers first, the leader last');

  await m.defragmentAll.click();
  await ui.confirm.button('Defragment').click();
  await expect(m.job).toHaveAttribute('data-state', 'done', { timeout: 30_000 });

  const leader = await etcd.leaderIndex();
  const followers = etcd.endpoints.filter((_, i) => i !== leader);
  await expect(m.defragRows).toHaveCount(3);
  await expect(m.defragRows.nth(0)).toHaveAttribute('data-role', 'follower');
  await expect(m.defragRows.nth(1)).toHaveAttribute('data-role', 'follower');
  await expect(m.defragRows.nth(2)).toHaveAttribute('data-role', 'leader');
  await expect(m.defragRows.nth(2).getByRole('cell').first()).toHaveText(etcd.endpoints[leader]);
  const firstTwo = [await m.defragRows.nth(0).getByRole('cell').first().textContent(), await m.defragRows.nth(1).getByRole('cell').first().textContent()];
  expect(firstTwo.sort()).toEqual([...followers].sort());
  const sizes = /\d+(\.\d+)? (B|KiB|MiB) \(\d+(\.\d+)? (B|KiB|MiB) in use, \d+% fragmented\)/;
  for (let i = 0; i < 3; i++) {
    const row = m.defragRows.nth(i);
    await expect(row).toHaveAttribute('data-state', 'done');
    await expect(row.getByTestId('defrag-before')).toHaveText(sizes);
    await expect(row.getByTestId('defrag-after')).toHaveText(new RegExp(`^→ ${sizes.source}$`));
  }
});

test('snapshot of a follower to the file the save dialog answers: the sha256 shown is the file’s, and etcdctl accepts it', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd({ members: 3 });
  await seedKeys(etcd, [
    ['/snap/a', '1'],
    ['/snap/b', '2'],
    ['/snap/c', '3'],
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'etcd-desktop-e2e-snapshot-'));
  try {
    const path = join(dir, 'follower.db');
    const asked: (string | undefined)[] = [];
    await openConnected(launch, ui, etcd, {
      deadlineMs: 3000,
      launch: {
        chooseSaveFile: async ({ defaultPath }) => {
          asked.push(defaultPath);
          return path;
        },
      },
    });
    await ui.toolbar.button('cluster-view').click();
    const m = new MaintenancePanel(ui.page);
    const follower = ((await etcd.leaderIndex()) + 1) % 3;
    await m.memberAction(etcd.endpoints[follower], 'Snapshot…').click();
    await expect(m.job).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    expect(asked).toEqual([`etcd-${etcd.members[follower].name}.db`]);
    await expect(m.snapshotReport).toContainText(path);

    expect(existsSync(path)).toBe(true);
    const sha256 = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    await expect(m.snapshotSha256).toHaveText(sha256);
    const status = await etcd.etcdctl(['snapshot', 'status', path, '-w', 'json']);
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { totalKey: number }).totalKey).toBeGreaterThanOrEqual(3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('compact with type-to-confirm: disabled until the revision (or the profile name) is typed, then the history before it is gone', async ({
  launch,
  startEtcd,
  ui,
}) => {
  const etcd = await startEtcd();
  await etcdPut(etcd, '/compact/k', 'v1');
  const old = (await etcdModRevision(etcd, '/compact/k'))!;
  await etcdPut(etcd, '/compact/k', 'v2');
  const keep = (await etcdModRevision(etcd, '/compact/k'))!;
  await openConnected(launch, ui, etcd, { name: 'compact-me', deadlineMs: 3000 });
  await ui.toolbar.button('cluster-view').click();
  const m = new MaintenancePanel(ui.page);
  await expect(m.currentRevision).toHaveText(String(keep));
  await expect(m.root.getByTestId('maintenance-compact')).toContainText('Kubernetes API server compacts etcd on its own');

  await expect(m.compact).toBeDisabled();
  await m.compactRevision.fill(String(keep));
  await expect(m.compact).toBeDisabled();
  await m.compactConfirm.fill(String(old));
  await expect(m.compact).toBeDisabled();
  await m.compactConfirm.fill('compact-m');
  await expect(m.compact).toBeDisabled();
  // Nothing was compacted by the attempts above.
  expect((await etcd.etcdctl(['get', '/compact/k', `--rev=${old}`])).code).toBe(0);
  await m.compactConfirm.fill(String(keep));
  await expect(m.physical).toBeChecked();
  await expect(m.compact).toBeEnabled();
  await m.compact.click();
  await expect(ui.toasts.withText(`Compacted up to revision ${keep}`)).toBeVisible();
  await expect(m.root.getByTestId('maintenance-compact')).toContainText(`(compacted up to ${keep})`);

  const gone = await etcd.etcdctl(['get', '/compact/k', `--rev=${old}`]);
  expect(gone.code).not.toBe(0);
  expect(gone.stderr).toContain('required revision has been compacted');
  const kept = await etcd.etcdctl(['get', '/compact/k', `--rev=${keep}`, '--print-value-only']);
  expect(kept.code, kept.stderr).toBe(0);
  expect(kept.stdout.trim()).toBe('v2');
});

test('NOSPACE: the alarm shows per member and the flow (compact, defragment every member, disarm) makes the cluster writable again', async ({
  launch,
  startEtcd,
  ui,
}) => {
  const quota = 2 * 1024 * 1024;
  const etcd = await startEtcd({ members: 3, extraArgs: ['--quota-backend-bytes', String(quota)] });
  await openConnected(launch, ui, etcd, { deadlineMs: 3000 });
  await ui.toolbar.button('cluster-view').click();
  const m = new MaintenancePanel(ui.page);
  await expect(m.alarms).toHaveCount(0);

  // Fill: overwrite four keys with 64 KiB values until etcd refuses (the space is all old revisions).
  const big = JSON.stringify('z'.repeat(64 * 1024));
  let refused = '';
  for (let i = 0; i < 200 && !refused; i++) {
    const r = await etcd.etcdctl(['txn'], { input: `\n${[0, 1, 2, 3].map((k) => `put /fill/${k} ${big}`).join('\n')}\n\n\n` });
    if (r.code !== 0) refused = r.stderr;
  }
  expect(refused).toContain('database space exceeded');

  await expect(m.alarms.first()).toContainText('NOSPACE on ', { timeout: 10_000 });
  await expect(m.nospaceFlow).toContainText(/compact.*defragment every member.*disarm/is);

  // 1. Compact up to the current revision, once the panel has read it after the fill (it refreshes
  // every 2 s; the button fills in what the panel shows).
  await expect.poll(async () => Number(await m.root.getByTestId('current-revision').textContent()), { timeout: 10_000 }).toBeGreaterThan(1);
  await m.nospaceFlow.getByRole('button', { name: 'Fill in the compaction below' }).click();
  const revision = await m.compactRevision.inputValue();
  expect(Number(revision)).toBeGreaterThan(1);
  await m.compactConfirm.fill(revision);
  await m.compact.click();
  await expect(m.root.getByTestId('maintenance-compact')).toContainText(`(compacted up to ${revision})`, { timeout: 15_000 });
  // 2. Defragment every member.
  await m.nospaceFlow.getByRole('button', { name: 'Defragment every member…' }).click();
  await ui.confirm.button('Defragment').click();
  await expect(m.job).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(m.defragRows.and(ui.page.locator('[data-state="done"]'))).toHaveCount(3);
  // Still refused until the alarm is disarmed.
  expect((await etcd.etcdctl(['put', '/after/1', 'v'])).code).not.toBe(0);
  // 3. Disarm.
  await m.nospaceFlow.getByRole('button', { name: 'Disarm NOSPACE' }).click();
  await expect(m.alarms).toHaveCount(0, { timeout: 10_000 });
  await expect(m.nospaceFlow).toHaveCount(0);

  const put = await etcd.etcdctl(['put', '/after/2', 'v']);
  expect(put.code, put.stderr).toBe(0);
  expect((await etcd.etcdctl(['alarm', 'list'])).stdout.trim()).toBe('');
});
