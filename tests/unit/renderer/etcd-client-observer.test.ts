/**
 * The client's call observer sees every call start and its Result, and can never change what
 * the caller gets (it is how the store learns that a profile's cluster answers again).
 */
import { describe, expect, it } from 'vitest';
import { createEtcdClient, type CallStart } from '../../../src/renderer/src/api/etcd-client';
import type { Result } from '../../../src/shared/result';
import { createFakeApi, errR, okR } from './fake-api';

describe('createEtcdClient: the call observer', () => {
  it('sees each call as it starts and its Result when it settles, in order', async () => {
    const fake = createFakeApi();
    fake.ep['kv:count'].handle(() => okR({ count: 3, revision: 9 }));
    fake.ep['cluster:status'].handle(() => errR('UNAVAILABLE'));
    const seen: string[] = [];
    const client = createEtcdClient(fake.api, (start: CallStart) => {
      seen.push(`start ${start.namespace}:${start.operation} ${JSON.stringify(start.request)}`);
      return (r: Result<unknown>) => seen.push(`settled ${start.namespace}:${start.operation} ${r.ok ? 'ok' : r.error.code}`);
    });
    const count = await client.kv.count({ profileId: 'a', prefix: { encoding: 'utf8', data: 'k/' } });
    const status = await client.cluster.status({ profileId: 'a' });
    expect(count).toEqual(okR({ count: 3, revision: 9 }));
    expect(status.ok).toBe(false);
    expect(seen).toEqual([
      'start kv:count {"profileId":"a","prefix":{"encoding":"utf8","data":"k/"}}',
      'settled kv:count ok',
      'start cluster:status {"profileId":"a"}',
      'settled cluster:status UNAVAILABLE',
    ]);
  });

  it('an observer that throws, at the start or at the end, changes nothing for the caller', async () => {
    const fake = createFakeApi();
    fake.ep['kv:count'].handle(() => okR({ count: 1, revision: 2 }));
    const atStart = createEtcdClient(fake.api, () => {
      throw new Error('observer broke');
    });
    expect(await atStart.kv.count({ profileId: 'a', prefix: { encoding: 'utf8', data: '' } })).toEqual(okR({ count: 1, revision: 2 }));
    const atEnd = createEtcdClient(fake.api, () => () => {
      throw new Error('observer broke');
    });
    expect(await atEnd.kv.count({ profileId: 'a', prefix: { encoding: 'utf8', data: '' } })).toEqual(okR({ count: 1, revision: 2 }));
  });
});
