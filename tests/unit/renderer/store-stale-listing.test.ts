/**
 * A failed reload keeps the last listing on screen, marked stale, instead of emptying the grid;
 * a successful reload replaces it; another prefix or another connection never shows it.
 */
import { describe, expect, it } from 'vitest';
import { text } from '../../../src/shared/bytes';
import { createAppStore, type AppStore } from '../../../src/renderer/src/app/create-app-store';
import { createFakeApi, entry, errR, flush, okR, page, profile, type FakeApi } from './fake-api';

const keys = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => entry(`${prefix}${String(i).padStart(2, '0')}`));
const shown = (store: AppStore) => store.getState().items.map((e) => e.key.data);

/** Connected to "a" with `cfg/00`…`cfg/24` listed at 12:03:04 (the injected clock). */
async function listedOnA(): Promise<{ store: AppStore; fake: FakeApi; clock: { t: number } }> {
  const fake = createFakeApi();
  fake.ep['profiles:list'].handle(() => okR({ profiles: [profile('a'), profile('b')], secretStorage: 'encrypted', notices: [] }));
  const clock = { t: new Date(2024, 0, 2, 12, 3, 4).getTime() };
  const store = createAppStore(fake.api, { now: () => clock.t });
  store.getState().init();
  await flush();
  await store.getState().setPrefix('cfg/');
  void store.getState().switchProfile('a');
  await flush();
  fake.ep['kv:list'].next().resolve(okR(page(keys('cfg/', 25), { revision: 40 })));
  await flush();
  expect(store.getState()).toMatchObject({ total: 25, listStale: false, listedAt: clock.t, listedPrefix: 'cfg/' });
  return { store, fake, clock };
}

