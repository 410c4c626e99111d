// @vitest-environment happy-dom
/**
 * Every failure is shown once, next to where it happened (ui/messages.ts): the whole window is
 * rendered, a call fails, and its sentence must appear exactly once on screen, in the expected
 * place, and never as a toast.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../src/renderer/src/app/App';
import { createAppStore, type AppStore } from '../../../src/renderer/src/app/create-app-store';
import { StoreProvider } from '../../../src/renderer/src/app/store-context';
import { text } from '../../../src/shared/bytes';
import { createFakeApi, errR, flush, memoryEtcd, okR, profile, useMemoryEtcd, type FakeApi } from './fake-api';

afterEach(cleanup);

/** Said by describeError for UNAVAILABLE at this endpoint, whatever the operation. */
const DEAD = 'http://dead:2379';
const UNREACHABLE = `Cluster unreachable at ${DEAD}`;
const unavailable = () => errR('UNAVAILABLE', '14 UNAVAILABLE: No connection established', { endpoint: DEAD });

async function renderApp(): Promise<{ store: AppStore; fake: FakeApi; mem: ReturnType<typeof memoryEtcd> }> {
  const fake = createFakeApi();
  fake.ep['profiles:list'].handle(() => okR({ profiles: [profile('a', { name: 'local' })], secretStorage: 'encrypted', notices: [] }));
  const mem = memoryEtcd({ 'app/one': 'first', 'app/two': 'second' });
  useMemoryEtcd(fake, mem);
  const store = createAppStore(fake.api);
  render(
    <StoreProvider store={store}>
      <App />
    </StoreProvider>,
  );
  await act(async () => {
    store.getState().init();
    await flush();
  });
  return { store, fake, mem };
}

async function run(action: () => unknown): Promise<void> {
  await act(async () => {
    await action();
    await flush();
  });
}

/** How often `fragment` is on screen (text of the whole document). */
const times = (fragment: string) => (document.body.textContent ?? '').split(fragment).length - 1;

/** The fragment is on screen exactly once, inside `place`, and no toast says anything like it. */
function expectOnceIn(place: HTMLElement, fragment: string) {
  expect(times(fragment), `“${fragment}” on screen`).toBe(1);
  expect(place.textContent).toContain(fragment);
  for (const toast of screen.queryAllByTestId('toast')) expect(toast.textContent).not.toContain(fragment);
}

const statusBar = () => screen.getByTestId('status-message');

