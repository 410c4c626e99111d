/**
 * The IPC wiring: every contract channel is registered, and a call reaches its handler
 * only from the app's own frame and with a valid request; nothing thrown crosses IPC.
 */
import { describe, expect, it, vi } from 'vitest';
import { sampleRequests } from '../support/sample-requests';
import { allChannels, type ChannelName, type Handlers } from '../../../src/shared/contract';
import { ok, type Result } from '../../../src/shared/result';
import { createLogger, memorySink } from '../../../src/main/core/logging/logger';
import {
  createEmitter,
  createSenderCheck,
  dispatch,
  registerIpc,
  type SenderFrame,
  type WindowLike,
} from '../../../src/main/electron/ipc';

// ipc.ts imports only types from electron; make sure nothing tries to load the real one.
vi.mock('electron', () => ({}));

type Listener = (event: { senderFrame: SenderFrame | null }, raw?: unknown) => Promise<Result<unknown>>;

function fakeIpcMain() {
  const registered = new Map<string, Listener>();
  return {
    registered,
    handle: vi.fn((channel: string, listener: Listener) => {
      if (registered.has(channel)) throw new Error(`second handler for ${channel}`);
      registered.set(channel, listener);
    }),
    removeHandler: vi.fn((channel: string) => {
      registered.delete(channel);
    }),
  };
}

function fakeHandlers(): Handlers & Record<ChannelName, ReturnType<typeof vi.fn>> {
  const table: Record<string, ReturnType<typeof vi.fn>> = {};
  for (const channel of allChannels()) table[channel] = vi.fn(async () => ok(`result of ${channel}`));
  return table as unknown as Handlers & Record<ChannelName, ReturnType<typeof vi.fn>>;
}

const APP_URL = 'file:///opt/app/out/renderer/index.html';
const isAppUrl = (url: string): boolean => url.split('#')[0] === APP_URL;

const mainFrame: SenderFrame = { url: APP_URL, processId: 4, routingId: 1, parent: null };

function fakeWindow(opts: { destroyed?: boolean; frame?: SenderFrame } = {}) {
  const frame = opts.frame ?? mainFrame;
  return {
    isDestroyed: () => opts.destroyed ?? false,
    webContents: {
      isDestroyed: () => opts.destroyed ?? false,
      send: vi.fn(),
      mainFrame: { processId: frame.processId, routingId: frame.routingId },
    },
  } satisfies WindowLike;
}

function setup() {
  const ipcMain = fakeIpcMain();
  const handlers = fakeHandlers();
  const win = fakeWindow();
  const isTrustedSender = createSenderCheck(() => win, isAppUrl);
  const unregister = registerIpc({ ipcMain, handlers, isTrustedSender });
  const call = (channel: string, raw: unknown, frame: SenderFrame | null = mainFrame) => {
    const listener = ipcMain.registered.get(channel);
    if (!listener) throw new Error(`${channel} not registered`);
    return listener({ senderFrame: frame }, raw);
  };
  return { ipcMain, handlers, unregister, call };
}

const validRequests: { [C in ChannelName]: unknown } = sampleRequests;

const untrusted: Array<[string, SenderFrame | null]> = [
  ['no frame (navigated away or destroyed)', null],
  ['a subframe', { ...mainFrame, routingId: 7, parent: mainFrame as never }],
  ['a frame of another webContents', { ...mainFrame, processId: 9 }],
  ['the main frame showing a foreign page', { ...mainFrame, url: 'https://evil.example/index.html' }],
  ['the main frame showing another local file', { ...mainFrame, url: 'file:///tmp/evil.html' }],
];

