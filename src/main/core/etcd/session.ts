import { AsyncLocalStorage } from 'node:async_hooks';
import { circuitBreaker, ConsecutiveBreaker, ConstantBackoff, handleWhen, type IPolicy, noop, retry } from 'cockatiel';
import { GRPCUnavailableError, type IOptions } from 'etcd3';
import type { AppError } from '../../../shared/result';
import { AppFailure, certainlyNotSent, isTlsFailure, toAppError, type OpKind } from './errors';
import { EtcdRpc } from './rpc';

export interface SessionConfig {
  readonly endpoints: readonly string[];
  readonly username?: string;
  readonly password?: string;
  readonly tls?: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer; readonly serverName?: string };
  /** Deadline of every call in ms, covering auth and retries. */
  readonly deadlineMs: number;
  /** etcd's --max-request-bytes; a put larger than this is refused before any RPC. */
  readonly maxRequestBytes?: number;
}

export const DEFAULT_MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;
/** grpc's default 4 MiB receive cap breaks big pages; pages are bounded anyway. */
const MAX_RECEIVE_BYTES = 256 * 1024 * 1024;

interface CallScope {
  readonly kind: OpKind;
  /** Absolute deadline shared by every attempt of one operation (and its auth call). */
  readonly deadline: number;
  readRetried: boolean;
  /** Whether a non-auth RPC of this operation was handed to grpc (auth calls never change data). */
  sent: boolean;
}

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
      readonly latencyMs: number;
    }
  | { readonly endpoint: string; readonly ok: false; readonly error: AppError; readonly latencyMs: number };

export interface CallOutcome {
  readonly ok: boolean;
  readonly error?: AppError;
}

/**
 * One connection to one cluster. Every call runs inside `run`, which gives it a deadline,
 * a retry policy that is safe for its kind (read or write), and maps failures to AppErrors.
 *
 * That policy is the only retry policy of the core: it is installed into etcd3
 * (`faultHandling.global`) and so wraps every RPC sent through `rpc`, whichever service asks
 * (list, scan, count, get, put, delete, bulk, cluster status). No caller retries on its own.
 */
export class EtcdSession {
  /** etcd's RPCs (the adapter over etcd3's public clients); call them inside `run`. */
  readonly rpc: EtcdRpc;
  private readonly scope = new AsyncLocalStorage<CallScope>();
  private closed = false;
  private readonly listeners = new Set<(outcome: CallOutcome) => void>();
  private readonly hostPolicies = new Map<string, IPolicy>();
  private readonly probes = new Map<string, EtcdSession>();

