import { describe, expect, it } from 'vitest';
import { describeError } from '../../../src/renderer/src/ui/messages';
import { ErrorCodes, type AppError, type ErrorCode } from '../../../src/shared/result';

const err = (code: ErrorCode, details?: AppError['details'], message = 'raw server text'): AppError => ({
  code,
  message,
  ...(details ? { details } : {}),
});

describe('describeError', () => {
  it('gives every error code its own specific message', () => {
    const titles = ErrorCodes.map((code) => describeError(err(code), { op: 'save', key: 'cfg/app' }).title);
    expect(new Set(titles).size).toBe(ErrorCodes.length);
    for (const t of titles) expect(t.length).toBeGreaterThan(20);
  });

  it.each<[ErrorCode, AppError['details'] | undefined, RegExp, string | undefined]>([
    ['NOT_FOUND', undefined, /Key “cfg\/app” no longer exists/, 'reload'],
    ['UNAVAILABLE', { endpoint: 'https://10.1.2.3:2379' }, /unreachable at https:\/\/10\.1\.2\.3:2379/, 'retry'],
    ['NO_QUORUM', undefined, /no quorum/, 'retry'],
    ['TIMEOUT', undefined, /deadline of 3000 ms/, 'retry'],
    ['OUTCOME_UNKNOWN', undefined, /may or may not have been applied — re-read the key/, 'reread'],
    ['AUTH_FAILED', undefined, /Authentication failed for user “alice”/, 'edit-profile'],
    ['PERMISSION_DENIED', undefined, /Permission denied: user “alice” may not save the key “cfg\/app”/, undefined],
    ['TOO_LARGE', { size: 2 * 1024 * 1024, limit: 1572864 }, /2\.0 MiB exceeds the cluster's limit of 1\.5 MiB/, undefined],
    ['CONFLICT', { currentModRevision: 42 }, /changed by someone else .*revision 42/, 'reread'],
    ['COMPACTED', undefined, /compacted/, 'reload'],
    ['INVALID_ARGUMENT', { field: 'endpoints' }, /Invalid value for “endpoints”/, undefined],
    ['TLS', { endpoint: 'https://db:2379' }, /TLS handshake failed at https:\/\/db:2379/, 'edit-profile'],
    ['NOT_CONNECTED', undefined, /Not connected to “prod”/, 'reconnect'],
    ['SECRET_STORAGE_UNAVAILABLE', undefined, /Store password unencrypted on this machine/, undefined],
    ['INTERNAL', undefined, /Unexpected error/, undefined],
  ])('%s', (code, details, pattern, action) => {
    const d = describeError(err(code, details), { op: 'save', key: 'cfg/app', username: 'alice', profileName: 'prod', deadlineMs: 3000 });
    expect(d.title).toMatch(pattern);
    expect(d.action).toBe(action);
  });

  it('formats sizes in KiB as well', () => {
    expect(describeError(err('TOO_LARGE', { size: 1536, limit: 1024 })).title).toContain('1.5 KiB exceeds the cluster\'s limit of 1.0 KiB');
  });

  it('keeps the server text as detail, never as the headline', () => {
    const d = describeError(err('UNAVAILABLE', { hint: 'is etcd running?' }, '14 UNAVAILABLE: No connection established'));
    expect(d.title).not.toContain('No connection established');
    expect(d.detail).toContain('No connection established');
    expect(d.detail).toContain('is etcd running?');
  });
});
