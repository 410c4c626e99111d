import { expectTypeOf, test } from 'vitest';
import type { ChannelName, CountRequest, EtcdApi, Handlers, Invoke, ListRequest, PutRequest, RequestOf, ResponseOf } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import type { CountResult, KeyValue, Page, PutResult } from '../../src/shared/types';
import type { AppHandlers } from '../../src/main/core/handlers';
import type { DomainHandlers } from '../../src/main/core/handlers/types';
import type { EtcdClient } from '../../src/renderer/src/api/etcd-client';

test('the channel set is exactly the one the contract declares', () => {
  expectTypeOf<ChannelName>().toEqualTypeOf<
    | 'profiles:list'
    | 'profiles:save'
    | 'profiles:remove'
    | 'profiles:test'
    | 'profiles:chooseFile'
    | 'connection:connect'
    | 'connection:disconnect'
    | 'connection:status'
    | 'kv:list'
    | 'kv:get'
    | 'kv:previews'
    | 'kv:children'
    | 'kv:seek'
    | 'kv:put'
    | 'kv:delete'
    | 'kv:count'
    | 'watch:prefix'
    | 'watch:key'
    | 'history:bounds'
    | 'history:versions'
    | 'history:get'
    | 'history:deleted'
    | 'history:restore'
    | 'leases:list'
    | 'leases:detail'
    | 'leases:grant'
    | 'leases:revoke'
    | 'leases:keepAliveOnce'
    | 'leases:keepAlive'
    | 'cluster:status'
    | 'cluster:metrics'
    | 'members:addLearner'
    | 'members:promote'
    | 'members:planRemove'
    | 'members:remove'
    | 'members:updatePeerUrls'
    | 'jobs:list'
    | 'jobs:cancel'
    | 'subscriptions:list'
    | 'subscriptions:close'
    | 'app:reportError'
    | 'app:openLogFolder'
    | 'search:start'
    | 'bulk:planDelete'
    | 'bulk:delete'
    | 'bulk:undo'
    | 'bulk:copy'
    | 'transfer:export'
    | 'transfer:plan'
    | 'transfer:apply'
    | 'transfer:chooseFile'
    | 'maintenance:compact'
    | 'maintenance:defragment'
    | 'maintenance:snapshot'
    | 'maintenance:chooseFile'
    | 'maintenance:alarms'
    | 'maintenance:disarm'
    | 'maintenance:hashKv'
    | 'maintenance:moveLeader'
    | 'access:overview'
    | 'access:mine'
    | 'access:addUser'
    | 'access:changePassword'
    | 'access:deleteUser'
    | 'access:grantRole'
    | 'access:revokeRole'
    | 'access:addRole'
    | 'access:deleteRole'
    | 'access:grantPermission'
    | 'access:revokePermission'
    | 'k8s:decode'
    | 'k8s:encode'
    | 'k8s:resources'
    | 'k8s:namespaces'
    | 'k8s:summaries'
    | 'k8s:analyze'
    | 'access:planEnable'
    | 'access:enable'
    | 'access:disable'
    | 'audit:list'
    | 'audit:restore'
  >();
  expectTypeOf<keyof Handlers>().toEqualTypeOf<ChannelName>();
});

type Flat<T> = { [K in keyof T]: T[K] };

test('signatures are locked', () => {
  expectTypeOf<Invoke<'kv:list'>>().toEqualTypeOf<(req: ListRequest) => Promise<Result<Page>>>();
  // a write's request also carries the production confirmation (define.ts adds it to every write)
  expectTypeOf<Invoke<'kv:put'>>().toEqualTypeOf<(req: Flat<PutRequest & { readonly confirmation?: string }>) => Promise<Result<PutResult>>>();
  expectTypeOf<RequestOf<'bulk:copy'>>().toHaveProperty('confirmation');
  expectTypeOf<RequestOf<'kv:get'>>().not.toHaveProperty('confirmation');
  expectTypeOf<Invoke<'kv:count'>>().toEqualTypeOf<(req: CountRequest) => Promise<Result<CountResult>>>();
  expectTypeOf<RequestOf<'kv:get'>>().toHaveProperty('profileId');
  expectTypeOf<RequestOf<'profiles:list'>>().toEqualTypeOf<void>();
  expectTypeOf<ResponseOf<'kv:get'>>().toEqualTypeOf<KeyValue>();
  // requests are inferred from the schemas, readonly for callers
  expectTypeOf<ListRequest['limit']>().toEqualTypeOf<number>();
  expectTypeOf<RequestOf<'profiles:save'>['endpoints']>().toEqualTypeOf<readonly string[]>();
});

test('the preload api, the handler table and the renderer client derive from the same declarations', () => {
  expectTypeOf<EtcdApi['kv']['list']>().toEqualTypeOf<Invoke<'kv:list'>>();
  expectTypeOf<EtcdApi['profiles']['save']>().toEqualTypeOf<Invoke<'profiles:save'>>();
  expectTypeOf<keyof EtcdApi['connection']>().toEqualTypeOf<'connect' | 'disconnect' | 'status'>();
  expectTypeOf<keyof EtcdApi['kv']>().toEqualTypeOf<'list' | 'get' | 'put' | 'delete' | 'count' | 'previews' | 'children' | 'seek'>();
  expectTypeOf<AppHandlers>().toExtend<Handlers>();
  expectTypeOf<Handlers['cluster:status']>().toEqualTypeOf<Invoke<'cluster:status'>>();
  expectTypeOf<Parameters<DomainHandlers<'kv'>['count']>[0]>().toEqualTypeOf<CountRequest>();
  expectTypeOf<ReturnType<DomainHandlers<'kv'>['count']>>().toEqualTypeOf<Promise<CountResult>>();
  expectTypeOf<EtcdClient['kv']['count']>().toEqualTypeOf<Invoke<'kv:count'>>();
  expectTypeOf<keyof EtcdClient>().toEqualTypeOf<keyof EtcdApi>();
});

test('a write channel must name its profile', () => {
  // @ts-expect-error: a write whose request has no profileId cannot be declared
  void import('../../src/shared/contract/define').then(({ channel, returns }) => channel({ effect: 'write', request: {} as import('zod').ZodObject<{ key: import('zod').ZodString }>, response: returns<void>(), doc: '' }));
});
