/**
 * The one place in main every write to etcd passes: each channel the contract declares with
 * `effect: 'write'` is wrapped here before it is registered, so a new write channel cannot
 * skip the check. Read-only and production profiles are enforced by the policy.
 */
import { channels, type ChannelName, type Handlers } from '../../shared/contract';
import { fail, type AppError } from '../../shared/result';

export interface WritePolicy {
  /** Null lets the write through; an error refuses it before anything reaches etcd. */
  check(write: { readonly channel: ChannelName; readonly profileId: string }): AppError | null | Promise<AppError | null>;
}

/** Every write allowed: until profiles can be marked read-only, nothing is refused. */
export const allowAllWrites: WritePolicy = { check: () => null };

export function gateWrites(handlers: Handlers, policy: WritePolicy): Handlers {
  const gated: Record<string, (req: unknown) => Promise<unknown>> = { ...(handlers as unknown as Record<string, (req: unknown) => Promise<unknown>>) };
  for (const { name, def } of channels()) {
    if (def.effect !== 'write') continue;
    const inner = gated[name];
    gated[name] = async (req: unknown) => {
      // The contract's type guarantees write requests name their profile.
      const profileId = (req as { profileId: string }).profileId;
      const refused = await policy.check({ channel: name, profileId });
      if (refused) return fail(refused.code, refused.message, refused.details);
      // A copy writes to its target profile (bulk:copy): that one must allow writes too.
      const target = (req as { targetProfileId?: unknown }).targetProfileId;
      if (typeof target === 'string' && target !== profileId) {
        const refusedTarget = await policy.check({ channel: name, profileId: target });
        if (refusedTarget) return fail(refusedTarget.code, refusedTarget.message, refusedTarget.details);
      }
      return inner(req);
    };
  }
  return gated as unknown as Handlers;
}
