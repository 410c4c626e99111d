import { createLogger, memorySink } from '../../../src/main/core/logging/logger';
import { redact, sensitiveStrings } from '../../../src/main/core/logging/redact';

describe('redact', () => {
  it('removes every user string of the request, as text and as base64, longest first', () => {
    const req = {
      profileId: 'p-1',
      key: { encoding: 'utf8', data: '/registry/secrets/default/db' },
      value: { encoding: 'utf8', data: 'hunter2-canary' },
      password: 'pa55w0rd',
    };
    const secrets = sensitiveStrings(req);
    expect(secrets).toEqual(expect.arrayContaining(['/registry/secrets/default/db', 'hunter2-canary', 'pa55w0rd']));
    expect(secrets).not.toContain('p-1');
    expect(secrets).not.toContain('utf8');
    const b64 = Buffer.from('hunter2-canary').toString('base64');
    const out = redact(`put /registry/secrets/default/db=hunter2-canary (${b64}) failed for profile p-1 with pa55w0rd`, secrets);
    expect(out).not.toMatch(/registry|hunter2|pa55w0rd/);
    expect(out).not.toContain(b64);
    expect(out).toContain('p-1');
  });

  it('removes credentials by shape even when the request did not carry them', () => {
    const out = redact('auth failed: password=abc123 token: "xyz" Authorization: Bearer eyJhbGciOi.abc -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----');
    expect(out).not.toMatch(/abc123|xyz|eyJhbGciOi|MIIE/);
    expect(out).toContain('password=‹redacted›');
  });

  it('leaves short strings alone (they would garble the line and hide nothing)', () => {
    expect(redact('a b c', ['a', 'b'])).toBe('a b c');
  });
});

describe('logger', () => {
  it('scopes lines and never throws from a failing sink', () => {
    const sink = memorySink();
    const log = createLogger(sink).scope('connections');
    log.info('connection connected', { profileId: 'p', code: undefined });
    expect(sink.lines).toEqual(['[info] (main.connections) connection connected {"profileId":"p"}']);
    const broken = createLogger({
      write: () => {
        throw new Error('disk full');
      },
    });
    expect(() => broken.error('x')).not.toThrow();
  });
});

describe('redact with big values', () => {
  it('handles a secret of megabytes (a value near etcd’s request limit) without a RegExp', () => {
    const big = 'x'.repeat(1_500_000);
    expect(redact(`put failed: ${big.slice(0, 10)}`, [big])).toBe('put failed: xxxxxxxxxx');
    expect(redact(`echo ${big}!`, [big])).toBe('echo ‹redacted›!');
  });
});
