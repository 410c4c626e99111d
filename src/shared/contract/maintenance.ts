/**
 * Maintenance of a cluster: compact, defragment, snapshot, alarms, HashKV and leader transfer.
 * Members are named by their hex id (ClusterStatus.members[].id, EndpointStatus.memberId) and
 * reached through the profile's endpoint that answers with that id, on that member's own client
 * (never routed to another member). Defragment and snapshot run as jobs of the profile's
 * connection (progress as `event:job`, cancel with jobs:cancel, report in ../maintenance-reports.ts).
 */
import { z } from 'zod';
import type { AppError } from '../result';
import type { JobInfo } from '../types';
import { channel, returns, type Input } from './define';
import { FILE_PATH_MAX } from './limits';
import { profileId, revision } from './schemas';

/** A member id as the app shows it: hex, as etcdctl prints it. */
export const memberId = z.string().regex(/^[0-9a-f]{1,16}$/, 'a member id is hex, as etcdctl prints it');

const filePath = z.string().min(1).max(FILE_PATH_MAX);

export const compactRequest = z
  .object({
    profileId,
    /** Keep history from this revision on; older revisions become unreadable (COMPACTED). */
    revision: revision.min(1),
    /** Wait until etcd has freed the space on every member (etcdctl's --physical). */
    physical: z.boolean().optional(),
  })
  .strict();
export type CompactRequest = Input<typeof compactRequest>;

export interface CompactResult {
  /** The revision compacted to. */
  readonly revision: number;
  /** The cluster's revision when it was asked. */
  readonly current: number;
  /** The compacted revision before (0: none). */
  readonly previousCompacted: number;
  readonly physical: boolean;
}

export const defragmentRequest = z
  .object({
    profileId,
    /** One member, or every member of the cluster (followers first, the leader last). */
    target: z.union([z.literal('all'), memberId]),
  })
  .strict();
export type DefragmentRequest = Input<typeof defragmentRequest>;

export const snapshotRequest = z
  .object({
    profileId,
    /** The member whose backend is saved. */
    memberId,
    /** Where to write it (the save dialog's answer); replaced only once the snapshot is complete. */
    path: filePath,
  })
  .strict();
export type SnapshotRequest = Input<typeof snapshotRequest>;

export const chooseSnapshotFileRequest = z.object({ current: z.string().max(FILE_PATH_MAX).optional() }).strict();
export type ChooseSnapshotFileRequest = Input<typeof chooseSnapshotFileRequest>;

/** The alarms etcd raises (etcdctl's names). */
export const ALARM_TYPES = ['NOSPACE', 'CORRUPT'] as const;
export type AlarmType = (typeof ALARM_TYPES)[number];

export interface ActiveAlarm {
  readonly memberId: string;
  readonly alarm: AlarmType;
}

export interface MemberAlarms {
  readonly endpoint: string;
  readonly memberId?: string;
  readonly reachable: boolean;
  /** The alarms this member reports in its own Status. */
  readonly alarms: readonly AlarmType[];
  readonly error?: AppError;
}

export interface AlarmList {
  /** The cluster's alarms (Alarm GET, any member answers for all). */
  readonly alarms: readonly ActiveAlarm[];
  /** What each of the profile's endpoints says. */
  readonly members: readonly MemberAlarms[];
}

export const disarmRequest = z
  .object({
    profileId,
    /** Only this member's alarms (default: every member's). */
    memberId: memberId.optional(),
    /** Only this kind (default: every kind). */
    alarm: z.enum(ALARM_TYPES).optional(),
  })
  .strict();
export type DisarmRequest = Input<typeof disarmRequest>;

export interface DisarmResult {
  readonly disarmed: readonly ActiveAlarm[];
  /** Alarms still active afterwards (not chosen, or raised again at once). */
  readonly remaining: readonly ActiveAlarm[];
}

export const hashKvRequest = z
  .object({
    profileId,
    /** The revision to hash up to (default: the cluster's current revision, the same for every member). */
    revision: revision.min(1).optional(),
  })
  .strict();
export type HashKvRequest = Input<typeof hashKvRequest>;

export interface MemberHash {
  readonly endpoint: string;
  readonly memberId?: string;
  readonly hash?: number;
  readonly compactRevision?: number;
  readonly error?: AppError;
}

export interface HashKvResult {
  readonly revision: number;
  readonly members: readonly MemberHash[];
  /** Every member answered, with the same hash. */
  readonly agree: boolean;
}

export const moveLeaderRequest = z.object({ profileId, targetMemberId: memberId }).strict();
export type MoveLeaderRequest = Input<typeof moveLeaderRequest>;

export interface MoveLeaderResult {
  readonly previousLeaderId: string;
  /** The leader afterwards, as the target reports it. */
  readonly leaderId: string;
}

export const maintenance = {
  compact: channel({
    effect: 'write',
    request: compactRequest,
    response: returns<CompactResult>(),
    doc: 'Compact the history up to a revision (refused above the current one: INVALID_ARGUMENT; at or below the compacted one: COMPACTED).',
  }),
  defragment: channel({
    effect: 'write',
    request: defragmentRequest,
    response: returns<JobInfo>(),
    doc: "Defragment one member or all (followers first, the leader last, one at a time, only while every member is healthy, stopping at the first failure) as a job; reports each member's DB size before and after.",
  }),
  snapshot: channel({
    effect: 'read',
    request: snapshotRequest,
    response: returns<JobInfo>(),
    doc: "Save a member's backend snapshot to a file as a job (progress in bytes, sha256 in the report); no partial file is ever left.",
  }),
  chooseFile: channel({
    effect: 'read',
    request: chooseSnapshotFileRequest,
    response: returns<{ path: string | null }>(),
    doc: "The system's save dialog for a snapshot file; null when cancelled.",
  }),
  alarms: channel({
    effect: 'read',
    request: z.object({ profileId }).strict(),
    response: returns<AlarmList>(),
    doc: "The cluster's active alarms, and what each member reports.",
  }),
  disarm: channel({
    effect: 'write',
    request: disarmRequest,
    response: returns<DisarmResult>(),
    doc: 'Disarm active alarms (all, or one member / kind): after NOSPACE, free space first (compact, defragment).',
  }),
  hashKv: channel({
    effect: 'read',
    request: hashKvRequest,
    response: returns<HashKvResult>(),
    doc: "Each member's HashKV at one revision, from each member itself, and whether they agree.",
  }),
  moveLeader: channel({
    effect: 'write',
    request: moveLeaderRequest,
    response: returns<MoveLeaderResult>(),
    doc: 'Transfer leadership to a member (asked of the current leader).',
  }),
};
