import type { DomainHandlers, HandlerContext } from './types';

export const clusterHandlers = ({ connections }: HandlerContext): DomainHandlers<'cluster'> => ({
  status: ({ profileId }) => connections.get(profileId).cluster.status(),
  metrics: ({ profileId }) => connections.get(profileId).cluster.metrics(),
});
