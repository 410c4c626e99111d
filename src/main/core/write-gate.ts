/**
 * The one place in main every write to etcd passes: each channel the contract declares with
 * `effect: 'write'` is wrapped here before it is registered, so a new write channel cannot
 * skip the check. Read-only and production profiles are enforced by the policy.
 */
import { channels, type ChannelName, type Handlers } from '../../shared/contract';
import { confirmationFor, type ModeOf } from '../../shared/modes';
import { fail, type AppError } from '../../shared/result';

/** One write as the gate sees it, for one of the profiles it touches. */
export interface GatedWrite {
  readonly channel: ChannelName;
  /** The profile being judged: the one the request names, or the target of a copy. */
  readonly profileId: string;
  /** The request without `confirmation`. */
  readonly request?: unknown;
  /** What the user typed to confirm a write to a production profile, if anything. */
  readonly confirmation?: string;
}

export interface WritePolicy {
  /** Null lets the write through; an error refuses it before anything reaches etcd. */
  check(write: GatedWrite): AppError | null | Promise<AppError | null>;
}

/** Every write allowed (tests of other matters use it; the app uses `profileModePolicy`). */
export const allowAllWrites: WritePolicy = { check: () => null };

/**
 * The policy of the profile modes: a read-only profile refuses every write; a production profile
 * refuses a write unless it carries the text `confirmationFor` asks for. An unknown profile
 * is let through (its handler answers NOT_FOUND / NOT_CONNECTED without writing).
 */
export function profileModePolicy(modeOf: (profileId: string) => Promise<ModeOf | undefined>): WritePolicy {
  return {
    async check({ channel, profileId, request, confirmation }) {
      const profile = await modeOf(profileId);
      if (!profile || profile.mode === 'normal') return null;
      if (profile.mode === 'read-only') {
        return { code: 'READ_ONLY', message: `Nothing was written: the profile “${profile.name}” is read-only.` };
      }
      const req = (request ?? {}) as { profileId?: unknown; targetProfileId?: unknown };
      const source = typeof req.profileId === 'string' ? await modeOf(req.profileId) : undefined;
      const target = typeof req.targetProfileId === 'string' && req.targetProfileId !== req.profileId ? await modeOf(req.targetProfileId) : undefined;
      const expected = confirmationFor(channel, request, { source: source ?? profile, ...(target ? { target } : {}) }) ?? { text: profile.name, by: 'profile-name' };
      if (confirmation === expected.text) return null;
      const what = expected.by === 'key' ? 'the key' : `the profile's name “${expected.text}”`;
      return {
        code: 'CONFIRMATION_REQUIRED',
        message:
          confirmation === undefined
            ? `Nothing was written: “${profile.name}” is a production profile, and every write must be confirmed by typing ${what}.`
            : `Nothing was written: the text typed does not match ${what}, which confirms writes to the production profile “${profile.name}”.`,
      };
    },
  };
}

export function gateWrites(handlers: Handlers, policy: WritePolicy): Handlers {
  const gated: Record<string, (req: unknown) => Promise<unknown>> = { ...(handlers as unknown as Record<string, (req: unknown) => Promise<unknown>>) };
  for (const { name, def } of channels()) {
    if (def.effect !== 'write') continue;
    const inner = gated[name];
    gated[name] = async (req: unknown) => {
      // The contract's type guarantees write requests are objects that name their profile.
      const { confirmation, ...request } = req as { profileId: string; confirmation?: string };
      const profileId = request.profileId;
      const judge = (id: string) => policy.check({ channel: name, profileId: id, request, ...(confirmation !== undefined ? { confirmation } : {}) });
      const refused = await judge(profileId);
      if (refused) return fail(refused.code, refused.message, refused.details);
      // A copy writes to its target profile (bulk:copy): that one must allow writes too.
      const target = (request as { targetProfileId?: unknown }).targetProfileId;
      if (typeof target === 'string' && target !== profileId) {
        const refusedTarget = await judge(target);
        if (refusedTarget) return fail(refusedTarget.code, refusedTarget.message, refusedTarget.details);
      }
      // The handler gets the request as the channel declared it, without the confirmation.
      return inner(request);
    };
  }
  return gated as unknown as Handlers;
}
