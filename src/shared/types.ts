import type { Bytes } from './bytes';
import type { AppError } from './result';

// ---------- profiles ----------

export interface TlsSettings {
  /** Paths on the user's machine; main reads the files, the renderer never sees their content. */
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
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
}

/** A profile as the user edits it. */
export interface ProfileInput {
  /** Absent to create a new profile. */
  readonly id?: string;
  readonly name: string;
  readonly endpoints: readonly string[];
  readonly username?: string;
  /**
   * string: set this password; null: remove the stored password;
   * absent: keep whatever is stored (edits never need to re-enter it).
   */
  readonly password?: string | null;
  readonly tls?: TlsSettings;
  readonly deadlineMs?: number;
  readonly color?: string;
  /** The user explicitly accepts storing the password unencrypted when the OS offers no encryption. */
  readonly allowPlaintextPassword?: boolean;
}

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

/** A whole key-value. */
export interface KeyValue extends KeyMeta {
  readonly key: Bytes;
  readonly value: Bytes;
  readonly size: number;
}

export interface ListRequest {
  readonly profileId: string;
  /** Empty text means the whole keyspace. */
  readonly prefix: Bytes;
  /** Continue after this key (the `nextCursor` of the previous page). */
  readonly cursor?: Bytes;
  /** Page size, 1..10000. */
  readonly limit: number;
  readonly keysOnly?: boolean;
  /** Pin the page to this revision (the `revision` of the first page). 0/absent = latest. */
  readonly revision?: number;
  /** Also return how many keys the prefix holds (at the same revision). */
  readonly count?: boolean;
  /** Preview length in bytes for values, default 256. */
  readonly previewBytes?: number;
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

export interface GetRequest {
  readonly profileId: string;
  readonly key: Bytes;
}

export interface PutRequest {
  readonly profileId: string;
  readonly key: Bytes;
  readonly value: Bytes;
  /**
   * Compare-and-swap: the mod revision the caller last saw. 0 = the key must not exist yet.
   * Absent = unconditional put.
   */
  readonly expectedModRevision?: number;
}

export interface PutResult {
  /** Revision of the write. */
  readonly revision: number;
  /** True when the key did not exist before. */
  readonly created: boolean;
}

export interface DeleteRequest {
  readonly profileId: string;
  readonly key: Bytes;
  readonly expectedModRevision?: number;
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
