import { channelDef, isChannel, type ChannelName, type RequestOf } from '../../shared/contract';
import { fail, ok, type Result } from '../../shared/result';

export { isChannel };

/**
 * Runtime check of a request from the renderer against the channel's own schema in the
 * contract: wrong types, extra fields and oversized data fail with INVALID_ARGUMENT naming the field.
 */
export function parseRequest<C extends ChannelName>(channel: C, raw: unknown): Result<RequestOf<C>> {
  const def = channelDef(channel);
  if (!def) return fail('INVALID_ARGUMENT', `Unknown channel ${String(channel)}.`);
  const parsed = def.request.safeParse(raw);
  if (parsed.success) return ok(parsed.data as RequestOf<C>);
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || undefined;
  return fail('INVALID_ARGUMENT', `Invalid request for ${channel}${field ? ` at ${field}` : ''}: ${issue?.message ?? 'invalid'}.`, {
    ...(field ? { field } : {}),
  });
}
