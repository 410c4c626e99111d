/**
 * What a person reads never carries raw gRPC or OpenSSL text: every mapped error says what
 * happened, where and what to try; the raw error stays on the AppFailure's cause for the log.
 */
import {
  EtcdInvalidAuthTokenError,
  GRPCCancelledError,
  GRPCInvalidArgumentError,
  GRPCOutOfRangeError,
  GRPCUnavailableError,
  GRPCInternalError,
} from 'etcd3';
import { toAppError, tlsReason, type ErrorContext } from '../../../src/main/core/etcd/errors';

const ctx = (kind: 'read' | 'write', extra: Partial<ErrorContext> = {}): ErrorContext => ({
  kind,
  endpoints: ['https://10.0.0.1:2379'],
  deadlineMs: 5000,
  ...extra,
});

const RAW = /\b\d{1,2} [A-Z_]{4,}:|Resolution note|Last error|Error: |at Object\.|ECONNREFUSED|\(2026|[A-Z][a-z]+Error\b/;

const raw = {
  refused: '14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 10.0.0.1:2379 (2026-12-04T15:00:00.000Z). Resolution note: ',
  dns: '14 UNAVAILABLE: Name resolution failed for target dns:etcd.nowhere:2379',
  selfSigned: '14 UNAVAILABLE: No connection established. Last error: Error: self-signed certificate in certificate chain',
  altname: "14 UNAVAILABLE: No connection established. Last error: Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: IP: 10.0.0.1 is not in the cert's list: ",
  noClientCert: '14 UNAVAILABLE: No connection established. Last error: Error: C0B7:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required',
  dropped: '14 UNAVAILABLE: Connection dropped',
};

describe('messages for people', () => {
  it.each([
    ['refused read', new GRPCUnavailableError(raw.refused), ctx('read', { neverSent: true }), 'UNAVAILABLE', /nothing is listening there/],
    ['unresolvable host', new GRPCUnavailableError(raw.dns), ctx('read', { neverSent: true }), 'UNAVAILABLE', /host name could not be resolved/],
    ['untrusted server cert', new GRPCUnavailableError(raw.selfSigned), ctx('read', { neverSent: true }), 'TLS', /not signed by the profile's CA file/],
    ['cert for another host', new GRPCUnavailableError(raw.altname), ctx('read', { neverSent: true }), 'TLS', /TLS server name/],
    ['client cert required', new GRPCUnavailableError(raw.noClientCert), ctx('read', { neverSent: true }), 'TLS', /client certificate/],
    ['dropped write', new GRPCUnavailableError(raw.dropped), ctx('write'), 'OUTCOME_UNKNOWN', /may or may not have been applied/],
    ['expired token', new EtcdInvalidAuthTokenError('3 INVALID_ARGUMENT: etcdserver: invalid auth token'), ctx('read'), 'AUTH_FAILED', /reconnect/],
    ['bad revision', new GRPCOutOfRangeError('11 OUT_OF_RANGE: etcdserver: mvcc: required revision is a future revision'), ctx('read'), 'INVALID_ARGUMENT', /Reload the list/],
    ['rejected request', new GRPCInvalidArgumentError('3 INVALID_ARGUMENT: etcdserver: key is not provided'), ctx('write', { neverSent: false }), 'INVALID_ARGUMENT', /key is empty/],
    ['cancelled read', new GRPCCancelledError('1 CANCELLED: Cancelled on client'), ctx('read'), 'UNAVAILABLE', /cancelled/],
    ['etcd internal deadline, read', new Error('2 UNKNOWN: context deadline exceeded'), ctx('read'), 'TIMEOUT', /did not answer in time/],
    ['etcd internal deadline, write', new Error('2 UNKNOWN: context deadline exceeded'), ctx('write'), 'OUTCOME_UNKNOWN', /may or may not/],
    ['anything else', new GRPCInternalError('13 INTERNAL: Received RST_STREAM with code 2'), ctx('read'), 'INTERNAL', /details are in the log/],
  ])('%s: %s', (_name, err, c, code, words) => {
    const e = toAppError(err, c);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(words);
    expect(e.message).not.toMatch(RAW);
    // where it happened
    if (code !== 'OUTCOME_UNKNOWN') expect(e.message).toContain('10.0.0.1:2379');
  });

  it('TLS reasons cover the usual OpenSSL failures and fall back to the log', () => {
    expect(tlsReason('Error: certificate has expired')).toMatch(/expired/);
    expect(tlsReason('SSL routines:ssl3_get_record:wrong version number')).toMatch(/does not speak TLS/);
    expect(tlsReason('something new')).toMatch(/details are in the log/);
  });
});
