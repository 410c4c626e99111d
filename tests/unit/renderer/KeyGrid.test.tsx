// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KeyGrid, keyCellText, LOAD_AHEAD_ROWS, shouldLoadMore } from '../../../src/renderer/src/features/keys/KeyGrid';
import type { AppStore } from '../../../src/renderer/src/app/create-app-store';
import { StoreProvider } from '../../../src/renderer/src/app/store-context';
import { text } from '../../../src/shared/bytes';
import { entry, flush, okR, page } from './fake-api';
import { setupStore } from './helpers';

// happy-dom does no layout: give the grid's scroll element a real-looking viewport.
const VIEWPORT = 600;
let restore: (() => void)[] = [];
beforeAll(() => {
  const proto = HTMLElement.prototype;
  const h = Object.getOwnPropertyDescriptor(proto, 'clientHeight');
  const w = Object.getOwnPropertyDescriptor(proto, 'clientWidth');
  Object.defineProperty(proto, 'clientHeight', { configurable: true, get: () => VIEWPORT });
  Object.defineProperty(proto, 'clientWidth', { configurable: true, get: () => 900 });
  restore = [
    () => (h ? Object.defineProperty(proto, 'clientHeight', h) : delete (proto as { clientHeight?: number }).clientHeight),
    () => (w ? Object.defineProperty(proto, 'clientWidth', w) : delete (proto as { clientWidth?: number }).clientWidth),
  ];
});
afterAll(() => restore.forEach((f) => f()));
afterEach(cleanup);

/** The fake api of the last storeWith (tests that answer calls by hand). */
const storeFake: { fake: Awaited<ReturnType<typeof setupStore>>['fake'] | null } = { fake: null };

async function storeWith(n: number, opts: { more?: boolean } = {}): Promise<AppStore> {
  const { store, fake } = await setupStore();
  storeFake.fake = fake;
  void store.getState().switchProfile('a');
  await flush();
  const items = Array.from({ length: n }, (_, i) => entry(`key/${String(i).padStart(6, '0')}`));
  fake.ep['kv:list'].next().resolve(okR(page(items, { count: opts.more ? n * 10 : n, more: !!opts.more, nextCursor: opts.more ? text('next') : null })));
  await flush();
  return store;
}

describe('KeyGrid', () => {
  it('renders only a window of rows for 20,000 keys, and a different window after scrolling', async () => {
    const store = await storeWith(20_000);
    render(
      <StoreProvider store={store}>
        <KeyGrid width={900} />
      </StoreProvider>,
    );
    await act(flush);
    let rows = screen.getAllByTestId('key-row');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThanOrEqual(60);
    expect(rows[0].textContent).toContain('key/000000');
    expect(screen.getByTestId('key-count').textContent).toBe('20,000 keys');

    const grid = screen.getByTestId('key-grid');
    await act(async () => {
      grid.scrollTop = 28 * 10_000;
      fireEvent.scroll(grid);
      await flush();
    });
    rows = screen.getAllByTestId('key-row');
    expect(rows.length).toBeLessThanOrEqual(60);
    expect(rows.some((r) => r.textContent?.includes('key/010000'))).toBe(true);
    expect(rows.some((r) => r.textContent?.includes('key/000000'))).toBe(false);
  });

  it('shows binary keys as hex with a "bin" badge', async () => {
    const { store, fake } = await setupStore();
    void store.getState().switchProfile('a');
    await flush();
    const binKey = { ...entry('x'), key: { encoding: 'base64' as const, data: btoa('\xff\xfe\x01') } };
    fake.ep['kv:list'].next().resolve(okR(page([binKey], { count: 1 })));
    await flush();
    render(
      <StoreProvider store={store}>
        <KeyGrid width={900} />
      </StoreProvider>,
    );
    await act(flush);
    const row = screen.getByTestId('key-row');
    expect(row.textContent).toContain('0xfffe01');
    expect(row.querySelector('.bin-badge')?.textContent).toBe('bin');
    expect(screen.getByRole('gridcell', { name: '0xfffe01 (binary key, not UTF-8, shown as hex)' })).toBeTruthy();
  });

  it('shortens a long key in the middle to the key column; the whole key is its tooltip and accessible name', async () => {
    const long = '/registry/services/endpoints/monitoring/default/web-0';
    const { store, fake } = await setupStore();
    void store.getState().switchProfile('a');
    await flush();
    fake.ep['kv:list'].next().resolve(okR(page([entry(long), entry('/short')], { count: 2 })));
    await flush();
    // 400 px leaves the key column about 220 px (app/layout.ts): some 30 monospace characters of 12 px.
    render(
      <StoreProvider store={store}>
        <KeyGrid width={400} />
      </StoreProvider>,
    );
    await act(flush);
    const cell = screen.getByRole('gridcell', { name: long });
    expect(cell.textContent).toBe('/registry/…/default/web-0');
    expect(cell.getAttribute('title')).toBe(long);
    expect(screen.getByRole('gridcell', { name: '/short' }).textContent).toBe('/short');
  });

  it('clicking a row selects the key', async () => {
    const store = await storeWith(5);
    render(
      <StoreProvider store={store}>
        <KeyGrid width={900} />
      </StoreProvider>,
    );
    await act(flush);
    await act(async () => {
      fireEvent.mouseDown(screen.getAllByTestId('key-row')[2]);
      await flush();
    });
    expect(store.getState().selectedKey).toEqual(text('key/000002'));
  });
});

