/** Schemas the domains share: bytes, keys, profile references, revisions. */
import { z } from 'zod';
import type { Input } from './define';
import { KEY_FIELD_MAX, VALUE_FIELD_MAX } from './limits';

/**
 * Strict base64: whole groups of four, at most two `=` at the end. Length and alphabet are
 * checked apart: the one-regex form `^(?:[A-Za-z0-9+/]{4})*…$` backtracks once per group and
 * overflows V8's regexp stack on values of ~5 MB (well within VALUE_FIELD_MAX).
 */
const BASE64_ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;
export const isStrictBase64 = (s: string): boolean => s.length % 4 === 0 && BASE64_ALPHABET.test(s);

/** `Bytes` (see ../bytes.ts): UTF-8 text when valid, strict base64 otherwise. */
export const bytes = (max: number) =>
  z.discriminatedUnion('encoding', [
    z.object({ encoding: z.literal('utf8'), data: z.string().max(max) }).strict(),
    z
      .object({
        encoding: z.literal('base64'),
        // Past the limit the `max` issue says it all: no need to read the whole string.
        data: z
          .string()
          .max(max)
          .refine((s) => s.length > max || isStrictBase64(s), 'not base64'),
      })
      .strict(),
  ]);

export const key = bytes(KEY_FIELD_MAX);
export const value = bytes(VALUE_FIELD_MAX);
export const profileId = z.string().min(1).max(200);
export const revision = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const INT64_MAX = 2n ** 63n - 1n;
/** A lease id: a decimal int64 string ("0" = no lease). The UI shows it in hex, as etcdctl prints it. */
export const leaseId = z
  .string()
  .regex(/^[0-9]{1,19}$/, 'a lease id is a decimal number')
  // The regex check does not abort the chain, so the refinement must not trust its input.
  .refine((s) => !/^[0-9]{1,19}$/.test(s) || BigInt(s) <= INT64_MAX, 'a lease id fits in 63 bits');
/** Requests that only name a profile. */
export const profileRef = z.object({ profileId }).strict();
export type ProfileRef = Input<typeof profileRef>;
/** Requests that take nothing. */
export const none = z.undefined();
