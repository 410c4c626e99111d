// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AccessView } from '../../../src/renderer/src/features/access/AccessView';
import { createAppStore } from '../../../src/renderer/src/app/create-app-store';
import { StoreProvider } from '../../../src/renderer/src/app/store-context';
import { text } from '../../../src/shared/bytes';
import { createFakeApi, errR, flush, okR, page, profile } from './fake-api';

afterEach(cleanup);

describe('AccessView', () => {
  it('shows users with roles and readable permissions; every dialog opens (no render loop); a refusal stays in its dialog', async () => {
    const fake = createFakeApi();
    fake.ep['profiles:list'].handle(() => okR({ profiles: [profile('a', { username: 'root' })], secretStorage: 'encrypted', notices: [] }));
    fake.ep['kv:list'].handle(() => okR(page([])));
    fake.ep['kv:count'].handle(() => okR({ count: 0, revision: 1 }));
    fake.ep['access:overview'].handle(() =>
      okR({
        authEnabled: false,
        users: [{ name: 'root', roles: ['root'] }, { name: 'alice', roles: ['pubread'] }],
        roles: [
          { name: 'root', permissions: [] },
          { name: 'pubread', permissions: [{ type: 'read' as const, key: text('pub/'), rangeEnd: text('pub0'), scope: 'prefix' as const }, { type: 'readwrite' as const, key: text('\0'), rangeEnd: text('\0'), scope: 'all' as const }] },
        ],
      }),
    );
    fake.ep['access:planEnable'].handle(() => okR({ authEnabled: false, ready: false, missing: ['the role “root” granted to the user “root”'], effects: [] }));
    fake.ep['access:grantRole'].handle(() => errR('NOT_FOUND', 'Role “pubread” was not granted to “alice”: there is no such role.'));
    const store = createAppStore(fake.api);
    store.getState().init();
    await flush();
    await store.getState().switchProfile('a');
    await flush();
    render(
      <StoreProvider store={store}>
        <AccessView />
      </StoreProvider>,
    );
    await act(async () => {
      store.getState().toggleAccessView(true);
      await flush();
    });
    const alice = screen.getAllByTestId('access-user').find((r) => r.dataset.name === 'alice')!;
    expect(alice.textContent).toContain('pubread');
    expect(screen.getAllByTestId('access-permission').map((p) => p.textContent)).toEqual([expect.stringMatching(/^read prefix pub\//), expect.stringMatching(/^read & write all keys/)]);

    // Each dialog renders and closes.
    for (const label of ['Grant role…', 'Change password…']) {
      await act(async () => fireEvent.click(within(alice).getByRole('button', { name: label })));
      expect(screen.getByTestId('access-dialog')).toBeTruthy();
      await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel' })));
      expect(screen.queryByTestId('access-dialog')).toBeNull();
    }
    await act(async () => fireEvent.click(screen.getByTestId('access-add-role')));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel' })));
    const pubread = screen.getAllByTestId('access-role').find((r) => r.dataset.name === 'pubread')!;
    await act(async () => fireEvent.click(within(pubread).getByRole('button', { name: 'Grant permission…' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel' })));

    // A refusal of the grant-role dialog: main's words, in the dialog, which stays open.
    await act(async () => fireEvent.click(within(alice).getByRole('button', { name: 'Grant role…' })));
    await act(async () => {
      fireEvent.click(screen.getByTestId('access-submit'));
      await flush();
    });
    const err = screen.getByTestId('access-dialog-error');
    expect(err.dataset.code).toBe('NOT_FOUND');
    expect(err.textContent).toContain('there is no such role');
    expect(screen.getByTestId('access-dialog')).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel' })));

    // Auth off: the plan says what is missing, and offers no Enable button.
    await act(async () => {
      fireEvent.click(screen.getByTestId('access-plan-enable'));
      await flush();
    });
    expect(screen.getByTestId('access-plan').dataset.ready).toBe('false');
    expect(screen.getByTestId('access-plan').textContent).toContain('granted to the user “root”');
    expect(screen.queryByTestId('access-enable')).toBeNull();
  });
});
