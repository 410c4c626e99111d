/**
 * A fake `EtcdApi` for renderer tests. Every call is recorded; by default a call stays
 * pending until the test resolves it by hand (`ep.next().resolve(...)`), so races can be
 * staged exactly. `ep.handle(fn)` answers automatically instead, and `memoryEtcd()` gives a
 * tiny in-memory etcd (with compare-and-swap) to plug in.
 */
import { vi } from 'vitest';
import { createAppStore } from '../../../src/renderer/src/app/create-app-store';
import type { Bytes } from '../../../src/shared/bytes';
import { byteLength, text } from '../../../src/shared/bytes';
import { channels, type EtcdApi, type EventMap, type EventName } from '../../../src/shared/contract';
import type { AppError, ErrorCode, ErrorDetails, Result } from '../../../src/shared/result';
import type { DeleteRequest, GetRequest, ListRequest, PutRequest, RequestOf, ResponseOf, ChannelName } from '../../../src/shared/contract';
import type { DeleteResult, KeyEntry, KeyValue, Page, Profile, PutResult } from '../../../src/shared/types';

export interface PendingCall<Req, T> {
  readonly req: Req;
  resolve(r: Result<T>): void;
}

export interface Endpoint<Req, T> {
  readonly fn: ReturnType<typeof vi.fn<(req: Req) => Promise<Result<T>>>>;
  readonly pending: PendingCall<Req, T>[];
  /** All requests ever made, in order. */
  readonly requests: Req[];
  /** Answer every call (now and later) with this function instead of leaving it pending. */
  handle(h: ((req: Req) => Result<T> | Promise<Result<T>>) | null): void;
  /** The oldest pending call (throws when none). */
  next(): PendingCall<Req, T>;
}

function endpoint<Req, T>(): Endpoint<Req, T> {
  const pending: PendingCall<Req, T>[] = [];
  const requests: Req[] = [];
  let handler: ((req: Req) => Result<T> | Promise<Result<T>>) | null = null;
  const fn = vi.fn((req: Req): Promise<Result<T>> => {
    requests.push(req);
    if (handler) return Promise.resolve(handler(req));
    return new Promise<Result<T>>((resolve) => pending.push({ req, resolve }));
  });
  return {
    fn,
    pending,
    requests,
    handle(h) {
      handler = h;
    },
    next() {
      const c = pending.shift();
      if (!c) throw new Error('no pending call');
      return c;
    },
  };
}

export const okR = <T>(value: T): Result<T> => ({ ok: true, value });
export const errR = (code: ErrorCode, message = `${code} happened`, details?: ErrorDetails): Result<never> => ({
  ok: false,
  error: { code, message, ...(details ? { details } : {}) } as AppError,
});

/** One endpoint per channel of the contract, keyed by channel name: a new channel needs no edit here. */
export type FakeEndpoints = { [C in ChannelName]: Endpoint<RequestOf<C>, ResponseOf<C>> };

export function createFakeApi() {
  const ep = Object.fromEntries(channels().map((c) => [c.name, endpoint()])) as unknown as FakeEndpoints;
  const api: Record<string, unknown> = {};
  for (const { name, namespace, operation } of channels()) {
    ((api[namespace] ??= {}) as Record<string, unknown>)[operation] = (ep[name] as Endpoint<unknown, unknown>).fn;
  }
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  api.on = <E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) => {
    const set = listeners.get(event) ?? new Set();
    set.add(listener as (p: unknown) => void);
    listeners.set(event, set);
    return () => set.delete(listener as (p: unknown) => void);
  };
  const emit = <E extends EventName>(event: E, payload: EventMap[E]) => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  // Sensible defaults: disconnect and connect succeed at once unless a test takes over.
  ep['connection:disconnect'].handle(({ profileId }) => okR({ profileId, state: 'disconnected', at: Date.now() }));
  ep['connection:connect'].handle(({ profileId }) => okR({ profileId, state: 'connected', endpoint: `http://${profileId}:2379`, at: Date.now() }));
  return { api: api as unknown as EtcdApi, ep, emit, listeners };
}

export type FakeApi = ReturnType<typeof createFakeApi>;

export function profile(id: string, extra: Partial<Profile> = {}): Profile {
  return { id, name: `Profile ${id}`, endpoints: [`http://${id}:2379`], hasPassword: false, deadlineMs: 5000, mode: 'normal', ...extra };
}

export function entry(key: string, modRevision = 5, value = `value of ${key}`): KeyEntry {
  return {
    key: text(key),
    createRevision: 2,
    modRevision,
    version: 1,
    lease: '0',
    size: byteLength(text(value)),
    preview: text(value),
  };
}

export function kv(key: string | Bytes, value: string | Bytes, modRevision = 5, extra: Partial<KeyValue> = {}): KeyValue {
  const k = typeof key === 'string' ? text(key) : key;
  const v = typeof value === 'string' ? text(value) : value;
  return { key: k, value: v, size: byteLength(v), createRevision: 2, modRevision, version: 1, lease: '0', ...extra };
}

