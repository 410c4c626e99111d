// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../src/renderer/src/app/App';
import { commandForKey, createCommandDispatcher } from '../../../src/renderer/src/app/commands';
import { createAppStore } from '../../../src/renderer/src/app/create-app-store';
import { StoreProvider } from '../../../src/renderer/src/app/store-context';
import { text } from '../../../src/shared/bytes';
import { createFakeApi, flush, memoryEtcd, okR, profile, useMemoryEtcd } from './fake-api';

afterEach(cleanup);

async function renderApp() {
  const fake = createFakeApi();
  fake.ep['profiles:list'].handle(() => okR({ profiles: [profile('a', { name: 'local' })], secretStorage: 'encrypted', notices: [] }));
  const mem = memoryEtcd({ 'app/one': 'first', 'app/two': '{"x": 2}' });
  useMemoryEtcd(fake, mem);
  const store = createAppStore(fake.api);
  render(
    <StoreProvider store={store}>
      <App />
    </StoreProvider>,
  );
  await act(flush);
  return { fake, store, mem };
}

const key = (k: string, mod: { ctrl?: boolean } = {}) => fireEvent.keyDown(window, { key: k, ctrlKey: !!mod.ctrl });

describe('App', () => {
  it('connects on a profile click, lists keys, and answers keyboard shortcuts and menu commands', async () => {
    const { fake, store, mem } = await renderApp();
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-item').querySelector('.profile-main')!);
      await flush();
    });
    expect(fake.ep['connection:connect'].requests).toEqual([{ profileId: 'a' }]);
    expect(screen.getByTestId('status-connection').textContent).toContain('Connected');
    expect(screen.getByTestId('status-counts').textContent).toBe('2 / 2 keys');

    // Ctrl+N opens the new key dialog; Escape closes it.
    act(() => key('n', { ctrl: true }));
    expect(screen.getByTestId('new-key-dialog')).toBeTruthy();
    act(() => {
      fireEvent.keyDown(screen.getByTestId('new-key-dialog'), { key: 'Escape' });
    });
    expect(screen.queryByTestId('new-key-dialog')).toBeNull();

    // The native menu's "new key" does the same (after the window in which a menu echo of the
    // keyboard shortcut is dropped as a duplicate).
    await act(() => new Promise((r) => setTimeout(r, 350)));
    act(() => fake.emit('event:menu-command', { command: 'new-key' }));
    expect(screen.getByTestId('new-key-dialog')).toBeTruthy();
    act(() => store.getState().closeNewKey());

    // Delete with the grid focused asks first, showing the key.
    await act(async () => {
      await store.getState().selectKey(text('app/one'));
    });
    screen.getByTestId('key-grid').focus();
    act(() => key('Delete'));
    expect(screen.getByTestId('confirm-dialog').textContent).toContain('app/one');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
      await flush();
    });
    expect(mem.data.has('app/one')).toBe(false);
    expect(screen.getByTestId('status-action').textContent).toBe('Undo');

    // Ctrl+R reloads the listing.
    const lists = fake.ep['kv:list'].requests.length;
    await act(async () => {
      key('r', { ctrl: true });
      await flush();
    });
    expect(fake.ep['kv:list'].requests.length).toBe(lists + 1);

    // Ctrl+F focuses the quick filter.
    act(() => key('f', { ctrl: true }));
    expect(document.activeElement).toBe(screen.getByTestId('quick-filter'));

    // The "cluster-view" menu command opens the cluster panel.
    fake.ep['cluster:status'].handle(() => okR({ members: [{ id: 'm1', name: 'n1', peerUrls: ['http://p:2380'], clientUrls: ['http://c:2379'], isLeader: true, isLearner: false }], endpoints: [], alarms: [], at: 1 }));
    await act(async () => {
      fake.emit('event:menu-command', { command: 'cluster-view' });
      await flush();
    });
    expect(screen.getByTestId('cluster-members').textContent).toContain('leader');

    // "leases-view" and "deleted-view" open their views; the toolbar's buttons show which is open.
    fake.ep['leases:list'].handle(() => okR({ items: [], total: 0 }));
    await act(async () => {
      fake.emit('event:menu-command', { command: 'leases-view' });
      await flush();
    });
    expect(screen.getByTestId('leases-view')).toBeTruthy();
    expect(screen.getByTestId('tool-leases-view').getAttribute('aria-pressed')).toBe('true');
    await act(async () => {
      fake.emit('event:menu-command', { command: 'deleted-view' });
      await flush();
    });
    expect(screen.getByTestId('deleted-view')).toBeTruthy();
    expect(screen.queryByTestId('leases-view')).toBeNull();
    expect(screen.getByTestId('tool-deleted-view').getAttribute('aria-pressed')).toBe('true');
  });

  it('Delete in a text field is not a key delete', async () => {
    const { store } = await renderApp();
    await act(async () => {
      await store.getState().switchProfile('a');
      await store.getState().selectKey(text('app/one'));
    });
    screen.getByTestId('quick-filter').focus();
    act(() => key('Delete'));
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
  });
});

describe('commands', () => {
  it('maps shortcuts', () => {
    const ev = (k: string, ctrl = false) => new KeyboardEvent('keydown', { key: k, ctrlKey: ctrl });
    expect(commandForKey(ev('s', true), null)).toBe('save');
    expect(commandForKey(ev('n', true), null)).toBe('new-key');
    expect(commandForKey(ev('r', true), null)).toBe('reload');
    expect(commandForKey(ev('f', true), null)).toBe('focus-filter');
    expect(commandForKey(ev('Delete'), document.body)).toBe('delete');
    expect(commandForKey(ev('s'), null)).toBeNull();
  });

  it('runs a command once when both the keyboard and the menu accelerator deliver it', () => {
    const fake = createFakeApi();
    const store = createAppStore(fake.api);
    let t = 1000;
    const dispatch = createCommandDispatcher(store, 300, () => t);
    let toggles = 0;
    store.subscribe((s, p) => {
      if (s.view !== p.view) toggles++;
    });
    dispatch('cluster-view', 'keyboard');
    t += 50;
    dispatch('cluster-view', 'menu');
    expect(toggles).toBe(1);
    t += 1000;
    dispatch('cluster-view', 'menu');
    expect(toggles).toBe(2);
  });
});
