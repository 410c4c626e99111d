/**
 * The only module that touches `window.etcd`.
 *
 * `createEtcdClient(api)` wraps an `EtcdApi` (the real preload bridge, or a fake in tests)
 * so that every call resolves to a `Result<T>`: a rejected promise or a thrown exception
 * (a broken bridge, a structured-clone failure) becomes an INTERNAL error value instead of
 * an unhandled rejection. Callers branch on `error.code`, never on message text.
 */
import type { EtcdApi, EventMap } from '../../../shared/contract';
import { API_KEY, Events } from '../../../shared/contract';
import type { AppError, Result } from '../../../shared/result';
import { ErrorCodes } from '../../../shared/result';
import type {
  ClusterStatus,
  ConnectionStatus,
  DeleteRequest,
  DeleteResult,
  GetRequest,
  KeyValue,
  ListRequest,
  Page,
  Profile,
  ProfileInput,
  ProfilesState,
  PutRequest,
  PutResult,
  TestConnectionResult,
} from '../../../shared/types';

export type MenuCommand = EventMap['event:menu-command']['command'];

export const MENU_COMMANDS: readonly MenuCommand[] = ['new-key', 'save', 'delete', 'reload', 'focus-filter', 'cluster-view'];

export interface EtcdClient {
  listProfiles(): Promise<Result<ProfilesState>>;
  saveProfile(input: ProfileInput): Promise<Result<Profile>>;
  removeProfile(profileId: string): Promise<Result<void>>;
  testProfile(input: ProfileInput): Promise<Result<TestConnectionResult>>;

  connect(profileId: string): Promise<Result<ConnectionStatus>>;
  disconnect(profileId: string): Promise<Result<ConnectionStatus>>;
  connectionStatus(profileId: string): Promise<Result<ConnectionStatus>>;

  list(req: ListRequest): Promise<Result<Page>>;
  get(req: GetRequest): Promise<Result<KeyValue>>;
  put(req: PutRequest): Promise<Result<PutResult>>;
  delete(req: DeleteRequest): Promise<Result<DeleteResult>>;

  clusterStatus(profileId: string): Promise<Result<ClusterStatus>>;

  /** Subscribe to session status changes; returns the unsubscribe function. */
  onConnectionStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** Subscribe to native menu commands; unknown payloads are ignored. Returns the unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}

const internal = (message: string): AppError => ({ code: 'INTERNAL', message });

function describeThrown(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'string' ? e : 'Unknown failure in the IPC bridge';
}

/** True when `value` has the shape of a Result (defends against a bridge that returns garbage). */
function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  const v = value as { ok: unknown; error?: { code?: unknown } };
  if (v.ok === true) return true;
  return v.ok === false && typeof v.error === 'object' && v.error !== null && (ErrorCodes as readonly unknown[]).includes(v.error.code);
}

async function call<T>(fn: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    const r: unknown = await fn();
    if (isResult(r)) return r as Result<T>;
    return { ok: false, error: internal('The main process answered with something that is not a result') };
  } catch (e) {
    return { ok: false, error: internal(describeThrown(e)) };
  }
}

function subscribe<E extends keyof EventMap>(api: EtcdApi, event: E, listener: (payload: EventMap[E]) => void): () => void {
  try {
    const off = api.on(event, listener);
    return typeof off === 'function' ? off : () => undefined;
  } catch {
    // An older preload may not know the event: run without it rather than crash.
    return () => undefined;
  }
}

export function createEtcdClient(api: EtcdApi): EtcdClient {
  return {
    listProfiles: () => call(() => api.profiles.list()),
    saveProfile: (input) => call(() => api.profiles.save(input)),
    removeProfile: (profileId) => call(() => api.profiles.remove({ profileId })),
    testProfile: (input) => call(() => api.profiles.test(input)),

    connect: (profileId) => call(() => api.connection.connect({ profileId })),
    disconnect: (profileId) => call(() => api.connection.disconnect({ profileId })),
    connectionStatus: (profileId) => call(() => api.connection.status({ profileId })),

    list: (req) => call(() => api.kv.list(req)),
    get: (req) => call(() => api.kv.get(req)),
    put: (req) => call(() => api.kv.put(req)),
    delete: (req) => call(() => api.kv.delete(req)),

    clusterStatus: (profileId) => call(() => api.cluster.status({ profileId })),

    onConnectionStatus: (listener) =>
      subscribe(api, Events.connectionStatus, (status) => {
        if (status && typeof status === 'object' && typeof status.profileId === 'string') listener(status);
      }),
    onMenuCommand: (listener) =>
      subscribe(api, Events.menuCommand, (payload) => {
        const command = (payload as { command?: unknown } | null)?.command;
        if ((MENU_COMMANDS as readonly unknown[]).includes(command)) listener(command as MenuCommand);
      }),
  };
}

/** An api whose every call fails: used when the preload bridge is missing, so the UI can say so. */
export function createMissingApi(): EtcdApi {
  const fail = async () => ({
    ok: false as const,
    error: internal('The etcd bridge is not available: the preload script did not load.'),
  });
  const ns = new Proxy({}, { get: () => fail });
  return {
    profiles: ns,
    connection: ns,
    kv: ns,
    cluster: ns,
    on: () => () => undefined,
  } as unknown as EtcdApi;
}

/** The bridge the preload exposed, or null when the page runs without it. */
export function getWindowApi(): EtcdApi | null {
  const api = (globalThis as unknown as Record<string, EtcdApi | undefined>)[API_KEY];
  return api && typeof api === 'object' ? api : null;
}
