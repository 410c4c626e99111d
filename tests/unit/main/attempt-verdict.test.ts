/**
 * The router's reading of every failure text etcd 3.4-3.6 and grpc-js give (etcd-messages.ts),
 * as etcd3 delivers them (castGrpcError on a grpc-js error "<code> <NAME>: <text>"), and what the
 * user is told (toAppError). The rule under test: a write that may have been applied is never
 * reported as failed, and a read moves on to another member when another member may answer.
 */
import { castGrpcError } from 'etcd3';
import { ETCD_MESSAGES } from '../../../src/main/core/etcd/etcd-messages';
import { judgeAttempt, toAppError } from '../../../src/main/core/etcd/errors';

const CODES: Record<string, number> = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  OUT_OF_RANGE: 11,
  INTERNAL: 13,
  UNAVAILABLE: 14,
};

function grpcError(code: string, text: string): Error {
  const n = CODES[code] ?? 2;
  return castGrpcError(Object.assign(new Error(`${n} ${code}: ${text}`), { code: n }));
}

const ctx = (kind: 'read' | 'write', neverSent = false) => ({ kind, endpoints: ['http://127.0.0.1:2379'], deadlineMs: 2000, neverSent });

describe('every etcd / grpc-js text in the table', () => {
  it.each(ETCD_MESSAGES.map((e) => [`${e.grpcCode} ${e.text}`, e] as const))('%s', (_name, e) => {
    const err = grpcError(e.grpcCode, e.text);
    const sentWrite = judgeAttempt(err, true, 100, true);
    // A write that may have been applied is never "not applied", so never retried nor reported failed.
    // The exceptions are texts etcd sends before proposing: "no leader" on a KV call carries
    // `hasleader` (the interceptor refuses it before the handler).
    if (e.write === 'maybe-applied' && e.kind !== 'no-leader') expect(sentWrite.notApplied).toBe(false);
    if (e.kind === 'no-leader') expect(sentWrite.notApplied).toBe(true);
    // A read goes elsewhere exactly when the table says another member may answer it (revision
    // errors and size limits are the same on every member: they end the call).
    if (!['future-revision', 'too-large', 'learner'].includes(e.kind)) expect(judgeAttempt(err, true, 100, true).transient).toBe(e.readRetry);
    // What the user reads for a sent write is never a plain failure when it may have applied.
    const shown = toAppError(err, ctx('write'));
    if (e.write === 'maybe-applied' && !['no-leader', 'compacted', 'corrupt'].includes(e.kind) && !/larger than max/i.test(e.text)) {
      expect(shown.code, shown.message).toBe('OUTCOME_UNKNOWN');
    }
    expect(shown.message).not.toMatch(/\d+ [A-Z_]+:/); // never the raw grpc text
  });
});

