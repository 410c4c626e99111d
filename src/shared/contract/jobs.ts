/**
 * Long work (search, bulk, import/export, snapshot, defragment) runs as a job, and live
 * feeds (watch, keep-alive) as subscriptions: both are owned by one profile's connection,
 * report through push events, can be cancelled, and end when the connection ends.
 */
import { z } from 'zod';
import type { JobInfo, SubscriptionInfo } from '../types';
import { channel, returns } from './define';
import { profileId, profileRef } from './schemas';

const handleId = z.string().min(1).max(100);

export const jobs = {
  list: channel({
    effect: 'read',
    request: profileRef,
    response: returns<readonly JobInfo[]>(),
    doc: "The jobs of a profile's connection that are still running.",
  }),
  cancel: channel({
    effect: 'read',
    request: z.object({ profileId, jobId: handleId }).strict(),
    response: returns<JobInfo>(),
    doc: 'Ask a running job to stop; it ends as cancelled (work it already finished stays done). NOT_FOUND when it has ended.',
  }),
};

export const subscriptions = {
  list: channel({
    effect: 'read',
    request: profileRef,
    response: returns<readonly SubscriptionInfo[]>(),
    doc: "The open subscriptions of a profile's connection.",
  }),
  close: channel({
    effect: 'read',
    request: z.object({ profileId, subscriptionId: handleId }).strict(),
    response: returns<SubscriptionInfo>(),
    doc: 'End a subscription. NOT_FOUND when it has ended.',
  }),
};
