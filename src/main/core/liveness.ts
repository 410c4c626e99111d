/**
 * Liveness: while a profile has a session, a light probe (a Status call to each endpoint,
 * `EtcdSession.probe()`) runs on a timer, so the status follows the cluster and not only the
 * user's calls. Two parts, both free of Electron and of real timers in tests:
 *
 *  - `LivenessMonitor` runs the probe: at most one in flight (a probe that hangs delays the next,
 *    probes never overlap or queue up), the next one `interval` ms after the previous one ended,
 *    a short interval while the window is visible and a long one while it is hidden.
 *  - `assessProbes` turns one probe's answers into what the status bar shows: connected (with how
 *    many members answered), or unreachable with an error that names the members.
 *
 * Detection delay while visible: at most `visibleIntervalMs` + the profile's deadline (the probe
 * of a hung member ends at the deadline), i.e. 1 s + deadline, inside "deadline + 2 s".
 */
import type { AppError, ErrorCode } from '../../shared/result';
import type { MembersHealth } from '../../shared/types';
import type { MemberProbe } from './etcd/session';

/** Between the end of one probe and the start of the next while the window is visible. */
export const VISIBLE_INTERVAL_MS = 1000;
/** The same while the window is hidden or minimized (still running: notifications come from it). */
export const HIDDEN_INTERVAL_MS = 10_000;

export interface LivenessSettings {
  readonly visibleIntervalMs: number;
  readonly hiddenIntervalMs: number;
}

export const DEFAULT_LIVENESS: LivenessSettings = { visibleIntervalMs: VISIBLE_INTERVAL_MS, hiddenIntervalMs: HIDDEN_INTERVAL_MS };

/** The timer functions the monitor uses (the globals unless a test injects fakes). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface MonitorOptions<T> extends LivenessSettings {
  /** One probe; should not throw (a throw is treated as "no result" and the schedule goes on). */
  readonly probe: () => Promise<T>;
  /** Called with each probe's result, unless the monitor was stopped while it ran. */
  readonly onResult: (result: T) => void;
  /** Whether the window is visible when the monitor starts; default true. */
  readonly visible?: boolean;
  readonly timers?: Timers;
  /** A monotonic clock in ms (performance.now unless a test injects one). */
  readonly now?: () => number;
}

/**
 * Runs `probe` on a timer until stopped. Never more than one probe in flight; the next probe is
 * scheduled only when the previous one has ended, `interval` ms after that end. Switching to
 * visible re-plans the pending probe with the short interval (so a window brought back shows a
 * fresh status within a second, not after the rest of the hidden interval).
 */
export class LivenessMonitor<T> {
  private timer: unknown = undefined;
  private running = false;
  private probing = false;
  private visible: boolean;
  /** When the last probe ended (-Infinity before the first: the first probe runs at once). */
  private lastEnd = -Infinity;
  private readonly timers: Timers;
  private readonly now: () => number;

  constructor(private readonly opts: MonitorOptions<T>) {
    this.visible = opts.visible ?? true;
    this.timers = opts.timers ?? realTimers;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Whether a probe is running now. */
  get inFlight(): boolean {
    return this.probing;
  }

  get started(): boolean {
    return this.running;
  }

  /** Starts probing (the first probe at once); a no-op when already started. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Stops for good: the pending timer is cleared, a probe in flight is ignored when it ends. */
  stop(): void {
    this.running = false;
    this.clearTimer();
  }

  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    // Re-plan a pending probe with the new interval (counted from the last probe's end).
    if (this.running && !this.probing) this.schedule();
  }

  private get interval(): number {
    return this.visible ? this.opts.visibleIntervalMs : this.opts.hiddenIntervalMs;
  }

