// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { commandForKey, runCommand } from '../../../src/renderer/src/app/commands';
import { text } from '../../../src/shared/bytes';
import type { JobInfo } from '../../../src/shared/types';
import { flush, okR, profile } from './fake-api';
import { renderApp } from './render-app';

afterEach(cleanup);

const job = (state: JobInfo['state'], done: number, extra: Partial<JobInfo> = {}): JobInfo => ({
  jobId: 'j1',
  profileId: 'a',
  kind: 'search',
  state,
  startedAt: 1,
  progress: { done, total: 120_000 },
  ...extra,
});

describe('SearchView', () => {
  it('Ctrl+Shift+F opens it; a search streams hits and progress; a hit opens in the value panel', async () => {
    const { fake, store } = await renderApp({ profiles: [profile('a', { name: 'local' })], keys: { 'app/one': 'first', 'far/away/deep': 'not loaded in the grid' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-item').querySelector('.profile-main')!);
      await flush();
    });
    const shortcut = new KeyboardEvent('keydown', { key: 'F', ctrlKey: true, shiftKey: true });
    expect(commandForKey(shortcut, null)).toBe('search-view');
    act(() => runCommand(store, 'search-view'));
    fireEvent.change(screen.getByLabelText('Search for'), { target: { value: 'deep' } });
    fireEvent.click(screen.getByLabelText(/Also in values/));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Search' }));
      await flush();
    });
    const start = fake.ep['search:start'].next();
    expect(start.req).toMatchObject({ profileId: 'a', query: 'deep', mode: 'text', inValues: true });
    await act(async () => {
      start.resolve(okR(job('running', 0)));
      await flush();
      fake.emit('event:job', job('running', 40_000));
      fake.emit('event:search-hits', { profileId: 'a', jobId: 'j1', hits: [{ key: text('far/away/deep'), modRevision: 2, size: 21, inValue: false }] });
      await flush();
    });
    expect(screen.getByTestId('search-progress').textContent).toBe('scanned 40,000 of 120,000 · 1 match');
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Open far/away/deep' }));
      await flush();
    });
    expect(store.getState().selectedKey).toEqual(text('far/away/deep'));
  });
});