describe('each failure is shown once, where it happened', () => {
  it('connect: in the status bar, with Retry', async () => {
    const { store, fake } = await renderApp();
    fake.ep['connection:connect'].handle(() => unavailable());
    await run(() => store.getState().switchProfile('a'));
    expectOnceIn(statusBar(), UNREACHABLE);
    expect(within(statusBar()).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('list: in the grid, with Retry, and the status bar stays quiet', async () => {
    const { store, fake } = await renderApp();
    fake.ep['kv:list'].handle(() => unavailable());
    await run(() => store.getState().switchProfile('a'));
    const grid = screen.getByTestId('listing-error');
    expectOnceIn(grid, `${UNREACHABLE}: could not list keys`);
    expect(statusBar().textContent).toBe('');
    // Retry lists again; once it works the error goes.
    useMemoryEtcd(fake, memoryEtcd({ 'app/one': 'first' }));
    await run(() => fireEvent.click(within(grid).getByRole('button', { name: 'Retry' })));
    expect(screen.queryByTestId('listing-error')).toBeNull();
    expect(store.getState().items).toHaveLength(1);
  });

  it('a reload over a listing: above the kept rows, marked stale, with Retry; the next good reload clears it', async () => {
    const { store, fake } = await renderApp();
    await run(() => store.getState().switchProfile('a'));
    expect(screen.getByTestId('key-count').textContent).toBe('2 keys');
    fake.ep['kv:list'].handle(() => unavailable());
    await run(() => store.getState().reload());
    const stale = screen.getByTestId('listing-stale');
    expectOnceIn(stale, `${UNREACHABLE}: could not list keys`);
    expect(stale.textContent).toMatch(/^Showing the last listing \(read at \d\d:\d\d:\d\d\): reload failed — Cluster unreachable/);
    expect(within(stale).getByRole('button', { name: 'Retry' })).toBeTruthy();
    // The rows are still there (happy-dom lays nothing out, so the virtual grid draws none: the
    // e2e test sees them), and the grid says what they are.
    expect(store.getState().items).toHaveLength(2);
    expect(screen.getByRole('grid', { name: /stale/ }).getAttribute('aria-describedby')).toBe(stale.id);
    expect(screen.getByTestId('key-count').textContent).toBe('2 keys (stale)');
    expect(screen.queryByTestId('listing-error')).toBeNull();
    expect(statusBar().textContent).toBe('');

    useMemoryEtcd(fake, memoryEtcd({ 'app/one': 'first', 'app/two': 'second', 'app/three': 'third' }));
    await run(() => fireEvent.click(within(stale).getByRole('button', { name: 'Retry' })));
    expect(screen.queryByTestId('listing-stale')).toBeNull();
    expect(screen.getByTestId('key-count').textContent).toBe('3 keys');
    expect(screen.getByRole('grid', { name: 'Keys' }).getAttribute('aria-describedby')).toBeNull();
  });

  it('an outage in the status bar goes once the cluster answers again', async () => {
    const { store, fake, mem } = await renderApp();
    await run(() => store.getState().switchProfile('a'));
    fake.ep['kv:delete'].handle(() => unavailable());
    await run(() => store.getState().deleteKey(text('app/one')));
    expectOnceIn(statusBar(), `${UNREACHABLE}: could not delete the key`);
    await run(() => store.getState().selectKey(text('app/two')));
    expect(statusBar().textContent).toBe('');
    expect(mem.data.has('app/one')).toBe(true);
  });

  it('get: in the value panel, with Retry', async () => {
    const { store, fake } = await renderApp();
    await run(() => store.getState().switchProfile('a'));
    fake.ep['kv:get'].handle(() => unavailable());
    await run(() => store.getState().selectKey(text('app/one')));
    const panel = screen.getByTestId('value-panel');
    expectOnceIn(panel, `${UNREACHABLE}: could not read the key`);
    expect(within(panel).getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(statusBar().textContent).toBe('');
  });

  it('save: in the value panel under Save, the draft kept; Retry saves again', async () => {
    const { store, fake, mem } = await renderApp();
    await run(() => store.getState().switchProfile('a'));
    await run(() => store.getState().selectKey(text('app/one')));
    act(() => store.getState().setDraft('edited'));
    fake.ep['kv:put'].handle(() => unavailable());
    await run(() => fireEvent.click(screen.getByTestId('save-value')));
    const error = screen.getByTestId('value-error');
    expectOnceIn(error, `${UNREACHABLE}: could not save the key`);
    expect(statusBar().textContent).toBe('');
    expect(store.getState().draft).toBe('edited');
    fake.ep['kv:put'].handle((r) => mem.put(r));
    await run(() => fireEvent.click(within(error).getByRole('button', { name: 'Retry' })));
    expect(screen.queryByTestId('value-error')).toBeNull();
    expect(mem.data.get('app/one')?.value).toEqual(text('edited'));
  });

  it('save with an unknown outcome: in the value panel, offering Re-read', async () => {
    const { store, fake } = await renderApp();
    await run(() => store.getState().switchProfile('a'));
    await run(() => store.getState().selectKey(text('app/one')));
    act(() => store.getState().setDraft('edited'));
    fake.ep['kv:put'].handle(() => errR('OUTCOME_UNKNOWN', 'deadline exceeded after send'));
    await run(() => store.getState().save());
    const error = screen.getByTestId('value-error');
    expectOnceIn(error, 'may or may not have been applied');
    expect(within(error).getByRole('button', { name: 'Re-read' })).toBeTruthy();
  });

  it('delete: in the status bar, with the follow-up of its code', async () => {
    const { store, fake } = await renderApp();
    await run(() => store.getState().switchProfile('a'));
    fake.ep['kv:delete'].handle(() => unavailable());
    await run(() => store.getState().deleteKey(text('app/one')));
    expectOnceIn(statusBar(), `${UNREACHABLE}: could not delete the key`);
    expect(within(statusBar()).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('undo: in the status bar, where Undo was', async () => {
    const { store, fake } = await renderApp();
    await run(() => store.getState().switchProfile('a'));
    await run(() => store.getState().deleteKey(text('app/one')));
    fake.ep['kv:put'].handle(() => unavailable());
    await run(() => fireEvent.click(within(statusBar()).getByRole('button', { name: 'Undo' })));
    expectOnceIn(statusBar(), `${UNREACHABLE}: could not undo the delete`);
  });

  it('cluster status: in the cluster view, with Retry', async () => {
    const { store, fake } = await renderApp();
    await run(() => store.getState().switchProfile('a'));
    fake.ep['cluster:status'].handle(() => unavailable());
    await run(() => store.getState().toggleClusterView(true));
    const view = screen.getByTestId('cluster-view');
    expectOnceIn(view, `${UNREACHABLE}: could not read the cluster status`);
    expect(within(view).getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(statusBar().textContent).toBe('');
  });

  it('removing a profile: in the status bar', async () => {
    const { store, fake } = await renderApp();
    fake.ep['profiles:remove'].handle(() => errR('INTERNAL', 'EACCES: profiles.json'));
    await run(() => store.getState().removeProfile('a'));
    expectOnceIn(statusBar(), 'Unexpected error: could not delete the profile');
  });

  it('loading the profiles: in the sidebar, where they would be', async () => {
    const { store, fake } = await renderApp();
    fake.ep['profiles:list'].handle(() => unavailable());
    await run(() => store.getState().loadProfiles());
    const sidebar = screen.getByRole('navigation', { name: 'Connection profiles' });
    expectOnceIn(sidebar, `${UNREACHABLE}: could not load the saved profiles`);
    expect(statusBar().textContent).toBe('');
    fake.ep['profiles:list'].handle(() => okR({ profiles: [profile('a', { name: 'local' })], secretStorage: 'encrypted', notices: [] }));
    await run(() => fireEvent.click(within(sidebar).getByRole('button', { name: 'Retry' })));
    expect(screen.queryByTestId('profiles-error')).toBeNull();
  });

  it('testing a profile: in the form only', async () => {
    const { store, fake } = await renderApp();
    act(() => store.getState().openProfileForm('edit', store.getState().profiles[0]));
    fake.ep['profiles:test'].handle(() => unavailable());
    await run(() => fireEvent.click(screen.getByTestId('profile-test')));
    expectOnceIn(screen.getByTestId('profile-test-result'), `${UNREACHABLE}: could not test the connection`);
    expect(statusBar().textContent).toBe('');
  });

  it('a field main refuses, on test or save: next to that field only', async () => {
    const { store, fake } = await renderApp();
    act(() => store.getState().openProfileForm('edit', store.getState().profiles[0]));
    const refused = errR('INVALID_ARGUMENT', '“10.0.0.2:99999” has port 99999: a port is a number from 1 to 65535', { field: 'endpoints.0' });
    fake.ep['profiles:test'].handle(() => refused);
    await run(() => fireEvent.click(screen.getByTestId('profile-test')));
    const endpoints = screen.getByLabelText('Endpoints').closest('.field-control') as HTMLElement;
    expectOnceIn(endpoints, 'has port 99999');
    expect(screen.queryByTestId('profile-test-result')).toBeNull();

    fake.ep['profiles:save'].handle(() => refused);
    await run(() => fireEvent.click(screen.getByTestId('profile-save')));
    expectOnceIn(endpoints, 'has port 99999');
    expect(screen.getByTestId('profile-form').querySelector('.form-error')).toBeNull();
  });

  it('saving a profile, any other failure: once, at the end of the form', async () => {
    const { store, fake } = await renderApp();
    act(() => store.getState().openProfileForm('edit', store.getState().profiles[0]));
    fake.ep['profiles:save'].handle(() => errR('INTERNAL', 'EACCES'));
    await run(() => fireEvent.click(screen.getByTestId('profile-save')));
    expectOnceIn(screen.getByTestId('profile-form').querySelector('.form-error') as HTMLElement, 'Unexpected error: could not save the profile');
    expect(statusBar().textContent).toBe('');
  });
});
