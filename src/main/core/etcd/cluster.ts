import type { ClusterMetrics, ClusterStatus, EndpointStatus, MemberInfo, MemberMetrics } from '../../../shared/types';
import { AppFailure, toAppError } from './errors';
import { dedupeAlarms, parseAlarms, type Alarm } from './alarms';
import { fetchMetricsText, parseMetrics, sampleOf } from './metrics';
import { EtcdSession } from './session';

const hex = (id: string | number | undefined): string => (id === undefined ? '' : BigInt(id).toString(16));

/**
 * Cluster health for the cluster view: each endpoint's own Status (through the session's client
 * for that member) and the member list.
 */
export class ClusterService {
  constructor(private readonly session: EtcdSession) {}

  async endpointStatus(endpoint: string): Promise<EndpointStatus> {
    const started = performance.now();
    try {
      const st = await this.session.memberStatus(endpoint);
      return {
        endpoint,
        reachable: true,
        memberId: hex(st.header.member_id),
        version: st.version,
        dbSize: Number(st.dbSize),
        dbSizeInUse: Number((st as { dbSizeInUse?: string }).dbSizeInUse ?? st.dbSize),
        raftTerm: Number(st.raftTerm),
        raftIndex: Number(st.raftIndex),
        leaderId: hex(st.leader),
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
        alarms: parseAlarms(st.errors ?? []),
      } as EndpointStatus & { alarms: Alarm[] };
    } catch (err) {
      return { endpoint, reachable: false, error: err instanceof AppFailure ? err.error : toAppError(err, ctx(this.session)) };
    }
  }

  async status(): Promise<ClusterStatus> {
    const endpointsP = Promise.all(this.session.endpoints.map((e) => this.endpointStatus(e)));
    const membersP = this.session
      .run('read', () => this.session.rpc.memberList())
      .then((r) => ({ ok: true as const, r }), (err: unknown) => ({ ok: false as const, err }));
    // Alarms come from each member's own Status answer ("memberID:N alarm:NOSPACE"): the Alarm RPC
    // goes through the leader and would stall the whole view for a deadline during an election.
    const [withAlarms, members] = await Promise.all([endpointsP, membersP]);
    const alarms = dedupeAlarms(withAlarms.flatMap((e) => (e as { alarms?: Alarm[] }).alarms ?? []));
    const endpoints: EndpointStatus[] = withAlarms.map(({ alarms: _a, ...e }: EndpointStatus & { alarms?: Alarm[] }) => e);
    const leaderId = endpoints.find((e) => e.reachable && e.leaderId && e.leaderId !== '0')?.leaderId;
    if (!members.ok && endpoints.every((e) => !e.reachable)) {
      throw members.err instanceof AppFailure ? members.err : new AppFailure(toAppError(members.err, ctx(this.session)), { cause: members.err });
    }
    const memberList: MemberInfo[] = members.ok
      ? members.r.members.map((m) => ({
          id: hex(m.ID),
          name: m.name,
          peerUrls: m.peerURLs,
          clientUrls: m.clientURLs,
          isLeader: leaderId !== undefined && hex(m.ID) === leaderId,
          isLearner: Boolean((m as { isLearner?: boolean }).isLearner),
        }))
      : [];
    return {
      clusterId: members.ok ? hex(members.r.header.cluster_id) : undefined,
      members: memberList,
      endpoints,
      leaderId,
      // etcd3's proto spells the enum `Nospace`/`Corrupt`; show etcd's own names (NOSPACE, CORRUPT), as etcdctl does.
      alarms,
      at: Date.now(),
    };
  }

  /**
   * One sample per endpoint for the live charts: its Status (through that member's own client)
   * and its /metrics, both within the profile's deadline; a member that cannot be read says why.
   */
  async metrics(): Promise<ClusterMetrics> {
    const { deadlineMs, tls } = this.session.config;
    const members = await Promise.all(
      this.session.endpoints.map(async (endpoint): Promise<MemberMetrics> => {
        try {
          const [st, text] = await Promise.all([this.session.memberStatus(endpoint), fetchMetricsText(endpoint, tls, deadlineMs)]);
          const memberId = hex(st.header.member_id);
          const sample = sampleOf(Date.now(), parseMetrics(text), {
            dbSize: Number(st.dbSize),
            dbSizeInUse: Number(st.dbSizeInUse ?? st.dbSize),
            raftTerm: Number(st.raftTerm),
            raftIndex: Number(st.raftIndex),
            raftAppliedIndex: Number(st.raftAppliedIndex ?? st.raftIndex),
            isLeader: hex(st.leader) === memberId,
          });
          return { endpoint, ok: true, memberId, sample };
        } catch (err) {
          return { endpoint, ok: false, error: err instanceof AppFailure ? err.error : toAppError(err, ctx(this.session)) };
        }
      }),
    );
    return { at: Date.now(), members };
  }
}

const ctx = (s: EtcdSession) => ({ kind: 'read' as const, endpoints: s.endpoints, deadlineMs: s.config.deadlineMs });

