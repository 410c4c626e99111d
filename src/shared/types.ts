import type { Bytes } from './bytes';
import type { JobReport } from './job-reports';
import type { AppError } from './result';

// ---------- profiles ----------

export interface TlsSettings {
  /** Paths on the user's machine; main reads the files, the renderer never sees their content. */
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** The name to verify the server certificate against, when it differs from the endpoint's host (e.g. no IP SAN). */
  readonly serverName?: string;
}

/** What the renderer sees of a profile: never a secret. */
export interface Profile {
  readonly id: string;
  readonly name: string;
  readonly endpoints: readonly string[];
  readonly username?: string;
  readonly hasPassword: boolean;
  /** True when the password is stored unencrypted because the user chose so. */
  readonly passwordPlaintext?: boolean;
  readonly tls?: TlsSettings;
  /** Deadline of every call, in milliseconds. */
  readonly deadlineMs: number;
  readonly color?: string;
  /** What the app lets the user write with this profile (absent in older files: `normal`). */
  readonly mode: ProfileMode;
}

/**
 * `normal`: writes as usual. `production`: every write must carry the profile's name typed by the
 * user (the key, for a single-key delete). `read-only`: every write is refused. Enforced in main.
 */
export type ProfileMode = 'normal' | 'production' | 'read-only';

export interface ProfilesState {
  readonly profiles: readonly Profile[];
  /** Whether secrets can be encrypted at rest on this machine. */
  readonly secretStorage: 'encrypted' | 'unavailable';
  /** Things the user should know about the stored profiles (e.g. a corrupt file moved aside). */
  readonly notices: readonly string[];
}

export interface TestConnectionResult {
  readonly endpoint: string;
  readonly version: string;
  readonly latencyMs: number;
  readonly clusterId: string;
}

// ---------- connection ----------

export type ConnectionState = 'connecting' | 'connected' | 'unreachable' | 'disconnected';

export interface ConnectionStatus {
  readonly profileId: string;
  readonly state: ConnectionState;
  /** The endpoint the last call went to or that failed. */
  readonly endpoint?: string;
  readonly error?: AppError;
  /** etcd server version, once known. */
  readonly version?: string;
  /** ms since epoch of this status. */
  readonly at: number;
  /**
   * How many of the profile's endpoints answered the last liveness probe (a Status call to
   * each), and whether the members that answered know a leader. Absent until the first probe.
   * `answering < total` with a leader is a degraded but working cluster ("2 of 3 members").
   */
  readonly members?: MembersHealth;
}

export interface MembersHealth {
  readonly answering: number;
  readonly total: number;
  readonly hasLeader: boolean;
  /** Alarms the answering members report (NOSPACE, CORRUPT), distinct and sorted; absent when none. */
  readonly alarms?: readonly string[];
}

// ---------- kv ----------

export interface KeyMeta {
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  /** Lease id as a decimal string; "0" means no lease. */
  readonly lease: string;
}

/** One row of a listing. */
export interface KeyEntry extends KeyMeta {
  readonly key: Bytes;
  /** Value size in bytes; absent for keys-only listings (etcd does not send it). */
  readonly size?: number;
  /** The first bytes of the value, for previews; absent for keys-only listings. */
  readonly preview?: Bytes;
  /** True when `preview` is shorter than the value. */
  readonly truncated?: boolean;
}

/** A key's size and preview (`kv:previews`), or that it does not exist at the revision read. */
export type KeyPreview =
  | { readonly key: Bytes; readonly modRevision: number; readonly size: number; readonly preview: Bytes; readonly truncated: boolean }
  | { readonly key: Bytes; readonly missing: true };

export interface PreviewsResult {
  /** In the order asked; keys left unread (the byte budget was spent) are absent: ask again. */
  readonly items: readonly KeyPreview[];
  /** The revision read at. */
  readonly revision: number;
}

/** One direct child of a folder: a sub-folder (its whole prefix, delimiter included) or a key. */
export type FolderChild = { readonly kind: 'folder'; readonly prefix: Bytes } | ({ readonly kind: 'key' } & KeyEntry);

export interface FolderChildren {
  /** In key order. */
  readonly children: readonly FolderChild[];
  /** More children follow: pass `nextCursor` back to continue. */
  readonly more: boolean;
  readonly nextCursor: Bytes | null;
  /** The revision read at (pass it back for the next call). */
  readonly revision: number;
  /** Range requests this call made (proportional to the children, not to the keys below them). */
  readonly roundTrips: number;
}

/** A whole key-value. */
export interface KeyValue extends KeyMeta {
  readonly key: Bytes;
  readonly value: Bytes;
  readonly size: number;
}

export interface Page {
  readonly items: readonly KeyEntry[];
  readonly more: boolean;
  /** Pass as `cursor` to get the next page; null when there is none. */
  readonly nextCursor: Bytes | null;
  /** The revision every page of this listing is read at. */
  readonly revision: number;
  readonly count?: number;
}

