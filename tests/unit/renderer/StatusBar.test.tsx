// @vitest-environment happy-dom
/**
 * The status bar says how the connection is doing in words and colour: all members, a degraded
 * cluster ("2 of 3 members"), no quorum, unreachable. Colour is never alone.
 */
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { StatusBar } from '../../../src/renderer/src/app/StatusBar';
import type { AppStore } from '../../../src/renderer/src/app/create-app-store';
import { StoreProvider } from '../../../src/renderer/src/app/store-context';
import { connectionHealth } from '../../../src/renderer/src/features/connections/ConnectionDot';
import type { ConnectionStatus } from '../../../src/shared/types';
import { entry, errR, flush, okR, page, type FakeApi } from './fake-api';
import { setupStore } from './helpers';

afterEach(cleanup);

// Later than the connect answer of the fake (stamped Date.now()), so each push applies.
let at = Date.now() + 3_600_000;
const status = (s: Omit<ConnectionStatus, 'profileId' | 'at'>): ConnectionStatus => ({ profileId: 'a', at: ++at, ...s });

/** The status bar of a store connected to "a" (two keys listed). */
async function renderConnected(): Promise<AppStore & { fake: FakeApi }> {
  const { store, fake } = await setupStore();
  fake.ep['kv:list'].handle(() => okR(page([entry('k/1'), entry('k/2')], { count: 2 })));
  render(
    <StoreProvider store={store}>
      <StatusBar />
    </StoreProvider>,
  );
  await act(async () => {
    await store.getState().switchProfile('a');
    await flush();
  });
  return Object.assign(store, { fake });
}

const push = (store: AppStore, s: ConnectionStatus) => act(() => store.getState().applyConnectionStatus(s));
const health = () => screen.getByTestId('status-health');
const dot = () => within(screen.getByTestId('status-connection')).getByRole('img');

describe('status bar: the connection in words and colour', () => {
  it('connected with every member answering: "Connected", green, as before the probe', async () => {
    const store = await renderConnected();
    expect(health().textContent).toBe('Connected');
    expect(dot().getAttribute('aria-label')).toBe('Connected');
    expect(dot().className).toContain('conn-ok');
    push(store, status({ state: 'connected', members: { answering: 3, total: 3, hasLeader: true } }));
    expect(health().textContent).toBe('Connected');
    expect(health().getAttribute('title')).toBe('Connected: all 3 members answering');
    expect(health().className).toContain('health-ok');
    expect(dot().className).toContain('conn-ok');
  });

  it('a degraded cluster: "Connected · 2 of 3 members", amber, named and titled with what is missing', async () => {
    const store = await renderConnected();
    push(store, status({ state: 'connected', members: { answering: 2, total: 3, hasLeader: true } }));
    expect(health().textContent).toBe('Connected · 2 of 3 members');
    expect(health().className).toContain('health-degraded');
    expect(dot().className).toContain('conn-degraded');
    expect(health().getAttribute('title')).toMatch(/^Connected, degraded: 1 member is not answering \(2 of 3 members answering\)/);
    expect(screen.getByRole('img', { name: /1 member is not answering/ })).toBe(dot());

    push(store, status({ state: 'connected', members: { answering: 3, total: 5, hasLeader: true } }));
    expect(health().textContent).toBe('Connected · 3 of 5 members');
    expect(health().getAttribute('title')).toContain('2 members are not answering');

    // All back: green again.
    push(store, status({ state: 'connected', members: { answering: 5, total: 5, hasLeader: true } }));
    expect(health().textContent).toBe('Connected');
    expect(dot().className).toContain('conn-ok');
  });

  it('no quorum: "No quorum", red, with the reason on hover', async () => {
    const store = await renderConnected();
    push(
      store,
      status({
        state: 'unreachable',
        error: { code: 'NO_QUORUM', message: 'etcdserver: no leader', details: { endpoint: 'http://a:2379' } },
        members: { answering: 1, total: 3, hasLeader: false },
      }),
    );
    expect(health().textContent).toBe('No quorum');
    expect(health().className).toContain('health-no-quorum');
    expect(dot().className).toContain('conn-no-quorum');
    const title = health().getAttribute('title') ?? '';
    expect(title).toContain('1 of 3 members answering');
    expect(title).toContain('The cluster has no quorum at http://a:2379');
    expect(title).toContain('etcdserver: no leader');
    expect(screen.getByRole('img', { name: /^No quorum/ })).toBe(dot());
    // The message line stays for messages: the state is not said twice.
    expect(screen.getByTestId('status-message').textContent).toBe('');
  });

  it('connected but the members that answer know no leader: no quorum too', async () => {
    const store = await renderConnected();
    push(store, status({ state: 'connected', members: { answering: 2, total: 3, hasLeader: false } }));
    expect(health().textContent).toBe('No quorum');
    expect(health().className).toContain('health-no-quorum');
  });

  it('unreachable for any other reason: "Unreachable", as before', async () => {
    const store = await renderConnected();
    push(store, status({ state: 'unreachable', error: { code: 'UNAVAILABLE', message: 'ECONNREFUSED' }, members: { answering: 0, total: 3, hasLeader: false } }));
    expect(health().textContent).toBe('Unreachable');
    expect(dot().className).toContain('conn-unreachable');
    expect(dot().getAttribute('aria-label')).toBe('Unreachable');
    expect(health().getAttribute('title')).toContain('Cluster unreachable');
  });

  it('counts that make no sense are ignored, not shown', () => {
    const bad = [
      { answering: 4, total: 3, hasLeader: true },
      { answering: -1, total: 3, hasLeader: true },
      { answering: 1, total: 0, hasLeader: true },
      { answering: 1.5, total: 3, hasLeader: true },
      { answering: '2', total: 3, hasLeader: true },
    ];
    for (const members of bad) {
      const h = connectionHealth({ profileId: 'a', state: 'connected', at: 1, members: members as never });
      expect(h, JSON.stringify(members)).toMatchObject({ tone: 'ok', label: 'Connected' });
    }
    expect(connectionHealth(undefined)).toMatchObject({ tone: 'none', label: 'Not connected' });
    expect(connectionHealth({ profileId: 'a', state: 'connecting', at: 1 })).toMatchObject({ tone: 'connecting', label: 'Connecting…' });
  });

  it('the counts of a stale listing say so', async () => {
    const store = await renderConnected();
    expect(screen.getByTestId('status-counts').textContent).toBe('2 / 2 keys');
    store.fake.ep['kv:list'].handle(() => errR('UNAVAILABLE'));
    await act(async () => {
      await store.getState().reloadKeys();
      await flush();
    });
    expect(screen.getByTestId('status-counts').textContent).toBe('2 / 2 keys (stale)');
  });
});
