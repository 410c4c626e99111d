import type { AppError, ErrorCode } from '../../shared/result';
import type { ConnectionStatus, TestConnectionResult } from '../../shared/types';
import { ClusterService } from './etcd/cluster';
import { AppFailure, failure } from './etcd/errors';
import { KvService } from './etcd/kv';
import { EtcdSession } from './etcd/session';
import { readTlsFiles } from './etcd/tls-files';
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
}

export interface ConnectionEvents extends TaskEvents {
  status(status: ConnectionStatus): void;
}

interface Entry extends Connection {
  status: ConnectionStatus;
  readonly stop: () => void;
}

/**
 * One session per connected profile. The status follows every call's outcome, so a cluster
 * that comes back is shown as connected again without the user reconnecting.
 */
export class Connections {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<ConnectionStatus>>();
  /** Bumped by every drop: a connect that started before it must not resurrect the session. */
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly profiles: ProfileStore,
    private readonly events: ConnectionEvents,
  ) {}

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
      const session = await openSession(profile);
      if ((this.generations.get(profileId) ?? 0) !== generation) {
        session.close();
        throw cancelled();
      }
      entry = this.track(profileId, session);
    }
    const current = entry;
    this.setStatus(current, { state: 'connecting' });
    try {
      const version = await ping(current.session);
      if (this.entries.get(profileId) !== current) throw cancelled();
      return this.setStatus(current, { state: 'connected', version });
    } catch (err) {
      // Disconnected (or removed, or re-saved) meanwhile: that session is gone, say nothing more.
      if (this.entries.get(profileId) !== current) throw err instanceof AppFailure && err.error.code === 'NOT_CONNECTED' ? err : cancelled();
      const error = err instanceof AppFailure ? err.error : undefined;
      if (error && UNREACHABLE.has(error.code)) {
        // Keep the session: it reconnects by itself when the cluster answers again.
        this.setStatus(current, { state: 'unreachable', error });
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
    const ended = entry.tasks.endAll(error ?? { code: 'NOT_CONNECTED', message: 'The connection was closed.' });
    entry.cluster.close();
    entry.session.close();
    const status: ConnectionStatus = { profileId, state: 'disconnected', at: Date.now(), ...(error ? { error } : {}) };
    this.events.status(status);
    return ended;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.drop(id)));
  }

  private track(profileId: string, session: EtcdSession): Entry {
    const entry: Entry = {
      session,
      kv: new KvService(session),
      cluster: new ClusterService(session),
      tasks: new ConnectionTasks(profileId, this.events),
      status: { profileId, state: 'connecting', at: Date.now() },
      stop: session.onOutcome((outcome) => {
        if (this.entries.get(profileId) !== entry || entry.status.state === 'connecting') return;
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

  private setStatus(entry: Entry, next: Pick<ConnectionStatus, 'state'> & Partial<ConnectionStatus>): ConnectionStatus {
    const prev = entry.status;
    const version = next.version ?? prev.version;
    const status: ConnectionStatus = {
      profileId: prev.profileId,
      state: next.state,
      endpoint: entry.session.endpoints.join(','),
      at: Date.now(),
      ...(version ? { version } : {}),
      ...(next.error ? { error: next.error } : {}),
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
async function ping(session: EtcdSession): Promise<string> {
  // maintenance.status needs no key permissions but does authenticate first.
  const st = await session.run('read', () => session.rpc.status());
  return st.version;
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