  private schedule(): void {
    if (!this.running || this.probing) return;
    this.clearTimer();
    const delay = Math.max(0, this.lastEnd + this.interval - this.now());
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, delay);
  }

  private async tick(): Promise<void> {
    if (!this.running || this.probing) return;
    this.probing = true;
    let result: { value: T } | undefined;
    try {
      result = { value: await this.opts.probe() };
    } catch {
      result = undefined;
    }
    this.probing = false;
    this.lastEnd = this.now();
    if (!this.running) return;
    try {
      if (result) this.opts.onResult(result.value);
    } finally {
      this.schedule();
    }
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** What one probe says about the cluster. */
export type Verdict =
  | { readonly state: 'connected'; readonly members: MembersHealth; readonly version?: string }
  | { readonly state: 'unreachable'; readonly members: MembersHealth; readonly error: AppError; readonly version?: string };

/** host:port of an endpoint, as people read it in a message. */
const hostOf = (endpoint: string): string => endpoint.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');

const where = (endpoints: readonly string[]): string =>
  endpoints.length === 1 ? endpoints[0] : `any of ${endpoints.join(', ')}`;

/** What went wrong with one member, in words ("refused the connection"). */
function memberFailure(error: AppError, deadlineMs: number): string {
  switch (error.code) {
    case 'TIMEOUT':
      return `did not answer within ${deadlineMs} ms`;
    case 'UNAVAILABLE':
      if (/connection refused|ECONNREFUSED/i.test(error.message)) return 'refused the connection';
      if (/could not be resolved|ENOTFOUND|EAI_AGAIN/i.test(error.message)) return 'could not be resolved';
      if (/no network route|EHOSTUNREACH|ENETUNREACH/i.test(error.message)) return 'has no network route';
      if (/dropped/i.test(error.message)) return 'dropped the connection';
      return 'could not be reached';
    case 'NO_QUORUM':
      return 'has no leader';
    case 'TLS':
      return 'failed the TLS handshake';
    case 'AUTH_FAILED':
      return 'refused the login';
    default:
      return `failed (${error.code})`;
  }
}

/** Codes of a failed member that mean "could not talk to it" rather than "it answered no". */
const SAME_CODE_WINS: ReadonlySet<ErrorCode> = new Set(['UNAVAILABLE', 'TIMEOUT', 'NO_QUORUM', 'TLS', 'AUTH_FAILED', 'PERMISSION_DENIED']);

/**
 * The status one probe gives:
 *  - no member answered: unreachable. The code is the members' own when they all agree
 *    (all refused: UNAVAILABLE; all timed out: TIMEOUT; all TLS or AUTH_FAILED: that), and
 *    UNAVAILABLE when they differ. The message names each member and what it did.
 *  - some answered, none knows a leader: unreachable, NO_QUORUM, saying how many answered.
 *  - some answered and one knows a leader: connected, with how many answered ("2 of 3").
 */
export function assessProbes(probes: readonly MemberProbe[], deadlineMs: number): Verdict {
  const total = probes.length;
  const ok = probes.flatMap((p) => (p.ok ? [p] : []));
  const answering = ok.length;
  const hasLeader = ok.some((p) => p.leaderId !== '0' && p.leaderId !== '');
  const alarms = [...new Set(ok.flatMap((p) => p.alarms ?? []))].sort();
  const members: MembersHealth = { answering, total, hasLeader, ...(alarms.length ? { alarms } : {}) };
  const version = ok[0]?.version;
  const endpoint = where(probes.map((p) => p.endpoint));

  if (answering === 0) {
    const failed = probes.flatMap((p) => (p.ok ? [] : [p]));
    const codes = new Set(failed.map((p) => p.error.code));
    const [only] = codes;
    const code: ErrorCode = codes.size === 1 && only !== undefined && SAME_CODE_WINS.has(only) ? only : 'UNAVAILABLE';
    const message =
      total === 0
        ? 'The profile has no endpoints to probe.'
        : total === 1
          ? `The member did not answer: ${hostOf(failed[0].endpoint)} ${memberFailure(failed[0].error, deadlineMs)}.`
          : `No member answered: ${failed.map((p) => `${hostOf(p.endpoint)} ${memberFailure(p.error, deadlineMs)}`).join(', ')}.`;
    return { state: 'unreachable', members, error: { code, message, details: { endpoint } } };
  }
  if (!hasLeader) {
    const message =
      total === 1
        ? 'The cluster has no quorum: the member answered but has no leader.'
        : `The cluster has no quorum: ${answering} of ${total} members answered and none has a leader.`;
    return { state: 'unreachable', members, error: { code: 'NO_QUORUM', message, details: { endpoint } }, ...(version ? { version } : {}) };
  }
  return { state: 'connected', members, ...(version ? { version } : {}) };
}
