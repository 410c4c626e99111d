/**
 * Writes to a production profile, confirmed by the user: the one place the renderer intercepts
 * them. `confirmProductionWrites` wraps the bridge so that every channel the contract declares as
 * a write, when it touches a production profile, first asks (the dialog names the profile, the
 * cluster and the operation, and wants the profile's name typed, or the key for a single-key
 * delete) and then sends the call with `confirmation`. Cancelling answers CANCELLED without
 * sending anything; slices treat that as "nothing happened". Main checks the text again
 * (write-gate.ts): this is the courtesy, that is the rule.
 */
import { channelDef, channels, type EtcdApi } from '../../../shared/contract';
import { requiredConfirmation, type ModeOf } from '../../../shared/modes';
import { fail, type Result } from '../../../shared/result';
import type { SliceCreator } from './slice';

/** What the dialog asks about. */
export interface WriteConfirmRequest {
  /** The production profile written to (the target, for a copy into one). */
  readonly profileName: string;
  /** Its cluster, as the profile reaches it. */
  readonly endpoints: readonly string[];
  /** The operation in words: "Save the key “app/config”". */
  readonly operation: string;
  /** What must be typed, exactly. */
  readonly expected: string;
  /** Whether `expected` is the profile's name or the key being deleted. */
  readonly asks: 'name' | 'key';
}

export interface ProfileForConfirm extends ModeOf {
  readonly endpoints: readonly string[];
}

export interface WriteConfirmDeps {
  readonly profileOf: (profileId: string) => ProfileForConfirm | undefined;
  /** Shows the dialog; resolves with the text typed, or null when the user cancels. */
  readonly ask: (req: WriteConfirmRequest) => Promise<string | null>;
}

/** A result that says: the user cancelled, nothing was sent. */
export const cancelledResult = (): Result<never> => fail('CANCELLED', 'Cancelled: nothing was sent to the cluster.');


/** The operation in words, for the dialog: as its channel's declaration says it. */
export function describeWrite(channel: string, request: unknown, targetName?: string): string {
  const describe = channelDef(channel)?.describe;
  return describe ? describe(request as never, targetName === undefined ? {} : { targetName }) : `Write (${channel})`;
}

/** The bridge with every write to a production profile confirmed first. */
export function confirmProductionWrites(api: EtcdApi, deps: WriteConfirmDeps): EtcdApi {
  const wrapped: Record<string, unknown> = { ...api };
  const source = api as unknown as Record<string, Record<string, (req?: unknown) => Promise<unknown>>>;
  const groups = new Map<string, Record<string, (req?: unknown) => Promise<unknown>>>();
  for (const { name, namespace, operation, def } of channels()) {
    if (def.effect !== 'write') continue;
    let group = groups.get(namespace);
    if (!group) {
      group = { ...source[namespace] };
      groups.set(namespace, group);
    }
    group[operation] = async (req?: unknown) => {
      const r = (req ?? {}) as { profileId?: unknown; targetProfileId?: unknown };
      const sourceProfile = typeof r.profileId === 'string' ? deps.profileOf(r.profileId) : undefined;
      const targetProfile = typeof r.targetProfileId === 'string' && r.targetProfileId !== r.profileId ? deps.profileOf(r.targetProfileId) : undefined;
      const expected = requiredConfirmation(name, req, { ...(sourceProfile ? { source: sourceProfile } : {}), ...(targetProfile ? { target: targetProfile } : {}) });
      if (expected === null) return source[namespace][operation](req);
      const prodProfile = targetProfile?.mode === 'production' ? targetProfile : sourceProfile;
      const typed = await deps.ask({
        profileName: prodProfile?.name ?? '',
        endpoints: prodProfile?.endpoints ?? [],
        operation: describeWrite(name, req, targetProfile?.name),
        expected,
        asks: prodProfile && expected !== prodProfile.name ? 'key' : 'name',
      });
      if (typed === null) return cancelledResult();
      return source[namespace][operation]({ ...(req as object), confirmation: typed });
    };
  }
  for (const [ns, group] of groups) wrapped[ns] = group;
  return wrapped as unknown as EtcdApi;
}

/** The dialog's state: what it asks and what was typed so far. */
export interface WriteConfirmState extends WriteConfirmRequest {
  readonly typed: string;
}

export interface WriteConfirmSlice {
  writeConfirm: WriteConfirmState | null;
  /** Open the dialog; resolves with the text typed, or null when cancelled (or when another one is open). */
  askWriteConfirm(req: WriteConfirmRequest): Promise<string | null>;
  setWriteConfirmTyped(typed: string): void;
  /** Confirm (only once the exact text is typed) or cancel. */
  resolveWriteConfirm(confirmed: boolean): void;
}

export const createWriteConfirmSlice: SliceCreator<WriteConfirmSlice> = (set, get) => {
  let pending: ((typed: string | null) => void) | null = null;
  return {
    writeConfirm: null,

    askWriteConfirm(req) {
      // One question at a time: a second write while the dialog is up is not sent.
      if (pending) return Promise.resolve(null);
      set({ writeConfirm: { ...req, typed: '' } });
      return new Promise((resolve) => {
        pending = resolve;
      });
    },

    setWriteConfirmTyped(typed) {
      const c = get().writeConfirm;
      if (c) set({ writeConfirm: { ...c, typed } });
    },

    resolveWriteConfirm(confirmed) {
      const c = get().writeConfirm;
      const resolve = pending;
      if (!c || !resolve) return;
      if (confirmed && c.typed !== c.expected) return;
      pending = null;
      set({ writeConfirm: null });
      resolve(confirmed ? c.typed : null);
    },
  };
};
