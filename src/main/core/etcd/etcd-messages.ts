/**
 * What an etcd (3.4, 3.5, 3.6) or grpc-js failure text tells a client about the request that got it:
 * could a WRITE have been applied, and may a READ go to another member. Read from etcd's source at
 * v3.4.45, v3.5.33, v3.6.14 (and go.etcd.io/raft/v3 v3.6.0, grpc-go as pinned by each go.mod, the
 * installed grpc-js 1.14.7); tests/unit/main/etcd-messages.test.ts checks the table against the
 * raw strings in tests/unit/main/fixtures/etcd-rpctypes-texts.json.
 *
 * The rule: 'not-applied' only when every path in 3.4–3.6 that returns the text does so before the
 * request is proposed to raft, or rejects it at apply before any effect on every member alike.
 * A text that one path returns after a proposal (or after an earlier forwarded attempt that may
 * have proposed) is 'maybe-applied', even if the usual path is harmless. One exception is ignored
 * on purpose: Authenticate re-proposes in a loop, so its later refusals can follow an earlier
 * token-issuing proposal, which changes no user data.
 *
 * `source` paths: 3.4 lives under etcdserver/, 3.5 and 3.6 under server/etcdserver/ (3.6 moved the
 * errors to server/etcdserver/errors/errors.go and the appliers to server/etcdserver/apply/).
 * Every etcd text reaches the client through api/v3rpc/util.go togRPCError / toGRPCErrorMap; one
 * that is missing from the map is sent as UNKNOWN with the Go error text.
 */

export type EtcdVersion = '3.4' | '3.5' | '3.6';

export type EtcdMessageKind =
  | 'no-leader'
  | 'leader-changed'
  | 'not-leader'
  | 'timeout'
  | 'overloaded'
  | 'stopping'
  | 'learner'
  | 'too-large'
  | 'compacted'
  | 'future-revision'
  | 'no-space'
  | 'corrupt'
  | 'not-capable'
  | 'unhealthy'
  | 'proposal-dropped'
  | 'connection-lost'
  | 'cancelled'
  | 'not-sent';

export interface EtcdMessage {
  /** As the client sees it after grpc-js's "<code> <NAME>: " prefix. */
  readonly text: string;
  /** The gRPC status the client receives (which is not always the one rpctypes declares). */
  readonly grpcCode: string;
  readonly versions: readonly EtcdVersion[];
  readonly source: string;
  readonly kind: EtcdMessageKind;
  readonly write: 'not-applied' | 'maybe-applied';
  /** A read that got it may be sent to another member. */
  readonly readRetry: boolean;
  readonly why: string;
}

const ALL: readonly EtcdVersion[] = ['3.4', '3.5', '3.6'];

