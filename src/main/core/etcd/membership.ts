/**
 * Cluster membership through the session (MemberAdd/Promote/Remove/Update go to the leader and
 * change the cluster's configuration: writes, sent at most once). What etcd refuses is said in
 * words a person can act on; the quorum arithmetic is done before a removal is sent.
 */
import type { AddLearnerResult, MemberInfo, RemovePlan } from '../../../shared/types';
import { AppFailure, failure, toAppError } from './errors';
import { hexId } from './members';
import type { EtcdSession } from './session';

const quorumOf = (voters: number): number => Math.floor(voters / 2) + 1;

/** etcd's refusals of membership changes (etcdserver/api/membership errors), in words. */
function membershipError(err: unknown, session: EtcdSession, kind: 'read' | 'write'): AppFailure {
  // The session wraps etcd's answer; its refusal text is in the cause.
  const raw = err instanceof AppFailure ? err.cause : err;
  const m = raw instanceof Error ? raw.message : String(raw ?? '');
  const known: Array<[RegExp, Parameters<typeof failure>[0], string]> = [
    [/can only promote a learner member which is in sync with leader/i, 'CONFLICT', 'The learner has not caught up with the leader yet: wait until it is in sync, then promote it again.'],
    [/can only promote a learner member/i, 'INVALID_ARGUMENT', 'That member is not a learner: only learners can be promoted.'],
    [/member not found/i, 'NOT_FOUND', 'No member with that id: the member list changed. Refresh the cluster view.'],
    [/peer ?URLs? already exists/i, 'CONFLICT', 'Another member already uses that peer URL.'],
    // etcd derives a new member's id from its peer URLs: the same URLs again give the same id.
    [/given member URLs are invalid|URL address does not have the form/i, 'INVALID_ARGUMENT', 'etcd refused the peer URL: it must be http(s)://host:port.'],
    [/member ID already exist/i, 'CONFLICT', 'A member with that peer URL was already added (etcd derives the id from the peer URLs).'],
    [/too many learner members/i, 'CONFLICT', 'The cluster already has as many learners as it allows (1 in etcd 3.4): promote or remove it first.'],
    [/not enough started members/i, 'CONFLICT', 'etcd refused: too few members are started for this change to keep a quorum. Start the members first.'],
    [
      /unhealthy cluster/i,
      'CONFLICT',
      'etcd refused: it changes membership only when every voting member has been connected to the leader for the last 5 seconds. A member is down, or one started or joined just now: try again in a few seconds.',
    ],
    [/ID removed/i, 'NOT_FOUND', 'That member was already removed.'],
  ];
  for (const [re, code, message] of known) if (re.test(m)) return new AppFailure({ code, message }, { cause: raw });
  if (err instanceof AppFailure) return err;
  return new AppFailure(toAppError(err, { kind, endpoints: session.endpoints, deadlineMs: session.config.deadlineMs }), { cause: err });
}

const infoOf = (m: { ID: string; name: string; peerURLs: string[]; clientURLs: string[]; isLearner?: boolean }, leaderId?: string): MemberInfo => ({
  id: hexId(m.ID),
  name: m.name,
  peerUrls: m.peerURLs,
  clientUrls: m.clientURLs,
  isLeader: leaderId !== undefined && hexId(m.ID) === leaderId,
  isLearner: Boolean(m.isLearner),
});

const decimal = (hex: string): string => BigInt(`0x${hex}`).toString(10);

export class MembershipService {
  constructor(private readonly session: EtcdSession) {}

  async addLearner(name: string, peerUrls: readonly string[]): Promise<AddLearnerResult> {
    const res = await this.session.run('write', () => this.session.rpc.memberAdd([...peerUrls], true)).catch((err: unknown) => {
      throw membershipError(err, this.session, 'write');
    });
    const memberId = hexId(res.member.ID);
    const members = res.members.map((m) => infoOf(m));
    // The new member is listed without a name until it starts: it takes the one it is given.
    const initialCluster = res.members
      .flatMap((m) => (hexId(m.ID) === memberId ? peerUrls.map((u) => `${name}=${u}`) : m.peerURLs.map((u) => `${m.name}=${u}`)))
      .join(',');
    const flags = [
      `--name=${name}`,
      `--initial-advertise-peer-urls=${peerUrls.join(',')}`,
      `--listen-peer-urls=${peerUrls.join(',')}`,
      `--initial-cluster=${initialCluster}`,
      '--initial-cluster-state=existing',
    ];
    return { memberId, members, flags };
  }

