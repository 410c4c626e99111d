import { isBrokenCircuitError } from 'cockatiel';
import {
  ClientClosedError,
  EtcdAuthenticationFailedError,
  EtcdInvalidAuthTokenError,
  EtcdPermissionDeniedError,
  GRPCCancelledError,
  GRPCDeadlineExceededError,
  GRPCInvalidArgumentError,
  GRPCOutOfRangeError,
  GRPCResourceExhastedError,
  GRPCUnauthenticatedError,
  GRPCUnavailableError,
} from 'etcd3';
import type { AppError, ErrorCode, ErrorDetails } from '../../../shared/result';
import { classifyEtcdMessage } from './etcd-messages';

export type OpKind = 'read' | 'write';

import { AppFailure } from '../app-failure';
export { AppFailure, failure } from '../app-failure';

/**
 * A PERMISSION_DENIED that names the profile's user and the permission it lacks (and what was
 * asked, when the caller knows: "all keys", "prefix /a/"); other errors are returned as they are.
 */
export function namingUser(error: AppError, user: string | undefined, permission: OpKind, range?: string): AppError {
  if (error.code !== 'PERMISSION_DENIED' || !user) return error;
  const what = range ? ` on ${range}` : '';
  const message = `Permission denied: user “${user}” has no ${permission} permission${what} (none of its roles grants it).${range ? ` Open a key or prefix this user may ${permission}.` : ''}`;
  return { code: error.code, message, details: { ...error.details, user, permission, ...(range ? { range } : {}) } };
}

/** etcd itself refused for lack of permission (not a check of ours that used the same code). */
export const isEtcdPermissionDenied = (err: unknown): boolean =>
  err instanceof EtcdPermissionDeniedError || (err instanceof Error && /\bauth: permission denied\b/.test(err.message));

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const TLS_PATTERN =
  /certificate|ssl|tls|handshake|self[- ]signed|wrong version number|unable to verify|alert|CERT_|ERR_SSL/i;

/**
 * The failure texts that prove a request never left this machine, which is what decides whether
 * a failed write may be retried (never left) or is OUTCOME_UNKNOWN (may have left). They are
 * grpc-js's own words (at the version pinned by package.json `overrides`) and Node's error codes
 * that grpc-js quotes in them ("No connection established. Last error: Error: connect
 * ECONNREFUSED ..."). Matched case-sensitively, verbatim. tests/unit/main/grpc-messages.test.ts
 * locks them: each grpc-js text must appear in the installed grpc-js build, each Node code in
 * Node's error tables, and real failures on loopback must be classified as below; a grpc-js
 * upgrade that rewords one fails that test instead of silently turning "never left" into
 * "may have left" (or, worse, the other way round: re-sending writes).
 */
export const NEVER_SENT_MESSAGES = [
  // grpc-js: the picker had no connected transport, the call was failed before a stream existed
  // (refused, reset before the HTTP/2 handshake, protocol or TLS error while connecting).
  { text: 'No connection established', source: 'grpc-js', why: 'no transport: the call failed before any stream was opened' },
  // grpc-js transport: the HTTP/2 session closed before its handshake finished ("Last error: Failed to connect").
  { text: 'Failed to connect', source: 'grpc-js', why: 'no transport: the connection closed before the HTTP/2 handshake' },
  // grpc-js: deadline text when the call was still waiting for a transport ("...,Waiting for LB pick").
  { text: 'Waiting for LB pick', source: 'grpc-js', why: 'no transport: the deadline passed before a connection was picked' },
  // grpc-js: the channel was closed (etcd3 resets a member's clients after a failure) while the
  // call still waited for a transport, or a call was made on a closed channel.
  { text: 'Channel closed before call started', source: 'grpc-js', why: 'the channel closed while the call waited for a transport' },
  { text: 'Channel has been shut down', source: 'grpc-js', why: 'the call was made on a closed channel' },
  { text: 'Connection closed before starting HTTP/2 handshake', source: 'grpc-js', why: 'no transport: the connection closed before the HTTP/2 handshake' },
  // grpc-js DNS resolver: "Name resolution failed for target dns:host:port".
  { text: 'Name resolution failed', source: 'grpc-js', why: 'name not resolved: no address to connect to' },
  // Node (libuv / dns) codes that grpc-js quotes as the last connection error.
  { text: 'ECONNREFUSED', source: 'node', why: 'connection refused: nothing listens there' },
  { text: 'ENOTFOUND', source: 'node', why: 'name not resolved' },
  { text: 'EAI_AGAIN', source: 'node', why: 'name not resolved (temporary DNS failure)' },
  { text: 'ENETUNREACH', source: 'node', why: 'no route: the connection was never made' },
  { text: 'EHOSTUNREACH', source: 'node', why: 'no route: the connection was never made' },
  { text: 'EADDRNOTAVAIL', source: 'node', why: 'no local address: the connection was never made' },
] as const;

