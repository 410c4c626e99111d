/**
 * Cluster membership in the store (members-slice.ts), without React: each action sends what its
 * channel expects, failures stay where they happened (the dialog, the member's row), a risky
 * removal is only acknowledged when asked to, a cancelled production confirmation shows nothing,
 * and leaving the profile forgets it all.
 */
import { describe, expect, it } from 'vitest';
import { parsePeerUrls } from '../../../src/renderer/src/features/cluster/members-slice';
import { describeError } from '../../../src/renderer/src/ui/messages';
import type { AddLearnerResult, Profile, RemovePlan } from '../../../src/shared/types';
import { membersWithLearner } from './cluster-fixtures';
import { connectedStore, errR, flush, okR, profile } from './fake-api';

const status = membersWithLearner;

const plan = (extra: Partial<RemovePlan> = {}): RemovePlan => ({
  memberId: 'b2',
  name: 'm2',
  isLearner: false,
  voters: { before: 3, after: 2 },
  quorum: { before: 2, after: 2 },
  healthyVoters: { before: 3, after: 2 },
  unknownVoters: 0,
  risky: false,
  ...extra,
});

const setup = (profiles: Profile[] = [profile('a'), profile('b')]) =>
  connectedStore(profiles, (fake) => fake.ep['cluster:status'].handle(() => okR(status)));

