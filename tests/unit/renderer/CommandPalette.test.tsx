// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { commandForKey, runCommand } from '../../../src/renderer/src/app/commands';
import { text } from '../../../src/shared/bytes';
import { flush, profile } from './fake-api';
import { renderApp } from './render-app';

afterEach(cleanup);

async function setup() {
  const { fake, store } = await renderApp({ profiles: [profile('a', { name: 'local' }), profile('b', { name: 'staging' })], keys: { 'app/one': 'first', 'far/away/deep': 'x' } });
  await act(async () => {
    fireEvent.click(screen.getAllByTestId('profile-item')[0].querySelector('.profile-main')!);
    await flush();
  });
  return { fake, store };
}

const palette = () => screen.getByRole('combobox', { name: 'Type a command, a profile, a key or a prefix' });
async function typeAndEnter(value: string, downs = 0) {
  // One keystroke at a time, each rendered before the next (as a person types).
  act(() => {
    fireEvent.change(palette(), { target: { value } });
  });
  for (let i = 0; i < downs; i++) {
    act(() => {
      fireEvent.keyDown(palette(), { key: 'ArrowDown' });
    });
  }
  expect(palette().getAttribute('aria-activedescendant')).toBe(`palette-${downs}`);
  await act(async () => {
    fireEvent.keyDown(palette(), { key: 'Enter' });
    await flush();
  });
}

describe('CommandPalette', () => {
  it('Ctrl+K opens it; it jumps to a key, a prefix, a profile and runs a command; Escape closes', async () => {
    const { store, fake } = await setup();
    expect(commandForKey(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true }), null)).toBe('command-palette');
    act(() => runCommand(store, 'command-palette'));
    expect(screen.getByRole('listbox', { name: 'Matches' })).toBeTruthy();
    await typeAndEnter('far/away/deep');
    expect(screen.queryByTestId('command-palette')).toBeNull();
    expect(store.getState().selectedKey).toEqual(text('far/away/deep'));

    act(() => runCommand(store, 'command-palette'));
    await typeAndEnter('far/', 1);
    expect(store.getState().prefix).toBe('far/');

    act(() => runCommand(store, 'command-palette'));
    await typeAndEnter('Leases');
    expect(store.getState().view).toBe('leases');

    act(() => runCommand(store, 'command-palette'));
    await typeAndEnter('stag');
    expect(fake.ep['connection:connect'].requests.at(-1)).toEqual({ profileId: 'b' });

    act(() => runCommand(store, 'command-palette'));
    act(() => {
      fireEvent.keyDown(palette(), { key: 'Escape' });
    });
    expect(screen.queryByTestId('command-palette')).toBeNull();
  });
});
