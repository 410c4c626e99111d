import type { DomainHandlers, HandlerContext } from './types';

export const connectionHandlers = ({ connections }: HandlerContext): DomainHandlers<'connection'> => ({
  connect: ({ profileId }) => connections.connect(profileId),
  disconnect: ({ profileId }) => connections.disconnect(profileId),
  status: async ({ profileId }) => connections.status(profileId),
});
