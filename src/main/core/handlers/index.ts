/**
 * The handler table: one async function per channel of the contract, no electron. The
 * Electron layer registers it after checking the sender and the request schema; end-to-end
 * tests call it directly. Adding a channel means adding its function to its domain's file.
 */
import { contract, type ChannelName, type Handlers, type Namespace } from '../../../shared/contract';
import { fail, ok, type Result } from '../../../shared/result';
import { Connections } from '../connections';
import { AppFailure } from '../etcd/errors';
import { ProfileStore } from '../profiles/store';
import type { ConnectionTasks } from '../tasks/connection-tasks';
import { allowAllWrites, gateWrites } from '../write-gate';
import { clusterHandlers } from './cluster';
import { connectionHandlers } from './connection';
import type { HandlerDeps } from './deps';
import { jobHandlers, subscriptionHandlers } from './jobs';
import { kvHandlers } from './kv';
import { profileHandlers } from './profiles';
import type { DomainHandlers, HandlerContext } from './types';

export type { HandlerDeps } from './deps';

/** Turns thrown AppFailures (and anything unexpected) into result values at the IPC edge. */
async function guard<T>(fn: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await fn());
  } catch (err) {
    if (err instanceof AppFailure) return { ok: false, error: err.error };
    return fail('INTERNAL', `Unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export type AppHandlers = Handlers & {
  /** The jobs and subscriptions of a connected profile (features start theirs here); NOT_CONNECTED otherwise. */
  tasksOf(profileId: string): ConnectionTasks;
  /** Ends every connection with its jobs and subscriptions. */
  dispose(): Promise<void>;
};

export function createHandlers(deps: HandlerDeps): AppHandlers {
  const profiles = new ProfileStore(deps.profilesDir, deps.cipher);
  const connections = new Connections(profiles, {
    status: (status) => deps.emit('event:connection-status', status),
    job: (info) => deps.emit('event:job', info),
    subscription: (info) => deps.emit('event:subscription', info),
  });
  const ctx: HandlerContext = { profiles, connections };
  const domains: { [N in Namespace]: DomainHandlers<N> } = {
    profiles: profileHandlers(ctx),
    connection: connectionHandlers(ctx),
    kv: kvHandlers(ctx),
    cluster: clusterHandlers(ctx),
    jobs: jobHandlers(ctx),
    subscriptions: subscriptionHandlers(ctx),
  };
  const table: Record<string, (req: unknown) => Promise<Result<unknown>>> = {};
  for (const ns of Object.keys(contract) as Namespace[]) {
    for (const [op, fn] of Object.entries(domains[ns] as Record<string, (req: unknown) => Promise<unknown>>)) {
      table[`${ns}:${op}` satisfies string as ChannelName] = (req) => guard(() => fn(req));
    }
  }
  return {
    ...gateWrites(table as unknown as Handlers, deps.writePolicy ?? allowAllWrites),
    tasksOf: (profileId) => connections.get(profileId).tasks,
    dispose: () => connections.closeAll(),
  };
}