describe('lost quorum, leader changes and timeouts, as the user reads them', () => {
  it('"no leader" is NO_QUORUM for a read and for a write (refused before proposing)', () => {
    const err = grpcError('UNAVAILABLE', 'etcdserver: no leader');
    for (const kind of ['read', 'write'] as const) {
      const e = toAppError(err, ctx(kind));
      expect(e.code).toBe('NO_QUORUM');
      expect(e.message).toMatch(/no quorum/);
    }
  });

  it('"context deadline exceeded" (etcd 3.4 sends it as UNKNOWN) is TIMEOUT for a read, OUTCOME_UNKNOWN for a sent write — never INTERNAL', () => {
    const err = grpcError('UNKNOWN', 'context deadline exceeded');
    expect(toAppError(err, ctx('read')).code).toBe('TIMEOUT');
    expect(toAppError(err, ctx('write')).code).toBe('OUTCOME_UNKNOWN');
    expect(judgeAttempt(err, true, 700).transient).toBe(true);
  });

  it('"request timed out" variants: a read is NO_QUORUM, a sent write OUTCOME_UNKNOWN', () => {
    for (const t of ['etcdserver: request timed out', 'etcdserver: request timed out, possibly due to previous leader failure', 'etcdserver: request timed out, possibly due to connection lost']) {
      const err = grpcError('UNAVAILABLE', t);
      expect(toAppError(err, ctx('read')).code).toBe('NO_QUORUM');
      expect(toAppError(err, ctx('write')).code).toBe('OUTCOME_UNKNOWN');
      expect(judgeAttempt(err, true, 700).quorum).toBe(true);
    }
  });

  it('"leader changed" on a sent write is OUTCOME_UNKNOWN, on a read NO_QUORUM (try again)', () => {
    const err = grpcError('UNAVAILABLE', 'etcdserver: leader changed');
    expect(toAppError(err, ctx('write')).code).toBe('OUTCOME_UNKNOWN');
    expect(toAppError(err, ctx('read')).code).toBe('NO_QUORUM');
    expect(judgeAttempt(err, true, 10).leaderStale).toBe(true);
  });

  it('"not leader" makes the router ask again who leads', () => {
    const v = judgeAttempt(grpcError('FAILED_PRECONDITION', 'etcdserver: not leader'), true, 10);
    expect(v.leaderStale).toBe(true);
    expect(v.transient).toBe(true);
  });

  it('"too many requests" (sent as UNKNOWN) is refused before proposing: UNAVAILABLE, retried elsewhere', () => {
    const err = grpcError('UNKNOWN', 'etcdserver: too many requests');
    expect(toAppError(err, ctx('write')).code).toBe('UNAVAILABLE');
    expect(judgeAttempt(err, true, 10)).toMatchObject({ transient: true, notApplied: true });
  });

  it('a learner refusing a KV call is skipped from then on', () => {
    expect(judgeAttempt(grpcError('UNAVAILABLE', 'etcdserver: rpc not supported for learner'), true, 10)).toMatchObject({ transient: true, learner: true, notApplied: true });
  });

  it("grpc-js's own deadline: the member did not answer in its share; a sent write may have applied", () => {
    const err = grpcError('DEADLINE_EXCEEDED', 'Deadline exceeded after 0.667s,LB pick: 0.001s,remote_addr=127.0.0.1:2379');
    expect(judgeAttempt(err, true, 667)).toMatchObject({ transient: true, timedOut: true, notApplied: false, problem: 'did not answer within 667 ms' });
    expect(judgeAttempt(grpcError('DEADLINE_EXCEEDED', 'Deadline exceeded after 0.667s,Waiting for LB pick'), true, 667).notApplied).toBe(true);
  });

  it('a connection cut mid-answer: transient, and a sent write may have applied', () => {
    for (const t of ['Connection dropped', 'read ECONNRESET', 'Received RST_STREAM with code 2 triggered by internal client error: Protocol error']) {
      const v = judgeAttempt(grpcError(t.startsWith('Received') ? 'INTERNAL' : 'UNAVAILABLE', t), true, 10);
      expect(v).toMatchObject({ transient: true, connection: true, notApplied: false });
    }
  });

  it('refused: never sent, so a write may go to another member', () => {
    const v = judgeAttempt(grpcError('UNAVAILABLE', 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1'), true, 3);
    expect(v).toMatchObject({ transient: true, connection: true, notApplied: true, problem: 'refused the connection' });
  });
});

describe('membership refusals: certain, final, never "maybe applied"', () => {
  it.each([
    ['UNAVAILABLE', 'etcdserver: unhealthy cluster'],
    ['FAILED_PRECONDITION', 'etcdserver: re-configuration failed due to not enough started members'],
    ['NOT_FOUND', 'etcdserver: member not found'],
    ['FAILED_PRECONDITION', 'etcdserver: Peer URLs already exists'],
    ['FAILED_PRECONDITION', 'etcdserver: member ID already exist'],
    ['FAILED_PRECONDITION', 'etcdserver: too many learner members in cluster'],
  ])('%s %s', (code, text) => {
    // Not retried (the same request would be refused again; "unhealthy cluster" came back in a
    // few ms for 5 s after a start, and retrying it at once used up the whole deadline).
    expect(judgeAttempt(grpcError(code, text), true, 10, false)).toMatchObject({ transient: false, notApplied: true, connection: false, timedOut: false });
  });

  it("a learner not in sync (or not a learner): certain when the leader said it, not when a follower forwarded it", () => {
    for (const text of ['etcdserver: can only promote a learner member which is in sync with leader', 'etcdserver: can only promote a learner member']) {
      const err = grpcError('FAILED_PRECONDITION', text);
      expect(judgeAttempt(err, true, 10, false, true)).toMatchObject({ transient: false, notApplied: true });
      expect(judgeAttempt(err, true, 10, false, false).transient).toBe(false);
    }
    expect(judgeAttempt(grpcError('FAILED_PRECONDITION', 'etcdserver: can only promote a learner member which is in sync with leader'), true, 10, false, false).notApplied).toBe(false);
  });
});