/**
 * The request certainly never left this machine: nothing listening, name not resolved,
 * no connection could be made (see NEVER_SENT_MESSAGES), or the circuit breaker refused to send
 * it. Only these failures are safe to retry for a write.
 */
export function certainlyNotSent(err: unknown): boolean {
  if (isBrokenCircuitError(err)) return true;
  const m = messageOf(err);
  return NEVER_SENT_MESSAGES.some((e) => m.includes(e.text));
}

/**
 * A TLS handshake failure. Host names are removed before matching so that an endpoint like
 * `etcd-tls.example` failing DNS is not taken for a certificate problem.
 */
export function isTlsFailure(err: unknown, endpoints: readonly string[] = []): boolean {
  if (!(err instanceof GRPCUnavailableError) || !certainlyNotSentOrHandshake(err)) return false;
  let m = messageOf(err);
  for (const e of endpoints) m = m.split(e.replace(/^https?:\/\//, '').replace(/:\d+\/?$/, '')).join('');
  return TLS_PATTERN.test(m);
}

/** TLS failures happen while connecting, before anything is sent. */
const certainlyNotSentOrHandshake = (err: unknown): boolean =>
  certainlyNotSent(err) || /handshake|certificate|ssl|tls|alert/i.test(messageOf(err).replace(/\S+:\d+/g, ''));

export const isNoLeader = (m: string): boolean => /no leader|leader changed/i.test(m);
/** etcd's ErrNoSpace ("mvcc: database space exceeded"), a ResourceExhausted like the size errors. */
export const isNoSpace = (m: string): boolean => /database space exceeded|etcdserver: no space/i.test(m);
export const isServerTimeout = (m: string): boolean => /etcdserver: request timed out/i.test(m);

export interface ErrorContext {
  readonly kind: OpKind;
  /** Endpoints the call may have gone to (etcd3 does not say which one it picked). */
  readonly endpoints: readonly string[];
  readonly deadlineMs: number;
  /** The session was closed while the call was in flight. */
  readonly closed?: boolean;
  /** No data RPC of the operation was handed to grpc (e.g. only the auth call ran). */
  readonly neverSent?: boolean;
}

const where = (endpoints: readonly string[]): string =>
  endpoints.length === 1 ? endpoints[0] : `any of ${endpoints.join(', ')}`;

/**
 * Maps whatever etcd3, grpc-js or cockatiel threw to a stable code. The order matters:
 * a write that may have reached etcd is OUTCOME_UNKNOWN whatever else went wrong.
 */
export function toAppError(err: unknown, ctx: ErrorContext): AppError {
  if (err instanceof AppFailure) return err.error;
  const m = messageOf(err);
  const endpoint = where(ctx.endpoints);
  const mk = (code: ErrorCode, message: string, details: ErrorDetails = {}): AppError => ({
    code,
    message,
    details: { endpoint, ...details },
  });
  const unknownWrite = (why: string): AppError =>
    mk(
      'OUTCOME_UNKNOWN',
      `The write may or may not have been applied (${why}). Re-read the key before trying again.`,
    );

  // A write is "maybe applied" unless we know it never left: then it is a plain failure.
  const maybeSent = ctx.kind === 'write' && !ctx.neverSent && !certainlyNotSent(err);

  if (err instanceof ClientClosedError || (ctx.closed && !maybeSent)) {
    return mk('NOT_CONNECTED', 'The connection was closed before the call finished.');
  }
  if (ctx.closed) return unknownWrite('the connection was closed while the write was in flight');

  if (err instanceof EtcdAuthenticationFailedError) {
    return mk('AUTH_FAILED', `Authentication failed at ${endpoint}: wrong user name or password.`);
  }
  if (err instanceof EtcdInvalidAuthTokenError || err instanceof GRPCUnauthenticatedError) {
    return mk('AUTH_FAILED', `The cluster at ${endpoint} rejected the login (the session token expired or the user changed): reconnect, and check the profile's user name and password.`);
  }
  if (err instanceof GRPCInvalidArgumentError && /user name is empty/i.test(m)) {
    return mk('AUTH_FAILED', `The cluster at ${endpoint} requires a user name and password.`);
  }
  // etcd 3.4's maintenance server (HashKV, Defragment, Snapshot, MoveLeader for a non-root user)
  // answers with the auth store's bare error: "2 UNKNOWN: auth: permission denied".
  if (err instanceof EtcdPermissionDeniedError || /\bauth: permission denied\b/.test(m)) {
    return mk('PERMISSION_DENIED', `Permission denied: this user's roles do not allow that ${ctx.kind} (${endpoint}).`);
  }
  if (isNoSpace(m)) {
    // Not a size problem of this request (and not "nothing was written"): etcd checks the quota
    // before proposing, but also again when applying, and then it applies the write AND answers
    // NOSPACE (quotaApplierV3). Seen here: concurrent puts near the quota, all refused, all stored.
    const hint = 'Free space: compact old revisions, defragment, then `etcdctl alarm disarm`.';
    return ctx.kind === 'write'
      ? mk(
          'OUTCOME_UNKNOWN',
          `The cluster is out of space (NOSPACE alarm: the database reached its --quota-backend-bytes quota). etcd refuses writes until space is freed, but the write that crossed the quota may still have been applied: re-read the key.`,
          { hint },
        )
      : mk('INTERNAL', `The cluster at ${endpoint} is out of space (NOSPACE alarm).`, { hint });
  }
  if (/too many requests/i.test(m)) {
    // etcd's ErrTooManyRequests is refused before proposing: nothing was applied.
    return mk('UNAVAILABLE', `The cluster at ${endpoint} is overloaded (too many requests); try again shortly.`);
  }
  if (/request is too large|larger than max/i.test(m) || err instanceof GRPCResourceExhastedError) {
    const sizes = /\((\d+) vs\.? (\d+)\)/.exec(m);
    if (ctx.kind === 'read') {
      return mk('TOO_LARGE', `etcd's answer was too large to receive${sizes ? ` (${sizes[1]} bytes, limit ${sizes[2]})` : ''}: list fewer keys per page, or keys only.`,
        sizes ? { size: Number(sizes[1]), limit: Number(sizes[2]) } : {});
    }
    return mk(
      'TOO_LARGE',
      `The request is larger than the cluster accepts${sizes ? ` (${sizes[1]} bytes, limit ${sizes[2]})` : ''}.`,
      sizes ? { size: Number(sizes[1]), limit: Number(sizes[2]) } : {},
    );
  }
  if (/required revision has been compacted/i.test(m)) {
    return mk('COMPACTED', 'The revision this listing was pinned to has been compacted; list again from the start.');
  }
  if (err instanceof GRPCOutOfRangeError) {
    return mk('INVALID_ARGUMENT', `etcd at ${endpoint} refused the revision this call was pinned to: it is newer than the cluster's (was the listing started on another cluster?). Reload the list.`);
  }
  if (isTlsFailure(err, ctx.endpoints)) {
    return mk('TLS', `TLS handshake with ${endpoint} failed: ${tlsReason(m)}.`);
  }
  if (/etcdserver: no leader/i.test(m)) {
    // etcd refuses before proposing: nothing was applied, even for a write.
    return mk('NO_QUORUM', `The cluster has no quorum: ${endpoint} answered but has no leader.${ctx.kind === 'write' ? ' Nothing was written.' : ''}`);
  }
  if (isNoLeader(m)) {
    // "leader changed" may come after the proposal.
    return ctx.kind === 'write' && maybeSent
      ? unknownWrite(`the leader changed while ${endpoint} was committing it; the cluster may be losing quorum`)
      : mk('NO_QUORUM', `The cluster's leader changed while ${endpoint} was answering (an election; the cluster may have no quorum). Try again.`);
  }
  if (isServerTimeout(m)) {
    return ctx.kind === 'write' && maybeSent
      ? unknownWrite('etcd timed out committing it; the cluster may have lost quorum')
      : mk('NO_QUORUM', `The cluster did not commit in time: it may have no quorum (${endpoint} timed out waiting for the others).`);
  }
  if (err instanceof GRPCDeadlineExceededError) {
    if (maybeSent) {
      return unknownWrite(`no answer within the ${ctx.deadlineMs} ms deadline`);
    }
    return mk('TIMEOUT', `No answer from ${endpoint} within the ${ctx.deadlineMs} ms deadline.`);
  }
  if (err instanceof GRPCUnavailableError || isBrokenCircuitError(err)) {
    if (maybeSent) return unknownWrite('the connection failed after the write was sent');
    return mk('UNAVAILABLE', `Cluster unreachable at ${endpoint}: ${unreachableReason(err, m)}. Check that etcd runs there and that the endpoint is right.`);
  }
  if (err instanceof GRPCCancelledError) {
    if (maybeSent) return unknownWrite('the call was cancelled');
    return mk('UNAVAILABLE', `The call to ${endpoint} was cancelled before it was answered.`);
  }
  if (err instanceof GRPCInvalidArgumentError) {
    // The server rejected the request outright: nothing was applied.
    return mk('INVALID_ARGUMENT', `etcd at ${endpoint} rejected the request as invalid${/key is not provided/.test(m) ? ' (the key is empty)' : ''}; nothing was written.`);
  }
  if (/context deadline exceeded/i.test(m)) {
    // etcd's own internal deadline (an overloaded or partitioned member), not ours.
    if (maybeSent) return unknownWrite('etcd gave up on it internally; the cluster may be overloaded or losing quorum');
    return mk('TIMEOUT', `${endpoint} did not answer in time (etcd gave up internally): the cluster may be overloaded or losing quorum. Try again.`);
  }
  if (maybeSent) return unknownWrite('an unexpected error came back after the write was sent');
  return mk('INTERNAL', `Unexpected error from ${endpoint}; the details are in the log.`);
}

/** What a TLS failure means for the person fixing the profile, from OpenSSL's and Node's words. */
export function tlsReason(m: string): string {
  if (/altnames|hostname\/ip does not match|ERR_TLS_CERT_ALTNAME/i.test(m)) {
    return "the server's certificate is not issued for this host: set the profile's TLS server name to a name in the certificate";
  }
  if (/unable to (verify|get local issuer)|self[- ]signed|UNABLE_TO_VERIFY|DEPTH_ZERO|unknown ca/i.test(m)) {
    return "the server's certificate is not signed by the profile's CA file: choose the cluster's CA";
  }
  if (/certificate required|bad certificate|peer did not return a certificate/i.test(m)) {
    return 'the server did not accept a client certificate: set the client certificate and key the cluster trusts';
  }
  if (/certificate has expired|CERT_HAS_EXPIRED/i.test(m)) return "a certificate has expired: renew it, or check this computer's clock";
  if (/wrong version number|packet length too long|http_request/i.test(m)) {
    return 'the endpoint does not speak TLS there: use http:// or check the port';
  }
  return 'the certificates did not match; the details are in the log';
}

/** What one attempt on one member tells the router (session.ts). */
export interface AttemptVerdict {
  /** Worth another member (a read), or another try once a leader is known (a write that was not applied). */
  readonly transient: boolean;
  /** Certainly not applied: never sent, or refused by etcd before it proposed anything. */
  readonly notApplied: boolean;
  /** The connection failed (refused, dropped, no transport): the member is down until it answers. */
  readonly connection: boolean;
  /** The attempt's share of the deadline passed with no answer. */
  readonly timedOut: boolean;
  /** etcd spoke of its leader or of committing in time: the cluster may have no quorum. */
  readonly quorum: boolean;
  /** Whoever we took for the leader may not be it any more: ask again. */
  readonly leaderStale: boolean;
  /** The member is a raft learner: it never gets KV calls again. */
  readonly learner?: boolean;
  /** In words, after the member's address: "refused the connection", "did not answer within 667 ms". */
  readonly problem: string;
}

/**
 * Sorts one failed attempt. `sent`: the data RPC was handed to grpc (an auth call is not). Texts
 * are etcd's (3.4-3.6) and grpc-js's; a text not listed here is not transient, so it ends the call
 * and is mapped by toAppError.
 */
export function judgeAttempt(err: unknown, sent: boolean, ms: number, kv = true, toLeader = false): AttemptVerdict {
  const m = messageOf(err);
  const neverSent = !sent || certainlyNotSent(err);
  const v = (transient: boolean, notApplied: boolean, problem: string, extra: Partial<AttemptVerdict> = {}): AttemptVerdict => ({
    transient,
    notApplied,
    connection: false,
    timedOut: false,
    quorum: false,
    leaderStale: Boolean(extra.quorum),
    problem,
    ...extra,
  });
  if (err instanceof AppFailure || err instanceof ClientClosedError) return v(false, neverSent, 'failed');
  if (isTlsFailure(err)) return v(false, true, 'failed the TLS handshake');
  const refused = membershipRefusal(m, toLeader);
  if (refused) return v(false, true, refused);
  const e = classifyEtcdMessage(m);
  const tableSaysNotApplied = neverSent || e?.write === 'not-applied';
  switch (e?.kind) {
    case 'no-leader':
      // Under `hasleader` etcd refuses a KV call in its interceptor, before the handler: nothing
      // applied (etcd's KV handlers never say it otherwise). Elsewhere (member promote forwarded
      // by a follower) the table is more careful.
      return v(true, kv || tableSaysNotApplied, 'has no leader', { quorum: true });
    case 'leader-changed':
      // The table finds it only before linearizable reads; a write that gets it is still reported
      // unknown if it was sent (the issue's rule: never "failed" for a write that may have applied).
      return v(true, neverSent, 'saw the leader change', { quorum: true });
    case 'not-leader':
      return v(true, tableSaysNotApplied, 'is not the leader', { leaderStale: true });
    case 'proposal-dropped':
      return v(true, tableSaysNotApplied, 'dropped the proposal (no leader at that moment)', { quorum: true });
    case 'overloaded':
      return v(true, tableSaysNotApplied, 'is overloaded (too many requests)');
    case 'stopping':
      return v(true, tableSaysNotApplied, 'is stopping', { connection: true });
    case 'learner':
      return /not supported for learner/i.test(m) ? v(true, true, 'is a learner', { learner: true }) : v(false, tableSaysNotApplied, 'failed');
    case 'not-capable':
    case 'unhealthy':
      return v(e.readRetry, tableSaysNotApplied, e.kind === 'unhealthy' ? 'says the cluster is unhealthy' : 'cannot serve it (not capable)');
    case 'timeout':
      if (/etcdserver|read index/i.test(e.text)) {
        return v(true, tableSaysNotApplied, 'timed out committing (etcd: request timed out)', { quorum: true });
      }
      // grpc-js's "Deadline exceeded" (our share of the deadline) or etcd's own context deadline.
      return v(true, neverSent, `did not answer within ${ms} ms`, { timedOut: true });
    case 'connection-lost':
    case 'cancelled':
    case 'not-sent':
      return v(true, neverSent, connectionProblem(m), { connection: true });
    default:
      break;
  }
  if (err instanceof GRPCDeadlineExceededError) return v(true, neverSent, `did not answer within ${ms} ms`, { timedOut: true });
  if (err instanceof GRPCUnavailableError || err instanceof GRPCCancelledError || isBrokenCircuitError(err)) {
    return v(true, neverSent, connectionProblem(m), { connection: true });
  }
  return v(false, neverSent, 'failed');
}

/**
 * etcd's refusals of a membership change (MemberAdd, MemberRemove, MemberUpdate, MemberPromote)
 * that certainly changed nothing, as a verb phrase; undefined for any other text. They end the
 * call (the same request would be refused again) and are never "maybe applied" (etcd 3.4-3.6
 * server.go, api/membership/cluster.go):
 *  - "unhealthy cluster", "not enough started members": mayAddMember / mayRemoveMember, before the
 *    conf change is proposed (--strict-reconfig-check; the first until every voting member has
 *    been connected to the one asked for 5 s, HealthInterval);
 *  - "member not found", "Peer URLs already exists", "member ID already exist", "too many learner
 *    members": ValidateConfigurationChange, checked when the change is applied, where every member
 *    rejects it alike and turns it into a no-op;
 *  - "can only promote a learner member [which is in sync with leader]": the leader's
 *    mayPromoteMember, before proposing. Only when the leader answered (`toLeader`): a follower
 *    forwards the promotion to the leader in a loop, and a later round's refusal can follow an
 *    earlier round that timed out after proposing (etcd-messages.ts keeps that text maybe-applied).
 */
function membershipRefusal(m: string, toLeader: boolean): string | undefined {
  if (/can only promote a learner member/i.test(m)) return toLeader ? 'refused the promotion' : undefined;
  if (/etcdserver: unhealthy cluster/i.test(m)) return 'refused the membership change (not every member connected for 5 s)';
  if (/not enough started members|etcdserver: member not found|peer ?urls? already exists|member ID already exist|too many learner members/i.test(m)) {
    return 'refused the membership change';
  }
  return undefined;
}

/** A member's connection failure as a verb phrase after its address. */
function connectionProblem(m: string): string {
  if (/ECONNREFUSED/.test(m)) return 'refused the connection';
  if (/ENOTFOUND|EAI_AGAIN|Name resolution failed/.test(m)) return 'could not be resolved';
  if (/ENETUNREACH|EHOSTUNREACH/.test(m)) return 'has no network route';
  if (/ETIMEDOUT/.test(m)) return 'timed out connecting';
  if (/ECONNRESET|Connection dropped|socket hang up|RST_STREAM|GOAWAY/i.test(m)) return 'dropped the connection';
  if (/cancelled/i.test(m)) return 'cancelled the call';
  return 'could not be reached';
}

/** Why a cluster could not be reached, in words, from the failure's text. */
function unreachableReason(err: unknown, m: string): string {
  if (isBrokenCircuitError(err)) return 'it failed several times just now, so the app waits a few seconds before trying it again';
  if (/ECONNREFUSED/.test(m)) return 'nothing is listening there (connection refused)';
  if (/ENOTFOUND|EAI_AGAIN|Name resolution failed/.test(m)) return 'the host name could not be resolved';
  if (/ENETUNREACH|EHOSTUNREACH/.test(m)) return 'there is no network route to it';
  if (/ETIMEDOUT/.test(m)) return 'the connection timed out';
  if (/ECONNRESET|Connection dropped|socket hang up|RST_STREAM/i.test(m)) return 'the connection was dropped';
  return 'the connection failed';
}
