import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { noop } from 'cockatiel';
import { ClientClosedError, GRPCDeadlineExceededError, type IOptions, type IStatusResponse } from 'etcd3';
import type { AppError, ErrorCode } from '../../../shared/result';
import { AppFailure, isEtcdPermissionDenied, judgeAttempt, namingUser, toAppError, type AttemptVerdict, type OpKind } from './errors';
import { parseAlarms } from './alarms';
import { hexId, Member, readOrder, voters } from './members';
import { EtcdRpc, requireLeaderInterceptor } from './rpc';

export interface SessionConfig {
  readonly endpoints: readonly string[];
  readonly username?: string;
  readonly password?: string;
  readonly tls?: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer; readonly serverName?: string };
  /** Deadline of every call in ms, covering auth, every member tried and every retry. */
  readonly deadlineMs: number;
  /** etcd's --max-request-bytes; a put larger than this is refused before any RPC. */
  readonly maxRequestBytes?: number;
}

export const DEFAULT_MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;
/** grpc's default 4 MiB receive cap breaks big pages; pages are bounded anyway. */
const MAX_RECEIVE_BYTES = 256 * 1024 * 1024;
/** Pause before asking again who leads, while a cluster elects one (elections here take 0.1-1.5 s). */
const ELECTION_POLL_MS = 100;
/**
 * After this long with no leader seen anywhere, calls stop waiting for an election and fail at
 * once with NO_QUORUM: an election takes about one election timeout (1 s by default), a lost
 * quorum lasts until members come back.
 */
const NO_LEADER_GIVE_UP_MS = 3000;
/** A leader the others still follow but we cannot reach for this long: write through a follower. */
const LEADER_UNREACHABLE_FORWARD_MS = 3000;

/** One member's answer to the liveness probe (a Status call to that endpoint). */
export type MemberProbe =
  | {
      readonly endpoint: string;
      readonly ok: true;
      /** Hex ids, from Status().header.member_id and Status().leader ("0": no leader known). */
      readonly memberId: string;
      readonly leaderId: string;
      readonly raftTerm: number;
      readonly version: string;
      readonly isLearner: boolean;
      /** Alarms active on the cluster as this member reports them (NOSPACE, CORRUPT), distinct. */
      readonly alarms: readonly string[];
      readonly latencyMs: number;
    }
  | { readonly endpoint: string; readonly ok: false; readonly error: AppError; readonly latencyMs: number };

export interface CallOutcome {
  readonly ok: boolean;
  readonly error?: AppError;
}

/** One member a stream can be opened on. */
export interface StreamTarget {
  readonly endpoint: string;
  readonly rpc: Pick<EtcdRpc, 'watch' | 'leaseKeepAlive' | 'renewLogin'>;
}

/** The RPCs services call (inside `run`); each one is routed to a member by the session. */
export type SessionRpc = Pick<
  EtcdRpc,
  | 'range'
  | 'txn'
  | 'rangeRaw'
  | 'status'
  | 'memberList'
  | 'memberAdd'
  | 'memberPromote'
  | 'memberRemove'
  | 'memberUpdate'
  | 'hashKv'
  | 'leaseGrant'
  | 'leaseRevoke'
  | 'leaseTimeToLive'
  | 'leaseLeases'
  | 'compact'
  | 'alarm'
  | AuthRpc
>;

/** The RPCs of one member's own client (see `EtcdSession.onMember`). */
export type MemberRpc = Pick<EtcdRpc, 'status' | 'hashKv' | 'defragment' | 'moveLeader'>;

/** Users, roles and auth on/off (auth.ts). */
export type AuthRpc =
  | 'userList'
  | 'userGet'
  | 'userAdd'
  | 'userDelete'
  | 'userChangePassword'
  | 'userGrantRole'
  | 'userRevokeRole'
  | 'roleList'
  | 'roleGet'
  | 'roleAdd'
  | 'roleDelete'
  | 'roleGrantPermission'
  | 'roleRevokePermission'
  | 'authEnable'
  | 'authDisable'
  | 'authEnabledProbe';

type Service = 'KV' | 'Lease' | 'Maintenance' | 'Cluster' | 'Auth';

interface Failed {
  readonly member: Member;
  readonly err: unknown;
  readonly verdict: AttemptVerdict;
  readonly wasLeader: boolean;
}

