/**
 * watch:prefix and watch:key: each opens a subscription of its connection that runs a WatchFeed
 * (etcd/watch.ts) and pushes its coalesced changes as `event:watch` batches carrying the
 * subscription's id. The subscription ends with `subscriptions:close`, with its connection
 * (disconnect, profile switch, dispose), or by itself when etcd refuses the watch for good.
 */
import type { SubscriptionInfo } from '../../../shared/types';
import { prefixEnd, toBuffer } from '../etcd/bytes';
import { DEFAULT_PREVIEW_BYTES } from '../etcd/kv';
import { WatchFeed, type WatchFeedOptions, type WatchUpdate } from '../etcd/watch';
import type { DomainHandlers, HandlerContext } from './types';

type Spec = Pick<WatchFeedOptions, 'key' | 'rangeEnd' | 'startRevision' | 'values'>;

const ZERO = Buffer.from([0]);

export const watchHandlers = (ctx: HandlerContext): DomainHandlers<'watch'> => {
  const log = ctx.log.scope('watch');

  async function open(profileId: string, spec: Spec): Promise<SubscriptionInfo> {
    const { session, tasks } = ctx.connections.get(profileId);
    // The subscription's id is known only once it is open: updates before that wait for it.
    const state: { id?: string; ended: boolean } = { ended: false };
    const early: WatchUpdate[] = [];
    const send = (update: WatchUpdate): void => {
      if (state.ended) return;
      if (state.id === undefined) early.push(update);
      else ctx.emit('event:watch', { profileId, subscriptionId: state.id, ...update });
    };
    const info = await tasks.openSubscription('watch', async (sub) => {
      const feed = new WatchFeed({ ...spec, targets: () => session.streamTargets(), emit: send, fail: (error) => sub.end(error), log });
      const release = (): void => {
        state.ended = true;
        feed.close();
      };
      sub.signal.addEventListener('abort', release, { once: true });
      try {
        await feed.start();
      } catch (err) {
        release();
        throw err;
      }
      return release;
    });
    if (info.state !== 'open') {
      state.ended = true;
      return info;
    }
    state.id = info.subscriptionId;
    for (const update of early.splice(0)) send(update);
    log.info('watch opened', { profileId, subscriptionId: info.subscriptionId, kind: spec.rangeEnd ? 'prefix' : 'key', startRevision: spec.startRevision });
    return info;
  }

  return {
    prefix: (req) => {
      const prefix = toBuffer(req.prefix);
      // The empty prefix is the whole keyspace: "\0" .. "\0", as listings read it.
      const range = prefix.length === 0 ? { key: ZERO, rangeEnd: ZERO } : { key: prefix, rangeEnd: prefixEnd(prefix) };
      return open(req.profileId, { ...range, startRevision: req.startRevision, values: { kind: 'preview', previewBytes: req.previewBytes ?? DEFAULT_PREVIEW_BYTES } });
    },
    key: (req) => open(req.profileId, { key: toBuffer(req.key), startRevision: req.startRevision, values: { kind: 'whole' } }),
  };
};
