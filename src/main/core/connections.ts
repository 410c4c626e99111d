import type { AppError, ErrorCode } from '../../shared/result';
import type { ConnectionStatus, TestConnectionResult } from '../../shared/types';
import { ClusterService } from './etcd/cluster';
import { AppFailure, failure } from './etcd/errors';
import { KvService } from './etcd/kv';
import { EtcdSession } from './etcd/session';
import { readTlsFiles } from './etcd/tls-files';
import type { MemberProbe } from './etcd/session';
import { assessProbes, DEFAULT_LIVENESS, LivenessMonitor, type LivenessSettings, type Timers, type Verdict } from './liveness';
import type { ProfileStore, ResolvedProfile } from './profiles/store';
import { ConnectionTasks, type TaskEvents } from './tasks/connection-tasks';

/** Codes that mean "we could not talk to the cluster", as opposed to "it answered no". */
const UNREACHABLE: ReadonlySet<ErrorCode> = new Set(['UNAVAILABLE', 'TIMEOUT', 'NO_QUORUM']);

/** Outcomes after which the session cannot do anything useful until something changes. */
const DOWN: ReadonlySet<ErrorCode> = new Set(['UNAVAILABLE', 'TIMEOUT', 'NO_QUORUM', 'TLS', 'AUTH_FAILED']);

export interface Connection {
  readonly session: EtcdSession;
  readonly kv: KvService;
  readonly cluster: ClusterService;
  /** Its jobs and subscriptions: they end when the connection ends. */
  readonly tasks: ConnectionTasks;
  /** The cluster's id in hex (etcd's header.cluster_id), once the connection has reached it. */
  readonly clusterId?: string;
}

export interface ConnectionEvents extends TaskEvents {
  status(status: ConnectionStatus): void;
}

interface Entry extends Connection {
  status: ConnectionStatus;
  clusterId?: string;
  readonly stop: () => void;
  /** Background probes (absent when liveness is off); started once the first connect settles. */
  readonly monitor?: LivenessMonitor<ProbeRound>;
  /** Bumped by every call outcome: tells a probe whether a call finished while it ran. */
  outcomes: number;
}

/** One probe's answers, with the call-outcome count when it started. */
interface ProbeRound {
  readonly probes: readonly MemberProbe[];
  readonly outcomesAtStart: number;
}

export interface ConnectionsOptions {
  /** Background liveness probes; on with the product intervals unless `false`. */
  readonly liveness?: Partial<LivenessSettings> | false;
  /** Whether the window is visible at first (it decides the probes' rate); default true. */
  readonly visible?: boolean;
  /** For tests: the monitors' timers and clock, and how a session is opened. */
  readonly timers?: Timers;
  readonly now?: () => number;
  readonly openSession?: (profile: ResolvedProfile) => Promise<EtcdSession>;
}

/**
 * One session per connected profile. The status follows the cluster, from two sources:
 *
 *  - every call's outcome (the user's own actions): a call that could not reach the cluster
 *    turns the status unreachable at once, a call that succeeded turns it connected;
 *  - the liveness probe (liveness.ts): a Status call to each endpoint, every second while the
 *    window is visible and every 10 s while hidden, from the moment the first connect settles
 *    (connected, or unreachable with the session kept) until the connection is dropped. So a
 *    cluster that dies while the app sits idle is shown unreachable within interval + deadline,
 *    and one that comes back is shown connected again, without the user doing anything.
 *
 * How the two interact (the newer evidence wins, no flip-flop):
 *  - the probe alone says how many members answer (`members`); call outcomes keep it as it is;
 *  - a probe's verdict is dropped when a call finished while the probe ran and the two disagree
 *    on the state: the call is the newer word (a read that failed over to a healthy member and
 *    succeeded means connected, whatever a probe started before it found). The next probe, a
 *    second later, decides again. When they agree the probe's details (members, code) are kept;
 *  - while a connect is running (`connecting`) probe verdicts are ignored: the connect decides.
 *  - a status event goes out only when something visible changed (state, error code, members,
 *    version): a steady cluster probed every second sends no events.
 */
export class Connections {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<ConnectionStatus>>();
  /** Bumped by every drop: a connect that started before it must not resurrect the session. */
  private readonly generations = new Map<string, number>();
  private readonly liveness: LivenessSettings | false;
  private visible: boolean;