describe('cluster membership in the store', () => {
  it('add a learner: the request, then the flags in the dialog and the status read again; a refusal stays in the dialog', async () => {
    const { fake, store } = await setup();
    store.getState().openAddLearner();
    fake.ep['members:addLearner'].handle(() => errR('CONFLICT', 'etcd refuses membership changes until every member has been connected for 5 seconds'));
    expect(await store.getState().addLearner('spare', ['http://10.0.0.4:2380'])).toBe(false);
    expect(fake.ep['members:addLearner'].requests).toEqual([{ profileId: 'a', name: 'spare', peerUrls: ['http://10.0.0.4:2380'] }]);
    const error = store.getState().memberDialogError!;
    expect(error.code).toBe('CONFLICT');
    // Said in the backend's words, not as a key conflict.
    expect(describeError(error, { op: 'members' }).title).toContain('5 seconds');
    expect(store.getState().memberDialog).toEqual({ kind: 'add', added: null });

    const added: AddLearnerResult = { memberId: 'c3', members: status.members, flags: ['--name=spare', '--initial-cluster-state=existing'] };
    fake.ep['members:addLearner'].handle(() => okR(added));
    const reads = fake.ep['cluster:status'].requests.length;
    expect(await store.getState().addLearner('spare', ['http://10.0.0.4:2380'])).toBe(true);
    await flush();
    expect(store.getState().memberDialog).toEqual({ kind: 'add', added: { ...added, name: 'spare' } });
    expect(store.getState().memberDialogError).toBeNull();
    expect(fake.ep['cluster:status'].requests.length).toBeGreaterThan(reads);
    store.getState().closeMemberDialog();
    expect(store.getState().memberDialog).toBeNull();
  });

  it("promote: etcd's refusal next to the learner's row, cleared by the next attempt; success says so", async () => {
    const { fake, store } = await setup();
    fake.ep['members:promote'].handle(() => errR('CONFLICT', 'The learner has not caught up with the leader yet: try again once it is in sync.'));
    expect(await store.getState().promoteLearner('c3', 'spare')).toBe(false);
    expect(fake.ep['members:promote'].requests).toEqual([{ profileId: 'a', memberId: 'c3' }]);
    expect(store.getState().memberRowErrors.c3.code).toBe('CONFLICT');
    expect(describeError(store.getState().memberRowErrors.c3, { op: 'members' }).title).toContain('has not caught up');
    expect(store.getState().memberBusy).toBeNull();

    fake.ep['members:promote'].handle(() => okR({ memberId: 'c3' }));
    expect(await store.getState().promoteLearner('c3', 'spare')).toBe(true);
    expect(store.getState().memberRowErrors).toEqual({});
    expect(store.getState().toasts.some((t) => t.text.includes('spare is a voting member'))).toBe(true);
  });

  it('remove: the plan first; a safe removal is sent without acknowledging a risk, and closes the dialog', async () => {
    const { fake, store } = await setup();
    fake.ep['members:planRemove'].handle(() => okR(plan()));
    await store.getState().openRemoveMember('b2', 'm2');
    expect(fake.ep['members:planRemove'].requests).toEqual([{ profileId: 'a', memberId: 'b2' }]);
    expect(store.getState().memberDialog).toEqual({ kind: 'remove', memberId: 'b2', label: 'm2', plan: plan() });
    fake.ep['members:remove'].handle(() => okR({ memberId: 'b2', plan: plan() }));
    // Even if the UI passed true, a plan that is not risky acknowledges nothing.
    expect(await store.getState().removeMember(true)).toBe(true);
    expect(fake.ep['members:remove'].requests).toEqual([{ profileId: 'a', memberId: 'b2' }]);
    expect(store.getState().memberDialog).toBeNull();
  });

  it('remove: a risky removal without the second confirmation is refused in the dialog; with it, acknowledgeRisk is sent', async () => {
    const { fake, store } = await setup();
    const risky = plan({ healthyVoters: { before: 2, after: 1 }, risky: true, reason: 'Only 1 healthy voter would be left; the quorum needs 2.' });
    fake.ep['members:planRemove'].handle(() => okR(risky));
    await store.getState().openRemoveMember('b2', 'm2');
    fake.ep['members:remove'].handle((req) =>
      req.acknowledgeRisk ? okR({ memberId: 'b2', plan: risky }) : errR('CONFIRMATION_REQUIRED', 'Removing m2 may cost the quorum.', { hint: 'confirm it again' }),
    );
    expect(await store.getState().removeMember(false)).toBe(false);
    expect(store.getState().memberDialogError?.code).toBe('CONFIRMATION_REQUIRED');
    expect(store.getState().memberDialog?.kind).toBe('remove');
    expect(await store.getState().removeMember(true)).toBe(true);
    expect(fake.ep['members:remove'].requests).toEqual([
      { profileId: 'a', memberId: 'b2' },
      { profileId: 'a', memberId: 'b2', acknowledgeRisk: true },
    ]);
    expect(store.getState().memberDialog).toBeNull();
    expect(store.getState().memberDialogError).toBeNull();
  });

  it('remove: a plan that cannot be read says why in the dialog, and nothing can be removed', async () => {
    const { fake, store } = await setup();
    fake.ep['members:planRemove'].handle(() => errR('UNAVAILABLE', 'no endpoint answered'));
    await store.getState().openRemoveMember('b2', 'm2');
    expect(store.getState().memberDialogError?.code).toBe('UNAVAILABLE');
    expect(await store.getState().removeMember(true)).toBe(false);
    expect(fake.ep['members:remove'].requests).toEqual([]);
  });

  it('peer URLs: sent for the member of the dialog; a learner refused with CONFLICT stays in the dialog', async () => {
    const { fake, store } = await setup();
    store.getState().openPeerUrls('b2', 'm2', ['http://m2:2380']);
    fake.ep['members:updatePeerUrls'].handle((req) => (req.memberId === 'b2' ? okR({ memberId: 'b2' }) : errR('CONFLICT', 'a learner cannot change its peer URLs')));
    expect(await store.getState().updatePeerUrls(parsePeerUrls('http://m2:2390, http://m2b:2390'))).toBe(true);
    expect(fake.ep['members:updatePeerUrls'].requests).toEqual([{ profileId: 'a', memberId: 'b2', peerUrls: ['http://m2:2390', 'http://m2b:2390'] }]);
    expect(store.getState().memberDialog).toBeNull();
    store.getState().openPeerUrls('c3', 'c3', ['http://m4:2380']);
    expect(await store.getState().updatePeerUrls(['http://m4:2390'])).toBe(false);
    expect(store.getState().memberDialogError?.code).toBe('CONFLICT');
  });

  it('a production profile: the central confirmation is asked once; cancelled, nothing is sent and nothing shown', async () => {
    const { fake, store } = await setup([profile('a', { mode: 'production', name: 'prod' })]);
    store.getState().openAddLearner();
    const p = store.getState().addLearner('spare', ['http://10.0.0.4:2380']);
    await flush();
    expect(store.getState().writeConfirm?.operation).toBe('Add the learner “spare” to the cluster');
    store.getState().resolveWriteConfirm(false);
    expect(await p).toBe(false);
    expect(fake.ep['members:addLearner'].requests).toEqual([]);
    expect(store.getState().memberDialogError).toBeNull();
    expect(store.getState().memberBusy).toBeNull();
  });

  it('leaving the profile forgets the dialog and the row errors', async () => {
    const { fake, store } = await setup();
    fake.ep['members:promote'].handle(() => errR('CONFLICT', 'not caught up'));
    await store.getState().promoteLearner('c3', 'spare');
    store.getState().openAddLearner();
    await store.getState().switchProfile('b');
    await flush();
    expect(store.getState().memberDialog).toBeNull();
    expect(store.getState().memberRowErrors).toEqual({});
  });

  it('peer URLs as typed: commas, spaces or lines', () => {
    expect(parsePeerUrls(' http://a:2380,http://b:2380\nhttp://c:2380 ')).toEqual(['http://a:2380', 'http://b:2380', 'http://c:2380']);
    expect(parsePeerUrls('  ')).toEqual([]);
  });
});
