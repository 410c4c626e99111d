/**
 * Live feeds (watch, lease keep-alive) on the renderer side: one place that opens a subscription
 * in main, routes its push events to the feature that opened it (by subscription id), tells that
 * feature when main ended it, and closes every feed when the app leaves the connection's scope.
 *
 * A push can overtake the answer of the call that opened its subscription (two IPC paths), so
 * events for an id not known yet are held briefly and replayed once the id is known.
 */
import type { AppError } from '../../../shared/result';
import type { LeaseKeepAliveEvent, SubscriptionInfo, WatchBatch } from '../../../shared/types';
import type { EtcdClient } from '../api/etcd-client';
import { createEarlyEvents } from './early-events';
import type { ConnectionScope } from './scope';

/** Events of ids nobody has claimed yet are kept this long, at most this many per id. */
const ORPHAN_MS = 5000;
const ORPHAN_MAX = 200;

export interface Feed {
  readonly subscriptionId: string;
  /** Close it in main; no more events are delivered from now on. Idempotent. */
  close(): void;
}

export interface FeedHandlers<E> {
  onEvent(event: E): void;
  /** Main ended the feed by itself (its connection closed, the stream failed beyond repair). */
  onEnd?(error: AppError | undefined): void;
}

export interface Feeds {
  /** Watch a prefix; the promise resolves with the feed, or with the error that kept it from opening. */
  watchPrefix(req: Parameters<EtcdClient['watch']['prefix']>[0], handlers: FeedHandlers<WatchBatch>): Promise<Feed | AppError>;
  watchKey(req: Parameters<EtcdClient['watch']['key']>[0], handlers: FeedHandlers<WatchBatch>): Promise<Feed | AppError>;
  keepAlive(req: Parameters<EtcdClient['leases']['keepAlive']>[0], handlers: FeedHandlers<LeaseKeepAliveEvent>): Promise<Feed | AppError>;
  /** How many feeds are open (tests, the status bar). */
  openCount(): number;
}

export const isFeed = (x: Feed | AppError): x is Feed => 'subscriptionId' in x;

interface Entry {
  readonly profileId: string;
  readonly handlers: FeedHandlers<never>;
  closed: boolean;
}

export function createFeeds(client: EtcdClient, scope: ConnectionScope, now: () => number = Date.now): Feeds {
  const open = new Map<string, Entry>();
  const orphans = createEarlyEvents<unknown>({ maxAgeMs: ORPHAN_MS, maxPerId: ORPHAN_MAX, now });

  const deliver = (subscriptionId: string, event: unknown) => {
    const entry = open.get(subscriptionId);
    if (entry) {
      if (!entry.closed) (entry.handlers.onEvent as (e: unknown) => void)(event);
      return;
    }
    orphans.hold(subscriptionId, event);
  };

  client.on('event:watch', (batch) => deliver(batch.subscriptionId, batch));
  client.on('event:lease-keepalive', (e) => deliver(e.subscriptionId, e));
  client.on('event:subscription', (info: SubscriptionInfo) => {
    if (info.state !== 'ended') return;
    const entry = open.get(info.subscriptionId);
    if (!entry || entry.closed) return;
    entry.closed = true;
    open.delete(info.subscriptionId);
    entry.handlers.onEnd?.(info.error);
  });

  const closeEntry = (subscriptionId: string) => {
    const entry = open.get(subscriptionId);
    if (!entry || entry.closed) return;
    entry.closed = true;
    open.delete(subscriptionId);
    // Best effort: main also ends it with the connection.
    void client.subscriptions.close({ profileId: entry.profileId, subscriptionId });
  };

  scope.own({
    reset() {
      for (const id of [...open.keys()]) closeEntry(id);
      orphans.clear();
    },
  });

  async function start<E>(
    profileId: string,
    opening: Promise<{ ok: true; value: SubscriptionInfo } | { ok: false; error: AppError }>,
    handlers: FeedHandlers<E>,
  ): Promise<Feed | AppError> {
    const guard = scope.capture();
    const r = await opening;
    if (!r.ok) return r.error;
    const subscriptionId = r.value.subscriptionId;
    const feed: Feed = { subscriptionId, close: () => closeEntry(subscriptionId) };
    if (!guard || !guard.current() || guard.profileId !== profileId) {
      // Opened for a scope the app has left: nobody will read it.
      void client.subscriptions.close({ profileId, subscriptionId });
      return { code: 'NOT_CONNECTED', message: 'The connection changed while the feed was opening.' };
    }
    const entry: Entry = { profileId, handlers: handlers as FeedHandlers<never>, closed: false };
    open.set(subscriptionId, entry);
    for (const e of orphans.take(subscriptionId)) if (!entry.closed) (handlers.onEvent as (x: unknown) => void)(e);
    return feed;
  }

  return {
    watchPrefix: (req, handlers) => start(req.profileId, client.watch.prefix(req), handlers),
    watchKey: (req, handlers) => start(req.profileId, client.watch.key(req), handlers),
    keepAlive: (req, handlers) => start(req.profileId, client.leases.keepAlive(req), handlers),
    openCount: () => open.size,
  };
}
