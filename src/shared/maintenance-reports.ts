/**
 * What the maintenance jobs report (variants of `JobReport`, told apart by `kind`): defragment
 * (one entry per member, in the order they were or would be defragmented) and snapshot.
 */
import type { AppError } from './result';

/** A member's backend sizes, from its Status answer. */
export interface DbSizes {
  /** Bytes of the backend file (what the quota counts). */
  readonly dbSize: number;
  /** Bytes of it in use; the rest is free pages a defragment gives back. */
  readonly dbSizeInUse: number;
}

export interface DefragMember {
  readonly endpoint: string;
  /** Hex member id. */
  readonly memberId: string;
  /** Its role when the job started: followers go first, the leader last. */
  readonly role: 'follower' | 'leader';
  /** `not-attempted`: the job stopped (a failure, an unhealthy member, cancel) before it. */
  readonly state: 'done' | 'failed' | 'not-attempted';
  readonly before?: DbSizes;
  readonly after?: DbSizes;
  /** How long etcd's Defragment took on it. */
  readonly ms?: number;
  readonly error?: AppError;
}

/** A defragment (kind 'defragment'). */
export interface DefragReport {
  readonly kind: 'defragment';
  readonly members: readonly DefragMember[];
}

/** A snapshot (kind 'snapshot'); the file exists only when `complete`. */
export interface SnapshotReport {
  readonly kind: 'snapshot';
  readonly endpoint: string;
  readonly memberId: string;
  readonly path: string;
  readonly complete: boolean;
  /** Bytes received (and written) so far. */
  readonly bytes: number;
  /** The revision the member took the snapshot at. */
  readonly revision?: number;
  /** sha256 of the whole file, in hex, once it is complete. */
  readonly sha256?: string;
}
