import { channelDef, isChannel, type ChannelName, type RequestOf } from '../../shared/contract';
import { fail, ok, type Result } from '../../shared/result';

export { isChannel };

/**
 * An issue's text can quote the request (an unrecognized key, an endpoint as typed): at most
 * this much of it goes back, so a megabyte key does not come back as a megabyte message.
 * Long enough for every message about a field within its limits (an endpoint is ≤ 500 characters).
 */
export const ISSUE_TEXT_MAX = 1000;

function clip(text: string): string {
  if (text.length <= ISSUE_TEXT_MAX) return text;
  const cut = /[\uD800-\uDBFF]/.test(text[ISSUE_TEXT_MAX - 1]) ? ISSUE_TEXT_MAX - 1 : ISSUE_TEXT_MAX;
  return `${text.slice(0, cut)}…`;
}

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
  return fail('INVALID_ARGUMENT', `Invalid request for ${channel}${field ? ` at ${field}` : ''}: ${clip(issue?.message ?? 'invalid')}.`, {
    ...(field ? { field } : {}),
  });
}
