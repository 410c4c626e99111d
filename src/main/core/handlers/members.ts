import { MembershipService } from '../etcd/membership';
import type { DomainHandlers, HandlerContext } from './types';

export const memberHandlers = ({ connections }: HandlerContext): DomainHandlers<'members'> => {
  const of = (profileId: string) => new MembershipService(connections.get(profileId).session);
  return {
    addLearner: ({ profileId, name, peerUrls }) => of(profileId).addLearner(name, peerUrls),
    promote: async ({ profileId, memberId }) => {
      await of(profileId).promote(memberId);
      return { memberId };
    },
    planRemove: ({ profileId, memberId }) => of(profileId).planRemove(memberId),
    remove: async ({ profileId, memberId, acknowledgeRisk }) => ({ memberId, plan: await of(profileId).remove(memberId, acknowledgeRisk === true) }),
    updatePeerUrls: async ({ profileId, memberId, peerUrls }) => {
      await of(profileId).updatePeerUrls(memberId, peerUrls);
      return { memberId };
    },
  };
};
