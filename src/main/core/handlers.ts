import type { Handlers } from '../../shared/contract';
import { fail, ok, type Result } from '../../shared/result';
import type { Profile } from '../../shared/types';
import { Connections, testProfile } from './connections';
import { AppFailure } from './etcd/errors';
import type { HandlerDeps } from './handlers-deps';
import { ProfileStore } from './profiles/store';

/** Turns thrown AppFailures (and anything unexpected) into result values at the IPC edge. */
async function guard<T>(fn: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await fn());
  } catch (err) {
    if (err instanceof AppFailure) return { ok: false, error: err.error };
    return fail('INTERNAL', `Unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const connectionKey = (p: Profile): string =>
  JSON.stringify([p.endpoints, p.username ?? '', p.tls?.caFile, p.tls?.certFile, p.tls?.keyFile, p.deadlineMs]);

export type AppHandlers = Handlers & { dispose(): Promise<void> };

/**
 * The handler table: one async function per channel, no electron. The Electron wiring
 * registers these after validating input; end-to-end tests call them directly.
 */
export function createHandlers(deps: HandlerDeps): AppHandlers {
  const profiles = new ProfileStore(deps.profilesDir, deps.cipher);
  const connections = new Connections(profiles, (status) => deps.emit('event:connection-status', status));

  return {
    'profiles:list': () => guard(() => profiles.state()),
    'profiles:save': (input) =>
      guard(async () => {
        const before = input.id ? (await profiles.list()).find((p) => p.id === input.id) : undefined;
        const saved = await profiles.save(input);
        // A live session keeps the old endpoints and credentials: drop it so the next connect uses
        // the new ones. Renaming or recolouring leaves it alone.
        if (before && (input.password !== undefined || connectionKey(before) !== connectionKey(saved))) {
          await connections.disconnect(before.id);
        }
        return saved;
      }),
    'profiles:remove': ({ profileId }) =>
      guard(async () => {
        await profiles.remove(profileId);
        await connections.disconnect(profileId);
      }),
    'profiles:test': (input) => guard(async () => testProfile(await profiles.resolveInput(input))),

    'connection:connect': ({ profileId }) => guard(() => connections.connect(profileId)),
    'connection:disconnect': ({ profileId }) => guard(() => connections.disconnect(profileId)),
    'connection:status': ({ profileId }) => guard(async () => connections.status(profileId)),

    'kv:list': (req) => guard(() => connections.get(req.profileId).kv.list(req)),
    'kv:get': (req) => guard(() => connections.get(req.profileId).kv.get(req)),
    'kv:put': (req) => guard(() => connections.get(req.profileId).kv.put(req)),
    'kv:delete': (req) => guard(() => connections.get(req.profileId).kv.delete(req)),

    'cluster:status': ({ profileId }) => guard(() => connections.get(profileId).cluster.status()),

    dispose: () => connections.closeAll(),
  };
}
