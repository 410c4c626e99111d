/**
 * Liveness without etcd: the monitor's schedule (one probe in flight, visible and hidden rates,
 * stop), what a probe's answers mean for the status, and how Connections applies them next to
 * the calls' outcomes (a fake session, fake timers).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Connections } from '../../../src/main/core/connections';
import { AppFailure } from '../../../src/main/core/etcd/errors';
import type { EtcdSession, MemberProbe } from '../../../src/main/core/etcd/session';
import { assessProbes, LivenessMonitor } from '../../../src/main/core/liveness';
import type { ProfileStore, ResolvedProfile } from '../../../src/main/core/profiles/store';
import type { AppError } from '../../../src/shared/result';
import type { ConnectionStatus } from '../../../src/shared/types';

const VISIBLE = 1000;
const HIDDEN = 10_000;
const DEADLINE = 2000;

const refused = (endpoint: string): AppError => ({
  code: 'UNAVAILABLE',
  message: `Cluster unreachable at ${endpoint}: nothing is listening there (connection refused). Check that etcd runs there and that the endpoint is right.`,
});
const timedOut = (endpoint: string): AppError => ({ code: 'TIMEOUT', message: `No answer from ${endpoint} within the ${DEADLINE} ms deadline.` });

const up = (endpoint: string, leaderId = 'a1'): MemberProbe => ({
  endpoint,
  ok: true,
  memberId: 'b2',
  leaderId,
  raftTerm: 2,
  version: '3.6.1',
  isLearner: false,
  alarms: [],
  latencyMs: 1,
});
const down = (endpoint: string, error: AppError = refused(endpoint)): MemberProbe => ({ endpoint, ok: false, error, latencyMs: 1 });

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LivenessMonitor', () => {
  function monitor(opts: { visible?: boolean; probe?: () => Promise<number> } = {}) {
    let calls = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const results: number[] = [];
    const m = new LivenessMonitor<number>({
      visibleIntervalMs: VISIBLE,
      hiddenIntervalMs: HIDDEN,
      now: () => Date.now(),
      ...(opts.visible !== undefined ? { visible: opts.visible } : {}),
      probe: async () => {
        calls++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await (opts.probe ? opts.probe() : Promise.resolve(calls));
        } finally {
          inFlight--;
        }
      },
      onResult: (n) => results.push(n),
    });
    return { m, results, calls: () => calls, maxInFlight: () => maxInFlight };
  }

  it('probes at once, then the visible interval after each probe ended', async () => {
    const t = monitor();
    t.m.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(VISIBLE - 1);
    expect(t.calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.calls()).toBe(2);
    await vi.advanceTimersByTimeAsync(VISIBLE * 3);
    expect(t.calls()).toBe(5);
    expect(t.results).toEqual([1, 2, 3, 4, 5]);
    t.m.start(); // a second start changes nothing
    await vi.advanceTimersByTimeAsync(0);
    expect(t.calls()).toBe(5);
    t.m.stop();
  });

  it('a probe that hangs blocks the next one: never two in flight, none queued up', async () => {
    const gates: Array<ReturnType<typeof deferred<number>>> = [];
    const t = monitor({
      probe: () => {
        const d = deferred<number>();
        gates.push(d);
        return d.promise;
      },
    });
    t.m.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.calls()).toBe(1);
    expect(t.m.inFlight).toBe(true);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(t.calls()).toBe(1);
    // Switching visibility while it hangs does not start another one either.
    t.m.setVisible(false);
    t.m.setVisible(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(t.calls()).toBe(1);

    const endedAt = Date.now();
    gates[0].resolve(7);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.results).toEqual([7]);
    // The next one waits a whole interval from that end, not from when it was due.
    await vi.advanceTimersByTimeAsync(VISIBLE - 1);
    expect(t.calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.calls()).toBe(2);
    expect(Date.now() - endedAt).toBe(VISIBLE);
    gates[1].resolve(8);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.maxInFlight()).toBe(1);
    t.m.stop();
  });

  it('hidden: the lower rate; shown again: the next probe comes within the visible interval', async () => {
    const t = monitor({ visible: false });
    t.m.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(HIDDEN - 1);
    expect(t.calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.calls()).toBe(2);
    // 3 s into the next hidden wait the window is shown: the probe is overdue, it runs at once.
    await vi.advanceTimersByTimeAsync(3000);
    t.m.setVisible(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.calls()).toBe(3);
    await vi.advanceTimersByTimeAsync(VISIBLE);
    expect(t.calls()).toBe(4);
    // Hidden again right after a probe: the next one is 10 s after it.
    t.m.setVisible(false);
    await vi.advanceTimersByTimeAsync(HIDDEN - 1);
    expect(t.calls()).toBe(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.calls()).toBe(5);
    t.m.stop();
  });

  it('stop clears the timer and ignores the probe in flight', async () => {
    const gate = deferred<number>();
    let first = true;
    const t = monitor({
      probe: () => {
        if (!first) return Promise.resolve(0);
        first = false;
        return gate.promise;
      },
    });
    t.m.start();
    await vi.advanceTimersByTimeAsync(0);
    t.m.stop();
    gate.resolve(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.results).toEqual([]);
    expect(t.calls()).toBe(1);
    expect(vi.getTimerCount()).toBe(0);

    // Stopped while waiting between probes: the pending timer goes too.
    const u = monitor();
    u.m.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1);
    u.m.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a probe that throws is skipped and the schedule goes on', async () => {
    let n = 0;
    const t = monitor({ probe: () => (++n === 1 ? Promise.reject(new Error('boom')) : Promise.resolve(n)) });
    t.m.start();
    await vi.advanceTimersByTimeAsync(VISIBLE);
    expect(t.results).toEqual([2]);
    t.m.stop();
  });
});

describe('assessProbes', () => {
  const a = 'http://127.0.0.1:1';
  const b = 'http://127.0.0.1:2';
  const c = 'http://127.0.0.1:3';

  it('every member answered with a leader: connected, 3 of 3', () => {
    expect(assessProbes([up(a), up(b), up(c)], DEADLINE)).toEqual({ state: 'connected', members: { answering: 3, total: 3, hasLeader: true }, version: '3.6.1' });
  });

  it('two of three answered with a leader: connected, degraded', () => {
    const v = assessProbes([up(a), down(b, timedOut(b)), up(c)], DEADLINE);
    expect(v).toEqual({ state: 'connected', members: { answering: 2, total: 3, hasLeader: true }, version: '3.6.1' });
  });

  it('all refused: UNAVAILABLE, naming each member', () => {
    const v = assessProbes([down(a), down(b)], DEADLINE);
    expect(v.state).toBe('unreachable');
    if (v.state !== 'unreachable') return;
    expect(v.error.code).toBe('UNAVAILABLE');
    expect(v.error.message).toBe('No member answered: 127.0.0.1:1 refused the connection, 127.0.0.1:2 refused the connection.');
    expect(v.members).toEqual({ answering: 0, total: 2, hasLeader: false });
  });

  it('all timed out: TIMEOUT; refused and timed out mixed: UNAVAILABLE with both in words', () => {
    const t = assessProbes([down(a, timedOut(a)), down(b, timedOut(b))], DEADLINE);
    expect(t.state === 'unreachable' && t.error.code).toBe('TIMEOUT');
    const m = assessProbes([down(a), down(b, timedOut(b))], DEADLINE);
    expect(m.state === 'unreachable' && m.error).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'No member answered: 127.0.0.1:1 refused the connection, 127.0.0.1:2 did not answer within 2000 ms.',
    });
    const one = assessProbes([down(a)], DEADLINE);
    expect(one.state === 'unreachable' && one.error.message).toBe('The member did not answer: 127.0.0.1:1 refused the connection.');
  });

  it('answers without a leader: NO_QUORUM, saying how many answered', () => {
    const v = assessProbes([up(a, '0'), down(b), down(c, timedOut(c))], DEADLINE);
    expect(v.state).toBe('unreachable');
    expect(v.state === 'unreachable' && v.error).toMatchObject({
      code: 'NO_QUORUM',
      message: 'The cluster has no quorum: 1 of 3 members answered and none has a leader.',
    });
    expect(v.members).toEqual({ answering: 1, total: 3, hasLeader: false });
    const single = assessProbes([up(a, '0')], DEADLINE);
    expect(single.state === 'unreachable' && single.error).toMatchObject({
      code: 'NO_QUORUM',
      message: 'The cluster has no quorum: the member answered but has no leader.',
    });
  });
});

/** Just what Connections uses of a session; its probe answers are set by the test. */
class FakeSession {
  readonly config: { endpoints: string[]; deadlineMs: number };
  isClosed = false;
  probeCalls = 0;
  /** What the next probes answer; a function of the endpoint. */
  answer: (endpoint: string) => MemberProbe;
  /** When set, probes wait for it. */
  gate: Promise<void> | null = null;
  private readonly listeners = new Set<(o: { ok: boolean; error?: AppError }) => void>();
  /** What calls (the connect's ping, a read) do: succeed, or fail with this error. */
  callError: AppError | null = null;
  readonly rpc = { status: async () => ({ version: '3.6.1' }) };

