/**
 * Cluster membership through the UI on a real 3-member etcd: a learner added with the dialog
 * (the flags to start it shown, a 4th member listed as learner) and removed again; a removal that
 * risks the quorum (another follower stopped) shows the risk and needs a second confirmation.
 */
import { freePort } from '../support/etcd';
import { MembersPanel } from './pages/members';
import { expect, test } from './support/fixtures';
import { openConnected } from './support/flows';

test('members: add a learner through the dialog (flags shown, listed as learner), then remove it', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd({ members: 3 });
  await openConnected(launch, ui, etcd, { deadlineMs: 3000 });
  await ui.toolbar.button('cluster-view').click();
  await expect(ui.cluster.memberRows).toHaveCount(3);
  const members = new MembersPanel(ui.page);

  const peer = `http://127.0.0.1:${await freePort()}`;
  await members.addLearner.click();
  await members.fillAdd('spare', peer);
  // Right after the cluster starts, etcd refuses membership changes for a few seconds (a
  // CONFLICT said in the dialog, nothing added): the user tries again.
  await expect(async () => {
    if (await members.flags.isVisible()) return;
    if (await members.submitAdd.isEnabled()) await members.submitAdd.click();
    await expect(members.flags).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(members.flagsText).toHaveValue(/--initial-cluster-state=existing/);
  await expect(members.flagsText).toHaveValue(new RegExp(`--initial-cluster=.*spare=${peer.replace(/[.:/]/g, '\\$&')}`));
  await expect(members.flags).toContainText('--data-dir');
  await expect(members.flags).toContainText('promote it once it has caught up');
  await members.addDialog.getByRole('button', { name: 'Close' }).click();
  await expect(members.addDialog).toHaveCount(0);

  await expect(ui.cluster.memberRows).toHaveCount(4, { timeout: 10_000 });
  const learner = members.row({ role: 'learner' });
  await expect(learner).toHaveCount(1);
  await expect(learner).toContainText(peer);
  await expect(members.action(learner, 'Promote')).toBeVisible();
  await expect(members.action(learner, 'Peer URLs…')).toBeDisabled();
  await expect(members.action(learner, 'Peer URLs…')).toHaveAttribute('title', /learner's peer URLs cannot be changed/);

  await members.action(learner, 'Remove…').click();
  await expect(members.plan).toBeVisible();
  await expect(members.plan.getByTestId('plan-voters')).toHaveText('3 → 3');
  await expect(members.plan.getByTestId('plan-quorum')).toHaveText('2 → 2');
  await expect(members.risk).toHaveCount(0);
  await expect(members.removeDialog).toContainText('e2e etcd');
  await members.removeButton.click();
  await expect(members.removeDialog).toHaveCount(0);
  await expect(ui.cluster.memberRows).toHaveCount(3, { timeout: 10_000 });
  await expect(members.row({ role: 'learner' })).toHaveCount(0);
});

test('members: removing a follower while another is stopped shows the risk and needs a second confirmation (cancelled: it stays)', async ({
  launch,
  startEtcd,
  ui,
}) => {
  const etcd = await startEtcd({ members: 3 });
  await openConnected(launch, ui, etcd, { deadlineMs: 1500 });
  await ui.toolbar.button('cluster-view').click();
  await expect(ui.cluster.memberRows).toHaveCount(3);
  const members = new MembersPanel(ui.page);

  const leader = await etcd.leaderIndex();
  const stopped = (leader + 1) % 3;
  const target = etcd.members[(leader + 2) % 3];
  await etcd.stop(stopped);
  await expect(ui.cluster.endpointRows.and(ui.page.locator('[data-reachable="false"]'))).toHaveCount(1, { timeout: 10_000 });

  const row = members.row({ name: target.name });
  await members.action(row, 'Remove…').click();
  await expect(members.plan).toBeVisible({ timeout: 10_000 });
  await expect(members.removeDialog).toContainText('e2e etcd');
  await expect(members.plan.getByTestId('plan-voters')).toHaveText('3 → 2');
  await expect(members.plan.getByTestId('plan-quorum')).toHaveText('2 → 2');
  await expect(members.plan.getByTestId('plan-healthy')).toHaveText('2 → 1');
  await expect(members.plan.getByTestId('plan-unknown')).toHaveText('0');
  await expect(members.risk).toBeVisible();
  await expect(members.risk.locator('.error-text')).not.toBeEmpty();
  // The second, explicit confirmation: without it nothing can be sent.
  await expect(members.removeButton).toBeDisabled();
  await members.understood.check();
  await expect(members.removeButton).toBeEnabled();
  await members.removeDialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(members.removeDialog).toHaveCount(0);

  await ui.cluster.refresh.click();
  await expect(ui.cluster.memberRows).toHaveCount(3);
  await expect(members.row({ name: target.name })).toHaveCount(1);
});
