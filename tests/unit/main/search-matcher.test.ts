import { BytesMatcher, checkRegex } from '../../../src/main/core/search/matcher';
import { AppFailure } from '../../../src/main/core/etcd/errors';
import { events } from '../../../src/shared/contract/events';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('BytesMatcher (text search on raw bytes)', () => {
  it('finds a substring, case-sensitive or folding ASCII letters only', () => {
    expect(new BytesMatcher('Pods', true).matches(b('/registry/pods/x'))).toBe(false);
    expect(new BytesMatcher('Pods', false).matches(b('/registry/pods/x'))).toBe(true);
    expect(new BytesMatcher('pods', false).matches(b('/REGISTRY/PODS/X'))).toBe(true);
    expect(new BytesMatcher('pods', false).matches(b('/registry/pod'))).toBe(false);
    // Only ASCII folds: É and é are different bytes, and stay different.
    expect(new BytesMatcher('é', false).matches(b('CAFÉ'))).toBe(false);
    expect(new BytesMatcher('é', false).matches(b('café'))).toBe(true);
  });

  it('matches inside bytes that are not UTF-8, and a query never matches across a folded copy of an earlier key', () => {
    const key = Buffer.concat([b('bin/'), Buffer.from([0xff, 0x00, 0xfe]), b('TAIL')]);
    expect(new BytesMatcher('tail', false).matches(key)).toBe(true);
    expect(new BytesMatcher('tail', true).matches(key)).toBe(false);
    const m = new BytesMatcher('needle', false);
    expect(m.matches(b('a long key holding NEEDLE in it'))).toBe(true);
    // The scratch buffer still holds the folded earlier key: a shorter key must not see it.
    expect(m.matches(b('a long'))).toBe(false);
    expect(m.matches(b('x'.repeat(10_000) + 'Needle'))).toBe(true);
  });
});

describe('checkRegex', () => {
  it('accepts a valid pattern and refuses an invalid one with INVALID_ARGUMENT and the reason in words', () => {
    expect(() => checkRegex('^/registry/(pods|services)/', false)).not.toThrow();
    let err: unknown;
    try {
      checkRegex('(unclosed', true);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppFailure);
    const e = (err as AppFailure).error;
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/not valid \(unterminated group\)/);
    expect(e.details?.field).toBe('query');
  });
});

describe('event:search-hits check', () => {
  const ok = (v: unknown) => events['search-hits'].check.safeParse(v).success;
  it('passes a batch of hits and drops a malformed one', () => {
    expect(ok({ profileId: 'p', jobId: 'j', hits: [{ key: { encoding: 'utf8', data: 'a' }, modRevision: 3, inValue: false, size: 4 }] })).toBe(true);
    expect(ok({ profileId: 'p', jobId: 'j', hits: [{ key: 'a', modRevision: 3, inValue: false }] })).toBe(false);
    expect(ok({ profileId: 'p', hits: [] })).toBe(false);
  });
});
