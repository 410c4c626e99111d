import type { Profile } from '../../../shared/types';
import { testProfile } from '../connections';
import type { DomainHandlers, HandlerContext } from './types';

/** What a live connection was opened with: a change to any of it means reconnecting. */
const connectionKey = (p: Profile): string =>
  JSON.stringify([p.endpoints, p.username ?? '', p.tls?.caFile, p.tls?.certFile, p.tls?.keyFile, p.tls?.serverName, p.deadlineMs]);

export const profileHandlers = ({ profiles, connections }: HandlerContext): DomainHandlers<'profiles'> => ({
  list: () => profiles.state(),
  save: async (input) => {
    const before = input.id ? (await profiles.list()).find((p) => p.id === input.id) : undefined;
    const saved = await profiles.save(input);
    // A live connection keeps the old endpoints and credentials: drop it so the next connect
    // uses the new ones. Renaming or recolouring leaves it alone.
    if (before && (input.password !== undefined || connectionKey(before) !== connectionKey(saved))) {
      await connections.disconnect(before.id);
    }
    return saved;
  },
  remove: async ({ profileId }) => {
    await profiles.remove(profileId);
    await connections.disconnect(profileId);
  },
  test: async (input) => testProfile(await profiles.resolveInput(input)),
});
