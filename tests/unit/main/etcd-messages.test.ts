/**
 * The etcd / grpc-js failure-text table (src/main/core/etcd/etcd-messages.ts):
 *  1. each entry is found in a realistic client message, and the most specific entry wins;
 *  2. the table against etcd's source: fixtures/etcd-rpctypes-texts.json holds the raw strings of
 *     rpctypes/error.go, etcdserver errors.go and raft at v3.4.45, v3.5.33, v3.6.14 (raft v3.6.0).
 *     Every text there about leaders, timeouts, overload, space, corruption, learners, size and
 *     revisions must have its own entry for that version, and every etcd entry must exist there;
 *  3. the grpc-js texts against the installed grpc-js build.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { getSystemErrorMap } from 'node:util';
import { classifyEtcdMessage, ETCD_MESSAGES, type EtcdVersion } from '../../../src/main/core/etcd/etcd-messages';

const root = resolve(__dirname, '../../..');
const strip = (text: string): string => text.replace(/^etcdserver: /, '');
const isClientSide = (source: string): boolean => source.startsWith('grpc-js');

/** One realistic client message per entry, in the form etcd3 / grpc-js produce. */
const SAMPLES: Record<string, string> = {
  'etcdserver: no leader': '14 UNAVAILABLE: etcdserver: no leader',
  'etcdserver: leader changed': '14 UNAVAILABLE: etcdserver: leader changed',
  'etcdserver: not leader': '9 FAILED_PRECONDITION: etcdserver: not leader',
  'raft proposal dropped': '2 UNKNOWN: raft proposal dropped',
  'etcdserver: request timed out': '14 UNAVAILABLE: etcdserver: request timed out',
  'etcdserver: request timed out, possibly due to previous leader failure':
    '14 UNAVAILABLE: etcdserver: request timed out, possibly due to previous leader failure',
  'etcdserver: request timed out, possibly due to connection lost':
    '14 UNAVAILABLE: etcdserver: request timed out, possibly due to connection lost',
  'etcdserver: request timed out, waiting for the applied index took too long':
    '14 UNAVAILABLE: etcdserver: request timed out, waiting for the applied index took too long',
  'etcdserver: request timed out, leader transfer took too long':
    '2 UNKNOWN: etcdserver: request timed out, leader transfer took too long',
  'timed out waiting for read index response (local node might have slow network)':
    '{"level":"warn","caller":"etcdserver/v3_server.go:1040","msg":"timed out waiting for read index response (local node might have slow network)","timeout":"7s"}',
  'context deadline exceeded': '2 UNKNOWN: context deadline exceeded',
  'Deadline exceeded': '4 DEADLINE_EXCEEDED: Deadline exceeded after 0.667s,LB pick: 0.001s,remote_addr=127.0.0.1:2379',
  'etcdserver: too many requests': '2 UNKNOWN: etcdserver: too many requests',
  'Stream refused by server': '14 UNAVAILABLE: Stream refused by server',
  'etcdserver: server stopped': '14 UNAVAILABLE: etcdserver: server stopped',
  'raft: stopped': '2 UNKNOWN: raft: stopped',
  'etcdserver: not capable': '9 FAILED_PRECONDITION: etcdserver: not capable',
  'etcdserver: cluster version not found during downgrade':
    '14 UNAVAILABLE: etcdserver: cluster version not found during downgrade',
  'etcdserver: unhealthy cluster': '14 UNAVAILABLE: etcdserver: unhealthy cluster',
  'etcdserver: mvcc: database space exceeded': '8 RESOURCE_EXHAUSTED: etcdserver: mvcc: database space exceeded',
  'etcdserver: no space': '2 UNKNOWN: etcdserver: no space',
  'etcdserver: corrupt cluster': '15 DATA_LOSS: etcdserver: corrupt cluster',
  'etcdserver: request is too large': '3 INVALID_ARGUMENT: etcdserver: request is too large',
  'grpc: received message larger than max':
    '8 RESOURCE_EXHAUSTED: grpc: received message larger than max (3670016 vs. 2621440)',
  'Received message larger than max': '8 RESOURCE_EXHAUSTED: Received message larger than max (4194560 vs 4194304)',
  'etcdserver: rpc not supported for learner': '14 UNAVAILABLE: etcdserver: rpc not supported for learner',
  'etcdserver: can only promote a learner member which is in sync with leader':
    '9 FAILED_PRECONDITION: etcdserver: can only promote a learner member which is in sync with leader',
  'etcdserver: too many learner members in cluster': '9 FAILED_PRECONDITION: etcdserver: too many learner members in cluster',
  'etcdserver: mvcc: required revision has been compacted':
    '11 OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted',
  'etcdserver: mvcc: required revision is a future revision':
    '11 OUT_OF_RANGE: etcdserver: mvcc: required revision is a future revision',
  'Connection dropped': '14 UNAVAILABLE: Connection dropped',
  'read ECONNRESET': '14 UNAVAILABLE: read ECONNRESET',
  'Received RST_STREAM with code': '13 INTERNAL: Received RST_STREAM with code 2 triggered by internal client error: Protocol error',
  'Call cancelled': '1 CANCELLED: Call cancelled',
  'No connection established':
    '14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:2379. Resolution note: ',
  'Waiting for LB pick': '4 DEADLINE_EXCEEDED: Deadline exceeded after 5.002s,name resolution: 0.001s,Waiting for LB pick',
};

