/** One endpoint rule for the form and for main's schema, with a message that says what is wrong. */
import { limits } from '../../../src/shared/contract';
import { parseRequest } from '../../../src/main/core/validation';
import { initialDraft, validate } from '../../../src/renderer/src/features/connections/profile-draft';

const { endpointProblem } = limits;

describe('endpoints', () => {
  it.each(['http://127.0.0.1:2379', 'https://etcd-0.example.internal:2379', '127.0.0.1:2379', 'http://[::1]:2379', 'localhost:1', 'http://10.0.0.1:65535/'])(
    '%s is an endpoint',
    (e) => expect(endpointProblem(e)).toBeNull(),
  );

  it.each([
    ['', 'is empty'],
    ['http://127.0.0.1', 'has no port: add one, e.g. 127.0.0.1:2379'],
    ['127.0.0.1:70000', 'has port 70000: a port is a number from 1 to 65535'],
    ['127.0.0.1:0', 'has port 0: a port is a number from 1 to 65535'],
    ['127.0.0.1:23x9', 'has port 23x9: a port is a number from 1 to 65535'],
    ['ftp://127.0.0.1:2379', 'starts with ftp://: use http:// or https://'],
    ['http://:2379', 'has no host: write it like http://127.0.0.1:2379'],
    ['http://root:pw@10.0.0.1:2379', 'contains a user name: put it in the User field instead'],
    ['http://10.0.0.1:2379/v3/kv', 'has more than a host and a port (/v3/kv): an endpoint has no path'],
    ['http://exa mple:2379', 'has a host that is not valid (exa mple)'],
  ])('%j %s', (e, problem) => expect(endpointProblem(e)).toBe(problem));

  it('main names the field and the endpoint in words, once', () => {
    const r = parseRequest('profiles:save', { name: 'p', endpoints: ['http://10.0.0.1:2379', '10.0.0.2:99999'] });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', details: { field: 'endpoints.1' } } });
    if (!r.ok) expect(r.error.message).toContain('“10.0.0.2:99999” has port 99999: a port is a number from 1 to 65535');
  });

  it('the form says the same, next to the field, before anything is sent', () => {
    const d = { ...initialDraft('add'), name: 'p', endpoints: 'http://10.0.0.1:2379\n10.0.0.2' };
    expect(validate(d)).toEqual({ endpoints: '“10.0.0.2” has no port: add one, e.g. 10.0.0.2:2379.' });
    expect(validate({ ...d, endpoints: 'https://a:1\nhttp://b:2' }).endpoints).toMatch(/one scheme/);
    expect(validate({ ...d, endpoints: 'a:1', deadlineMs: '50' }).deadlineMs).toBe(
      `A whole number of milliseconds between ${limits.DEADLINE_MS.min} and ${limits.DEADLINE_MS.max}.`,
    );
    expect(validate({ ...d, endpoints: 'a:1', name: 'x'.repeat(limits.PROFILE_NAME_MAX + 1) }).name).toMatch(/at most 200/);
  });
});
