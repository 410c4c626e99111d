import { expectTypeOf, test } from 'vitest';
import type { ChannelName, EtcdApi, Handlers, InvokeMap, RequestOf } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import type { KeyValue, ListRequest, Page, PutRequest, PutResult } from '../../src/shared/types';
import type { AppHandlers } from '../../src/main/core/handlers';

test('the channel set is exactly the one the contract declares', () => {
  expectTypeOf<ChannelName>().toEqualTypeOf<
    | 'profiles:list'
    | 'profiles:save'
    | 'profiles:remove'
    | 'profiles:test'
    | 'connection:connect'
    | 'connection:disconnect'
    | 'connection:status'
    | 'kv:list'
    | 'kv:get'
    | 'kv:put'
    | 'kv:delete'
    | 'cluster:status'
  >();
  expectTypeOf<keyof InvokeMap>().toEqualTypeOf<ChannelName>();
});

test('signatures are locked', () => {
  expectTypeOf<InvokeMap['kv:list']>().toEqualTypeOf<(req: ListRequest) => Promise<Result<Page>>>();
  expectTypeOf<InvokeMap['kv:put']>().toEqualTypeOf<(req: PutRequest) => Promise<Result<PutResult>>>();
  expectTypeOf<RequestOf<'kv:get'>>().toHaveProperty('profileId');
  expectTypeOf<Awaited<ReturnType<InvokeMap['kv:get']>>>().toEqualTypeOf<Result<KeyValue>>();
});

test('the preload api and the handler table derive from the same map', () => {
  expectTypeOf<EtcdApi['kv']['list']>().toEqualTypeOf<InvokeMap['kv:list']>();
  expectTypeOf<EtcdApi['profiles']['save']>().toEqualTypeOf<InvokeMap['profiles:save']>();
  expectTypeOf<keyof EtcdApi['connection']>().toEqualTypeOf<'connect' | 'disconnect' | 'status'>();
  expectTypeOf<AppHandlers>().toExtend<Handlers>();
  expectTypeOf<Handlers['cluster:status']>().toEqualTypeOf<InvokeMap['cluster:status']>();
});
