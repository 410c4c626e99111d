import type { Profile } from '../../../../shared/types';

/** "PRODUCTION" or "READ-ONLY" next to a profile (nothing for a normal one). */
export function ModeBadge({ profile, testId }: { profile: Pick<Profile, 'mode' | 'name'>; testId?: string }) {
  if (profile.mode === 'normal') return null;
  const production = profile.mode === 'production';
  return (
    <span
      className={`mode-badge ${profile.mode}`}
      data-testid={testId}
      data-mode={profile.mode}
      title={
        production
          ? `“${profile.name}” is a production profile: every write asks you to type its name first.`
          : `“${profile.name}” is read-only: the app writes nothing to this cluster.`
      }
    >
      {production ? 'PRODUCTION' : 'READ-ONLY'}
    </span>
  );
}
