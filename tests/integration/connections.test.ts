import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { silentServer } from '../support/tcp';
import { text } from '../../src/shared/bytes';

let etcd: EtcdCluster;
let h: Harness;
beforeAll(async () => {
  etcd = await startCluster();
});
afterAll(async () => {
  await etcd?.close();
});
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

describe('connect, disconnect and edits racing each other', () => {
  it('disconnect right after connect wins: no session, no late "connected"', async () => {
    const p = unwrap(await h.handlers['profiles:save']({ name: 'race', endpoints: etcd.endpoints, deadlineMs: 2000 }));
    const connecting = h.handlers['connection:connect']({ profileId: p.id });
    const disconnected = unwrap(await h.handlers['connection:disconnect']({ profileId: p.id }));
    expect(disconnected.state).toBe('disconnected');
    expect(errorOf(await connecting).code).toBe('NOT_CONNECTED');
    expect(unwrap(await h.handlers['connection:status']({ profileId: p.id })).state).toBe('disconnected');
    expect(errorOf(await h.handlers['kv:get']({ profileId: p.id, key: text('k') })).code).toBe('NOT_CONNECTED');
    expect(h.statuses(p.id).some((s) => s.state === 'connected')).toBe(false);
  });

  it('disconnect while the cluster is slow to answer: the late answer changes nothing', async () => {
    const silent = await silentServer();
    try {
      const p = unwrap(await h.handlers['profiles:save']({ name: 'slow', endpoints: [silent.endpoint], deadlineMs: 1500 }));
      const connecting = h.handlers['connection:connect']({ profileId: p.id });
      await expect.poll(() => h.statuses(p.id).at(-1)?.state).toBe('connecting');
      unwrap(await h.handlers['connection:disconnect']({ profileId: p.id }));
      expect(errorOf(await connecting).code).toBe('NOT_CONNECTED');
      expect(h.statuses(p.id).at(-1)?.state).toBe('disconnected');
    } finally {
      await silent.close();
    }
  });

  it('a profile re-saved with other endpoints while connecting: the next connect uses the new ones', async () => {
    const silent = await silentServer();
    try {
      const p = unwrap(await h.handlers['profiles:save']({ name: 'moving', endpoints: [silent.endpoint], deadlineMs: 1500 }));
      const connecting = h.handlers['connection:connect']({ profileId: p.id });
      await expect.poll(() => h.statuses(p.id).at(-1)?.state).toBe('connecting');
      unwrap(await h.handlers['profiles:save']({ id: p.id, name: 'moving', endpoints: etcd.endpoints, deadlineMs: 1500 }));
      expect(errorOf(await connecting).code).toBe('NOT_CONNECTED');
      expect(unwrap(await h.handlers['connection:connect']({ profileId: p.id })).state).toBe('connected');
      unwrap(await h.handlers['kv:put']({ profileId: p.id, key: text('moved'), value: text('yes') }));
    } finally {
      await silent.close();
    }
  });

  it('a profile removed while connecting leaves no session behind', async () => {
    const p = unwrap(await h.handlers['profiles:save']({ name: 'gone', endpoints: etcd.endpoints, deadlineMs: 2000 }));
    const connecting = h.handlers['connection:connect']({ profileId: p.id });
    unwrap(await h.handlers['profiles:remove']({ profileId: p.id }));
    await connecting;
    expect(errorOf(await h.handlers['kv:get']({ profileId: p.id, key: text('k') })).code).toBe('NOT_CONNECTED');
    expect(errorOf(await h.handlers['connection:connect']({ profileId: p.id })).code).toBe('NOT_FOUND');
  });

  it('two profiles connected at once answer for their own cluster only', async () => {
    const other = await startCluster();
    try {
      const a = await h.connect({ name: 'a', endpoints: etcd.endpoints });
      const b = await h.connect({ name: 'b', endpoints: other.endpoints });
      unwrap(await h.handlers['kv:put']({ profileId: a, key: text('which'), value: text('a') }));
      unwrap(await h.handlers['kv:put']({ profileId: b, key: text('which'), value: text('b') }));
      expect(unwrap(await h.handlers['kv:get']({ profileId: a, key: text('which') })).value).toEqual(text('a'));
      expect(unwrap(await h.handlers['kv:get']({ profileId: b, key: text('which') })).value).toEqual(text('b'));
      unwrap(await h.handlers['connection:disconnect']({ profileId: a }));
      expect(unwrap(await h.handlers['kv:get']({ profileId: b, key: text('which') })).value).toEqual(text('b'));
    } finally {
      await other.close();
    }
  });
});