export const ETCD_MESSAGES: readonly EtcdMessage[] = [
  // ── leader ──────────────────────────────────────────────────────────────────────────────────
  {
    text: 'etcdserver: no leader',
    grpcCode: 'UNAVAILABLE',
    versions: ALL,
    source:
      '3.4 etcdserver/api/v3rpc/interceptor.go newUnaryInterceptor, newStreamInterceptor (hasleader metadata, before the handler) and monitorLeader (cancels streams); etcdserver/v3_server.go waitLeader (LeaseRenew, leaseTimeToLive); etcdserver/server.go PromoteMember (forwarding loop); etcdserver/api/v3rpc/lease.go LeaseKeepAlive. 3.5, 3.6: the same functions under server/etcdserver/',
    kind: 'no-leader',
    write: 'maybe-applied',
    readRetry: true,
    why: 'For Put, Delete, Txn, Compact, lease and auth RPCs it only comes from the hasleader interceptor, which runs before the handler, so nothing was proposed. But PromoteMember, forwarded by a follower, returns it from waitLeader after an earlier forwarded attempt may already have proposed the promotion. So the text alone does not prove that nothing was applied.',
  },
  {
    text: 'etcdserver: leader changed',
    grpcCode: 'UNAVAILABLE',
    versions: ALL,
    source:
      '3.4 etcdserver/v3_server.go linearizableReadLoop / requestCurrentIndex (leader changed while waiting for the read index) and leaseTimeToLive (lease demoted); 3.5, 3.6 server/etcdserver/v3_server.go same',
    kind: 'leader-changed',
    write: 'not-applied',
    readRetry: true,
    why: 'Only from the linearizable-read barrier (Range, read-only Txn, and the barrier that Authenticate, MemberList and downgrade pass before they propose anything) and from LeaseTimeToLive. A Put, Delete or write Txn never gets it.',
  },
  {
    text: 'etcdserver: not leader',
    grpcCode: 'FAILED_PRECONDITION',
    versions: ALL,
    source:
      '3.4 etcdserver/api/v3rpc/maintenance.go MoveLeader (member is not the leader; checked before the transfer). etcdserver/server.go isLearnerReady also returns it, but PromoteMember catches it and forwards. 3.5, 3.6 server/etcdserver/api/v3rpc/maintenance.go same',
    kind: 'not-leader',
    write: 'not-applied',
    readRetry: true,
    why: 'MoveLeader sent to a member that is not the leader: refused before anything starts. Send it to the leader.',
  },
  {
    text: 'raft proposal dropped',
    grpcCode: 'UNKNOWN (not in toGRPCErrorMap)',
    versions: ALL,
    source:
      '3.4 raft/raft.go ErrProposalDropped from stepLeader (leadership transfer, uncommitted-size limit, leader removed), stepCandidate, stepFollower (no leader, forwarding disabled), returned by raft/node.go stepWithWaitOption to etcdserver/v3_server.go processInternalRaftRequestOnce; 3.5 raft/raft.go same; 3.6 go.etcd.io/raft/v3 v3.6.0 raft.go same',
    kind: 'proposal-dropped',
    write: 'not-applied',
    readRetry: true,
    why: 'raft refused the entry before appending it to any log, and etcd returns at once without waiting.',
  },
  // ── timeouts ────────────────────────────────────────────────────────────────────────────────
  {
    text: 'etcdserver: request timed out',
    grpcCode: 'UNAVAILABLE',
    versions: ALL,
    source:
      '3.4 etcdserver/server.go parseProposeCtxErr (after Propose, from processInternalRaftRequestOnce), etcdserver/v3_server.go requestCurrentIndex (no read index in time), LeaseRenew, leaseTimeToLive, etcdserver/server.go PromoteMember (forwarding); 3.5, 3.6 server/etcdserver/ same',
    kind: 'timeout',
    write: 'maybe-applied',
    readRetry: true,
    why: 'For a write: the entry was handed to raft and its apply was not seen within the request timeout (5 s + 2 election timeouts), so it may still commit. For a linearizable read: no read index in time (no leader, slow network).',
  },
  {
    text: 'etcdserver: request timed out, possibly due to previous leader failure',
    grpcCode: 'UNAVAILABLE',
    versions: ALL,
    source: '3.4 etcdserver/server.go parseProposeCtxErr; 3.5, 3.6 server/etcdserver/server.go parseProposeCtxErr',
    kind: 'timeout',
    write: 'maybe-applied',
    readRetry: true,
    why: 'Only after Propose, when the wait for the apply timed out during a leader election.',
  },
  {
    text: 'etcdserver: request timed out, possibly due to connection lost',
    grpcCode: 'UNAVAILABLE',
    versions: ALL,
    source: '3.4 etcdserver/server.go parseProposeCtxErr; 3.5, 3.6 server/etcdserver/server.go parseProposeCtxErr',
    kind: 'timeout',
    write: 'maybe-applied',
    readRetry: true,
    why: 'Only after Propose, when the wait timed out and this member had lost touch with the leader (or the leader lost its quorum).',
  },
  {
    text: 'etcdserver: request timed out, waiting for the applied index took too long',
    grpcCode: 'UNAVAILABLE',
    versions: ALL,
    source:
      '3.4 (since v3.4.20) etcdserver/v3_server.go waitAppliedIndex, called by LeaseRenew and leaseTimeToLive on the leader and by etcdserver/server.go isLearnerReady (PromoteMember) before the proposal; 3.5 (since v3.5.3), 3.6 server/etcdserver/ same',
    kind: 'timeout',
    write: 'not-applied',
    readRetry: true,
    why: 'The leader could not catch up with its own log within 1 s before renewing a lease, answering a TTL, or checking a learner. Nothing was proposed or renewed.',
  },
  {
    text: 'etcdserver: request timed out, leader transfer took too long',
    grpcCode: 'UNKNOWN (not in toGRPCErrorMap)',
    versions: ALL,
    source: '3.4 etcdserver/server.go MoveLeader; 3.5, 3.6 server/etcdserver/server.go MoveLeader',
    kind: 'timeout',
    write: 'maybe-applied',
    readRetry: true,
    why: 'The transfer was started and may still complete.',
  },
  {
    text: 'timed out waiting for read index response (local node might have slow network)',
    grpcCode: 'none (server log only; the client gets "etcdserver: request timed out")',
    versions: ALL,
    source: '3.4 etcdserver/v3_server.go requestCurrentIndex (lg.Warn, then ErrTimeout); 3.5, 3.6 server/etcdserver/v3_server.go same',
    kind: 'timeout',
    write: 'maybe-applied',
    readRetry: true,
    why: 'Never sent to a client. It is listed so that a pasted log line is classified, but it proves nothing about a write.',
  },
  {
    text: 'context deadline exceeded',
    grpcCode:
      'UNKNOWN from 3.4.0–3.4.27 and 3.5.0–3.5.9 (grpc-go < 1.45 sends a handler context error as Unknown); DEADLINE_EXCEEDED from 3.4.28, 3.5.10 and in 3.6 (grpc-go status.FromContextError)',
    versions: ALL,
    source:
      '3.4 etcdserver/v3_server.go processInternalRaftRequestOnce (raft Propose returns ctx.Err(), before or after handing the entry to raft; ctx = client deadline capped by the request timeout) and linearizableReadNotify; 3.5, 3.6 server/etcdserver/v3_server.go same. From 3.5, rpctypes also declares ErrGRPCDeadlineExceeded "etcdserver: context deadline exceeded", but togRPCError passes context errors through unmapped',
    kind: 'timeout',
    write: 'maybe-applied',
    readRetry: true,
    why: 'With no leader, raft stops taking proposals, so a Put blocks and fails with this after the request timeout (etcd 3.4.23 answers "2 UNKNOWN: context deadline exceeded" after 7 s) without having proposed anything. But the same error also ends the wait after the entry was handed to raft, so the outcome is unknown.',
  },
  {
    text: 'Deadline exceeded',
    grpcCode: 'DEADLINE_EXCEEDED (set by grpc-js)',
    versions: ALL,
    source: 'grpc-js 1.14.7 build/src/resolving-call.js runDeadlineTimer ("Deadline exceeded after 1.004s,LB pick: …,remote_addr=…")',
    kind: 'timeout',
    write: 'maybe-applied',
    readRetry: true,
    why: 'The client gave up, which says nothing about the server. When the details say "Waiting for LB pick", the call never left (that entry is longer and wins).',
  },
  // ── overload, stopping, availability ────────────────────────────────────────────────────────
  {
    text: 'etcdserver: too many requests',
    grpcCode:
      'UNKNOWN (rpctypes declares RESOURCE_EXHAUSTED, but toGRPCErrorMap maps it to rpctypes.ErrTooManyRequests, an EtcdError without GRPCStatus(), which grpc-go sends as Unknown)',
    versions: ALL,
    source:
      '3.4 etcdserver/v3_server.go processInternalRaftRequestOnce (committed index > applied index + 5000, before Propose); 3.5, 3.6 server/etcdserver/v3_server.go same',
    kind: 'overloaded',
    write: 'not-applied',
    readRetry: true,
    why: 'Refused before the proposal because this member applies too slowly. Another member may keep up.',
  },
  {
    text: 'Stream refused by server',
    grpcCode: 'UNAVAILABLE (set by grpc-js for RST_STREAM REFUSED_STREAM)',
    versions: ALL,
    source:
      'grpc-js 1.14.7 build/src/subchannel-call.js (NGHTTP2_REFUSED_STREAM); sent by grpc-go internal/transport/http2_server.go operateHeaders when the connection is at --max-concurrent-streams, before any handler',
    kind: 'overloaded',
    write: 'not-applied',
    readRetry: true,
    why: 'RFC 9113 §8.7: REFUSED_STREAM means that the stream was not processed. grpc-js retries it once on its own when retries are enabled.',
  },
  {
    text: 'etcdserver: server stopped',
    grpcCode: 'UNAVAILABLE',
    versions: ALL,
    source:
      '3.4 etcdserver/v3_server.go processInternalRaftRequestOnce (s.done after Propose), linearizableReadNotify, requestCurrentIndex, waitAppliedIndex, waitLeader; 3.5, 3.6 server/etcdserver/v3_server.go same',
    kind: 'stopping',
    write: 'maybe-applied',
    readRetry: true,
    why: 'The member shut down while the proposal was in flight. The rest of the cluster may still commit it.',
  },
  {
    text: 'raft: stopped',
    grpcCode: 'UNKNOWN (not in toGRPCErrorMap)',
    versions: ALL,
    source:
      '3.4 raft/node.go ErrStopped from stepWithWaitOption (Propose) via etcdserver/v3_server.go processInternalRaftRequestOnce; 3.5 raft/node.go same; 3.6 go.etcd.io/raft/v3 v3.6.0 node.go same',
    kind: 'stopping',
    write: 'maybe-applied',
    readRetry: true,
    why: 'The raft node stopped while the entry was being handed over or after it was handed over, and possibly after it was appended and sent.',
  },
  {
    text: 'etcdserver: not capable',
    grpcCode: 'UNAVAILABLE in 3.4 and 3.5; FAILED_PRECONDITION in 3.6',
    versions: ALL,
    source:
      '3.4 etcdserver/api/v3rpc/interceptor.go newUnaryInterceptor, newStreamInterceptor (V3rpcCapability not enabled yet, before the handler); 3.5, 3.6 server/etcdserver/api/v3rpc/interceptor.go same',
    kind: 'not-capable',
    write: 'not-applied',
    readRetry: true,
    why: 'The member does not know the cluster version yet (it has just started). Refused before the handler.',
  },
  {
    text: 'etcdserver: cluster version not found during downgrade',
    grpcCode: 'UNAVAILABLE in 3.5; FAILED_PRECONDITION in 3.6',
    versions: ['3.5', '3.6'],
    source: '3.5 server/etcdserver/v3_server.go downgradeValidate (before the DowngradeInfoSet proposal); 3.6 server/etcdserver/v3_server.go downgradeValidate',
    kind: 'not-capable',
    write: 'not-applied',
    readRetry: true,
    why: 'Downgrade was refused before anything was proposed.',
  },
  {
    text: 'etcdserver: unhealthy cluster',
    grpcCode: 'UNAVAILABLE',
    versions: ALL,
    source:
      '3.4 etcdserver/server.go mayAddMember, mayRemoveMember (strict reconfig check, before configure) and TransferLeadership (on shutdown, not a client RPC); 3.5, 3.6 server/etcdserver/server.go same',
    kind: 'unhealthy',
    write: 'not-applied',
    // No read gets it, and a membership change that did is not tried again at once: etcd refuses
    // until every voting member has been connected to the member asked for HealthInterval (5 s),
    // so a retry within a few ms gets the same refusal (seen here on 3.4 right after a start:
    // "not healthy for reconfigure, rejecting member add" every few ms for the whole deadline).
    readRetry: false,
    why: 'A membership change was refused before the proposal because this member does not see enough healthy peers (all voting members connected for the last 5 s, with --strict-reconfig-check).',
  },
  // ── space, corruption, size ─────────────────────────────────────────────────────────────────
  {
    text: 'etcdserver: mvcc: database space exceeded',
    grpcCode: 'RESOURCE_EXHAUSTED',
    versions: ALL,
    source:
      '3.4 etcdserver/api/v3rpc/quota.go quotaKVServer, quotaLeaseServer (before the handler); etcdserver/apply.go applierV3Capped (NOSPACE alarm: refused at apply) and quotaApplierV3 (Put/Txn/LeaseGrant APPLIED, then ErrNoSpace). 3.5 server/etcdserver/api/v3rpc/quota.go, server/etcdserver/apply.go same. 3.6 server/etcdserver/api/v3rpc/quota.go, server/etcdserver/apply/apply.go same',
    kind: 'no-space',
    write: 'maybe-applied',
    readRetry: false,
    why: 'quotaApplierV3 applies the write that crosses the quota and then reports this error. On etcd 3.4.23, concurrent Puts that got "8 RESOURCE_EXHAUSTED: etcdserver: mvcc: database space exceeded" could be read back afterwards. After that write, the alarm makes every member refuse writes; reads still work.',
  },
  {
    text: 'etcdserver: no space',
    grpcCode: 'none (internal; sent as "etcdserver: mvcc: database space exceeded")',
    versions: ALL,
    source: '3.4 etcdserver/errors.go ErrNoSpace (toGRPCErrorMap in etcdserver/api/v3rpc/util.go); 3.5 server/etcdserver/errors.go; 3.6 server/etcdserver/errors/errors.go',
    kind: 'no-space',
    write: 'maybe-applied',
    readRetry: false,
    why: 'The Go error behind "database space exceeded"; it gets the same answer.',
  },
  {
    text: 'etcdserver: corrupt cluster',
    grpcCode: 'DATA_LOSS',
    versions: ALL,
    source: '3.4 etcdserver/corrupt.go applierV3Corrupt (CORRUPT alarm active); 3.5 server/etcdserver/corrupt.go applierV3Corrupt; 3.6 server/etcdserver/apply/corrupt.go applierV3Corrupt',
    kind: 'corrupt',
    write: 'maybe-applied',
    readRetry: false,
    why: 'Returned at apply, after the entry was proposed and committed. This member refused to apply it, but in a cluster flagged as corrupt the members disagree, so nothing is claimed about the others.',
  },
  {
    text: 'etcdserver: request is too large',
    grpcCode: 'INVALID_ARGUMENT',
    versions: ALL,
    source:
      '3.4 etcdserver/v3_server.go processInternalRaftRequestOnce (marshalled request > --max-request-bytes, before Propose); 3.5, 3.6 server/etcdserver/v3_server.go same',
    kind: 'too-large',
    write: 'not-applied',
    readRetry: false,
    why: 'Refused before the proposal. Every member has the same limit.',
  },
  {
    text: 'grpc: received message larger than max',
    grpcCode: 'RESOURCE_EXHAUSTED',
    versions: ALL,
    source:
      '3.4, 3.5, 3.6: grpc-go rpc_util.go recvAndDecompress, on a request larger than MaxRecvMsgSize = --max-request-bytes + 512 KiB (etcdserver/api/v3rpc/grpc.go Server, 3.5/3.6 under server/), before the handler',
    kind: 'too-large',
    write: 'not-applied',
    readRetry: false,
    why: 'The server would not even decode the request.',
  },
  {
    text: 'Received message larger than max',
    grpcCode: 'RESOURCE_EXHAUSTED (set by grpc-js)',
    versions: ALL,
    source: 'grpc-js 1.14.7 build/src/stream-decoder.js (a response above the client receive limit)',
    kind: 'too-large',
    write: 'maybe-applied',
    readRetry: false,
    why: 'The server answered, so a write was processed, but its response was too large to read.',
  },
  // ── learners ────────────────────────────────────────────────────────────────────────────────
  {
    text: 'etcdserver: rpc not supported for learner',
    grpcCode: 'UNAVAILABLE in 3.4 and 3.5; FAILED_PRECONDITION in 3.6',
    versions: ALL,
    source:
      '3.4 etcdserver/api/v3rpc/interceptor.go newUnaryInterceptor, newStreamInterceptor (isRPCSupportedForLearner, before the handler); 3.5, 3.6 server/etcdserver/api/v3rpc/interceptor.go same',
    kind: 'learner',
    write: 'not-applied',
    readRetry: true,
    why: 'A learner serves only Status and serializable Range. A voting member can take the request.',
  },
  {
    text: 'etcdserver: can only promote a learner member which is in sync with leader',
    grpcCode: 'FAILED_PRECONDITION',
    versions: ALL,
    source:
      '3.4 etcdserver/server.go isLearnerReady via mayPromoteMember (before the promote proposal) and PromoteMember forwarding (etcdserver/cluster_util.go promoteMemberHTTP); 3.5, 3.6 server/etcdserver/ same',
    kind: 'learner',
    write: 'maybe-applied',
    readRetry: false,
    why: 'A direct refusal changes nothing. But a follower forwards MemberPromote to the leader in a loop and can return this from a later attempt after an earlier one (for example, one that timed out) may have been proposed.',
  },
  {
    text: 'etcdserver: too many learner members in cluster',
    grpcCode: 'FAILED_PRECONDITION',
    versions: ALL,
    source:
      '3.4 etcdserver/api/membership/cluster.go ValidateConfigurationChange (membership.ErrTooManyLearners), run by etcdserver/server.go applyConfChange; 3.5 server/etcdserver/api/membership/cluster.go same; 3.6 server/etcdserver/api/membership/cluster.go ValidateConfigurationChange → ValidateMaxLearnerConfig',
    kind: 'learner',
    write: 'not-applied',
    readRetry: false,
    why: 'MemberAdd over the learner limit. The conf change is committed, but every member rejects it in the same way at apply and turns it into a no-op.',
  },
  // ── revisions ───────────────────────────────────────────────────────────────────────────────
  {
    text: 'etcdserver: mvcc: required revision has been compacted',
    grpcCode: 'OUT_OF_RANGE',
    versions: ALL,
    source:
      '3.4 mvcc ErrCompacted from Range (served locally), etcdserver/apply.go checkRequests (Txn ranges, before any write) and Compact (revision already compacted, no effect); 3.5 server/etcdserver/apply.go same; 3.6 server/etcdserver/txn/txn.go checkTxn',
    kind: 'compacted',
    write: 'not-applied',
    readRetry: false,
    why: 'Compaction goes through raft, so every member has dropped that revision. A write Txn is checked before any of its writes.',
  },
  {
    text: 'etcdserver: mvcc: required revision is a future revision',
    grpcCode: 'OUT_OF_RANGE',
    versions: ALL,
    source:
      '3.4 mvcc ErrFutureRev from Range (served locally), etcdserver/apply.go checkRequests and Compact (no effect); 3.5 server/etcdserver/apply.go same; 3.6 server/etcdserver/txn/txn.go checkTxn',
    kind: 'future-revision',
    write: 'not-applied',
    readRetry: true,
    why: 'This member has not applied that revision yet, so a more up-to-date member (or a later retry) can serve it.',
  },
  // ── grpc-js: connection and stream failures ─────────────────────────────────────────────────
  {
    text: 'Connection dropped',
    grpcCode: 'UNAVAILABLE (set by grpc-js)',
    versions: ALL,
    source: 'grpc-js 1.14.7 build/src/subchannel-call.js onDisconnect, and NGHTTP2_CANCEL after a disconnect',
    kind: 'connection-lost',
    write: 'maybe-applied',
    readRetry: true,
    why: 'The stream existed, so the request may have reached etcd.',
  },
  {
    text: 'read ECONNRESET',
    grpcCode: 'UNAVAILABLE (set by grpc-js)',
    versions: ALL,
    source: "grpc-js 1.14.7 build/src/subchannel-call.js (NGHTTP2_INTERNAL_ERROR with Node's ECONNRESET: Node's message is passed through)",
    kind: 'connection-lost',
    write: 'maybe-applied',
    readRetry: true,
    why: 'The socket was reset during the call. "No connection established. Last error: read ECONNRESET" is a different case (never sent); that entry is longer and wins.',
  },
  {
    text: 'Received RST_STREAM with code',
    grpcCode: 'INTERNAL (set by grpc-js; UNAVAILABLE for ECONNRESET/ETIMEDOUT)',
    versions: ALL,
    source: 'grpc-js 1.14.7 build/src/subchannel-call.js (RST_STREAM NO_ERROR without status, INTERNAL_ERROR, other codes)',
    kind: 'connection-lost',
    write: 'maybe-applied',
    readRetry: true,
    why: 'The stream was reset after it was opened.',
  },
  {
    text: 'Call cancelled',
    grpcCode: 'CANCELLED (set by grpc-js)',
    versions: ALL,
    source: 'grpc-js 1.14.7 build/src/subchannel-call.js (RST_STREAM CANCEL from the peer, connection still up)',
    kind: 'cancelled',
    write: 'maybe-applied',
    readRetry: true,
    why: 'The server side (or a proxy) cancelled a stream that was already open.',
  },
  // ── grpc-js: never sent (longer texts that must win over the ones above) ────────────────────
  {
    text: 'No connection established',
    grpcCode: 'UNAVAILABLE (set by grpc-js)',
    versions: ALL,
    source: 'grpc-js 1.14.7 build/src/load-balancer-pick-first.js, picker.js (no READY subchannel to pick)',
    kind: 'not-sent',
    write: 'not-applied',
    readRetry: true,
    why: 'No transport: the call failed before a stream existed (errors.ts NEVER_SENT_MESSAGES says the same).',
  },
  {
    text: 'Waiting for LB pick',
    grpcCode: 'DEADLINE_EXCEEDED (set by grpc-js)',
    versions: ALL,
    source: 'grpc-js 1.14.7 build/src/load-balancing-call.js getDeadlineInfo (deadline passed before a subchannel was picked)',
    kind: 'not-sent',
    write: 'not-applied',
    readRetry: true,
    why: 'The deadline passed while the call was still waiting for a connection.',
  },
];

const PREFIX = 'etcdserver: ';
/** The part matched: etcd's "etcdserver: " prefix is optional in the message, case never matters. */
const portionOf = (text: string): string => (text.startsWith(PREFIX) ? text.slice(PREFIX.length) : text).toLowerCase();

// Longest first, so that the more specific text wins ("request timed out, possibly due to …" over "request timed out").
const BY_LENGTH = [...ETCD_MESSAGES]
  .map((entry) => ({ entry, portion: portionOf(entry.text) }))
  .sort((a, b) => b.portion.length - a.portion.length);

/**
 * Returns the most specific entry whose text appears in a client-side error message such as
 * "14 UNAVAILABLE: etcdserver: no leader" or "4 DEADLINE_EXCEEDED: Deadline exceeded after 0.667s,…".
 */
export function classifyEtcdMessage(message: string): EtcdMessage | undefined {
  const m = message.toLowerCase();
  return BY_LENGTH.find((e) => m.includes(e.portion))?.entry;
}