describe('registerIpc', () => {
  it('registers exactly the channels of the contract, and unregisters them all', () => {
    const { ipcMain, unregister } = setup();
    expect([...ipcMain.registered.keys()].sort()).toEqual([...allChannels()].sort());
    expect(ipcMain.handle).toHaveBeenCalledTimes(allChannels().length);
    unregister();
    expect(ipcMain.registered.size).toBe(0);
    expect(ipcMain.removeHandler).toHaveBeenCalledTimes(allChannels().length);
  });

  it.each(allChannels())('%s: a valid request from the app frame reaches its handler', async (channel) => {
    const { handlers, call } = setup();
    const res = await call(channel, validRequests[channel]);
    expect(res).toEqual({ ok: true, value: `result of ${channel}` });
    expect(handlers[channel]).toHaveBeenCalledTimes(1);
    for (const other of allChannels()) if (other !== channel) expect(handlers[other]).not.toHaveBeenCalled();
  });

  it.each(untrusted)('rejects %s without calling the handler', async (_name, frame) => {
    const { handlers, call } = setup();
    const res = await call('kv:get', validRequests['kv:get'], frame);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.code).toBe('INVALID_ARGUMENT');
    expect(handlers['kv:get']).not.toHaveBeenCalled();
  });

  it('rejects every sender once the main window is gone', async () => {
    const ipcMain = fakeIpcMain();
    const handlers = fakeHandlers();
    registerIpc({ ipcMain, handlers, isTrustedSender: createSenderCheck(() => null, isAppUrl) });
    const res = await ipcMain.registered.get('profiles:list')!({ senderFrame: mainFrame }, undefined);
    expect(res.ok).toBe(false);
    expect(handlers['profiles:list']).not.toHaveBeenCalled();
    const destroyed = fakeWindow({ destroyed: true });
    expect(createSenderCheck(() => destroyed, isAppUrl)(mainFrame)).toBe(false);
  });

  const invalid: Array<[string, ChannelName, unknown]> = [
    ['wrong type', 'kv:get', { profileId: 42, key: { encoding: 'utf8', data: 'a' } }],
    ['missing field', 'kv:get', { profileId: 'p1' }],
    ['extra field', 'kv:get', { profileId: 'p1', key: { encoding: 'utf8', data: 'a' }, evil: true }],
    ['not an object', 'connection:connect', 'p1'],
    ['bad encoding', 'kv:put', { profileId: 'p1', key: { encoding: 'hex', data: '00' }, value: { encoding: 'utf8', data: '' } }],
    ['limit out of range', 'kv:list', { profileId: 'p1', prefix: { encoding: 'utf8', data: '' }, limit: 1e9 }],
    ['argument on a void channel', 'profiles:list', { sneaky: 1 }],
    ['prototype pollution attempt', 'profiles:remove', JSON.parse('{"profileId":"p1","__proto__":{"x":1}}')],
  ];
  it.each(invalid)('%s → INVALID_ARGUMENT, handler not called', async (_name, channel, raw) => {
    const { handlers, call } = setup();
    const res = await call(channel, raw);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.code).toBe('INVALID_ARGUMENT');
    expect(handlers[channel]).not.toHaveBeenCalled();
  });

  it('a thrown (or rejected) handler error becomes INTERNAL, never a thrown IPC error', async () => {
    const { handlers, call } = setup();
    handlers['kv:get'].mockImplementation(() => {
      throw new Error('boom');
    });
    handlers['kv:put'].mockImplementation(async () => {
      throw new TypeError('async boom');
    });
    handlers['kv:delete'].mockImplementation(() => Promise.reject('a string'));

    await expect(call('kv:get', validRequests['kv:get'])).resolves.toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'boom' },
    });
    await expect(call('kv:put', validRequests['kv:put'])).resolves.toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'async boom' },
    });
    const res = await call('kv:delete', validRequests['kv:delete']);
    expect(res.ok === false && res.error.code).toBe('INTERNAL');
  });

  it('a sender check that throws also ends as INTERNAL', async () => {
    const handlers = fakeHandlers();
    const res = await dispatch('connection:status', { profileId: 'p1' }, mainFrame, handlers, () => {
      throw new Error('frame gone');
    });
    expect(res).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'frame gone' } });
    expect(handlers['connection:status']).not.toHaveBeenCalled();
  });

  it("passes the handler's failure values through unchanged", async () => {
    const { handlers, call } = setup();
    const failure = { ok: false, error: { code: 'NOT_FOUND', message: 'no such key' } };
    handlers['kv:get'].mockResolvedValue(failure);
    await expect(call('kv:get', validRequests['kv:get'])).resolves.toEqual(failure);
  });
});

