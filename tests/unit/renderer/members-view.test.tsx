// @vitest-environment happy-dom
/**
 * The Members table's membership actions on screen: the add dialog shows the flags, a learner's
 * promote refusal sits next to its row, a risky removal needs the checkbox, a learner's peer
 * URLs cannot be edited (said why), and a read-only profile gets every action disabled.
 */
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppStore } from '../../../src/renderer/src/app/create-app-store';
import { LEARNER_PEER_URLS_REASON } from '../../../src/renderer/src/features/cluster/MembershipActions';
import type { Profile, RemovePlan } from '../../../src/shared/types';
import { errR, flush, okR, profile, type FakeApi } from './fake-api';
import { renderApp } from './render-app';
import { membersWithLearner } from './cluster-fixtures';

afterEach(cleanup);

const status = membersWithLearner;

async function run(action: () => unknown): Promise<void> {
  await act(async () => {
    await action();
    await flush();
  });
}

async function renderCluster(p: Profile = profile('a', { name: 'local' })): Promise<{ store: AppStore; fake: FakeApi }> {
  const app = await renderApp({ profiles: [p], connect: 'a', prepare: (fake) => fake.ep['cluster:status'].handle(() => okR(status)) });
  await run(() => app.store.getState().toggleClusterView(true));
  return app;
}

const row = (id: string) => screen.getAllByTestId('cluster-member').find((r) => r.textContent?.includes(id))!;
const button = (el: HTMLElement, name: string | RegExp) => within(el).getByRole('button', { name }) as HTMLButtonElement;
const click = (el: HTMLElement, name: string | RegExp) => run(() => fireEvent.click(button(el, name)));

describe('membership in the cluster view', () => {
  it('add a learner: name and peer URL sent; the flags are shown with what to do next', async () => {
    const { fake } = await renderCluster();
    fake.ep['members:addLearner'].handle(() => okR({ memberId: 'c3', members: status.members, flags: ['--name=spare', '--initial-cluster-state=existing'] }));
    await click(screen.getByTestId('cluster-view'), 'Add learner…');
    const dialog = screen.getByTestId('add-learner-dialog');
    await run(() => fireEvent.change(within(dialog).getByLabelText('Member name'), { target: { value: 'spare' } }));
    await run(() => fireEvent.change(within(dialog).getByLabelText('Peer URLs'), { target: { value: 'http://10.0.0.4:2380' } }));
    await click(dialog, 'Add learner');
    expect(fake.ep['members:addLearner'].requests).toEqual([{ profileId: 'a', name: 'spare', peerUrls: ['http://10.0.0.4:2380'] }]);
    const flags = screen.getByTestId('learner-flags');
    expect((within(flags).getByLabelText('Flags for the new member') as HTMLTextAreaElement).value).toContain('--initial-cluster-state=existing');
    expect(flags.textContent).toContain('--data-dir');
    expect(flags.textContent).toContain('promote it once it has caught up');
  });

  it("promote: a learner's refusal next to its row", async () => {
    const { fake } = await renderCluster();
    expect(within(row('a1')).queryByRole('button', { name: 'Promote' })).toBeNull();
    fake.ep['members:promote'].handle(() => errR('CONFLICT', 'The learner has not caught up with the leader yet.'));
    await click(row('c3'), 'Promote');
    expect(within(row('c3')).getByTestId('member-row-error').textContent).toContain('has not caught up');
  });

  it('remove: the plan with the profile and cluster; a risky one needs the checkbox before it is sent with acknowledgeRisk', async () => {
    const { fake } = await renderCluster();
    const plan: RemovePlan = {
      memberId: 'b2',
      name: 'm2',
      isLearner: false,
      voters: { before: 3, after: 2 },
      quorum: { before: 2, after: 2 },
      healthyVoters: { before: 2, after: 1 },
      unknownVoters: 1,
      risky: true,
      reason: 'Only 1 healthy voter would be left; the quorum needs 2.',
    };
    fake.ep['members:planRemove'].handle(() => okR(plan));
    fake.ep['members:remove'].handle(() => okR({ memberId: 'b2', plan }));
    await click(row('b2'), 'Remove…');
    const dialog = screen.getByTestId('remove-member-dialog');
    expect(dialog.textContent).toContain('“local”');
    expect(dialog.textContent).toContain('ff');
    expect(within(dialog).getByTestId('plan-quorum').textContent).toBe('2 → 2');
    expect(within(dialog).getByTestId('plan-healthy').textContent).toBe('2 → 1');
    expect(within(dialog).getByTestId('plan-unknown').textContent).toBe('1');
    expect(within(dialog).getByTestId('remove-risk').textContent).toContain('Only 1 healthy voter');
    expect(button(dialog, 'Remove member').disabled).toBe(true);
    await run(() => fireEvent.click(within(dialog).getByLabelText(/I understand the cluster may lose its quorum/)));
    await click(dialog, 'Remove member');
    expect(fake.ep['members:remove'].requests).toEqual([{ profileId: 'a', memberId: 'b2', acknowledgeRisk: true }]);
    expect(screen.queryByTestId('remove-member-dialog')).toBeNull();
  });

  it("peer URLs: a learner's button is disabled and says why; a voter's sends the new URLs", async () => {
    const { fake } = await renderCluster();
    const learner = button(row('c3'), 'Peer URLs…');
    expect(learner.disabled).toBe(true);
    expect(learner.title).toBe(LEARNER_PEER_URLS_REASON);
    fake.ep['members:updatePeerUrls'].handle(() => okR({ memberId: 'b2' }));
    await click(row('b2'), 'Peer URLs…');
    const dialog = screen.getByTestId('peer-urls-dialog');
    await run(() => fireEvent.change(within(dialog).getByLabelText('Peer URLs'), { target: { value: 'http://m2:2390' } }));
    await click(dialog, 'Change peer URLs');
    expect(fake.ep['members:updatePeerUrls'].requests).toEqual([{ profileId: 'a', memberId: 'b2', peerUrls: ['http://m2:2390'] }]);
  });

  it('a read-only profile: every membership action is disabled, saying why', async () => {
    await renderCluster(profile('a', { name: 'ro', mode: 'read-only' }));
    const add = button(screen.getByTestId('cluster-view'), 'Add learner…');
    expect(add.disabled).toBe(true);
    expect(add.title).toContain('read-only');
    for (const r of screen.getAllByTestId('cluster-member')) {
      for (const b of within(within(r).getByTestId('membership-actions')).getAllByRole('button')) {
        expect((b as HTMLButtonElement).disabled).toBe(true);
        expect((b as HTMLButtonElement).title).toContain('read-only');
      }
    }
  });
});
