/**
 * The IPC contract: the only way the renderer reaches the main process. Each domain file
 * declares its channels once (name = `namespace:operation`, request schema, response type,
 * effect, doc); everything below is derived from `contract` and `events`, and
 * tests/unit/contract.test-d.ts locks the result.
 */
import type { Result } from '../result';
import { app } from './app';
import { access } from './auth';
import { audit } from './audit';
import { bulk } from './bulk';
import { cluster } from './cluster';
import { connection } from './connection';
import type { ChannelDef, Effect, EventDef, Input, Returns } from './define';
import { events } from './events';
import { jobs, subscriptions } from './jobs';
import { k8s } from './k8s';
import { history } from './history';
import { kv } from './kv';
import { leases } from './leases';
import { maintenance } from './maintenance';
import { members } from './members';
import { profiles } from './profiles';
import { search } from './search';
import { transfer } from './transfer';
import { watch } from './watch';

export const contract = { profiles, connection, kv, watch, history, leases, cluster, members, jobs, subscriptions, app, search, bulk, transfer, maintenance, access, audit, k8s };

type Contract = typeof contract;
export type Namespace = keyof Contract;
export type ChannelName = { [N in Namespace]: `${N}:${keyof Contract[N] & string}` }[Namespace];

type DefOf<C extends ChannelName> = C extends `${infer N extends Namespace}:${infer O}`
  ? O extends keyof Contract[N]
    ? Contract[N][O]
    : never
  : never;
type SchemaOf<D> = D extends ChannelDef<infer S, unknown> ? S : never;
type ResponseTypeOf<D> = D extends { response: Returns<infer R> } ? R : never;
/** A request that takes nothing is called with no argument. */
type Arg<T> = [T] extends [undefined] ? void : T;

/** What a channel's caller sends (inferred from its schema). */
export type RequestOf<C extends ChannelName> = Arg<Input<SchemaOf<DefOf<C>>>>;
/** What a channel answers with when it succeeds. */
export type ResponseOf<C extends ChannelName> = ResponseTypeOf<DefOf<C>>;
/** A channel's function: request in, `Result` out, never a rejection. */
export type Invoke<C extends ChannelName> = (req: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;

/** What main implements: one async function per channel. */
export type Handlers = { [C in ChannelName]: Invoke<C> };

export type Operation<N extends Namespace> = keyof Contract[N] & string;
export type EventName = `event:${keyof typeof events & string}`;
type EventDefOf<E extends EventName> = E extends `event:${infer K extends keyof typeof events}` ? (typeof events)[K] : never;
export type EventMap = { [E in EventName]: EventDefOf<E> extends EventDef<infer T> ? T : never };

/** What the preload exposes as `window.etcd`: the channel tree with functions as leaves, plus `on`. */
export type EtcdApi = {
  readonly [N in Namespace]: { readonly [O in Operation<N>]: Invoke<`${N}:${O}` & ChannelName> };
} & {
  /** Subscribe to a push event; returns the unsubscribe function. */
  readonly on: <E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) => () => void;
};

export const channelName = <N extends Namespace>(ns: N, op: Operation<N>): ChannelName => `${ns}:${op}` as ChannelName;

/** Every channel with its declaration, flat. */
export const channels = (): ReadonlyArray<{ name: ChannelName; namespace: Namespace; operation: string; def: ChannelDef }> =>
  (Object.entries(contract) as [Namespace, Record<string, ChannelDef>][]).flatMap(([ns, ops]) =>
    Object.entries(ops).map(([op, def]) => ({ name: `${ns}:${op}` as ChannelName, namespace: ns, operation: op, def })),
  );

/** All channel names, flat. */
export const allChannels = (): ChannelName[] => channels().map((c) => c.name);

const byName = new Map<string, ChannelDef>(channels().map((c) => [c.name, c.def]));

/** The declaration of a channel, or undefined for a name outside the contract. */
export const channelDef = (name: string): ChannelDef | undefined => byName.get(name);

export const isChannel = (x: unknown): x is ChannelName => typeof x === 'string' && byName.has(x);

export const effectOf = (name: ChannelName): Effect => byName.get(name)!.effect;

/** Every push event name, flat. */
export const allEvents = (): EventName[] => Object.keys(events).map((k) => `event:${k}` as EventName);

export const isEventName = (value: unknown): value is EventName =>
  typeof value === 'string' && value.startsWith('event:') && Object.hasOwn(events, value.slice(6));

/** The declaration of a push event. */
export const eventDef = (name: EventName): EventDef => events[name.slice(6) as keyof typeof events];

/** The name the preload exposes the API under. */
export const API_KEY = 'etcd' as const;

export type { ChannelDef, Effect, EventDef } from './define';
export { MENU_COMMANDS, type MenuCommand } from './events';
export type { ProfileRef } from './schemas';
export type { ChooseFileRequest, ProfileInput, TlsFilePurpose } from './profiles';
export type { ListRequest, GetRequest, PutRequest, DeleteRequest, CountRequest, PreviewsRequest, ChildrenRequest, LeaseChoice, SeekRequest } from './kv';
export type { WatchPrefixRequest, WatchKeyRequest } from './watch';
export type { VersionsRequest, AtRevisionRequest, DeletedRequest, RestoreRequest } from './history';
export { HISTORY_PAGE_MAX, DELETED_PAGE_MAX } from './history';
export type { LeaseListRequest, LeaseRef, LeaseDetailRequest, GrantRequest } from './leases';
export { LEASE_PAGE_MAX, LEASE_KEYS_MAX, LEASE_TTL_MAX } from './leases';
export { RENDERER_ERROR_SOURCES, type ReportErrorRequest } from './app';
export * as limits from './limits';
export type { SearchRequest, SearchHit, SearchHits } from './search';
export { SEARCH_RESULTS_DEFAULT, SEARCH_RESULTS_MAX, SEARCH_QUERY_MAX } from './search';
export type { BulkSource, DeletePlan, PlanDeleteRequest, BulkDeleteRequest, UndoRequest, CopyRequest } from './bulk';
export { BULK_DELETE_MAX_KEYS, BULK_SELECTION_MAX_KEYS, BULK_COPY_MAX_KEYS, UNDO_CAP_BYTES, REPORT_KEYS_MAX } from './bulk';
export type { AddLearnerRequest, RemoveMemberRequest } from './members';
export type { ExportRequest, PlanRequest, ApplyRequest, ChooseTransferFileRequest } from './transfer';
export { EXPORT_KEYS_MAX } from './transfer';
export type {
  CompactRequest,
  CompactResult,
  DefragmentRequest,
  SnapshotRequest,
  ChooseSnapshotFileRequest,
  ActiveAlarm,
  AlarmType,
  MemberAlarms,
  AlarmList,
  DisarmRequest,
  DisarmResult,
  HashKvRequest,
  MemberHash,
  HashKvResult,
  MoveLeaderRequest,
  MoveLeaderResult,
} from './maintenance';
export { ALARM_TYPES } from './maintenance';
export type { UserPasswordRequest, UserRef, UserRoleRequest, RoleRef, PermissionTarget, GrantPermissionRequest, RevokePermissionRequest } from './auth';
export { ROLE_NAME_MAX } from './auth';
export type { AuditEntry, AuditPage, AuditOutcome, AuditListRequest, AuditRestoreRequest, AuditRestoreResult } from './audit';
export { AUDIT_PAGE_MAX, AUDIT_OUTCOMES, isRestorable } from './audit';
