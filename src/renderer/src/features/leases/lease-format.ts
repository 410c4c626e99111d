/**
 * Lease ids and TTLs for people. Ids are int64 decimal strings on the wire: they go through
 * BigInt, never Number (ids above 2^53 would lose their low bits).
 */
import { formatDuration } from '../../ui/format';
import type { AppError } from '../../../../shared/result';
import type { LeaseChoice } from '../../../../shared/contract';

const INT64_MAX = (1n << 63n) - 1n;

/** The id as etcdctl prints it (`%016x`): lowercase hex of the int64, 16 digits, no 0x. */
export function leaseHex(id: string): string {
  try {
    return BigInt.asUintN(64, BigInt(id)).toString(16).padStart(16, '0');
  } catch {
    return id;
  }
}

/**
 * An id typed by a person: decimal ("7587869461812329990"), or hex as etcdctl prints it
 * ("694d8f8a3e1c2b06", with or without 0x). Digits only are read as decimal unless prefixed
 * with 0x. Returns the decimal string, or an error in words.
 */
export function parseLeaseId(input: string): { id: string } | { error: string } {
  const s = input.trim().toLowerCase();
  if (s === '') return { error: 'Type a lease id.' };
  let n: bigint;
  if (/^[0-9]+$/.test(s)) n = BigInt(s);
  else if (/^(0x)?[0-9a-f]+$/.test(s)) n = BigInt(s.startsWith('0x') ? s : `0x${s}`);
  else return { error: 'A lease id is a decimal number, or hex as etcdctl prints it (0x optional).' };
  if (n === 0n) return { error: 'Lease 0 means no lease.' };
  if (n > INT64_MAX) return { error: 'A lease id fits in 63 bits.' };
  return { id: n.toString() };
}

/** A lease's TTL in words ("42 s", "3 min 05 s", ...; "expired" below 0). */
export const formatTtl = formatDuration;

/** Seconds left at `now` of a TTL read at `at` (ms): counted down locally, -1 once it ran out. */
export function remainingAt(ttl: number, at: number, now: number): number {
  if (ttl < 0) return -1;
  const left = ttl - Math.floor(Math.max(0, now - at) / 1000);
  return left < 0 ? -1 : left;
}

/** What a lease choice field holds while it is edited. */
export interface LeaseChoiceDraft {
  readonly mode: LeaseChoice['mode'];
  /** attach: the id as typed (decimal or hex). */
  readonly id: string;
  /** grant: the TTL in seconds as typed. */
  readonly ttl: string;
}

export const leaseDraft = (mode: LeaseChoice['mode']): LeaseChoiceDraft => ({ mode, id: '', ttl: '60' });

/** The choice to send with kv:put, or an INVALID_ARGUMENT saying what to fix. */
export function leaseChoiceOf(d: LeaseChoiceDraft): { choice: LeaseChoice } | { error: AppError } {
  switch (d.mode) {
    case 'keep':
    case 'none':
      return { choice: { mode: d.mode } };
    case 'attach': {
      const p = parseLeaseId(d.id);
      return 'error' in p ? { error: { code: 'INVALID_ARGUMENT', message: p.error, details: { field: 'lease' } } } : { choice: { mode: 'attach', id: p.id } };
    }
    case 'grant': {
      const ttl = Number(d.ttl.trim());
      if (!/^[0-9]+$/.test(d.ttl.trim()) || !Number.isSafeInteger(ttl) || ttl < 1) {
        return { error: { code: 'INVALID_ARGUMENT', message: 'The new lease’s TTL is a whole number of seconds, at least 1.', details: { field: 'lease' } } };
      }
      return { choice: { mode: 'grant', ttl } };
    }
  }
}