describe('shouldLoadMore', () => {
  const base = { loadedCount: 500, more: true, loading: false, filtering: false, failed: false };
  it('loads the next page only when the last rendered row is near the loaded end', () => {
    expect(shouldLoadMore({ ...base, lastRenderedIndex: 40 })).toBe(false);
    expect(shouldLoadMore({ ...base, lastRenderedIndex: 500 - LOAD_AHEAD_ROWS - 1 })).toBe(false);
    expect(shouldLoadMore({ ...base, lastRenderedIndex: 500 - LOAD_AHEAD_ROWS })).toBe(true);
  });
  it('never while loading, without more, while filtering, or after a failure', () => {
    const near = { ...base, lastRenderedIndex: 499 };
    expect(shouldLoadMore({ ...near, loading: true })).toBe(false);
    expect(shouldLoadMore({ ...near, more: false })).toBe(false);
    expect(shouldLoadMore({ ...near, filtering: true })).toBe(false);
    expect(shouldLoadMore({ ...near, failed: true })).toBe(false);
  });
  it('the grid asks for one next page when scrolled near the end', async () => {
    const { store, fake } = await setupStore();
    void store.getState().switchProfile('a');
    await flush();
    fake.ep['kv:list'].next().resolve(okR(page(Array.from({ length: 500 }, (_, i) => entry(`k${String(i).padStart(4, '0')}`)), { count: 5000, more: true, nextCursor: text('k0499\0'), revision: 9 })));
    await flush();
    render(
      <StoreProvider store={store}>
        <KeyGrid width={900} />
      </StoreProvider>,
    );
    await act(flush);
    expect(fake.ep['kv:list'].pending).toHaveLength(0);
    const grid = screen.getByTestId('key-grid');
    await act(async () => {
      grid.scrollTop = 28 * 300;
      fireEvent.scroll(grid);
      await flush();
    });
    expect(fake.ep['kv:list'].pending).toHaveLength(1);
    expect(fake.ep['kv:list'].pending[0].req).toMatchObject({ cursor: text('k0499\0'), revision: 9 });
  });
});

describe('KeyGrid over a keyspace larger than what is loaded', () => {
  it('the scrollbar spans every key; End reads the last page directly and selects the last key; unloaded rows are placeholders read where they are', async () => {
    const store = await storeWith(500, { more: true });
    const { fake } = storeFake;
    fake!.ep['kv:count'].next().resolve(okR({ count: 5000, revision: 100 }));
    await flush();
    expect(store.getState().total).toBe(5000);
    render(
      <StoreProvider store={store}>
        <KeyGrid width={900} />
      </StoreProvider>,
    );
    await act(flush);
    const grid = screen.getByTestId('key-grid');
    expect(grid.getAttribute('aria-rowcount')).toBe('5000');
    expect((grid.firstElementChild as HTMLElement).style.height).toBe(`${5000 * 28}px`);
    expect(screen.getByTestId('grid-position').textContent).toMatch(/^rows 1–\d+ of 5,000$/);

    await act(async () => {
      fireEvent.keyDown(grid, { key: 'End' });
      await flush();
    });
    const seek = fake!.ep['kv:seek'].pending.find((c) => 'end' in c.req.to);
    expect(seek?.req).toMatchObject({ to: { end: true }, revision: 100 });
    const tail = Array.from({ length: 500 }, (_, i) => entry(`key/${String(4500 + i).padStart(6, '0')}`));
    await act(async () => {
      seek!.resolve(okR({ items: tail, index: 4500, total: 5000, revision: 100, more: false, nextCursor: null, roundTrips: 9 }));
      await flush();
    });
    const last = screen.getAllByTestId('key-row').at(-1)!;
    expect(last.textContent).toContain('key/004999');
    expect(last.getAttribute('aria-rowindex')).toBe('5000');
    expect(store.getState().selectedKey?.data).toBe('key/004999');
    // the pages between were never read
    expect(fake!.ep['kv:list'].requests.filter((r) => r.cursor)).toHaveLength(0);

    // the middle: placeholders, and one kv:seek at about that index
    await act(async () => {
      grid.scrollTop = 28 * 2500;
      fireEvent.scroll(grid);
      await flush();
    });
    expect(screen.getAllByTestId('key-row-placeholder').length).toBeGreaterThan(10);
    expect(fake!.ep['kv:seek'].pending.at(-1)?.req.to).toEqual({ offset: 2500 - 10 - 50 });
  });
});

describe('keyCellText', () => {
  const chars = (s: string) => Array.from(s).length;
  it('a binary key shows as hex, shortened in the middle in the room the "bin" badge leaves', () => {
    const bytes = Uint8Array.from({ length: 40 }, (_, i) => 0x80 + i);
    const key = { encoding: 'base64' as const, data: btoa(String.fromCharCode(...bytes)) };
    const hex = `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
    const c = keyCellText(key, 50, chars);
    expect(c.binary).toBe(true);
    expect(c.full).toBe(hex);
    expect(chars(c.shown)).toBe(20);
    expect(c.shown.startsWith('0x8081')).toBe(true);
    expect(c.shown.endsWith('a6a7')).toBe(true);
  });
  it('a text key that fits stays whole', () => {
    expect(keyCellText(text('/a/b'), 10, chars)).toEqual({ full: '/a/b', shown: '/a/b', binary: false });
  });
});
