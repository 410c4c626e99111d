import { describe, expect, it } from 'vitest';
import { formatTtl, leaseChoiceOf, leaseHex, parseLeaseId, remainingAt } from '../../../src/renderer/src/features/leases/lease-format';

describe('lease ids in hex, as etcdctl prints them', () => {
  it('formats ids above 2^53 exactly (BigInt, never Number)', () => {
    // 2^60 + 1: Number would round it to 2^60.
    expect(leaseHex('1152921504606846977')).toBe('1000000000000001');
    expect(Number('1152921504606846977').toString(16)).not.toBe('1000000000000001');
    // The int64 maximum, and an id etcd really hands out (member-id based, 0x694d...).
    expect(leaseHex('9223372036854775807')).toBe('7fffffffffffffff');
    expect(leaseHex('7587878771099446022')).toBe('694d8f8a3e1c2b06');
    expect(leaseHex('255')).toBe('00000000000000ff');
    // etcdctl pads to 16 digits: "lease 04dba24540f39d06 granted".
    expect(leaseHex(BigInt('0x04dba24540f39d06').toString())).toBe('04dba24540f39d06');
  });

  it('reads typed ids: decimal, or hex with letters or 0x (leading zeros as etcdctl prints them); refuses 0, too large and junk', () => {
    expect(parseLeaseId('7587878771099446022')).toEqual({ id: '7587878771099446022' });
    expect(parseLeaseId('694d8f8a3e1c2b06')).toEqual({ id: '7587878771099446022' });
    expect(parseLeaseId(' 0x694D8F8A3E1C2B06 ')).toEqual({ id: '7587878771099446022' });
    expect(parseLeaseId('0x10')).toEqual({ id: '16' });
    expect(parseLeaseId('04dba24540f39d06')).toEqual({ id: BigInt('0x04dba24540f39d06').toString() });
    expect(parseLeaseId('10')).toEqual({ id: '10' });
    expect(parseLeaseId('0')).toHaveProperty('error');
    expect(parseLeaseId('')).toHaveProperty('error');
    expect(parseLeaseId('8000000000000000')).toEqual({ id: '8000000000000000' });
    expect(parseLeaseId('0x8000000000000000')).toHaveProperty('error');
    expect(parseLeaseId('12g')).toHaveProperty('error');
  });
});

describe('TTLs', () => {
  it('counts down locally from the time it was read, and says expired once it ran out', () => {
    expect(remainingAt(10, 1000, 1000)).toBe(10);
    expect(remainingAt(10, 1000, 1999)).toBe(10);
    expect(remainingAt(10, 1000, 4000)).toBe(7);
    expect(remainingAt(10, 1000, 11_000)).toBe(0);
    expect(remainingAt(10, 1000, 12_000)).toBe(-1);
    expect(remainingAt(-1, 1000, 1000)).toBe(-1);
    expect(formatTtl(-1)).toBe('expired');
    expect(formatTtl(42)).toBe('42 s');
    expect(formatTtl(185)).toBe('3 min 05 s');
    expect(formatTtl(7380)).toBe('2 h 03 min');
  });

  it('turns a lease choice draft into the kv:put choice, or a field error', () => {
    expect(leaseChoiceOf({ mode: 'keep', id: '', ttl: '' })).toEqual({ choice: { mode: 'keep' } });
    expect(leaseChoiceOf({ mode: 'none', id: 'x', ttl: '' })).toEqual({ choice: { mode: 'none' } });
    expect(leaseChoiceOf({ mode: 'attach', id: 'ff', ttl: '' })).toEqual({ choice: { mode: 'attach', id: '255' } });
    expect(leaseChoiceOf({ mode: 'grant', id: '', ttl: '30' })).toEqual({ choice: { mode: 'grant', ttl: 30 } });
    const bad = leaseChoiceOf({ mode: 'grant', id: '', ttl: '1.5' });
    expect('error' in bad && bad.error.code).toBe('INVALID_ARGUMENT');
    const badId = leaseChoiceOf({ mode: 'attach', id: '', ttl: '' });
    expect('error' in badId && badId.error.details?.field).toBe('lease');
  });
});
