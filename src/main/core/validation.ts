import { z } from 'zod';
import { allChannels, type ChannelName, type RequestOf } from '../../shared/contract';
import { fail, ok, type Result } from '../../shared/result';

/** Far above etcd's request limit so big values reach the core and get TOO_LARGE with sizes. */
const MAX_BYTES_FIELD = 16 * 1024 * 1024;
const MAX_KEY_FIELD = 64 * 1024;

const bytes = (max: number) =>
  z.discriminatedUnion('encoding', [
    z.object({ encoding: z.literal('utf8'), data: z.string().max(max) }).strict(),
    z
      .object({
        encoding: z.literal('base64'),
        data: z
          .string()
          .max(max)
          .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'not base64'),
      })
      .strict(),
  ]);

const key = bytes(MAX_KEY_FIELD);
const profileId = z.string().min(1).max(200);
const revision = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const ref = z.object({ profileId }).strict();

/** host:port with an optional http(s) scheme; etcd3 accepts both. */
const endpoint = z
  .string()
  .trim()
  .max(500)
  .regex(/^(https?:\/\/)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}\/?$/, 'an endpoint looks like http://127.0.0.1:2379');

const filePath = z.string().max(4096).optional();

const profileInput = z
  .object({
    id: z.string().min(1).max(200).optional(),
    name: z.string().trim().min(1, 'a profile needs a name').max(200),
    endpoints: z
      .array(endpoint)
      .min(1, 'at least one endpoint')
      .max(32)
      .refine((eps) => new Set(eps.map((e) => e.startsWith('https://'))).size === 1, 'all endpoints must use the same scheme (http or https)'),
    username: z.string().max(256).optional(),
    password: z.string().max(4096).nullable().optional(),
    tls: z.object({ caFile: filePath, certFile: filePath, keyFile: filePath }).strict().optional(),
    deadlineMs: z.number().int().min(100).max(600_000).optional(),
    color: z.string().max(32).optional(),
    allowPlaintextPassword: z.boolean().optional(),
  })
  .strict();

const schemas: { [C in ChannelName]: z.ZodType<RequestOf<C>> } = {
  'profiles:list': z.undefined(),
  'profiles:save': profileInput,
  'profiles:remove': ref,
  'profiles:test': profileInput,
  'connection:connect': ref,
  'connection:disconnect': ref,
  'connection:status': ref,
  'kv:list': z
    .object({
      profileId,
      prefix: key,
      cursor: key.optional(),
      limit: z.number().int().min(1).max(10_000),
      keysOnly: z.boolean().optional(),
      revision: revision.optional(),
      count: z.boolean().optional(),
      previewBytes: z.number().int().min(0).max(64 * 1024).optional(),
    })
    .strict(),
  'kv:get': z.object({ profileId, key }).strict(),
  'kv:put': z
    .object({ profileId, key, value: bytes(MAX_BYTES_FIELD), expectedModRevision: revision.optional() })
    .strict(),
  'kv:delete': z.object({ profileId, key, expectedModRevision: revision.optional() }).strict(),
  'cluster:status': ref,
};

const channels = new Set<string>(allChannels());

export const isChannel = (x: unknown): x is ChannelName => typeof x === 'string' && channels.has(x);

/** Runtime check of a request from the renderer: wrong types, extra fields and oversized data fail. */
export function parseRequest<C extends ChannelName>(channel: C, raw: unknown): Result<RequestOf<C>> {
  if (!isChannel(channel)) return fail('INVALID_ARGUMENT', `Unknown channel ${String(channel)}.`);
  const parsed = (schemas[channel] as z.ZodType<RequestOf<C>>).safeParse(raw);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || undefined;
  return fail('INVALID_ARGUMENT', `Invalid request for ${channel}${field ? ` at ${field}` : ''}: ${issue?.message ?? 'invalid'}.`, {
    ...(field ? { field } : {}),
  });
}