describe('classifyEtcdMessage', () => {
  it('has one sample per entry and no duplicate texts', () => {
    const texts = ETCD_MESSAGES.map((e) => e.text);
    expect(new Set(texts).size).toBe(texts.length);
    expect(Object.keys(SAMPLES).sort()).toEqual([...texts].sort());
  });

  it.each(ETCD_MESSAGES.map((e) => [e.text, SAMPLES[e.text]]))('classifies "%s" from "%s"', (text, message) => {
    expect(classifyEtcdMessage(message)?.text).toBe(text);
  });

  it.each([
    ['14 UNAVAILABLE: etcdserver: request timed out, possibly due to previous leader failure', 'etcdserver: request timed out, possibly due to previous leader failure'],
    ['14 UNAVAILABLE: etcdserver: request timed out, possibly due to connection lost', 'etcdserver: request timed out, possibly due to connection lost'],
    ['2 UNKNOWN: etcdserver: request timed out, leader transfer took too long', 'etcdserver: request timed out, leader transfer took too long'],
    ['14 UNAVAILABLE: etcdserver: request timed out', 'etcdserver: request timed out'],
    ['4 DEADLINE_EXCEEDED: context deadline exceeded', 'context deadline exceeded'],
    ['4 DEADLINE_EXCEEDED: etcdserver: context deadline exceeded', 'context deadline exceeded'],
    ['4 DEADLINE_EXCEEDED: Deadline exceeded after 5.002s,Waiting for LB pick', 'Waiting for LB pick'],
    ['14 UNAVAILABLE: No connection established. Last error: read ECONNRESET', 'No connection established'],
    ['8 RESOURCE_EXHAUSTED: grpc: received message larger than max (5 vs. 4)', 'grpc: received message larger than max'],
    ['8 RESOURCE_EXHAUSTED: etcdserver: mvcc: database space exceeded', 'etcdserver: mvcc: database space exceeded'],
  ])('the most specific entry wins: "%s"', (message, text) => {
    expect(classifyEtcdMessage(message)?.text).toBe(text);
  });

  it('ignores case and the "etcdserver: " prefix', () => {
    expect(classifyEtcdMessage('Error: 14 UNAVAILABLE: ETCDSERVER: NO LEADER')?.text).toBe('etcdserver: no leader');
    expect(classifyEtcdMessage('no leader')?.text).toBe('etcdserver: no leader');
    expect(classifyEtcdMessage('deadline exceeded')?.text).toBe('Deadline exceeded');
  });

  it.each([
    '',
    '5 NOT_FOUND: etcdserver: requested lease not found',
    '7 PERMISSION_DENIED: etcdserver: permission denied',
    '3 INVALID_ARGUMENT: etcdserver: key is not provided',
    // A shorter text than an entry's does not match it.
    '9 FAILED_PRECONDITION: etcdserver: can only promote a learner member',
    '1 CANCELLED: Cancelled on client',
    'Tried to call a kv method on etcd3, but the client was already closed',
  ])('has no entry for "%s"', (message) => {
    expect(classifyEtcdMessage(message)).toBeUndefined();
  });

  it('every etcd source names exactly the versions listed; client-side ones apply to all', () => {
    const named = (s: string): string[] => [...new Set([...s.matchAll(/\b3\.([456])\b/g)].map((m) => `3.${m[1]}`))].sort();
    for (const e of ETCD_MESSAGES) {
      if (isClientSide(e.source)) {
        expect(e.versions, e.text).toEqual(['3.4', '3.5', '3.6']);
        expect(named(e.source), e.text).toEqual([]);
      } else {
        expect(named(e.source), e.text).toEqual([...e.versions].sort());
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The table against etcd's source

interface Extracted {
  readonly tag: string;
  readonly commit: string;
  readonly errors: readonly { readonly name: string; readonly text: string; readonly code?: string }[];
}
interface Fixture {
  readonly versions: Record<EtcdVersion, { rpctypes: Extracted; etcdserver: Extracted; raft: Extracted }>;
}
const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'etcd-rpctypes-texts.json'), 'utf8')) as Fixture;
const VERSIONS = Object.keys(fixture.versions) as EtcdVersion[];

/** rpctypes errors about leaders, timeouts, overload, space, corruption, learners, size, revisions. */
const RELEVANT_CODES = new Set(['Unavailable', 'DataLoss', 'ResourceExhausted', 'DeadlineExceeded']);
const RELEVANT_RPCTYPES = new Set([
  'ErrGRPCNotLeader',
  'ErrGRPCNotCapable',
  'ErrGRPCNotSupportedForLearner',
  'ErrGPRCNotSupportedForLearner', // 3.4 and 3.5 spelling
  'ErrGRPCLearnerNotReady',
  'ErrGRPCTooManyLearners',
  'ErrGRPCRequestTooLarge',
  'ErrGRPCCompacted',
  'ErrGRPCFutureRev',
  'ErrGRPCClusterVersionUnavailable',
]);
/** The same for the Go errors behind them (etcdserver errors.go) and raft. */
const RELEVANT_SERVER = new Set([
  'ErrStopped',
  'ErrTimeout',
  'ErrTimeoutDueToLeaderFail',
  'ErrTimeoutDueToConnectionLost',
  'ErrTimeoutLeaderTransfer',
  'ErrTimeoutWaitAppliedIndex',
  'ErrLeaderChanged',
  'ErrLearnerNotReady',
  'ErrNoLeader',
  'ErrNotLeader',
  'ErrRequestTooLarge',
  'ErrNoSpace',
  'ErrTooManyRequests',
  'ErrUnhealthy',
  'ErrCorrupt',
  'ErrClusterVersionUnavailable',
]);
/** etcd sends a context error's own text, not the rpctypes one declared for it (togRPCError). */
const ALIASES: Record<string, string> = { 'etcdserver: context deadline exceeded': 'context deadline exceeded' };
/** Entries whose text is not an etcd error value: grpc-go's context / size errors, a log line. */
const NOT_ERROR_VALUES = new Set([
  'context deadline exceeded',
  'grpc: received message larger than max',
  'timed out waiting for read index response (local node might have slow network)',
]);
/** Go's codes.Canceled etc. as grpc-js names them. */
const grpcName = (code: string): string => (code === 'Canceled' ? 'CANCELLED' : code.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase());

describe('the table against the etcd source (fixtures/etcd-rpctypes-texts.json)', () => {
  it('was read from the 3.4, 3.5 and 3.6 release tags', () => {
    expect(VERSIONS.sort()).toEqual(['3.4', '3.5', '3.6']);
    for (const v of VERSIONS) {
      for (const part of Object.values(fixture.versions[v])) {
        expect(part.tag).toMatch(/^v3\.\d+\.\d+$/);
        expect(part.commit).toMatch(/^[0-9a-f]{40}$/);
        expect(part.errors.length).toBeGreaterThan(0);
      }
    }
  });

  const relevant = VERSIONS.flatMap((v) => {
    const { rpctypes, etcdserver, raft } = fixture.versions[v];
    return [
      ...rpctypes.errors
        .filter((e) => RELEVANT_CODES.has(e.code ?? '') || RELEVANT_RPCTYPES.has(e.name))
        .map((e) => ({ v, ...e, from: `rpctypes ${rpctypes.tag}` })),
      ...etcdserver.errors.filter((e) => RELEVANT_SERVER.has(e.name)).map((e) => ({ v, ...e, from: `etcdserver ${etcdserver.tag}` })),
      ...raft.errors.filter((e) => e.name === 'ErrStopped' || e.name === 'ErrProposalDropped').map((e) => ({ v, ...e, from: `raft ${raft.tag}` })),
    ];
  });

  it('found every relevant name in every version', () => {
    for (const v of VERSIONS) {
      const names = new Set(relevant.filter((r) => r.v === v).map((r) => `${r.from.split(' ')[0]}.${r.name}`));
      for (const n of ['rpctypes.ErrGRPCNoLeader', 'rpctypes.ErrGRPCLeaderChanged', 'etcdserver.ErrTooManyRequests', 'raft.ErrStopped', 'raft.ErrProposalDropped']) {
        expect(names.has(n), `${v} ${n}`).toBe(true);
      }
    }
  });

  it.each(relevant.map((r) => [r.v, r.from, r.name, r.text, r.code]))(
    '%s %s %s "%s" has its own entry for that version',
    (v, _from, _name, text, code) => {
      const entry = classifyEtcdMessage(`2 UNKNOWN: ${text}`);
      expect(entry).toBeDefined();
      expect(strip(entry!.text)).toBe(strip(ALIASES[text] ?? text));
      expect(entry!.versions).toContain(v);
      if (code) expect(entry!.grpcCode).toContain(grpcName(code));
    },
  );

  it.each(ETCD_MESSAGES.filter((e) => !isClientSide(e.source) && !NOT_ERROR_VALUES.has(e.text)).map((e) => [e.text, e.versions]))(
    '"%s" is an error text of etcd %j',
    (text, versions) => {
      for (const v of versions) {
        const all = Object.values(fixture.versions[v]).flatMap((part) => part.errors.map((e) => strip(e.text)));
        expect(all, `${v}`).toContain(strip(text));
      }
    },
  );

  it('etcd versions that lack a text are not listed for it', () => {
    for (const e of ETCD_MESSAGES.filter((x) => !isClientSide(x.source) && !NOT_ERROR_VALUES.has(x.text))) {
      for (const v of VERSIONS.filter((x) => !e.versions.includes(x))) {
        const all = Object.values(fixture.versions[v]).flatMap((part) => part.errors.map((x) => strip(x.text)));
        expect(all, `${e.text} in ${v}`).not.toContain(strip(e.text));
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// grpc-js texts against the installed build (the copy etcd3 loads)

describe('the grpc-js texts match the installed grpc-js', () => {
  const fromEtcd3 = createRequire(createRequire(join(root, 'package.json')).resolve('etcd3'));
  const grpcDir = dirname(fromEtcd3.resolve('@grpc/grpc-js/package.json'));
  const build = join(grpcDir, 'build', 'src');
  const grpcSource = readdirSync(build)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(build, f), 'utf8'))
    .join('\n');
  /** Node's socket error message, which grpc-js passes through for ECONNRESET. */
  const FROM_NODE = new Set(['read ECONNRESET']);

  it('is the version the sources cite', () => {
    const { version } = JSON.parse(readFileSync(join(grpcDir, 'package.json'), 'utf8')) as { version: string };
    for (const e of ETCD_MESSAGES.filter((x) => isClientSide(x.source))) expect(e.source).toContain(`grpc-js ${version}`);
  });

  it.each(ETCD_MESSAGES.filter((e) => isClientSide(e.source) && !FROM_NODE.has(e.text)).map((e) => [e.text]))(
    'grpc-js still says "%s"',
    (text) => {
      expect(grpcSource.includes(text)).toBe(true);
    },
  );

  it('grpc-js passes ECONNRESET through and Node calls it that', () => {
    expect(grpcSource).toContain("this.internalError.code === 'ECONNRESET'");
    expect([...getSystemErrorMap().values()].map(([name]) => name)).toContain('ECONNRESET');
  });
});
