/**
 * The IPC contract: the only way the renderer reaches the main process.
 * `Channels` names every call; `InvokeMap` gives each its signature. Main's handler
 * registration, the runtime schemas and the preload bridge are all derived from these
 * two, and tests/unit/contract.test-d.ts locks them.
 */
import type { Result } from './result';
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
} from './types';

export const Channels = {
  profiles: {
    list: 'profiles:list',
    save: 'profiles:save',
    remove: 'profiles:remove',
    test: 'profiles:test',
  },
  connection: {
    connect: 'connection:connect',
    disconnect: 'connection:disconnect',
    status: 'connection:status',
  },
  kv: {
    list: 'kv:list',
    get: 'kv:get',
    put: 'kv:put',
    delete: 'kv:delete',
  },
  cluster: {
    status: 'cluster:status',
  },
} as const;

type ChannelTree = typeof Channels;
export type Namespace = keyof ChannelTree;
export type ChannelName = { [N in Namespace]: ChannelTree[N][keyof ChannelTree[N]] }[Namespace];

export interface ProfileRef {
  readonly profileId: string;
}

export interface InvokeMap {
  /** Every saved profile (secrets replaced by `hasPassword`), plus notices about the store. */
  'profiles:list': (req: void) => Promise<Result<ProfilesState>>;
  /** Create (no id) or update a profile; returns it as stored. */
  'profiles:save': (req: ProfileInput) => Promise<Result<Profile>>;
  /** Delete a profile and disconnect its session if any. */
  'profiles:remove': (req: ProfileRef) => Promise<Result<void>>;
  /** Try a profile without saving it. With an id and no password, the stored password is used. */
  'profiles:test': (req: ProfileInput) => Promise<Result<TestConnectionResult>>;

  /** Open (or reuse) the session of a profile and check it answers within its deadline. */
  'connection:connect': (req: ProfileRef) => Promise<Result<ConnectionStatus>>;
  /** Close the session of a profile. Calls still in flight for it end with NOT_CONNECTED. */
  'connection:disconnect': (req: ProfileRef) => Promise<Result<ConnectionStatus>>;
  /** The current status of a profile's session. */
  'connection:status': (req: ProfileRef) => Promise<Result<ConnectionStatus>>;

  /** One page of keys under a prefix, pinned to a revision across pages. */
  'kv:list': (req: ListRequest) => Promise<Result<Page>>;
  /** One key with its whole value; NOT_FOUND when absent. */
  'kv:get': (req: GetRequest) => Promise<Result<KeyValue>>;
  /** Write a key, optionally compare-and-swap on its mod revision. Never retried once it may have reached etcd. */
  'kv:put': (req: PutRequest) => Promise<Result<PutResult>>;
  /** Delete one key, optionally compare-and-swap; returns what was deleted. */
  'kv:delete': (req: DeleteRequest) => Promise<Result<DeleteResult>>;

  /** Members, per-endpoint status and alarms of the profile's cluster. */
  'cluster:status': (req: ProfileRef) => Promise<Result<ClusterStatus>>;
}

export type RequestOf<C extends ChannelName> = Parameters<InvokeMap[C]>[0];
export type ResponseOf<C extends ChannelName> = Awaited<ReturnType<InvokeMap[C]>>;

/** Main → renderer push events. */
export const Events = {
  connectionStatus: 'event:connection-status',
  menuCommand: 'event:menu-command',
} as const;

export type EventName = (typeof Events)[keyof typeof Events];

export interface EventMap {
  /** A profile's session changed state (connecting, connected, unreachable, disconnected). */
  'event:connection-status': ConnectionStatus;
  /** The user picked an item of the native app menu (or pressed its accelerator). */
  'event:menu-command': { command: 'new-key' | 'save' | 'delete' | 'reload' | 'focus-filter' | 'cluster-view' };
}

/** What main implements: one async function per channel. */
export type Handlers = { [C in ChannelName]: InvokeMap[C] };

/** What the preload exposes as `window.etcd`: the channel tree with functions as leaves. */
export type EtcdApi = {
  readonly [N in Namespace]: { readonly [O in keyof ChannelTree[N]]: InvokeMap[ChannelTree[N][O] & ChannelName] };
} & {
  /** Subscribe to a push event; returns the unsubscribe function. */
  readonly on: <E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) => () => void;
};

/** All channel names, flat, derived from `Channels`. */
export const allChannels = (): ChannelName[] =>
  Object.values(Channels).flatMap((ns) => Object.values(ns) as ChannelName[]);

/** The name the preload exposes the API under. */
export const API_KEY = 'etcd' as const;
