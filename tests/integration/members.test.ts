/**
 * Membership on a real 3-member etcd through the app's handlers: the quorum arithmetic before a
 * removal (refused without a second confirmation when it risks the quorum), a learner added,
 * given new peer URLs, removed; another learner started with the flags the app gives, promoted
 * once in sync (etcd's refusal before that said in words), then removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findEtcdBinary, freePort, startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';

let etcd: EtcdCluster;
let h: Harness;
let id: string;
const hexOf = async (i: number): Promise<string> => {
  const st = unwrap(await h.handlers['cluster:status']({ profileId: id }));
  return st.endpoints.find((e) => e.endpoint === etcd.endpoints[i])!.memberId!;
};

beforeAll(async () => {
  etcd = await startCluster({ members: 3 });
  h = await createHarness({ liveness: false });
  id = await h.connect({ name: 'members', endpoints: etcd.endpoints, deadlineMs: 5000 });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await etcd?.close();
});

describe('members', () => {
  it('add a learner, change peer URLs, remove it (never started)', async () => {
    const port = await freePort();
    // Right after the cluster starts, etcd (--strict-reconfig-check) refuses membership changes
    // until every voting member has been connected for 5 s: said at once as a refusal (CONFLICT,
    // nothing added), never as a write that may have been applied. Asked again until it accepts.
    let first = await h.handlers['members:addLearner']({ profileId: id, name: 'spare', peerUrls: [`http://127.0.0.1:${port}`] });
    const until = Date.now() + 15_000;
    while (!first.ok && Date.now() < until) {
      expect(first.error.code, first.error.message).toBe('CONFLICT');
      expect(first.error.message).toContain('5 seconds');
      await new Promise((res) => setTimeout(res, 250));
      first = await h.handlers['members:addLearner']({ profileId: id, name: 'spare', peerUrls: [`http://127.0.0.1:${port}`] });
    }
    const added = unwrap(first);
    expect(added.members).toHaveLength(4);
    expect(added.members.find((m) => m.id === added.memberId)).toMatchObject({ isLearner: true, peerUrls: [`http://127.0.0.1:${port}`] });
    expect(added.flags).toContain('--initial-cluster-state=existing');
    expect(added.flags.find((f) => f.startsWith('--initial-cluster='))).toContain(`spare=http://127.0.0.1:${port}`);
    // The same peer URL again: etcd derives the id from it and refuses.
    const again = errorOf(await h.handlers['members:addLearner']({ profileId: id, name: 'spare', peerUrls: [`http://127.0.0.1:${port}`] }));
    expect(again.code, again.message).toBe('CONFLICT');
    // etcd 3.4 takes one learner at a time.
    const second = errorOf(await h.handlers['members:addLearner']({ profileId: id, name: 'more', peerUrls: [`http://127.0.0.1:${await freePort()}`] }));
    expect(second.code, second.message).toBe('CONFLICT');
    expect(second.message).toContain('learners');
    // etcd 3.4 would turn the learner into a voter (seen here): refused, nothing changed.
    const other = await freePort();
    const learnerUpdate = errorOf(await h.handlers['members:updatePeerUrls']({ profileId: id, memberId: added.memberId, peerUrls: [`http://127.0.0.1:${other}`] }));
    expect(learnerUpdate.code).toBe('CONFLICT');
    let st = unwrap(await h.handlers['cluster:status']({ profileId: id }));
    expect(st.members.find((m) => m.id === added.memberId)).toMatchObject({ isLearner: true, peerUrls: [`http://127.0.0.1:${port}`] });
    // A voter's peer URLs: changed (to the same URL here, so the member keeps working).
    const follower = st.members.find((m) => !m.isLeader && !m.isLearner)!;
    unwrap(await h.handlers['members:updatePeerUrls']({ profileId: id, memberId: follower.id, peerUrls: [...follower.peerUrls] }));
    const notLearner = errorOf(await h.handlers['members:promote']({ profileId: id, memberId: await hexOf(0) }));
    expect(notLearner.code).toBe('INVALID_ARGUMENT');
    const plan = unwrap(await h.handlers['members:planRemove']({ profileId: id, memberId: added.memberId }));
    expect(plan).toMatchObject({ isLearner: true, voters: { before: 3, after: 3 }, risky: false });
    unwrap(await h.handlers['members:remove']({ profileId: id, memberId: added.memberId }));
    st = unwrap(await h.handlers['cluster:status']({ profileId: id }));
    expect(st.members).toHaveLength(3);
    expect(errorOf(await h.handlers['members:promote']({ profileId: id, memberId: added.memberId })).code).toBe('NOT_FOUND');
  }, 60_000);

  it('a learner started with the flags given joins, is promoted once in sync, then removed', async () => {
    const [peer, client] = [await freePort(), await freePort()];
    const added = unwrap(await h.handlers['members:addLearner']({ profileId: id, name: 'newbie', peerUrls: [`http://127.0.0.1:${peer}`] }));
    const dir = await mkdtemp(join(tmpdir(), 'etcd-desktop-learner-'));
    let proc: ChildProcess | undefined;
    try {
      proc = spawn(
        findEtcdBinary().etcd,
        [...added.flags, `--data-dir=${join(dir, 'data')}`, `--listen-client-urls=http://127.0.0.1:${client}`, `--advertise-client-urls=http://127.0.0.1:${client}`],
        { stdio: 'ignore' },
      );
      // etcd refuses until the learner has caught up: said as CONFLICT in words, then it works.
      const refusals: string[] = [];
      const until = Date.now() + 30_000;
      for (;;) {
        const r = await h.handlers['members:promote']({ profileId: id, memberId: added.memberId });
        if (r.ok) break;
        expect(['CONFLICT', 'UNAVAILABLE', 'TIMEOUT']).toContain(r.error.code);
        refusals.push(r.error.message);
        if (Date.now() > until) throw new Error(`never promoted: ${refusals.slice(-3).join(' | ')}`);
        await new Promise((res) => setTimeout(res, 200));
      }
      console.log(`[members] promoted after ${refusals.length} refusals${refusals[0] ? ` ("${refusals[0]}")` : ''}`);
      const st = unwrap(await h.handlers['cluster:status']({ profileId: id }));
      expect(st.members.find((m) => m.id === added.memberId)).toMatchObject({ name: 'newbie', isLearner: false });
      expect(st.members).toHaveLength(4);
      const plan = unwrap(await h.handlers['members:planRemove']({ profileId: id, memberId: added.memberId }));
      // The profile has no endpoint for the new member: not counted healthy, and said.
      expect(plan).toMatchObject({ voters: { before: 4, after: 3 }, quorum: { before: 3, after: 2 }, healthyVoters: { before: 3, after: 3 }, unknownVoters: 1, risky: false });
      unwrap(await h.handlers['members:remove']({ profileId: id, memberId: added.memberId }));
      expect(unwrap(await h.handlers['cluster:status']({ profileId: id })).members).toHaveLength(3);
    } finally {
      if (proc?.pid && proc.exitCode === null) {
        const exited = new Promise((res) => proc!.once('exit', res));
        proc.kill('SIGKILL');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
  it('planRemove counts voters, quorum and healthy voters; a risky removal needs a second confirmation', async () => {
    const leader = await etcd.leaderIndex();
    const [a, b] = [(leader + 1) % 3, (leader + 2) % 3];
    const plan = unwrap(await h.handlers['members:planRemove']({ profileId: id, memberId: await hexOf(a) }));
    expect(plan).toMatchObject({ voters: { before: 3, after: 2 }, quorum: { before: 2, after: 2 }, healthyVoters: { before: 3, after: 2 }, unknownVoters: 0, risky: false, isLearner: false });
    const bId = await hexOf(b);
    await etcd.kill(a);
    try {
      const risky = unwrap(await h.handlers['members:planRemove']({ profileId: id, memberId: bId }));
      expect(risky).toMatchObject({ healthyVoters: { before: 2, after: 1 }, quorum: { after: 2 }, risky: true });
      expect(risky.reason).toContain('only 1 answer');
      const refused = errorOf(await h.handlers['members:remove']({ profileId: id, memberId: bId }));
      expect(refused.code).toBe('CONFIRMATION_REQUIRED');
      expect(refused.message).toContain('risks the quorum');
      const st = unwrap(await h.handlers['cluster:status']({ profileId: id }));
      expect(st.members.map((m) => m.id)).toContain(bId);
    } finally {
      await etcd.restart(a);
    }
  }, 60_000);
});
