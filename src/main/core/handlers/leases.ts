import { LeaseService } from '../etcd/leases';
import type { DomainHandlers, HandlerContext } from './types';

export const leaseHandlers = ({ connections, emit }: HandlerContext): DomainHandlers<'leases'> => {
  const leases = (profileId: string) => new LeaseService(connections.get(profileId).session);
  return {
    list: (req) => leases(req.profileId).list(req.offset, req.limit),
    detail: (req) => leases(req.profileId).detail(req.id, req.keysLimit),
    grant: (req) => leases(req.profileId).grant(req.ttl, req.id),
    revoke: (req) => leases(req.profileId).revoke(req.id),
    keepAliveOnce: (req) => leases(req.profileId).keepAliveOnce(req.id),
    async keepAlive(req) {
      const conn = connections.get(req.profileId);
      const service = new LeaseService(conn.session);
      // The subscription's id is known once it is open: renewals before that wait here.
      const opened: { subscriptionId?: string } = {};
      const held: Array<{ ttl: number; at: number }> = [];
      const push = (ttl: number, at: number) => {
        const { subscriptionId } = opened;
        if (subscriptionId === undefined) held.push({ ttl, at });
        else emit('event:lease-keepalive', { profileId: req.profileId, subscriptionId, id: req.id, ttl, at });
      };
      const info = await conn.tasks.openSubscription('lease-keepalive', (ctx) =>
        service.keepAlive(req.id, {
          renewed: (ttl) => {
            if (!ctx.signal.aborted) push(ttl, Date.now());
          },
          ended: (error) => ctx.end(error),
        }),
      );
      opened.subscriptionId = info.subscriptionId;
      if (info.state === 'open') for (const e of held.splice(0)) push(e.ttl, e.at);
      return info;
    },
  };
};