/** A page of a keys-only listing reached by a jump (`kv:seek`): the end, an index, a typed key. */
export interface SeekPage {
  /** Keys only, in key order, like a keys-only `kv:list` page's rows. */
  readonly items: readonly KeyEntry[];
  /** The index of the first item among all keys under the prefix (0-based). */
  readonly index: number;
  /** Keys under the prefix at `revision`. */
  readonly total: number;
  /** The revision read at (pass it back to stay on the same snapshot). */
  readonly revision: number;
  /** More keys follow the page: continue with `nextCursor` (kv:list) or the next index. */
  readonly more: boolean;
  readonly nextCursor: Bytes | null;
  /** Range requests this jump made (logarithmic in the keys under the prefix). */
  readonly roundTrips: number;
}

export interface CountResult {
  readonly count: number;
  /** The revision the count was taken at. */
  readonly revision: number;
}

export interface PutResult {
  /** Revision of the write. */
  readonly revision: number;
  /** True when the key did not exist before. */
  readonly created: boolean;
  /** The lease the key is attached to after the write, when the put chose one (decimal id; "0" = none). */
  readonly lease?: string;
}

export interface DeleteResult {
  readonly revision: number;
  /** What was deleted, so the user can undo. */
  readonly deleted: KeyValue;
}

// ---------- cluster ----------

export interface MemberInfo {
  readonly id: string;
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
  readonly isLeader: boolean;
  readonly isLearner: boolean;
}

export interface EndpointStatus {
  readonly endpoint: string;
  readonly reachable: boolean;
  readonly memberId?: string;
  readonly version?: string;
  readonly dbSize?: number;
  readonly dbSizeInUse?: number;
  readonly raftTerm?: number;
  readonly raftIndex?: number;
  readonly leaderId?: string;
  readonly latencyMs?: number;
  readonly error?: AppError;
}

export interface ClusterStatus {
  readonly clusterId?: string;
  readonly members: readonly MemberInfo[];
  readonly endpoints: readonly EndpointStatus[];
  readonly leaderId?: string;
  readonly alarms: readonly { readonly memberId: string; readonly alarm: string }[];
  readonly at: number;
}

/**
 * One member's figures at one moment, for the cluster view's live charts: from its Status answer
 * (sizes, raft) and its /metrics (the rest; a figure etcd did not report is absent).
 */
export interface MetricsSample {
  /** When it was read (ms since the epoch). */
  readonly at: number;
  readonly dbSize: number;
  readonly dbSizeInUse: number;
  readonly raftTerm: number;
  readonly raftIndex: number;
  readonly raftAppliedIndex: number;
  readonly isLeader: boolean;
  /** --quota-backend-bytes (etcd_server_quota_backend_bytes). */
  readonly quota?: number;
  readonly keys?: number;
  readonly leaderChanges?: number;
  readonly proposalsFailed?: number;
  readonly proposalsPending?: number;
  readonly slowApplies?: number;
  readonly watchers?: number;
  readonly grpcReceivedBytes?: number;
  readonly grpcSentBytes?: number;
  /** 1 when the member sees a leader. */
  readonly hasLeader?: number;
}

export type MemberMetrics =
  | { readonly endpoint: string; readonly ok: true; readonly memberId: string; readonly sample: MetricsSample }
  | { readonly endpoint: string; readonly ok: false; readonly error: AppError };

export interface ClusterMetrics {
  readonly at: number;
  readonly members: readonly MemberMetrics[];
}

/** members:addLearner: the new member, and how to start it. */
export interface AddLearnerResult {
  readonly memberId: string;
  readonly members: readonly MemberInfo[];
  /** The flags the new member must start with (besides its data dir and client URLs). */
  readonly flags: readonly string[];
}

/** members:planRemove: the quorum before and after removing a member. */
export interface RemovePlan {
  readonly memberId: string;
  readonly name: string;
  readonly isLearner: boolean;
  readonly voters: { readonly before: number; readonly after: number };
  /** Votes needed for a leader: floor(voters / 2) + 1. */
  readonly quorum: { readonly before: number; readonly after: number };
  /** Voters that answered a Status through the profile's endpoints just now. */
  readonly healthyVoters: { readonly before: number; readonly after: number };
  /** Voters the profile has no endpoint for: their health is unknown (counted as not healthy). */
  readonly unknownVoters: number;
  /** Removing it leaves fewer healthy voters than the quorum needs (or removes the last voter). */
  readonly risky: boolean;
  /** Why it is risky, in words. */
  readonly reason?: string;
}

// ---------- jobs and subscriptions ----------

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface JobProgress {
  /** Units finished so far (keys, bytes: the job's kind says which). */
  readonly done: number;
  /** Units in all, when known. */
  readonly total?: number;
  /** What the job is doing now, in words for a person (e.g. "counting", "deleting"). */
  readonly phase?: string;
}

