/** Schemas the domains share: bytes, keys, profile references, revisions. */
import { z } from 'zod';
import type { Input } from './define';
import { KEY_FIELD_MAX, VALUE_FIELD_MAX } from './limits';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `Bytes` (see ../bytes.ts): UTF-8 text when valid, strict base64 otherwise. */
export const bytes = (max: number) =>
  z.discriminatedUnion('encoding', [
    z.object({ encoding: z.literal('utf8'), data: z.string().max(max) }).strict(),
    z.object({ encoding: z.literal('base64'), data: z.string().max(max).regex(BASE64, 'not base64') }).strict(),
  ]);

export const key = bytes(KEY_FIELD_MAX);
export const value = bytes(VALUE_FIELD_MAX);
export const profileId = z.string().min(1).max(200);
export const revision = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Requests that only name a profile. */
export const profileRef = z.object({ profileId }).strict();
export type ProfileRef = Input<typeof profileRef>;
/** Requests that take nothing. */
export const none = z.undefined();
