/** What the active profile's mode means for the UI (main enforces it; this only says so on screen). */
import type { Profile } from '../../../shared/types';

/**
 * Why nothing can be written now, or null: the active profile is read-only. Buttons that would
 * write are disabled with this as their tooltip.
 */
export function readOnlyReason(s: { readonly profiles: readonly Profile[]; readonly activeProfileId: string | null }): string | null {
  const p = s.activeProfileId === null ? undefined : s.profiles.find((x) => x.id === s.activeProfileId);
  return p?.mode === 'read-only' ? `“${p.name}” is a read-only profile: nothing can be written to this cluster.` : null;
}
