import { describe, expect, it } from 'vitest';
import { text } from '../../../src/shared/bytes';
import type { WatchBatch } from '../../../src/shared/types';
import { createEtcdClient } from '../../../src/renderer/src/api/etcd-client';
import { createFeeds, isFeed } from '../../../src/renderer/src/app/feeds';
import { createConnectionScope, type ScopeState } from '../../../src/renderer/src/app/scope';
import { createFakeApi, okR } from './fake-api';

function setup() {
  const fake = createFakeApi();
  const client = createEtcdClient(fake.api);
  let state: ScopeState = { activeProfileId: null };
  const scope = createConnectionScope({ get: () => state, set: (s) => (state = s) });
  const feeds = createFeeds(client, scope);
  scope.enter('p1');
  let n = 0;
  const info = (profileId: string) => ({ subscriptionId: `s${++n}`, profileId, kind: 'watch', state: 'open' as const });
  fake.ep['watch:prefix'].handle((req) => okR(info(req.profileId)));
  fake.ep['subscriptions:close'].handle((req) => okR({ ...info(req.profileId), subscriptionId: req.subscriptionId, state: 'ended' as const }));
  const batch = (subscriptionId: string, revision: number): WatchBatch => ({
    profileId: 'p1',
    subscriptionId,
    revision,
    changes: [{ type: 'put', key: text(`k${revision}`), createRevision: revision, modRevision: revision, version: 1, lease: '0' }],
  });
  return { fake, feeds, scope, batch };
}

const req = { profileId: 'p1', prefix: text('a/'), startRevision: 5 };

describe('live feeds', () => {
  it('routes batches by subscription id and stops after close', async () => {
    const { fake, feeds, batch } = setup();
    const got: number[] = [];
    const feed = await feeds.watchPrefix(req, { onEvent: (b) => got.push(b.revision) });
    expect(isFeed(feed)).toBe(true);
    if (!isFeed(feed)) return;
    fake.emit('event:watch', batch(feed.subscriptionId, 6));
    fake.emit('event:watch', batch('someone-else', 7));
    feed.close();
    fake.emit('event:watch', batch(feed.subscriptionId, 8));
    expect(got).toEqual([6]);
    expect(fake.ep['subscriptions:close'].requests).toEqual([{ profileId: 'p1', subscriptionId: feed.subscriptionId }]);
    expect(feeds.openCount()).toBe(0);
  });

  it('replays a batch that overtook the answer of the open call', async () => {
    const { fake, feeds, batch } = setup();
    fake.ep['watch:prefix'].handle(null);
    const got: number[] = [];
    const opening = feeds.watchPrefix(req, { onEvent: (b) => got.push(b.revision) });
    fake.emit('event:watch', batch('s-early', 6));
    fake.ep['watch:prefix'].next().resolve(okR({ subscriptionId: 's-early', profileId: 'p1', kind: 'watch', state: 'open' }));
    await opening;
    expect(got).toEqual([6]);
  });

  it('tells the owner when main ends the feed, and closes every feed when the scope changes', async () => {
    const { fake, feeds, scope } = setup();
    const ended: (string | undefined)[] = [];
    const a = await feeds.watchPrefix(req, { onEvent: () => undefined, onEnd: (e) => ended.push(e?.code) });
    await feeds.watchPrefix(req, { onEvent: () => undefined });
    if (!isFeed(a)) throw new Error('not opened');
    fake.emit('event:subscription', { subscriptionId: a.subscriptionId, profileId: 'p1', kind: 'watch', state: 'ended', error: { code: 'NOT_CONNECTED', message: 'closed' } });
    expect(ended).toEqual(['NOT_CONNECTED']);
    expect(feeds.openCount()).toBe(1);
    scope.enter('p2');
    expect(feeds.openCount()).toBe(0);
    expect(fake.ep['subscriptions:close'].requests).toHaveLength(1);
  });

  it('closes a feed that opened after the app left its scope, and reports it as not connected', async () => {
    const { fake, feeds, scope } = setup();
    fake.ep['watch:prefix'].handle(null);
    const opening = feeds.watchPrefix(req, { onEvent: () => undefined });
    scope.enter('p2');
    fake.ep['watch:prefix'].next().resolve(okR({ subscriptionId: 's-late', profileId: 'p1', kind: 'watch', state: 'open' }));
    const r = await opening;
    expect(isFeed(r)).toBe(false);
    expect(fake.ep['subscriptions:close'].requests).toEqual([{ profileId: 'p1', subscriptionId: 's-late' }]);
  });
});