describe('what the IPC layer logs', () => {
  const CANARY = 'canary-Zq81';
  function logged() {
    const sink = memorySink();
    const ipcMain = fakeIpcMain();
    const handlers = fakeHandlers();
    const win = fakeWindow();
    registerIpc({ ipcMain, handlers, isTrustedSender: createSenderCheck(() => win, isAppUrl), log: createLogger(sink).scope('ipc') });
    const call = (channel: string, raw: unknown, frame: SenderFrame | null) => ipcMain.registered.get(channel)!({ senderFrame: frame }, raw);
    return { lines: sink.lines, call };
  }
  const request = { profileId: 'p1', key: { encoding: 'utf8', data: CANARY } };

  it.each(untrusted)('a refused sender (%s): channel and reason, never the request', async (_name, frame) => {
    const { lines, call } = logged();
    await call('kv:get', request, frame);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[warn\] \(main\.ipc\) refused a call from an untrusted sender \{"channel":"kv:get","reason":"[^"]+"\}$/);
    expect(lines[0]).not.toContain(CANARY);
    expect(lines[0]).not.toContain('"reason":"untrusted sender"');
  });

  it('names the reason and only the origin of a foreign page', async () => {
    const { lines, call } = logged();
    await call('kv:get', request, { ...mainFrame, url: `https://evil.example/steal?k=${CANARY}#${CANARY}` });
    await call('kv:get', request, null);
    await call('kv:get', request, { ...mainFrame, routingId: 7, parent: mainFrame as never });
    expect(lines[0]).toContain('"reason":"a page that is not the app (https://evil.example)"');
    expect(lines[1]).toContain('"reason":"no sender frame (it navigated away or was destroyed)"');
    expect(lines[2]).toContain('"reason":"a subframe"');
  });

  it('an invalid request: channel, code and field, never the value', async () => {
    const { lines, call } = logged();
    await call('kv:put', { profileId: 'p1', key: { encoding: 'utf8', data: CANARY }, value: { encoding: 'base64', data: `${CANARY}!` } }, mainFrame);
    expect(lines).toEqual(['[warn] (main.ipc) refused an invalid request {"channel":"kv:put","code":"INVALID_ARGUMENT","field":"value.data"}']);
  });

  it('a trusted, valid call logs nothing', async () => {
    const { lines, call } = logged();
    await call('kv:get', request, mainFrame);
    expect(lines).toEqual([]);
  });
});

describe('createEmitter', () => {
  it('sends events to every live window and skips destroyed ones', () => {
    const live = fakeWindow();
    const dead = fakeWindow({ destroyed: true });
    const emit = createEmitter(() => [live, dead]);
    const payload = { profileId: 'p1', state: 'connected', at: 1 } as const;
    emit('event:connection-status', payload);
    emit('event:menu-command', { command: 'save' });
    expect(live.webContents.send).toHaveBeenNthCalledWith(1, 'event:connection-status', payload);
    expect(live.webContents.send).toHaveBeenNthCalledWith(2, 'event:menu-command', { command: 'save' });
    expect(dead.webContents.send).not.toHaveBeenCalled();
  });

  it('never throws when a window goes away during a send', () => {
    const flaky = fakeWindow();
    flaky.webContents.send.mockImplementation(() => {
      throw new Error('Object has been destroyed');
    });
    const other = fakeWindow();
    const emit = createEmitter(() => [flaky, other]);
    expect(() => emit('event:menu-command', { command: 'reload' })).not.toThrow();
    expect(other.webContents.send).toHaveBeenCalledTimes(1);
  });
});
