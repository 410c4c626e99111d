/**
 * The preload exposes exactly the contract under window.etcd: the channel tree's
 * functions plus `on`, nothing else, and listeners never see the IpcRendererEvent.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_KEY, allChannels, allEvents, contract, type EtcdApi } from '../../../src/shared/contract';
import { buildApi } from '../../../src/preload/build-api';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: {
    invoke: vi.fn(async (channel: string) => ({ ok: true, value: channel })),
    on: vi.fn(),
    removeListener: vi.fn(),
    send: vi.fn(),
    sendSync: vi.fn(),
  },
}));
vi.mock('electron', () => electron);

let exposed: Record<string, unknown>;

beforeAll(async () => {
  await import('../../../src/preload/index');
  expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
  const [key, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0];
  expect(key).toBe('etcd');
  expect(key).toBe(API_KEY);
  exposed = api as Record<string, unknown>;
});

beforeEach(() => {
  electron.ipcRenderer.invoke.mockClear();
  electron.ipcRenderer.on.mockClear();
  electron.ipcRenderer.removeListener.mockClear();
});

describe('preload', () => {
  it("exposes exactly the contract's namespaces and operations, plus `on`", () => {
    expect(Object.keys(exposed).sort()).toEqual([...Object.keys(contract), 'on'].sort());
    for (const [ns, ops] of Object.entries(contract)) {
      const group = exposed[ns] as Record<string, unknown>;
      expect(Object.keys(group).sort(), ns).toEqual(Object.keys(ops).sort());
      for (const op of Object.keys(ops)) expect(typeof group[op], `${ns}.${op}`).toBe('function');
    }
    expect(typeof exposed.on).toBe('function');
    const leaves = Object.values(contract).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(leaves).toBe(allChannels().length);
  });

  it('exposes nothing of ipcRenderer', () => {
    const seen = new Set<unknown>();
    const walk = (v: unknown): void => {
      if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v)) return;
      seen.add(v);
      expect(v).not.toBe(electron.ipcRenderer);
      for (const fn of Object.values(electron.ipcRenderer)) expect(v).not.toBe(fn);
      for (const child of Object.values(v as object)) walk(child);
    };
    walk(exposed);
  });

  it('each operation invokes its own channel with the request', async () => {
    const api = exposed as unknown as EtcdApi;
    const req = { profileId: 'p1', key: { encoding: 'utf8', data: 'k' } } as const;
    await expect(api.kv.get(req)).resolves.toEqual({ ok: true, value: 'kv:get' });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('kv:get', req);
    await api.profiles.list();
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('profiles:list', undefined);
    for (const [ns, ops] of Object.entries(contract)) {
      for (const op of Object.keys(ops)) {
        await (exposed[ns] as Record<string, (r: unknown) => Promise<unknown>>)[op]({ x: 1 });
        expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(`${ns}:${op}`, { x: 1 });
      }
    }
  });

  it('`on` subscribes to a contract event; the listener gets only the payload; unsubscribe removes it', () => {
    const api = exposed as unknown as EtcdApi;
    const listener = vi.fn();
    const off = api.on('event:connection-status', listener);
    expect(electron.ipcRenderer.on).toHaveBeenCalledTimes(1);
    const [event, wrapped] = electron.ipcRenderer.on.mock.calls[0] as [string, (...a: unknown[]) => void];
    expect(event).toBe('event:connection-status');
    expect(wrapped).not.toBe(listener);

    const payload = { profileId: 'p1', state: 'connected', at: 1 };
    wrapped({ sender: 'the IpcRendererEvent', ports: [] }, payload);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([payload]);

    off();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(event, wrapped);
    off();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledTimes(1);
  });

  it('`on` accepts every event of the contract', () => {
    const api = exposed as unknown as EtcdApi;
    for (const name of allEvents()) api.on(name, () => {})();
    expect(electron.ipcRenderer.on).toHaveBeenCalledTimes(allEvents().length);
    expect(allEvents()).toEqual(expect.arrayContaining(['event:connection-status', 'event:menu-command', 'event:job', 'event:subscription']));
  });

  it('`on` rejects names outside Events (e.g. a channel or an internal electron event)', () => {
    const on = exposed.on as (e: unknown, l: unknown) => unknown;
    for (const bad of ['kv:get', 'event:nope', 'event:toString', 'event:__proto__', 'ELECTRON_BROWSER_REQUIRE', '', 42, undefined]) {
      expect(() => on(bad, () => {}), String(bad)).toThrow(/Unknown event/);
    }
    expect(() => on('event:connection-status', 'not a function')).toThrow(TypeError);
    expect(electron.ipcRenderer.on).not.toHaveBeenCalled();
  });
});

describe('buildApi (reused by the e2e bridge)', () => {
  it('forwards to the given invoke and subscribe', async () => {
    const invoke = vi.fn(async () => ({ ok: true, value: null }));
    const unsubscribe = vi.fn();
    const subscribe = vi.fn((_event: string, _listener: (p: unknown) => void) => unsubscribe);
    const api = buildApi(invoke, subscribe);
    await api.cluster.status({ profileId: 'p' });
    expect(invoke).toHaveBeenCalledWith('cluster:status', { profileId: 'p' });
    const got: unknown[] = [];
    const off = api.on('event:menu-command', (p) => got.push(p));
    subscribe.mock.calls[0][1]({ command: 'save' });
    expect(got).toEqual([{ command: 'save' }]);
    off();
    expect(unsubscribe).toHaveBeenCalledTimes(1);
  });

  it('is frozen', () => {
    const api = buildApi(vi.fn(), vi.fn());
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.kv)).toBe(true);
  });
});
