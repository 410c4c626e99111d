import type { DomainHandlers, HandlerContext } from './types';

export const jobHandlers = ({ connections }: HandlerContext): DomainHandlers<'jobs'> => ({
  list: async ({ profileId }) => connections.get(profileId).tasks.listJobs(),
  cancel: async ({ profileId, jobId }) => connections.get(profileId).tasks.cancelJob(jobId),
});

export const subscriptionHandlers = ({ connections }: HandlerContext): DomainHandlers<'subscriptions'> => ({
  list: async ({ profileId }) => connections.get(profileId).tasks.listSubscriptions(),
  close: ({ profileId, subscriptionId }) => connections.get(profileId).tasks.closeSubscription(subscriptionId),
});
