/** Leases: list, inspect, grant, revoke, keep alive (once, or as a subscription). */
import { z } from 'zod';
import type { LeaseDetail, LeaseGrantResult, LeasePage, LeaseRevokeResult, SubscriptionInfo } from '../types';
import { channel, returns, type Input } from './define';
import { leaseId, profileId } from './schemas';

export const LEASE_PAGE_MAX = 200;
export const LEASE_KEYS_MAX = 10_000;
/** etcd's own bound on a lease TTL (MaxLeaseTTL, 9,000,000,000 s) is far above this one. */
export const LEASE_TTL_MAX = 100 * 365 * 24 * 3600;

export const leaseListRequest = z
  .object({ profileId, offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), limit: z.number().int().min(1).max(LEASE_PAGE_MAX) })
  .strict();
export type LeaseListRequest = Input<typeof leaseListRequest>;

export const leaseRef = z.object({ profileId, id: leaseId.refine((s) => s !== '0', 'lease 0 means no lease') }).strict();
export type LeaseRef = Input<typeof leaseRef>;

export const leaseDetailRequest = z
  .object({ profileId, id: leaseId, keysLimit: z.number().int().min(0).max(LEASE_KEYS_MAX) })
  .strict();
export type LeaseDetailRequest = Input<typeof leaseDetailRequest>;

export const grantRequest = z
  .object({
    profileId,
    ttl: z.number().int().min(1).max(LEASE_TTL_MAX),
    /** Ask for this id; absent = etcd picks one. */
    id: leaseId.optional(),
  })
  .strict();
export type GrantRequest = Input<typeof grantRequest>;

export const leases = {
  list: channel({
    effect: 'read',
    request: leaseListRequest,
    response: returns<LeasePage>(),
    doc: 'One page of the cluster’s leases (ids in etcd’s order), with TTLs and key counts for that page only.',
  }),
  detail: channel({
    effect: 'read',
    request: leaseDetailRequest,
    response: returns<LeaseDetail>(),
    doc: 'A lease’s granted and remaining TTL and its attached keys; NOT_FOUND when it has expired or was revoked.',
  }),
  grant: channel({
    effect: 'write',
    describe: (r) => `Grant a lease of ${String(r.ttl)} s`,
    request: grantRequest,
    response: returns<LeaseGrantResult>(),
    doc: 'Grant a lease with a TTL (seconds), optionally with a chosen id.',
  }),
  revoke: channel({
    effect: 'write',
    describe: (r) => `Revoke lease ${String(r.id)} (its keys are deleted)`,
    request: leaseRef,
    response: returns<LeaseRevokeResult>(),
    doc: 'Revoke a lease: every key attached to it is deleted.',
  }),
  keepAliveOnce: channel({
    effect: 'write',
    describe: (r) => `Renew lease ${String(r.id)}`,
    request: leaseRef,
    response: returns<{ readonly id: string; readonly ttl: number }>(),
    doc: 'Renew a lease once; NOT_FOUND when it no longer exists.',
  }),
  keepAlive: channel({
    effect: 'write',
    describe: (r) => `Keep lease ${String(r.id)} alive`,
    request: leaseRef,
    response: returns<SubscriptionInfo>(),
    doc: 'Keep a lease alive until the subscription is closed or the connection ends (event:lease-keepalive).',
  }),
};