  constructor(
    private readonly profiles: ProfileStore,
    private readonly events: ConnectionEvents,
    private readonly options: ConnectionsOptions = {},
  ) {
    this.liveness = options.liveness === false ? false : { ...DEFAULT_LIVENESS, ...options.liveness };
    this.visible = options.visible ?? true;
  }

  /** The window was shown or hidden: the probes switch to their visible or hidden rate. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    for (const entry of this.entries.values()) entry.monitor?.setVisible(visible);
  }

  status(profileId: string): ConnectionStatus {
    return this.entries.get(profileId)?.status ?? { profileId, state: 'disconnected', at: Date.now() };
  }

  /** The live connection of a profile, or NOT_CONNECTED. */
  get(profileId: string): Connection {
    const entry = this.entries.get(profileId);
    if (!entry) throw failure('NOT_CONNECTED', 'This profile is not connected. Connect it first.');
    return entry;
  }

  connect(profileId: string): Promise<ConnectionStatus> {
    const inFlight = this.pending.get(profileId);
    if (inFlight) return inFlight;
    const p = this.doConnect(profileId).finally(() => {
      if (this.pending.get(profileId) === p) this.pending.delete(profileId);
    });
    this.pending.set(profileId, p);
    return p;
  }

  private async doConnect(profileId: string): Promise<ConnectionStatus> {
    const generation = this.generations.get(profileId) ?? 0;
    const cancelled = () => failure('NOT_CONNECTED', 'The connection was closed while connecting.');
    let entry = this.entries.get(profileId);
    if (entry?.status.state === 'connected') return entry.status;
    if (!entry) {
      const profile = await this.profiles.resolve(profileId);
      const session = await (this.options.openSession ?? openSession)(profile);
      if ((this.generations.get(profileId) ?? 0) !== generation) {
        session.close();
        throw cancelled();
      }
      entry = this.track(profileId, session);
    }
    const current = entry;
    this.setStatus(current, { state: 'connecting' });
    try {
      const { version, clusterId } = await ping(current.session);
      if (this.entries.get(profileId) !== current) throw cancelled();
      if (clusterId) current.clusterId = clusterId;
      const status = this.setStatus(current, { state: 'connected', version });
      current.monitor?.start();
      return status;
    } catch (err) {
      // Disconnected (or removed, or re-saved) meanwhile: that session is gone, say nothing more.
      if (this.entries.get(profileId) !== current) throw err instanceof AppFailure && err.error.code === 'NOT_CONNECTED' ? err : cancelled();
      const error = err instanceof AppFailure ? err.error : undefined;
      if (error && UNREACHABLE.has(error.code)) {
        // Keep the session: it reconnects by itself when the cluster answers again (the probes
        // notice it without any call).
        this.setStatus(current, { state: 'unreachable', error });
        current.monitor?.start();
      } else {
        // Wrong password, TLS, permissions: retrying by itself will not help; drop the session.
        void this.drop(profileId, error);
      }
      throw err;
    }
  }

  async disconnect(profileId: string): Promise<ConnectionStatus> {
    // Not awaiting the release: a dead cluster must not hold the user's disconnect.
    void this.drop(profileId);
    return this.status(profileId);
  }

  /** Ends the connection now; the promise settles when its subscriptions are released. */
  private drop(profileId: string, error?: AppError): Promise<void> {
    this.generations.set(profileId, (this.generations.get(profileId) ?? 0) + 1);
    this.pending.delete(profileId);
    const entry = this.entries.get(profileId);
    if (!entry) return Promise.resolve();
    this.entries.delete(profileId);
    entry.stop();
    entry.monitor?.stop();
    const ended = entry.tasks.endAll(error ?? { code: 'NOT_CONNECTED', message: 'The connection was closed.' });
    entry.session.close();
    const status: ConnectionStatus = { profileId, state: 'disconnected', at: Date.now(), ...(error ? { error } : {}) };
    this.events.status(status);
    return ended;
  }