/** Long work owned by one profile's connection; ends with it. */
export interface JobInfo {
  readonly jobId: string;
  readonly profileId: string;
  /** What the job does, e.g. 'export', 'bulk-delete'. */
  readonly kind: string;
  readonly state: JobState;
  readonly progress?: JobProgress;
  /** Set when the job failed (or was cancelled because its connection ended). */
  readonly error?: AppError;
  /**
   * What the job did, set by the job (at the latest when it ends, also when it failed or was
   * cancelled: a partial report says what was done and what was not).
   */
  readonly report?: JobReport;
  readonly startedAt: number;
  readonly endedAt?: number;
}

/** A live feed (watch, lease keep-alive) owned by one profile's connection; ends with it. */
export interface SubscriptionInfo {
  readonly subscriptionId: string;
  readonly profileId: string;
  readonly kind: string;
  readonly state: 'open' | 'ended';
  readonly error?: AppError;
}

// ---------- watch ----------

/**
 * The last state of one key in a watch batch. A `put` carries the key's meta, its size and a
 * preview (grid watches) or its whole value (key watches); a `delete` carries the revision of
 * the delete as `modRevision` and the meta of the value that was deleted.
 */
export interface WatchChange extends KeyMeta {
  readonly type: 'put' | 'delete';
  readonly key: Bytes;
  /** put: the new value's size in bytes; delete: the deleted value's size (when etcd sent it). */
  readonly size?: number;
  /** Grid watches: the first `previewBytes` bytes of the new value. */
  readonly preview?: Bytes;
  readonly truncated?: boolean;
  /** Key watches only: the whole new value. */
  readonly value?: Bytes;
}

/**
 * What a watch subscription pushes: the changes since the previous batch, coalesced in main
 * (one entry per key, the last state wins, in revision order), at most one batch per flush
 * interval.
 */
export interface WatchBatch {
  readonly profileId: string;
  readonly subscriptionId: string;
  readonly changes: readonly WatchChange[];
  /** Every change up to this revision has been delivered (etcd's header revision). */
  readonly revision: number;
  /**
   * Changes were lost (the revision to resume from was compacted) or etcd cancelled the watch:
   * the watch goes on from `revision`, and whoever holds a listing must list again.
   */
  readonly resync?: { readonly reason: 'compacted' | 'cancelled'; readonly compactRevision?: number; readonly message: string };
  /**
   * The stream broke and is being resumed on another member from the last revision seen
   * ('reconnecting'), or is delivering again ('live'). Absent when nothing changed.
   */
  readonly state?: 'live' | 'reconnecting';
}

// ---------- history ----------

/** One revision of a key (etcd keeps revisions, not times). */
export interface KeyVersion extends KeyMeta {
  /** Value size in bytes, when it was read. */
  readonly size?: number;
  /** True for the version of a generation that was deleted afterwards (`deletedAt` says when). */
  readonly deletedAt?: number;
}

export interface HistoryPage {
  /** Newest first. */
  readonly versions: readonly KeyVersion[];
  /** Pass as `before` to read the next (older) page; null when the history ends here. */
  readonly next: number | null;
  /** The history goes further back than etcd keeps: revisions at or below this were compacted. */
  readonly compactedAt?: number;
  /** The revision this page was read at. */
  readonly revision: number;
}

export interface DeletedKey {
  readonly key: Bytes;
  /** The revision of the delete. */
  readonly deletedAt: number;
  /** The value as it was just before the delete. */
  readonly last: KeyMeta & { readonly size: number; readonly preview: Bytes; readonly truncated: boolean };
  /** The key exists again now (created after the delete). */
  readonly recreated: boolean;
}

export interface DeletedPage {
  readonly items: readonly DeletedKey[];
  /** More deletes follow: pass `next` as `sinceRevision` to read on. Null when done. */
  readonly next: number | null;
  readonly revision: number;
}

export interface RevisionBounds {
  /** The cluster's current revision. */
  readonly current: number;
  /** Revisions at or below this were compacted away (0 = nothing compacted). */
  readonly compacted: number;
}

// ---------- leases ----------

/** Lease ids cross IPC as decimal strings of int64 (the UI prints them in hex like etcdctl). */
export interface LeaseInfo {
  readonly id: string;
  /** TTL it was granted with, in seconds. */
  readonly grantedTtl: number;
  /** Seconds left; -1 when it has expired or was revoked. */
  readonly ttl: number;
  /** How many keys are attached. */
  readonly keyCount: number;
}

export interface LeaseDetail extends LeaseInfo {
  /** The attached keys (at most the requested number). */
  readonly keys: readonly Bytes[];
}

export interface LeasePage {
  readonly items: readonly LeaseInfo[];
  /** How many leases the cluster holds. */
  readonly total: number;
}

export interface LeaseGrantResult {
  readonly id: string;
  readonly ttl: number;
}

export interface LeaseRevokeResult {
  readonly revision: number;
}

/** What a keep-alive subscription pushes after each answer from etcd. */
export interface LeaseKeepAliveEvent {
  readonly profileId: string;
  readonly subscriptionId: string;
  readonly id: string;
  /** Seconds left after this renewal; -1 when the lease no longer exists (the subscription then ends). */
  readonly ttl: number;
  readonly at: number;
}
