import { sampleRequests } from '../support/sample-requests';
import { parseRequest, isChannel } from '../../../src/main/core/validation';
import { allChannels } from '../../../src/shared/contract';

const ref = { profileId: 'p' };
const key = { encoding: 'utf8', data: 'k' };

describe('IPC request validation', () => {
  it('accepts well-formed requests for every channel', () => {
    const good: Record<string, unknown> = sampleRequests;
    expect(Object.keys(good).sort()).toEqual(allChannels().sort());
    for (const [channel, req] of Object.entries(good)) {
      const r = parseRequest(channel as never, req);
      expect(r.ok, `${channel}: ${JSON.stringify(r)}`).toBe(true);
    }
  });

  it.each([
    ['wrong type', 'kv:get', { profileId: 1, key }, 'profileId'],
    ['extra field', 'kv:get', { ...ref, key, sneaky: true }, undefined],
    ['extra field in bytes', 'kv:get', { ...ref, key: { ...key, extra: 1 } }, undefined],
    ['bad encoding', 'kv:get', { ...ref, key: { encoding: 'latin1', data: 'k' } }, 'key.encoding'],
    ['not base64', 'kv:put', { ...ref, key, value: { encoding: 'base64', data: '!!!' } }, 'value.data'],
    ['base64 with a dangling char', 'kv:put', { ...ref, key, value: { encoding: 'base64', data: 'AAAAA' } }, 'value.data'],
    ['mixed http and https', 'profiles:save', { name: 'n', endpoints: ['http://a:1', 'https://b:2'] }, 'endpoints'],
    ['negative revision', 'kv:put', { ...ref, key, value: key, expectedModRevision: -1 }, 'expectedModRevision'],
    ['page too big', 'kv:list', { ...ref, prefix: key, limit: 1_000_000 }, 'limit'],
    ['oversized payload', 'kv:put', { ...ref, key, value: { encoding: 'utf8', data: 'x'.repeat(17 * 1024 * 1024) } }, 'value.data'],
    ['oversized key', 'kv:get', { ...ref, key: { encoding: 'utf8', data: 'x'.repeat(70_000) } }, 'key.data'],
    ['no endpoints', 'profiles:save', { name: 'n', endpoints: [] }, 'endpoints'],
    ['bad endpoint', 'profiles:save', { name: 'n', endpoints: ['not a url'] }, 'endpoints.0'],
    ['argument where none is taken', 'profiles:list', { x: 1 }, undefined],
    ['null request', 'kv:list', null, undefined],
    ['count without a prefix', 'kv:count', ref, 'prefix'],
    ['cancel without a job id', 'jobs:cancel', ref, 'jobId'],
    ['inherited name as a channel', 'toString', {}, undefined],
  ])('%s is INVALID_ARGUMENT', (_name, channel, req, field) => {
    const r = parseRequest(channel as never, req);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('INVALID_ARGUMENT');
    if (field) expect(r.error.details?.field).toBe(field);
  });

  it('an unknown channel is INVALID_ARGUMENT', () => {
    expect(isChannel('kv:drop-everything')).toBe(false);
    const r = parseRequest('kv:drop-everything' as never, {});
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });
});