describe('a failed reload keeps the last listing, marked stale', () => {
  it('the rows stay while reloading and after the reload fails; the error is the grid’s alone', async () => {
    const { store, fake, clock } = await listedOnA();
    const listedAt = clock.t;
    clock.t += 60_000;

    void store.getState().reloadKeys();
    await flush();
    // While the listing is read again, the rows stay (no flash of an empty grid).
    expect(store.getState().items).toHaveLength(25);
    expect(store.getState().listLoading).toBe(true);

    fake.ep['kv:list'].next().resolve(errR('UNAVAILABLE', '14 UNAVAILABLE: No connection established', { endpoint: 'http://a:2379' }));
    await flush();
    const s = store.getState();
    expect(s.items).toHaveLength(25);
    expect(s).toMatchObject({ listStale: true, listLoading: false, listError: { code: 'UNAVAILABLE' }, total: 25, listRevision: 40, listedAt });
    // Shown once, in the grid: not in the status bar, not as a toast.
    expect(s.statusMessage).toBeNull();
    expect(s.toasts).toEqual([]);
    // Rows stay selectable.
    fake.ep['kv:get'].handle(() => errR('UNAVAILABLE'));
    await store.getState().selectKey(text('cfg/03'));
    expect(store.getState().selectedKey).toEqual(text('cfg/03'));
  });

  it('a reload that succeeds replaces the stale rows and clears the mark', async () => {
    const { store, fake, clock } = await listedOnA();
    void store.getState().reloadKeys();
    await flush();
    fake.ep['kv:list'].next().resolve(errR('TIMEOUT'));
    await flush();
    expect(store.getState().listStale).toBe(true);

    clock.t += 5_000;
    void store.getState().retryListing();
    await flush();
    // Retrying keeps the mark until the answer says otherwise.
    expect(store.getState().listStale).toBe(true);
    fake.ep['kv:list'].next().resolve(okR(page(keys('cfg/', 3), { revision: 41 })));
    await flush();
    expect(store.getState()).toMatchObject({ listStale: false, listError: null, total: 3, listRevision: 41, listedAt: clock.t });
    expect(shown(store)).toEqual(['cfg/00', 'cfg/01', 'cfg/02']);
  });

  it('a first load that fails has nothing to keep: the error, no rows, not stale', async () => {
    const fake = createFakeApi();
    fake.ep['profiles:list'].handle(() => okR({ profiles: [profile('a')], secretStorage: 'encrypted', notices: [] }));
    const store = createAppStore(fake.api);
    store.getState().init();
    await flush();
    void store.getState().switchProfile('a');
    await flush();
    fake.ep['kv:list'].next().resolve(errR('UNAVAILABLE'));
    await flush();
    expect(store.getState()).toMatchObject({ items: [], listStale: false, listError: { code: 'UNAVAILABLE' }, listedAt: null });
  });

  it('another prefix never shows the rows of the previous one, nor keeps them when it fails', async () => {
    const { store, fake } = await listedOnA();
    void store.getState().setPrefix('db/');
    await flush();
    // Gone at once, before the new prefix answers.
    expect(store.getState().items).toEqual([]);
    fake.ep['kv:list'].next().resolve(errR('UNAVAILABLE'));
    await flush();
    expect(store.getState()).toMatchObject({ items: [], listStale: false, listError: { code: 'UNAVAILABLE' } });

    // Back to the first prefix: its old rows are not brought back either (db/ was the last listing asked for).
    void store.getState().setPrefix('cfg/');
    await flush();
    expect(store.getState().items).toEqual([]);
    fake.ep['kv:list'].next().resolve(errR('UNAVAILABLE'));
    await flush();
    expect(store.getState()).toMatchObject({ items: [], listStale: false });
  });

  it('a prefix that was listed then failed on another prefix is listed fresh, not from the stale rows', async () => {
    const { store, fake } = await listedOnA();
    void store.getState().setPrefix('db/');
    await flush();
    fake.ep['kv:list'].next().resolve(okR(page(keys('db/', 2), { revision: 42 })));
    await flush();
    void store.getState().reloadKeys();
    await flush();
    fake.ep['kv:list'].next().resolve(errR('NO_QUORUM'));
    await flush();
    expect(shown(store)).toEqual(['db/00', 'db/01']);
    expect(store.getState().listStale).toBe(true);
  });

  it('another connection drops the stale rows; coming back lists afresh', async () => {
    const { store, fake } = await listedOnA();
    void store.getState().reloadKeys();
    await flush();
    fake.ep['kv:list'].next().resolve(errR('UNAVAILABLE'));
    await flush();
    expect(store.getState().listStale).toBe(true);

    void store.getState().switchProfile('b');
    await flush();
    expect(store.getState()).toMatchObject({ items: [], listStale: false, listError: null, listedAt: null, listedPrefix: null });
    fake.ep['kv:list'].next().resolve(errR('UNAVAILABLE'));
    await flush();
    expect(store.getState()).toMatchObject({ items: [], listStale: false });

    void store.getState().switchProfile('a');
    await flush();
    expect(store.getState().items).toEqual([]);
    fake.ep['kv:list'].next().resolve(errR('UNAVAILABLE'));
    await flush();
    expect(store.getState()).toMatchObject({ items: [], listStale: false });
  });

  it('a count still on its way for the replaced listing does not leave "Counting…" behind', async () => {
    const { store, fake } = await listedOnA();
    void store.getState().reloadKeys();
    await flush();
    fake.ep['kv:list'].next().resolve(okR(page(keys('cfg/', 20), { more: true, nextCursor: text('cfg/19\0'), revision: 50 })));
    await flush();
    expect(store.getState().counting).toBe(true);
    const lateCount = fake.ep['kv:count'].next();
    void store.getState().reloadKeys();
    await flush();
    expect(store.getState().counting).toBe(false);
    lateCount.resolve(okR({ count: 999, revision: 50 }));
    fake.ep['kv:list'].next().resolve(errR('UNAVAILABLE'));
    await flush();
    expect(store.getState()).toMatchObject({ listStale: true, counting: false, total: null });
    expect(store.getState().items).toHaveLength(20);
    // The stale listing's next page is not asked for: its reload failed.
    await store.getState().loadNextPage();
    expect(fake.ep['kv:list'].pending).toHaveLength(0);
  });
});