  constructor(readonly config: SessionConfig) {
    this.rpc = new EtcdRpc(this.clientOptions());
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
   * Runs one operation. `fn` may make one or more etcd3 calls; each gets the same absolute
   * deadline. Failures are thrown as AppFailure carrying the mapped AppError.
   */
  async run<T>(kind: OpKind, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new AppFailure({ code: 'NOT_CONNECTED', message: 'Not connected to this cluster.' });
    const scope: CallScope = { kind, deadline: Date.now() + this.config.deadlineMs, readRetried: false, sent: false };
    try {
      // Awaited inside the scope: etcd3 builders are thenables that only start when awaited.
      const value = await this.scope.run(scope, async () => await fn());
      this.notify({ ok: true });
      return value;
    } catch (err) {
      const error = toAppError(err, {
        kind,
        endpoints: this.config.endpoints,
        deadlineMs: this.config.deadlineMs,
        closed: this.closed,
        neverSent: !scope.sent,
      });
      this.notify({ ok: false, error });
      // The raw error goes with it, for the log only.
      throw err instanceof AppFailure ? err : new AppFailure(error, { cause: err });
    }
  }

  /**
   * Status on every endpoint in parallel, each under the deadline; never throws. Used by the
   * liveness monitor (one probe in flight per profile) and the cluster view. Not reported to
   * `onOutcome` listeners: the caller decides what a probe means for the status.
   */
  async probe(): Promise<readonly MemberProbe[]> {
    return Promise.all(
      this.config.endpoints.map(async (endpoint): Promise<MemberProbe> => {
        const started = performance.now();
        const ms = () => Math.round((performance.now() - started) * 10) / 10;
        let s = this.probes.get(endpoint);
        if (!s) {
          s = new EtcdSession({ ...this.config, endpoints: [endpoint] });
          this.probes.set(endpoint, s);
        }
        const one = s;
        try {
          const st = await one.run('read', () => one.rpc.status());
          return {
            endpoint,
            ok: true,
            memberId: BigInt(st.header.member_id).toString(16),
            leaderId: BigInt(st.leader).toString(16),
            raftTerm: Number(st.raftTerm),
            version: st.version,
            isLearner: Boolean(st.isLearner),
            latencyMs: ms(),
          };
        } catch (err) {
          const error = err instanceof AppFailure ? err.error : toAppError(err, { kind: 'read', endpoints: [endpoint], deadlineMs: this.config.deadlineMs });
          return { endpoint, ok: false, error, latencyMs: ms() };
        }
      }),
    );
  }

  close(): void {
    for (const s of this.probes.values()) s.close();
    if (this.closed) return;
    this.closed = true;
    this.rpc.close();
  }

  private notify(outcome: CallOutcome): void {
    for (const l of this.listeners) l(outcome);
  }

  private clientOptions(): IOptions {
    const { endpoints, username, password, tls } = this.config;
    const options: IOptions = {
      hosts: [...endpoints],
      grpcOptions: {
        'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
        // Reconnect quickly after a member comes back instead of grpc's default 1-120 s backoff.
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 2000,
      },
      // etcd3 ignores dialTimeout; a deadline on every unary call is what stops a hang.
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: this.attemptDeadline(ctx.service) }),
      faultHandling: {
        // etcd3's default breaker opens on any "recoverable" error, including a slow answer from a
        // live leader. Ours opens only on a member we could not reach at all (refused, or hung
        // before the request was sent), and etcd3 then skips that member until it half-opens.
        // With a single endpoint there is nothing to skip to: no breaker.
        // One breaker per member, shared by etcd3's clients and the adapter's own (rpc.ts
        // rangeRaw): a member found hung by one is skipped by both.
        host: (host) => this.hostPolicy(host),
        // etcd3 runs this around host selection, so each retry goes to the next host. cockatiel's
        // maxAttempts counts retries: one call is tried at most endpoints + 1 times (so a read
        // can be retried once after Unavailable even with a single endpoint).
        global: retry(
          handleWhen((err) => this.shouldRetry(err)),
          { maxAttempts: Math.max(1, endpoints.length), backoff: new ConstantBackoff(20) },
        ),
      },
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

  /** The breaker of one member (none with a single endpoint), made once per host. */
  private hostPolicy(host: string): IPolicy {
    let p = this.hostPolicies.get(host);
    if (!p) {
      p =
        this.config.endpoints.length > 1
          ? circuitBreaker(handleWhen(certainlyNotSent), { halfOpenAfter: 2000, breaker: new ConsecutiveBreaker(1) })
          : noop;
      this.hostPolicies.set(host, p);
    }
    return p;
  }

  /**
   * Evaluated per attempt. The operation's absolute deadline bounds auth and every retry. With
   * several endpoints each attempt gets a share, so one hung member (TCP accepted, never
   * answering) costs a share and the call moves on, instead of eating the whole budget.
   */
  private attemptDeadline(service: string): number {
    const scope = this.scope.getStore();
    const now = Date.now();
    if (!scope) return now + this.config.deadlineMs;
    if (service !== 'Auth') scope.sent = true;
    const hosts = this.config.endpoints.length;
    // hosts + 1 shares: etcd3 logs in host by host outside the breaker, so a hung member can cost
    // one share for the login and one for the call before the breaker skips it.
    return hosts > 1 ? Math.min(scope.deadline, now + Math.ceil(this.config.deadlineMs / (hosts + 1))) : scope.deadline;
  }

  /**
   * At-most-once for writes: a write is retried (on another endpoint) only when it certainly
   * never left this machine. A read may additionally retry once after Unavailable.
   */
  private shouldRetry(err: Error): boolean {
    const scope = this.scope.getStore();
    if (!scope || this.closed || Date.now() >= scope.deadline) return false;
    if (isTlsFailure(err, this.config.endpoints)) return false;
    if (certainlyNotSent(err)) return true;
    if (scope.kind === 'read' && err instanceof GRPCUnavailableError && !scope.readRetried) {
      scope.readRetried = true;
      return true;
    }
    return false;
  }
}