export function page(items: KeyEntry[], opts: Partial<Page> = {}): Page {
  return { items, more: false, nextCursor: null, revision: 100, ...opts };
}

/** Let pending promise chains settle. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise<void>((r) => setTimeout(r, 0));
}

/** A tiny etcd: sorted utf8 keys, one global revision, compare-and-swap like the real handlers. */
export function memoryEtcd(initial: Record<string, string> = {}) {
  let rev = 1;
  const data = new Map<string, KeyValue>();
  for (const [k, v] of Object.entries(initial)) {
    rev++;
    data.set(k, kv(k, v, rev, { createRevision: rev }));
  }
  const keyOf = (b: Bytes) => (b.encoding === 'utf8' ? b.data : `b64:${b.data}`);
  return {
    data,
    get revision() {
      return rev;
    },
    /** Someone else writes. */
    externalPut(key: string, value: string) {
      rev++;
      const old = data.get(key);
      data.set(key, kv(key, value, rev, { createRevision: old?.createRevision ?? rev, version: (old?.version ?? 0) + 1 }));
    },
    externalDelete(key: string) {
      rev++;
      data.delete(key);
    },
    get(req: GetRequest): Result<KeyValue> {
      const cur = data.get(keyOf(req.key));
      return cur ? okR(cur) : errR('NOT_FOUND', 'key not found');
    },
    put(req: PutRequest): Result<PutResult> {
      const k = keyOf(req.key);
      const cur = data.get(k);
      if (req.expectedModRevision !== undefined && (cur?.modRevision ?? 0) !== req.expectedModRevision) {
        return errR('CONFLICT', 'compare failed', { currentModRevision: cur?.modRevision ?? 0 });
      }
      rev++;
      data.set(k, {
        key: req.key,
        value: req.value,
        size: byteLength(req.value),
        createRevision: cur?.createRevision ?? rev,
        modRevision: rev,
        version: (cur?.version ?? 0) + 1,
        lease: '0',
      });
      return okR({ revision: rev, created: !cur });
    },
    delete(req: DeleteRequest): Result<DeleteResult> {
      const k = keyOf(req.key);
      const cur = data.get(k);
      if (!cur) return errR('NOT_FOUND', 'key not found');
      if (req.expectedModRevision !== undefined && cur.modRevision !== req.expectedModRevision) {
        return errR('CONFLICT', 'compare failed', { currentModRevision: cur.modRevision });
      }
      rev++;
      data.delete(k);
      return okR({ revision: rev, deleted: cur });
    },
    list(req: ListRequest): Result<Page> {
      const prefix = req.prefix.data;
      const keys = [...data.keys()].filter((k) => k.startsWith(prefix)).sort();
      const start = req.cursor ? keys.findIndex((k) => k >= req.cursor!.data) : 0;
      const slice = start < 0 ? [] : keys.slice(start, start + req.limit);
      const items = slice.map((k) => {
        const v = data.get(k)!;
        return { key: v.key, createRevision: v.createRevision, modRevision: v.modRevision, version: v.version, lease: v.lease, size: v.size, preview: v.value };
      });
      const more = start >= 0 && start + req.limit < keys.length;
      return okR({
        items,
        more,
        nextCursor: more ? text(`${slice[slice.length - 1]}\0`) : null,
        revision: req.revision || rev,
        ...(req.count ? { count: keys.length } : {}),
      });
    },
  };
}

/** Wire a memory etcd into the fake api's kv endpoints. */
export function useMemoryEtcd(fake: FakeApi, mem: ReturnType<typeof memoryEtcd>) {
  fake.ep['kv:get'].handle((r) => mem.get(r));
  fake.ep['kv:put'].handle((r) => mem.put(r));
  fake.ep['kv:delete'].handle((r) => mem.delete(r));
  fake.ep['kv:list'].handle((r) => mem.list(r));
}

/**
 * A store over a fake API, connected to profile `a` of `profiles` (default: `a` and `b`) with an
 * empty keyspace: the starting point of the feature slices' tests. `prepare` adds handlers first.
 */
export async function connectedStore(profiles: Profile[] = [profile('a'), profile('b')], prepare?: (fake: FakeApi) => void) {
  const fake = createFakeApi();
  fake.ep['profiles:list'].handle(() => okR({ profiles, secretStorage: 'encrypted', notices: [] }));
  fake.ep['kv:list'].handle(() => okR(page([])));
  fake.ep['kv:count'].handle(() => okR({ count: 0, revision: 1 }));
  prepare?.(fake);
  const store = createAppStore(fake.api);
  store.getState().init();
  await flush();
  await store.getState().switchProfile('a');
  await flush();
  return { fake, store };
}