  constructor(readonly endpoints: string[]) {
    this.config = { endpoints, deadlineMs: DEADLINE };
    this.answer = (e) => up(e);
  }

  onOutcome(l: (o: { ok: boolean; error?: AppError }) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  async run<T>(_kind: string, fn: () => Promise<T>): Promise<T> {
    const error = this.callError;
    if (error) {
      for (const l of this.listeners) l({ ok: false, error });
      throw new AppFailure(error);
    }
    const v = await fn();
    for (const l of this.listeners) l({ ok: true });
    return v;
  }

  async probe(): Promise<MemberProbe[]> {
    this.probeCalls++;
    if (this.gate) await this.gate;
    return this.endpoints.map((e) => this.answer(e));
  }

  close() {
    this.isClosed = true;
  }
}

describe('Connections with liveness', () => {
  const endpoints = ['http://127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3'];

  function setup(opts: { endpoints?: string[]; visible?: boolean; liveness?: false } = {}) {
    const session = new FakeSession(opts.endpoints ?? endpoints);
    const events: ConnectionStatus[] = [];
    const profile: ResolvedProfile = { id: 'p', name: 'p', endpoints: session.endpoints, deadlineMs: DEADLINE };
    const profiles = { resolve: async () => profile } as unknown as ProfileStore;
    const connections = new Connections(
      profiles,
      { status: (s) => events.push(s), job: () => undefined, subscription: () => undefined },
      {
        liveness: opts.liveness ?? { visibleIntervalMs: VISIBLE, hiddenIntervalMs: HIDDEN },
        ...(opts.visible !== undefined ? { visible: opts.visible } : {}),
        now: () => Date.now(),
        openSession: async () => session as unknown as EtcdSession,
      },
    );
    const summary = () => events.map((s) => `${s.state}${s.error ? ` ${s.error.code}` : ''}${s.members ? ` ${s.members.answering}/${s.members.total}${s.members.hasLeader ? '' : ' no leader'}` : ''}`);
    return { session, events, connections, summary };
  }

  it('connect, then the first probe fills in the members; a steady cluster sends no more events', async () => {
    const t = setup();
    await t.connections.connect('p');
    await vi.advanceTimersByTimeAsync(0);
    expect(t.summary()).toEqual(['connecting', 'connected', 'connected 3/3']);
    await vi.advanceTimersByTimeAsync(VISIBLE * 10);
    expect(t.session.probeCalls).toBe(11);
    expect(t.summary()).toEqual(['connecting', 'connected', 'connected 3/3']);
    expect(t.connections.status('p')).toMatchObject({ state: 'connected', version: '3.6.1', members: { answering: 3, total: 3, hasLeader: true } });
    await t.connections.closeAll();
  });

  it('idle cluster: a member down, all down, back with no leader, recovered — one event per change', async () => {
    const t = setup();
    await t.connections.connect('p');
    await vi.advanceTimersByTimeAsync(0);

    t.session.answer = (e) => (e === endpoints[1] ? down(e, timedOut(e)) : up(e));
    await vi.advanceTimersByTimeAsync(VISIBLE * 3);
    t.session.answer = (e) => down(e);
    await vi.advanceTimersByTimeAsync(VISIBLE * 3);
    const unreachable = t.events.at(-1)!;
    expect(unreachable.error?.message).toBe(
      'No member answered: 127.0.0.1:1 refused the connection, 127.0.0.1:2 refused the connection, 127.0.0.1:3 refused the connection.',
    );
    t.session.answer = (e) => (e === endpoints[0] ? up(e, '0') : down(e));
    await vi.advanceTimersByTimeAsync(VISIBLE * 3);
    expect(t.events.at(-1)!.error?.message).toBe('The cluster has no quorum: 1 of 3 members answered and none has a leader.');
    t.session.answer = (e) => up(e);
    await vi.advanceTimersByTimeAsync(VISIBLE * 3);

    expect(t.summary()).toEqual([
      'connecting',
      'connected',
      'connected 3/3',
      'connected 2/3',
      'unreachable UNAVAILABLE 0/3 no leader',
      'unreachable NO_QUORUM 1/3 no leader',
      'connected 3/3',
    ]);
    expect(t.events.at(-1)!.error).toBeUndefined();
    expect(t.events.at(-1)!.version).toBe('3.6.1');
    await t.connections.closeAll();
  });

  it('a call that succeeded while a probe ran wins over that probe; the next probe decides', async () => {
    const t = setup();
    await t.connections.connect('p');
    await vi.advanceTimersByTimeAsync(0);
    // The cluster fails, a probe starts and hangs...
    let release!: () => void;
    t.session.gate = new Promise<void>((r) => {
      release = r;
    });
    t.session.answer = (e) => down(e);
    await vi.advanceTimersByTimeAsync(VISIBLE);
    expect(t.session.probeCalls).toBe(2);
    // ...a call fails (unreachable at once), then the cluster is back and a call succeeds.
    t.session.callError = refused(endpoints[0]);
    await expect(t.session.run('read', async () => 1)).rejects.toThrow();
    t.session.callError = null;
    await t.session.run('read', async () => 1);
    expect(t.summary().slice(-2)).toEqual(['unreachable UNAVAILABLE 3/3', 'connected 3/3']);
    // The probe that started before the call reports "all down": dropped.
    release();
    t.session.gate = null;
    await vi.advanceTimersByTimeAsync(0);
    expect(t.connections.status('p').state).toBe('connected');
    // The next one (no call meanwhile) is believed.
    await vi.advanceTimersByTimeAsync(VISIBLE);
    expect(t.connections.status('p')).toMatchObject({ state: 'unreachable', error: { code: 'UNAVAILABLE' } });
    await t.connections.closeAll();
  });

  it('a call outcome keeps the members the last probe counted', async () => {
    const t = setup();
    await t.connections.connect('p');
    t.session.answer = (e) => (e === endpoints[2] ? down(e) : up(e));
    await vi.advanceTimersByTimeAsync(0);
    t.session.callError = timedOut(endpoints[2]);
    await expect(t.session.run('read', async () => 1)).rejects.toThrow();
    expect(t.connections.status('p')).toMatchObject({ state: 'unreachable', members: { answering: 2, total: 3 } });
    t.session.callError = null;
    // The next probe (no call meanwhile) says it answers with a leader.
    await vi.advanceTimersByTimeAsync(VISIBLE);
    expect(t.connections.status('p')).toMatchObject({ state: 'connected', members: { answering: 2, total: 3, hasLeader: true } });
    expect(t.connections.status('p').error).toBeUndefined();
    await t.connections.closeAll();
  });

  it('a connect that found the cluster unreachable keeps probing and recovers by itself', async () => {
    const t = setup({ endpoints: ['http://127.0.0.1:1'] });
    t.session.callError = refused('http://127.0.0.1:1');
    t.session.answer = (e) => down(e);
    await expect(t.connections.connect('p')).rejects.toThrow();
    await vi.advanceTimersByTimeAsync(VISIBLE * 3);
    expect(t.connections.status('p').state).toBe('unreachable');
    t.session.callError = null;
    t.session.answer = (e) => up(e);
    await vi.advanceTimersByTimeAsync(VISIBLE);
    expect(t.summary()).toEqual(['connecting', 'unreachable UNAVAILABLE', 'unreachable UNAVAILABLE 0/1 no leader', 'connected 1/1']);
    await t.connections.closeAll();
  });

  it('hidden window: probes at the hidden rate; shown: at once, then every second', async () => {
    const t = setup({ visible: false });
    await t.connections.connect('p');
    await vi.advanceTimersByTimeAsync(0);
    expect(t.session.probeCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(HIDDEN * 3);
    expect(t.session.probeCalls).toBe(4);
    await vi.advanceTimersByTimeAsync(HIDDEN / 2);
    t.connections.setVisible(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.session.probeCalls).toBe(5);
    await vi.advanceTimersByTimeAsync(VISIBLE * 5);
    expect(t.session.probeCalls).toBe(10);
    t.connections.setVisible(false);
    await vi.advanceTimersByTimeAsync(VISIBLE * 5);
    expect(t.session.probeCalls).toBe(10);
    await t.connections.closeAll();
  });

  it('disconnect stops the probes: no timer left, a probe in flight changes nothing', async () => {
    const t = setup();
    await t.connections.connect('p');
    await vi.advanceTimersByTimeAsync(0);
    let release!: () => void;
    t.session.gate = new Promise<void>((r) => {
      release = r;
    });
    t.session.answer = (e) => down(e);
    await vi.advanceTimersByTimeAsync(VISIBLE);
    const calls = t.session.probeCalls;
    await t.connections.disconnect('p');
    release();
    await vi.advanceTimersByTimeAsync(VISIBLE * 20);
    expect(t.session.probeCalls).toBe(calls);
    expect(vi.getTimerCount()).toBe(0);
    expect(t.summary().at(-1)).toBe('disconnected');
    expect(t.connections.status('p').state).toBe('disconnected');
  });

  it('liveness off: no probes, the status follows calls only', async () => {
    const t = setup({ liveness: false });
    await t.connections.connect('p');
    await vi.advanceTimersByTimeAsync(VISIBLE * 5);
    expect(t.session.probeCalls).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(t.summary()).toEqual(['connecting', 'connected']);
    await t.connections.closeAll();
  });
});
