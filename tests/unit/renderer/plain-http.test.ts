import { describe, expect, it } from 'vitest';
import { isLoopbackHost, plainHttpConsentFor, plainHttpHosts } from '../../../src/renderer/src/features/connections/plain-http';
import { initialDraft, plainHttpHostsOf, validate } from '../../../src/renderer/src/features/connections/profile-draft';

describe('plainHttpHosts', () => {
  it.each([
    ['http://10.0.0.5:2379', ['10.0.0.5']],
    ['10.0.0.5:2379', ['10.0.0.5']], // no scheme is http
    ['HTTP://Etcd.Internal:2379', ['etcd.internal']],
    ['http://[fd00::1]:2379', ['[fd00::1]']],
    ['http://128.0.0.1:2379', ['128.0.0.1']],
    ['http://localhost.example:2379', ['localhost.example']],
    ['http://0.0.0.0:2379', ['0.0.0.0']],
  ])('%s goes to another machine in the clear', (endpoint, hosts) => {
    expect(plainHttpHosts([endpoint])).toEqual(hosts);
  });

  it.each([
    'https://10.0.0.5:2379',
    'HTTPS://etcd:2379',
    'http://127.0.0.1:2379',
    'http://127.255.3.4:2379',
    '127.0.0.1:2379',
    'http://127.1:2379', // the URL parser's 127.0.0.1
    'http://0x7f.0.0.1:2379',
    'http://localhost:2379',
    'http://LOCALHOST.:2379',
    'http://[::1]:2379',
    'http://[0:0:0:0:0:0:0:1]:2379',
    'http://[::ffff:127.0.0.1]:2379',
    'ftp://10.0.0.5:21', // not an endpoint at all: the endpoint check says so
    'http://exa mple:2379',
  ])('%s does not', (endpoint) => {
    expect(plainHttpHosts([endpoint])).toEqual([]);
  });

  it('names each host once, in the order typed, skipping loopback ones', () => {
    expect(plainHttpHosts(['http://b:1', 'http://127.0.0.1:2', 'http://a:3', 'http://b:4'])).toEqual(['b', 'a']);
  });
});

describe('isLoopbackHost', () => {
  it('is 127.0.0.0/8, ::1 and localhost only', () => {
    expect(['127.0.0.1', '127.9.9.9', '[::1]', 'localhost', 'localhost.', '[::ffff:7f00:1]'].every(isLoopbackHost)).toBe(true);
    expect(['126.255.255.255', '10.0.0.1', '[::2]', 'mylocalhost', 'localhost.localdomain', '[::ffff:a00:1]'].some(isLoopbackHost)).toBe(false);
  });
});

describe('plainHttpConsentFor', () => {
  it('asks only when a password is sent', () => {
    expect(plainHttpConsentFor(['http://10.0.0.5:2379', 'http://10.0.0.6:2379'], true)).toBe('10.0.0.5, 10.0.0.6');
    expect(plainHttpConsentFor(['http://10.0.0.5:2379'], false)).toBe('');
    expect(plainHttpConsentFor(['https://10.0.0.5:2379'], true)).toBe('');
  });
});

describe('the profile draft', () => {
  const draft = { ...initialDraft('add'), name: 'p', endpoints: 'http://10.0.0.5:2379', username: 'root', password: 's3cret' };
  const none = { keptPassword: false };

  it('a new password to a plain-http host needs consent for exactly those hosts', () => {
    expect(plainHttpHostsOf(draft, none)).toBe('10.0.0.5');
    expect(validate(draft, none).plainHttp).toMatch(/Tick the box/);
    expect(validate({ ...draft, plainHttpConsent: '10.0.0.5' }, none)).toEqual({});
    // A consent for other hosts does not count.
    expect(validate({ ...draft, endpoints: 'http://10.0.0.9:2379', plainHttpConsent: '10.0.0.5' }, none).plainHttp).toBeDefined();
  });

  it('so does a kept (saved) password, but not a cleared one, and not without a password', () => {
    const kept = { ...draft, password: '' };
    expect(validate(kept, { keptPassword: true }).plainHttp).toBeDefined();
    expect(validate({ ...kept, clearPassword: true }, { keptPassword: true }).plainHttp).toBeUndefined();
    expect(validate(kept, none).plainHttp).toBeUndefined();
  });

  it('https and loopback endpoints need none; a malformed endpoint is told about first', () => {
    expect(validate({ ...draft, endpoints: 'https://10.0.0.5:2379' }, none)).toEqual({});
    expect(validate({ ...draft, endpoints: 'http://127.0.0.1:2379' }, none)).toEqual({});
    expect(validate({ ...draft, endpoints: 'http://10.0.0.5' }, none)).toEqual({ endpoints: expect.stringMatching(/has no port/) as unknown as string });
  });
});
