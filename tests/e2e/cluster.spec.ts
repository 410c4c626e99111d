import { expect, test } from './support/fixtures';
import { seedKeys } from './support/etcd-helpers';
import { openConnected } from './support/flows';

test('cluster view: 3 members, one leader; a killed follower shows up as unreachable on its own, and back', async ({
  launch,
  startEtcd,
  ui,
}) => {
  const etcd = await startEtcd({ members: 3 });
  await seedKeys(etcd, [
    ['/cluster/probe', 'ok'],
    ['/cluster/owner', 'platform-team'],
  ]);
  await openConnected(launch, ui, etcd, { deadlineMs: 1500 });
  await expect(ui.grid.count).toHaveText('2 keys');

  await ui.toolbar.button('cluster-view').click();
  const { cluster } = ui;
  await expect(cluster.root).toBeVisible();
  await expect(cluster.memberRows).toHaveCount(3);
  await expect(cluster.memberRows.filter({ has: ui.page.locator('.role-leader') })).toHaveCount(1);
  await expect(cluster.members.locator('[data-role="leader"]')).toHaveCount(1);
  await expect(cluster.members.locator('[data-role="follower"]')).toHaveCount(2);
  for (const m of etcd.members) {
    const row = cluster.memberRows.filter({ hasText: m.name });
    await expect(row).toContainText(m.clientUrl);
    await expect(row).toContainText(m.peerUrl);
  }
  await expect(cluster.endpointRows).toHaveCount(3);
  await expect(cluster.endpointRows.and(ui.page.locator('[data-reachable="true"]'))).toHaveCount(3);
  await expect(cluster.endpointRows.first()).toContainText(/3\.\d+\.\d+/); // version
  await expect(cluster.alarms).toHaveCount(0);
  await expect(ui.page.getByTestId('cluster-summary')).toContainText('3/3 endpoints reachable');

  const leader = await etcd.leaderIndex();
  const follower = (leader + 1) % 3;
  const leaderName = etcd.members[leader].name;
  await expect(cluster.members.locator('[data-role="leader"]')).toContainText(leaderName);

  await etcd.kill(follower);
  // No click: the open view refreshes itself.
  const down = cluster.endpointRows.and(ui.page.locator('[data-reachable="false"]'));
  await expect(down).toHaveCount(1, { timeout: 10_000 });
  await expect(down).toContainText(etcd.members[follower].clientUrl);
  await expect(down).toContainText('unreachable');
  await expect(ui.page.getByTestId('cluster-summary')).toContainText('2/3 endpoints reachable');
  await expect(cluster.memberRows).toHaveCount(3);
  await expect(cluster.members.locator('[data-role="leader"]')).toContainText(leaderName);

  await etcd.restart(follower);
  await expect(down).toHaveCount(0, { timeout: 15_000 });
  await expect(ui.page.getByTestId('cluster-summary')).toContainText('3/3 endpoints reachable');

  // Back to the keys: the grid works as before.
  await cluster.back.click();
  await expect(cluster.root).toHaveCount(0);
  await ui.toolbar.button('reload').click();
  await expect(ui.grid.count).toHaveText('2 keys');
  await ui.grid.select('/cluster/owner');
  await expect(ui.value.content).toHaveText('platform-team');
});

test('cluster view: live metrics per member with the quota and a forecast; a stopped member says why', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd({ members: 3, extraArgs: ['--quota-backend-bytes', String(64 * 1024 * 1024)] });
  await seedKeys(etcd, [
    ['/m/a', '1'],
    ['/m/b', '2'],
    ['/m/c', '3'],
  ]);
  await openConnected(launch, ui, etcd, { deadlineMs: 1500 });
  await ui.toolbar.button('cluster-view').click();
  const { cluster } = ui;
  await expect(cluster.metrics.getByRole('article')).toHaveCount(3);
  for (const m of etcd.members) {
    const card = cluster.memberMetrics(m.clientUrl);
    await expect(card.getByTestId('metrics-db')).toContainText('of a 64.0 MiB quota');
    await expect(cluster.chart(m.clientUrl, 'Keys')).toHaveAccessibleName('Keys: 3');
    await expect(card.getByTestId('metrics-forecast')).toContainText('Forecast:');
  }
  await expect(cluster.metrics.locator('.role-leader')).toHaveCount(1);
  // Refreshed on its own: a new key shows on every member's chart.
  await seedKeys(etcd, [['/m/d', '4']]);
  for (const m of etcd.members) await expect(cluster.chart(m.clientUrl, 'Keys')).toHaveAccessibleName('Keys: 4', { timeout: 10_000 });

  const follower = ((await etcd.leaderIndex()) + 1) % 3;
  await etcd.stop(follower);
  await expect(cluster.memberMetrics(etcd.members[follower].clientUrl).getByTestId('metrics-error')).toContainText('Metrics cannot be read', { timeout: 10_000 });
  await etcd.restart(follower);
  await expect(cluster.memberMetrics(etcd.members[follower].clientUrl).getByTestId('metrics-error')).toHaveCount(0, { timeout: 15_000 });
});