  async promote(memberId: string): Promise<void> {
    await this.session.run('write', () => this.session.rpc.memberPromote(decimal(memberId))).catch((err: unknown) => {
      throw membershipError(err, this.session, 'write');
    });
  }

  async updatePeerUrls(memberId: string, peerUrls: readonly string[]): Promise<void> {
    const list = await this.session.run('read', () => this.session.rpc.memberList()).catch((err: unknown) => {
      throw membershipError(err, this.session, 'read');
    });
    const target = list.members.find((m) => hexId(m.ID) === memberId);
    if (!target) throw failure('NOT_FOUND', `No member ${memberId} in the cluster: the member list changed. Refresh the cluster view.`);
    // Seen here on etcd 3.4.23: MemberUpdate on a learner makes it a voting member (it keeps
    // no IsLearner flag), so an unstarted learner would silently join the quorum.
    if (target.isLearner) {
      throw failure(
        'CONFLICT',
        "A learner's peer URLs are not changed in place: etcd 3.4 would make it a voting member. Remove the learner and add it again with the new peer URL.",
      );
    }
    await this.session.run('write', () => this.session.rpc.memberUpdate(decimal(memberId), [...peerUrls])).catch((err: unknown) => {
      throw membershipError(err, this.session, 'write');
    });
  }

  /** The quorum before and after removing `memberId`, from the member list and a Status of each endpoint. */
  async planRemove(memberId: string): Promise<RemovePlan> {
    const [list, probes] = await Promise.all([
      this.session.run('read', () => this.session.rpc.memberList()).catch((err: unknown) => {
        throw membershipError(err, this.session, 'read');
      }),
      this.session.probe(),
    ]);
    const all = list.members.map((m) => infoOf(m));
    const target = all.find((m) => m.id === memberId);
    if (!target) throw failure('NOT_FOUND', `No member ${memberId} in the cluster: the member list changed. Refresh the cluster view.`);
    const healthyIds = new Set(probes.flatMap((p) => (p.ok ? [p.memberId] : [])));
    const voters = all.filter((m) => !m.isLearner);
    const healthyVoters = voters.filter((m) => healthyIds.has(m.id));
    // Members are known by the id they answer with, so an endpoint that failed is some member that
    // is down; voters beyond the answering and the failing endpoints are not checked by the app.
    const failedEndpoints = probes.filter((p) => !p.ok).length;
    const unknownVoters = Math.max(0, voters.length - voters.filter((m) => healthyIds.has(m.id)).length - failedEndpoints);
    const removesVoter = !target.isLearner;
    const before = voters.length;
    const after = before - (removesVoter ? 1 : 0);
    const healthyBefore = healthyVoters.length;
    const healthyAfter = healthyBefore - (removesVoter && healthyIds.has(target.id) ? 1 : 0);
    const quorumAfter = after > 0 ? quorumOf(after) : 0;
    let reason: string | undefined;
    if (removesVoter && after === 0) reason = 'it is the last voting member: the cluster would be gone.';
    else if (removesVoter && healthyAfter < quorumAfter) {
      reason =
        `after it, ${after} voters need ${quorumAfter} for a quorum but only ${healthyAfter} answer` +
        (unknownVoters > 0 ? ` (${unknownVoters} cannot be checked: the profile has no endpoint for them)` : '') +
        ': the cluster could lose its leader and refuse every read and write.';
    }
    return {
      memberId,
      name: target.name,
      isLearner: target.isLearner,
      voters: { before, after },
      quorum: { before: quorumOf(before), after: quorumAfter },
      healthyVoters: { before: healthyBefore, after: healthyAfter },
      unknownVoters,
      risky: reason !== undefined,
      ...(reason ? { reason } : {}),
    };
  }

  async remove(memberId: string, acknowledgeRisk: boolean): Promise<RemovePlan> {
    const plan = await this.planRemove(memberId);
    if (plan.risky && !acknowledgeRisk) {
      throw failure('CONFIRMATION_REQUIRED', `Removing ${plan.name || memberId} risks the quorum: ${plan.reason} Confirm a second time to remove it anyway.`, {
        hint: plan.reason,
      });
    }
    await this.session.run('write', () => this.session.rpc.memberRemove(decimal(memberId))).catch((err: unknown) => {
      throw membershipError(err, this.session, 'write');
    });
    return plan;
  }
}