  /** Closes the subscriptions of every connection, keeping the connections (see AppHandlers.pageLoading). */
  async closeSubscriptions(reason: AppError): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.tasks.closeSubscriptions(reason)));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.drop(id)));
  }

  private track(profileId: string, session: EtcdSession): Entry {
    const liveness = this.liveness;
    const monitor = liveness
      ? new LivenessMonitor<ProbeRound>({
          ...liveness,
          visible: this.visible,
          ...(this.options.timers ? { timers: this.options.timers } : {}),
          ...(this.options.now ? { now: this.options.now } : {}),
          probe: async () => {
            const outcomesAtStart = entry.outcomes;
            return { probes: await session.probe(), outcomesAtStart };
          },
          onResult: (round) => this.applyProbe(profileId, entry, round),
        })
      : undefined;
    const entry: Entry = {
      session,
      outcomes: 0,
      ...(monitor ? { monitor } : {}),
      kv: new KvService(session),
      cluster: new ClusterService(session),
      tasks: new ConnectionTasks(profileId, this.events),
      status: { profileId, state: 'connecting', at: Date.now() },
      stop: session.onOutcome((outcome) => {
        if (this.entries.get(profileId) !== entry) return;
        entry.outcomes++;
        if (entry.status.state === 'connecting') return;
        const code = outcome.error?.code;
        if (code === 'OUTCOME_UNKNOWN') return;
        if (code && DOWN.has(code)) {
          if (entry.status.state !== 'unreachable' || entry.status.error?.code !== code) {
            this.setStatus(entry, { state: 'unreachable', error: outcome.error });
          }
        } else if (entry.status.state !== 'connected') {
          this.setStatus(entry, { state: 'connected' });
        }
      }),
    };
    this.entries.set(profileId, entry);
    return entry;
  }

  /** One probe's verdict (see the class comment for how it meets call outcomes). */
  private applyProbe(profileId: string, entry: Entry, round: ProbeRound): void {
    if (this.entries.get(profileId) !== entry || entry.session.isClosed) return;
    const prev = entry.status;
    if (prev.state === 'connecting' || prev.state === 'disconnected') return;
    const verdict: Verdict = assessProbes(round.probes, entry.session.config.deadlineMs);
    const callsMeanwhile = entry.outcomes !== round.outcomesAtStart;
    if (callsMeanwhile && verdict.state !== prev.state) return;
    const error = verdict.state === 'unreachable' ? verdict.error : undefined;
    const m = prev.members;
    const same =
      verdict.state === prev.state &&
      error?.code === prev.error?.code &&
      m?.answering === verdict.members.answering &&
      m?.total === verdict.members.total &&
      m?.hasLeader === verdict.members.hasLeader &&
      (m?.alarms ?? []).join() === (verdict.members.alarms ?? []).join() &&
      (verdict.version === undefined || verdict.version === prev.version);
    if (same) return;
    this.setStatus(entry, { state: verdict.state, members: verdict.members, ...(error ? { error } : {}), ...(verdict.version ? { version: verdict.version } : {}) });
  }

  private setStatus(entry: Entry, next: Pick<ConnectionStatus, 'state'> & Partial<ConnectionStatus>): ConnectionStatus {
    const prev = entry.status;
    const version = next.version ?? prev.version;
    // Only a probe knows how many members answer: other updates keep its last count.
    const members = next.members ?? prev.members;
    const status: ConnectionStatus = {
      profileId: prev.profileId,
      state: next.state,
      endpoint: entry.session.endpoints.join(','),
      at: Date.now(),
      ...(version ? { version } : {}),
      ...(next.error ? { error: next.error } : {}),
      ...(members ? { members } : {}),
    };
    entry.status = status;
    this.events.status(status);
    return status;
  }
}

export async function openSession(profile: ResolvedProfile): Promise<EtcdSession> {
  const tls = await readTlsFiles(profile.tls);
  return new EtcdSession({
    endpoints: profile.endpoints,
    username: profile.username,
    password: profile.password,
    tls,
    deadlineMs: profile.deadlineMs,
  });
}

/** A cheap call that proves the cluster answers and the credentials work. */
async function ping(session: EtcdSession): Promise<{ version: string; clusterId?: string }> {
  // maintenance.status needs no key permissions but does authenticate first.
  const st = await session.run('read', () => session.rpc.status());
  const id = st.header?.cluster_id;
  return { version: st.version, ...(id !== undefined && /^[0-9]+$/.test(String(id)) ? { clusterId: BigInt(String(id)).toString(16) } : {}) };
}

/** Try a profile without saving it or keeping a session. */
export async function testProfile(profile: ResolvedProfile): Promise<TestConnectionResult> {
  const session = await openSession(profile);
  try {
    const started = performance.now();
    const st = await session.run('read', () => session.rpc.status());
    return {
      endpoint: profile.endpoints.length === 1 ? profile.endpoints[0] : profile.endpoints.join(','),
      version: st.version,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
      clusterId: BigInt(st.header.cluster_id).toString(16),
    };
  } finally {
    session.close();
  }
}