/** One `run`: its kind, its absolute deadline, what its attempts did. */
interface Operation {
  readonly kind: OpKind;
  readonly started: number;
  readonly deadline: number;
  readonly failures: Failed[];
  /** A data RPC of this write may have been applied (sent and not certainly refused, or answered). */
  maybeApplied: boolean;
}

/** One RPC on one member: the deadline grpc gets, and whether the data call was handed to grpc. */
interface Attempt {
  readonly deadline: number;
  readonly requireLeader: boolean;
  sent: boolean;
}

const addr = (endpoint: string): string => endpoint.replace(/^https?:\/\//, '');

/**
 * One connection to one cluster, routed per member. Every call runs inside `run`, which gives it
 * one absolute deadline and maps failures to AppErrors; each RPC made through `rpc` is routed:
 *  - reads go to a healthy member and move on to the next one when a member times out, is
 *    unreachable, or has no leader, all within the deadline (each try gets a share of what is
 *    left, so one hung member costs a share, not the call);
 *  - writes go to the leader (found from the members' Status, forgotten when the raft term in an
 *    answer moves, when the leader's connection fails, or when etcd says it has none) and are
 *    never sent twice: a write is tried again only when it certainly did not apply (never left
 *    this machine, or refused by etcd before proposing: "no leader" under `hasleader`);
 *  - a member that timed out or refused is avoided for a while (members.ts AVOID_MS) and tried
 *    again later; the liveness probe (`probe`) clears it as soon as it answers.
 * A session with one endpoint (a single member, or a load balancer) sends everything there.
 * Each member has its own etcd3 client with no retries and no breaker: this is the only retry
 * policy of the core.
 */
export class EtcdSession {
  /** etcd's RPCs, routed to members; call them inside `run`. */
  readonly rpc: SessionRpc;
  private readonly ops = new AsyncLocalStorage<Operation>();
  private readonly attempts = new AsyncLocalStorage<Attempt>();
  private readonly members: Member[];
  private closed = false;
  private readonly listeners = new Set<(outcome: CallOutcome) => void>();
  /** The leader as last reported, with the term it was reported in. */
  private leader?: { readonly id: string; readonly term: number };
  private term = 0;
  /** Since when every answer said "no leader" (cleared by any answer that names one). */
  private noLeaderSince?: number;
  private discovering?: Promise<void>;
  private turn = 0;
  private readonly hasLeader = requireLeaderInterceptor();

  constructor(readonly config: SessionConfig) {
    this.members = config.endpoints.map((e) => new Member(e, new EtcdRpc(this.clientOptions(e))));
    this.rpc = {
      range: (req) => this.route('KV', 'read', (r) => r.range(req)),
      // Outside `run` (tests, scripts) a Txn may write, so it is routed as one.
      txn: (req) => this.route('KV', 'write', (r) => r.txn(req)),
      rangeRaw: (req) => this.route('KV', 'read', (r) => r.rangeRaw(req)),
      status: () => this.route('Maintenance', 'read', (r) => r.status()),
      memberList: () => this.route('Cluster', 'read', (r) => r.memberList()),
      // Membership changes are writes: to the leader, sent at most once.
      memberAdd: (urls, learner) => this.route('Cluster', 'write', (r) => r.memberAdd(urls, learner)),
      memberPromote: (id) => this.route('Cluster', 'write', (r) => r.memberPromote(id)),
      memberRemove: (id) => this.route('Cluster', 'write', (r) => r.memberRemove(id)),
      memberUpdate: (id, urls) => this.route('Cluster', 'write', (r) => r.memberUpdate(id, urls)),
      hashKv: (req) => this.route('Maintenance', 'read', (r) => r.hashKv(req)),
      leaseGrant: (req) => this.route('Lease', 'write', (r) => r.leaseGrant(req)),
      leaseRevoke: (req) => this.route('Lease', 'write', (r) => r.leaseRevoke(req)),
      leaseTimeToLive: (req) => this.route('Lease', 'read', (r) => r.leaseTimeToLive(req)),
      leaseLeases: () => this.route('Lease', 'read', (r) => r.leaseLeases()),
      compact: (req) => this.route('KV', 'write', (r) => r.compact(req)),
      // Alarm(get) is answered by any member; Alarm(deactivate) goes through raft: inside `run`
      // the operation's kind decides, outside it is routed as a write.
      alarm: (req) => this.route('Maintenance', 'write', (r) => r.alarm(req)),
      userList: () => this.route('Auth', 'read', (r) => r.userList()),
      userGet: (name) => this.route('Auth', 'read', (r) => r.userGet(name)),
      userAdd: (name, password) => this.route('Auth', 'write', (r) => r.userAdd(name, password)),
      userDelete: (name) => this.route('Auth', 'write', (r) => r.userDelete(name)),
      userChangePassword: (name, password) => this.route('Auth', 'write', (r) => r.userChangePassword(name, password)),
      userGrantRole: (user, role) => this.route('Auth', 'write', (r) => r.userGrantRole(user, role)),
      userRevokeRole: (name, role) => this.route('Auth', 'write', (r) => r.userRevokeRole(name, role)),
      roleList: () => this.route('Auth', 'read', (r) => r.roleList()),
      roleGet: (role) => this.route('Auth', 'read', (r) => r.roleGet(role)),
      roleAdd: (name) => this.route('Auth', 'write', (r) => r.roleAdd(name)),
      roleDelete: (role) => this.route('Auth', 'write', (r) => r.roleDelete(role)),
      roleGrantPermission: (req) => this.route('Auth', 'write', (r) => r.roleGrantPermission(req)),
      roleRevokePermission: (req) => this.route('Auth', 'write', (r) => r.roleRevokePermission(req)),
      authEnable: () => this.route('Auth', 'write', (r) => r.authEnable()),
      authDisable: () => this.route('Auth', 'write', (r) => r.authDisable()),
      authEnabledProbe: () => this.route('Auth', 'read', (r) => r.authEnabledProbe()),
    };
  }

  get endpoints(): readonly string[] {
    return this.config.endpoints;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Observe the outcome of every call (used for the connection status). */
  onOutcome(listener: (outcome: CallOutcome) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs one operation. `fn` may make one or more calls through `rpc`; all share one absolute
   * deadline. Failures are thrown as AppFailure carrying the mapped AppError.
   */
  async run<T>(kind: OpKind, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new AppFailure({ code: 'NOT_CONNECTED', message: 'Not connected to this cluster.' });
    const op = this.newOp(kind);
    try {
      // Awaited inside the scope: etcd3 builders are thenables that only start when awaited.
      const value = await this.ops.run(op, async () => await fn());
      this.notify({ ok: true });
      return value;
    } catch (err) {
      const mapped =
        err instanceof AppFailure
          ? err.error
          : toAppError(err, { kind, endpoints: this.config.endpoints, deadlineMs: this.config.deadlineMs, closed: this.closed, neverSent: !op.maybeApplied });
      // A refusal says whose permission was missing.
      const raw = err instanceof AppFailure ? err.cause : err;
      const error = isEtcdPermissionDenied(raw) && !mapped.details?.user ? namingUser(mapped, this.config.username, kind) : mapped;
      this.notify({ ok: false, error });
      // The raw error goes with it, for the log only.
      if (err instanceof AppFailure && error === err.error) throw err;
      throw new AppFailure(error, { cause: err instanceof AppFailure ? (err.cause ?? err) : err });
    }
  }

  /**
   * Status on every endpoint in parallel, each under the deadline; never throws. Used by the
   * liveness monitor (one probe in flight per profile) and the cluster view. Not reported to
   * `onOutcome` listeners: the caller decides what a probe means for the status. Every answer
   * also teaches the router (member ids, learners, leader, who is down).
   */
  async probe(): Promise<readonly MemberProbe[]> {
    const deadline = Date.now() + this.config.deadlineMs;
    return Promise.all(
      this.members.map(async (m): Promise<MemberProbe> => {
        const started = performance.now();
        const ms = () => Math.round((performance.now() - started) * 10) / 10;
        try {
          const st = await this.statusOf(m, deadline);
          return {
            endpoint: m.endpoint,
            ok: true,
            memberId: hexId(st.header.member_id),
            leaderId: hexId(st.leader),
            raftTerm: Number(st.raftTerm),
            version: st.version,
            isLearner: Boolean(st.isLearner),
            alarms: [...new Set(parseAlarms(st.errors ?? []).map((a) => a.alarm))].sort(),
            latencyMs: ms(),
          };
        } catch (err) {
          return { endpoint: m.endpoint, ok: false, error: this.memberError(m, err), latencyMs: ms() };
        }
      }),
    );
  }

  /**
   * Where to open a stream (watch, lease keep-alive), best first: healthy voters in turn, then the
   * avoided ones. Streams have no deadline: their owners detect a silent member (keepalive pings,
   * progress requests) and move to the next target themselves.
   */
  streamTargets(): readonly StreamTarget[] {
    if (this.closed) throw new AppFailure({ code: 'NOT_CONNECTED', message: 'Not connected to this cluster.' });
    // Streams open outside any call's attempt: a stream's login (the watch's, after a restart
    // made etcd forget the token) would otherwise take the deadline of the call whose async
    // context it was started in, long past (seen: "Deadline exceeded after 0.001s", for ever).
    const outside = <T>(fn: () => T): T => this.attempts.exit(fn);
    return readOrder(this.members, this.turn++).map((m) => ({
      endpoint: m.endpoint,
      rpc: {
        watch: () => outside(() => m.rpc.watch()),
        leaseKeepAlive: () => outside(() => m.rpc.leaseKeepAlive()),
        renewLogin: () => m.rpc.renewLogin(),
      },
    }));
  }

  /** Status of one of the profile's endpoints (the cluster view); AppFailure when it does not answer. */
  async memberStatus(endpoint: string): Promise<IStatusResponse> {
    const m = this.memberAt(endpoint);
    try {
      return await this.statusOf(m, Date.now() + this.config.deadlineMs);
    } catch (err) {
      throw new AppFailure(this.memberError(m, err), { cause: err });
    }
  }

  /**
   * One call on one member's own client, never routed to another member (maintenance:
   * Defragment, HashKV, MoveLeader to the leader, Status). `deadlineMs` replaces the session's
   * deadline for calls that take long by nature (Defragment of a big database). The call is
   * made once; a failure is an AppFailure naming that member. Not reported to `onOutcome`.
   */
  async onMember<T>(endpoint: string, call: (rpc: MemberRpc) => Promise<T>, deadlineMs: number = this.config.deadlineMs): Promise<T> {
    const m = this.memberAt(endpoint);
    const started = Date.now();
    const op: Operation = { kind: 'read', started, deadline: started + deadlineMs, failures: [], maybeApplied: false };
    try {
      return await this.ops.run(op, () => this.attempt(op, m, op.deadline, false, call));
    } catch (err) {
      throw new AppFailure(toAppError(err, { kind: 'read', endpoints: [m.endpoint], deadlineMs, closed: this.closed }), { cause: err });
    }
  }

  /** Where to open a snapshot stream of one member (its own client; the stream has no deadline, its owner watches it). */
  snapshotTarget(endpoint: string): Pick<EtcdRpc, 'snapshot'> {
    return this.memberAt(endpoint).rpc;
  }

  private memberAt(endpoint: string): Member {
    const m = this.members.find((x) => x.endpoint === endpoint);
    if (!m) throw new AppFailure({ code: 'INVALID_ARGUMENT', message: `${endpoint} is not an endpoint of this profile.` });
    if (this.closed) throw new AppFailure({ code: 'NOT_CONNECTED', message: 'Not connected to this cluster.' });
    return m;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const m of this.members) m.rpc.close();
  }

  private notify(outcome: CallOutcome): void {
    for (const l of this.listeners) l(outcome);
  }

  private newOp(kind: OpKind): Operation {
    const started = Date.now();
    return { kind, started, deadline: started + this.config.deadlineMs, failures: [], maybeApplied: false };
  }

  // ---------- routing ----------

  private async route<T>(service: Service, kindOutsideRun: OpKind, call: (rpc: EtcdRpc) => Promise<T>): Promise<T> {
    const op = this.ops.getStore() ?? this.newOp(kindOutsideRun);
    if (this.closed) throw new ClientClosedError(service);
    const requireLeader = service === 'KV' || service === 'Lease';
    return op.kind === 'write' ? this.routeWrite(op, requireLeader, call) : this.routeRead(op, requireLeader, call);
  }

  /**
   * Kept back from the tries of a multi-member call: after a timeout, that much of the deadline
   * asks every member for its Status, so the message can say how many answered (no quorum?).
   */
  private reserve(): number {
    return this.members.length > 1 ? Math.min(250, Math.round(this.config.deadlineMs * 0.1)) : 0;
  }

  private async routeRead<T>(op: Operation, requireLeader: boolean, call: (rpc: EtcdRpc) => Promise<T>): Promise<T> {
    const end = op.deadline - this.reserve();
    this.warmUp(op);
    for (let pass = 0; ; pass++) {
      const order = readOrder(this.members, this.turn++);
      let last: Failed | undefined;
      for (let i = 0; i < order.length; i++) {
        const now = Date.now();
        if (now >= end) throw await this.failure(op);
        // Each member gets a share of what is left; the last one gets all of it.
        const left = order.length - i;
        const budget = left > 1 ? Math.ceil((end - now) / left) : end - now;
        try {
          return await this.attempt(op, order[i], now + budget, requireLeader, call);
        } catch {
          last = op.failures.at(-1);
          if (!last?.verdict.transient) throw await this.failure(op);
        }
      }
      // Every member failed this pass. Try again only when waiting can help: an election under
      // way ("no leader" recently), or once after connection failures (grpc reconnects fast to
      // a member that just came back). Timeouts used their share of the deadline already.
      const quorum = op.failures.some((f) => f.verdict.quorum);
      if (quorum && this.noLeaderFor() < NO_LEADER_GIVE_UP_MS && Date.now() + ELECTION_POLL_MS < end) {
        await delay(ELECTION_POLL_MS);
        continue;
      }
      if (pass === 0 && last?.verdict.connection && op.failures.every((f) => !f.verdict.timedOut)) continue;
      throw await this.failure(op);
    }
  }

  private async routeWrite<T>(op: Operation, requireLeader: boolean, call: (rpc: EtcdRpc) => Promise<T>): Promise<T> {
    const end = op.deadline - this.reserve();
    let connectionRetries = 0;
    for (;;) {
      if (Date.now() >= end) throw await this.failure(op);
      const target = await this.writeTarget(end);
      if (target === 'unreachable') throw await this.failure(op);
      if (target === 'wait') {
        if (this.noLeaderFor() >= NO_LEADER_GIVE_UP_MS) throw await this.failure(op);
        await delay(Math.max(0, Math.min(ELECTION_POLL_MS, end - Date.now())));
        continue;
      }
      try {
        return await this.attempt(op, target, end, requireLeader, call);
      } catch {
        const f = op.failures.at(-1);
        // Sent and not certainly refused: never again. The message says it may have applied.
        if (!f?.verdict.notApplied || !f.verdict.transient) throw await this.failure(op);
        if (f.verdict.connection && ++connectionRetries > this.members.length) throw await this.failure(op);
        if (f.verdict.quorum) {
          // Refused before proposing ("no leader"): wait for the election, within the deadline.
          if (this.noLeaderFor() >= NO_LEADER_GIVE_UP_MS) throw await this.failure(op);
          await delay(Math.max(0, Math.min(ELECTION_POLL_MS, end - Date.now())));
        } else if (!f.verdict.connection && !f.verdict.leaderStale && !f.verdict.learner) {
          // Refused by a member that answers (overloaded, not capable yet): the next target is
          // the same member, so pause before asking it again. Without a pause a refusal that
          // comes back in a few ms (seen: etcd's "unhealthy cluster" to MemberAdd, before it was
          // judged final) was sent hundreds of times until the deadline, and the last try, left
          // with a few ms, timed out and made the write "maybe applied".
          await delay(Math.max(0, Math.min(ELECTION_POLL_MS, end - Date.now())));
        }
      }
    }
  }

  /**
   * Where a write goes: the leader when it is one of the profile's endpoints and reachable; a
   * follower (which forwards to the leader) only when the leader is none of the profile's
   * endpoints; 'wait' while the cluster has no leader or its leader is unreachable (an election
   * will name another; sending to a follower meanwhile would leave the write hanging in a
   * proposal nobody commits); 'unreachable' when no member answers at all.
   */
  private async writeTarget(end: number): Promise<Member | 'wait' | 'unreachable'> {
    if (this.members.length === 1) return this.members[0];
    const known = this.leaderMember();
    if (known?.healthy) return known;
    const asked = Date.now();
    await this.discover(end);
    const leader = this.leaderMember();
    if (leader?.healthy) return leader;
    const live = voters(this.members).filter((m) => m.lastOkAt >= asked);
    if (live.length === 0) {
      // Nobody answered: every member refused or timed out (the discovery recorded how).
      return voters(this.members).every((m) => m.down) || Date.now() >= end ? 'unreachable' : 'wait';
    }
    if (!this.leader) return 'wait';
    // The leader is reported but is none of ours (a profile that lists some members only).
    if (!leader && voters(this.members).every((m) => m.memberId !== undefined || m.down)) return live[0];
    // The others still follow a leader we cannot reach. Right after it died they say so until
    // their election timeout (1 s by default), and a write forwarded meanwhile would hang in a
    // proposal nobody commits: wait. Still so long after, the leader is alive for them and only
    // our path to it is broken: a follower forwards the write.
    if (leader?.down && Date.now() - leader.downSince > LEADER_UNREACHABLE_FORWARD_MS) return live[0];
    return 'wait';
  }

  private leaderMember(): Member | undefined {
    const id = this.leader?.id;
    return id ? this.members.find((m) => m.memberId === id && !m.isLearner) : undefined;
  }

  private noLeaderFor(): number {
    return this.noLeaderSince === undefined ? 0 : Date.now() - this.noLeaderSince;
  }

  /** Asks every member for its Status (one round at a time); settles when the leader is known or all answered. */
  private discover(until: number): Promise<void> {
    this.discovering ??= new Promise<void>((resolve) => {
      let pending = this.members.length;
      const settle = () => {
        if (--pending === 0 || this.leaderMember()?.healthy) resolve();
      };
      for (const m of this.members) this.statusOf(m, until).then(settle, settle);
    }).finally(() => {
      this.discovering = undefined;
    });
    const left = until - Date.now();
    return Promise.race([this.discovering, delay(Math.max(0, left)).then(() => undefined)]);
  }

  /** First use of a multi-member session: learn ids and the leader in the background. */
  private warmUp(op: Operation): void {
    if (this.members.length > 1 && this.members.every((m) => m.memberId === undefined) && !this.discovering) {
      void this.discover(op.deadline);
    }
  }

  private statusOf(m: Member, deadline: number): Promise<IStatusResponse> {
    const started = Date.now();
    m.statusInFlight ??= this.attempts
      .run({ deadline, requireLeader: false, sent: false }, () => withinDeadline(m.rpc.status(), deadline))
      .then(
        (st) => {
          this.learnStatus(m, st);
          return st;
        },
        (err: unknown) => {
          const v = judgeAttempt(err, true, Date.now() - started, false);
          m.failed(v.problem, v.connection, v.timedOut);
          if (this.leader && m.memberId === this.leader.id && (v.connection || v.timedOut)) this.leader = undefined;
          throw err;
        },
      )
      .finally(() => {
        m.statusInFlight = undefined;
      });
    return m.statusInFlight;
  }

  private learnStatus(m: Member, st: IStatusResponse): void {
    m.memberId = hexId(st.header.member_id);
    m.isLearner = Boolean(st.isLearner);
    m.answered();
    const term = Number(st.raftTerm);
    this.learnTerm(term);
    const leaderId = hexId(st.leader);
    if (leaderId !== '0') {
      if (!this.leader || term >= this.leader.term) this.leader = { id: leaderId, term };
      this.noLeaderSince = undefined;
    } else {
      if (this.leader && this.leader.term <= term) this.leader = undefined;
      this.noLeaderSince ??= Date.now();
    }
  }

  /** A newer raft term means an election happened: whoever we thought led may not any more. */
  private learnTerm(term: number): void {
    if (!(term > this.term)) return;
    this.term = term;
    if (this.leader && this.leader.term < term) this.leader = undefined;
  }

  private async attempt<T>(op: Operation, m: Member, deadline: number, requireLeader: boolean, call: (rpc: EtcdRpc) => Promise<T>): Promise<T> {
    const a: Attempt = { deadline, requireLeader, sent: false };
    const started = Date.now();
    const wasLeader = this.members.length > 1 && this.leaderMember() === m;
    try {
      const res = await withinDeadline(this.attempts.run(a, () => call(m.rpc)), deadline);
      m.answered();
      if (requireLeader) this.noLeaderSince = undefined;
      this.learnTerm(termOf(res));
      if (op.kind === 'write') op.maybeApplied = true;
      return res;
    } catch (err) {
      const verdict = judgeAttempt(err, a.sent, Date.now() - started, requireLeader, wasLeader);
      op.failures.push({ member: m, err, verdict, wasLeader });
      if (op.kind === 'write' && !verdict.notApplied) op.maybeApplied = true;
      if (verdict.learner) m.isLearner = true;
      else if (verdict.transient) m.failed(verdict.problem, verdict.connection, verdict.timedOut);
      if (verdict.leaderStale) {
        this.leader = undefined;
        if (verdict.problem === 'has no leader') this.noLeaderSince ??= Date.now();
      }
      if (this.leader && m.memberId === this.leader.id && (verdict.connection || verdict.timedOut)) this.leader = undefined;
      throw err;
    }
  }

  // ---------- failures in words ----------

  /** The error of an operation that ends here, from everything its attempts saw. */
  private async failure(op: Operation): Promise<AppFailure> {
    const last = op.failures.at(-1);
    const single = this.members.length === 1;
    const base = (err: unknown, endpoints: readonly string[]): AppError =>
      toAppError(err, { kind: op.kind, endpoints, deadlineMs: this.config.deadlineMs, closed: this.closed, neverSent: !op.maybeApplied });
    if (this.closed || (last && !last.verdict.transient)) {
      return new AppFailure(base(last?.err ?? new ClientClosedError('KV'), last ? [last.member.endpoint] : this.config.endpoints), { cause: last?.err });
    }
    if (single && last) {
      return new AppFailure(base(last.err, this.config.endpoints), { cause: last.err });
    }
    // Several members: count who answers, with what is left of the deadline.
    const { answering, total, leaderSeen } = await this.census(op);
    const majority = Math.floor(total / 2) + 1;
    // Nobody answering at all is an unreachable cluster, not a lost quorum.
    const quorumLost = answering > 0 && (op.failures.some((f) => f.verdict.quorum) || answering < majority);
    const tried = summary(op.failures) || this.silentMembers();
    const used = Date.now() - op.started;
    const endpoint = [...new Set(op.failures.map((f) => f.member.endpoint))].join(',') || this.config.endpoints.join(',');
    const mk = (code: ErrorCode, message: string): AppFailure => new AppFailure({ code, message, details: { endpoint } }, { cause: last?.err });
    const members = `${answering} of ${total} member${total === 1 ? '' : 's'} answered`;
    if (op.kind === 'write' && op.maybeApplied) {
      const why = last ? `${last.wasLeader ? 'the leader ' : ''}${addr(last.member.endpoint)} ${last.verdict.problem}` : 'no answer';
      const quorum = quorumLost ? `; the cluster may have lost quorum: ${members}` : '';
      return mk('OUTCOME_UNKNOWN', `The write may or may not have been applied (${why}${quorum}). Re-read the key before trying again.`);
    }
    const nothing = op.kind === 'write' ? ' Nothing was written.' : '';
    const timing = `${used} of ${this.config.deadlineMs} ms used`;
    if (quorumLost) {
      const leader = leaderSeen ? '' : ' and none has a leader';
      return mk('NO_QUORUM', `The cluster has no quorum: ${members}${leader}.${nothing} (${tried || 'no member could be asked'}; ${timing}.)`);
    }
    if (op.failures.some((f) => f.verdict.timedOut)) {
      return mk('TIMEOUT', `No member answered within the ${this.config.deadlineMs} ms deadline: ${tried}.${nothing}`);
    }
    if (!last && answering > 0) {
      const lm = this.leaderMember();
      const who = lm ? `The leader ${addr(lm.endpoint)} ${lm.lastProblem ?? 'could not be reached'}` : "The cluster's leader could not be reached";
      return mk('UNAVAILABLE', `${who} and no other was elected within the ${this.config.deadlineMs} ms deadline (${timing}).${nothing}`);
    }
    return mk('UNAVAILABLE', `Cluster unreachable: ${tried}. Check that etcd runs there and that the endpoints are right.${nothing}`);
  }

  /** Members that do not answer, with what went wrong last: "127.0.0.1:2379 refused the connection". */
  private silentMembers(): string {
    return this.members
      .filter((m) => !m.answering && m.lastProblem)
      .map((m) => `${addr(m.endpoint)} ${m.lastProblem}`)
      .join(', ');
  }

  /** How many members answer a Status now (asked with the deadline's reserve), and whether one names a leader. */
  private async census(op: Operation): Promise<{ answering: number; total: number; leaderSeen: boolean }> {
    const vs = voters(this.members);
    const left = op.deadline - Date.now();
    if (left > 20) {
      await Promise.race([Promise.allSettled(vs.map((m) => this.statusOf(m, op.deadline))), delay(left)]);
    }
    return { answering: vs.filter((m) => m.answering).length, total: vs.length, leaderSeen: this.leader !== undefined };
  }

  private memberError(m: Member, err: unknown): AppError {
    if (err instanceof AppFailure) return err.error;
    return toAppError(err, { kind: 'read', endpoints: [m.endpoint], deadlineMs: this.config.deadlineMs, closed: this.closed });
  }

  // ---------- etcd3 options of one member ----------

  private clientOptions(endpoint: string): IOptions {
    const { username, password, tls } = this.config;
    const options: IOptions = {
      hosts: [endpoint],
      grpcOptions: {
        'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
        // Reconnect quickly after a member comes back instead of grpc's default 1-120 s backoff:
        // the session must work again within a second of quorum coming back.
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 500,
      },
      // etcd3 ignores dialTimeout; a deadline on every unary call is what stops a hang. It is the
      // current attempt's (a share of the operation's deadline when other members can be tried).
      defaultCallOptions: (ctx) => {
        if (ctx.isStream) return {};
        const a = this.attempts.getStore();
        if (!a) return { deadline: Date.now() + this.config.deadlineMs };
        // The login is not the call; the Auth service's own calls (users, roles) are.
        if (ctx.service !== 'Auth' || ctx.method !== 'authenticate') a.sent = true;
        return a.requireLeader && (ctx.service === 'KV' || ctx.service === 'Lease') ? { deadline: a.deadline, interceptors: [this.hasLeader] } : { deadline: a.deadline };
      },
      // No retries and no breaker inside etcd3: the session routes and retries (see the class).
      faultHandling: { host: () => noop, global: noop },
    };
    if (username) options.auth = { username, password: password ?? '' };
    if (tls && (tls.ca || tls.cert || tls.key)) {
      // grpc's createSsl takes null to mean "the system's roots"; etcd3's type says Buffer.
      options.credentials = { rootCertificate: tls.ca ?? (null as unknown as Buffer), privateKey: tls.key, certChain: tls.cert };
      if (tls.serverName) {
        // Verify the certificate against this name instead of the endpoint's host (a cluster
        // reached by IP whose certificates carry only DNS names). Verification stays on.
        options.grpcOptions = { ...options.grpcOptions, 'grpc.ssl_target_name_override': tls.serverName, 'grpc.default_authority': tls.serverName };
      }
    }
    return options;
  }
}

/** Slack after an attempt's deadline before our own timer gives up (grpc's deadline normally fires first, with its own words). */
const DEADLINE_SLACK_MS = 50;

/**
 * Bounds an attempt by its deadline even where grpc's deadline does not reach: etcd3 shares one
 * login per member between calls, so a call can wait on a login started, with a longer deadline,
 * by another call (seen here: a read given 1.4 s on a hung member waited 3 s for the discovery's
 * login). The abandoned promise settles later on its own deadline; its outcome is dropped.
 */
function withinDeadline<T>(p: Promise<T>, deadline: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new GRPCDeadlineExceededError(`Deadline exceeded waiting for the member (no answer in time)`)),
      Math.max(0, deadline - Date.now()) + DEADLINE_SLACK_MS,
    );
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** header.raft_term of an answer (etcd3's responses, or our decoder's page). */
function termOf(res: unknown): number {
  const r = res as { header?: { raft_term?: string | number }; raftTerm?: number } | undefined;
  return Number(r?.header?.raft_term ?? r?.raftTerm ?? 0);
}

/** "127.0.0.1:2379 did not answer within 667 ms, 127.0.0.1:22379 refused the connection" (last word per member). */
function summary(failures: readonly Failed[]): string {
  const byMember = new Map<string, string>();
  for (const f of failures) byMember.set(addr(f.member.endpoint), f.verdict.problem);
  return [...byMember].map(([a, p]) => `${a} ${p}`).join(', ');
}
