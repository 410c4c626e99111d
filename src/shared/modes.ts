/**
 * Profile modes and what a write to a production profile must carry. Main's write gate and the
 * renderer's confirmation dialog both ask `requiredConfirmation`, so they never disagree.
 */
import type { Bytes } from './bytes';
import { channelDef } from './contract';
import type { ProfileMode } from './types';

export const PROFILE_MODES = ['normal', 'production', 'read-only'] as const satisfies readonly ProfileMode[];

/** What a write's confirmation is judged against: a profile's name and mode. */
export interface ModeOf {
  readonly name: string;
  readonly mode: ProfileMode;
}

/** The profiles a write touches: the one it names, and the target of a copy or move. */
export interface WriteProfiles {
  readonly source?: ModeOf;
  readonly target?: ModeOf;
}

const keyText = (key: unknown): string | undefined => {
  const k = key as Partial<Bytes> | undefined;
  return k?.encoding === 'utf8' && typeof k.data === 'string' ? k.data : undefined;
};

/** What confirms a write: the key of a single-key delete, or a production profile's name. */
export interface Confirmation {
  readonly text: string;
  readonly by: 'key' | 'profile-name';
}

/**
 * What the user must type for this write, or null when no production profile is involved: the
 * key of a single-key delete (when it is text), the target's name for a copy or move into a
 * production profile, otherwise the name of the production profile written to.
 */
export function confirmationFor(channel: string, request: unknown, profiles: WriteProfiles): Confirmation | null {
  const { source, target } = profiles;
  const sourceProd = source?.mode === 'production';
  const targetProd = target?.mode === 'production';
  if (!sourceProd && !targetProd) return null;
  if (channelDef(channel)?.confirmBy === 'key' && sourceProd) {
    const key = keyText((request as { key?: unknown } | null)?.key);
    return key !== undefined ? { text: key, by: 'key' } : { text: source.name, by: 'profile-name' };
  }
  if (targetProd) return { text: target.name, by: 'profile-name' };
  return sourceProd ? { text: source.name, by: 'profile-name' } : null;
}

/** The text of `confirmationFor`. */
export function requiredConfirmation(channel: string, request: unknown, profiles: WriteProfiles): string | null {
  return confirmationFor(channel, request, profiles)?.text ?? null;
}
