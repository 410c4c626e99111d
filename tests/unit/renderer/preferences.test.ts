import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../../src/renderer/src/app/create-app-store';
import { DEFAULT_PANES, PANE_LIMITS } from '../../../src/renderer/src/app/layout';
import { PANES_KEY, restorePreferences, THEME_KEY, TREE_KEY } from '../../../src/renderer/src/app/preferences';
import { createFakeApi } from './fake-api';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

describe('preferences', () => {
  it('a first run has the defaults and stores nothing until something changes', () => {
    const store = createAppStore(createFakeApi().api);
    const storage = memoryStorage();
    restorePreferences(store, storage);
    expect(store.getState().theme).toBe('system');
    expect(store.getState().panes).toEqual(DEFAULT_PANES);
    expect(storage.data.size).toBe(0);
  });

  it('remembers the theme and the pane sizes, and a new store (a restart) gets them back', () => {
    const storage = memoryStorage();
    const first = createAppStore(createFakeApi().api);
    restorePreferences(first, storage);
    first.getState().setTheme('dark');
    first.getState().setPanes({ sidebar: 300, value: 520 });
    first.getState().setPanes({ keyColumn: 180 });

    const second = createAppStore(createFakeApi().api);
    restorePreferences(second, storage);
    expect(second.getState().theme).toBe('dark');
    expect(second.getState().panes).toEqual({ sidebar: 300, value: 520, keyColumn: 180 });
  });

  it("remembers whether the folder tree is shown and each profile's delimiter; a bad entry is ignored field by field", () => {
    const storage = memoryStorage();
    const first = createAppStore(createFakeApi().api);
    restorePreferences(first, storage);
    first.setState({ activeProfileId: 'p1' });
    first.getState().toggleTree(true);
    first.getState().setTreeDelimiter(':');
    expect(JSON.parse(storage.data.get(TREE_KEY)!)).toEqual({ open: true, delimiters: { p1: ':' } });

    const second = createAppStore(createFakeApi().api);
    restorePreferences(second, storage);
    expect(second.getState().treeOpen).toBe(true);
    expect(second.getState().treeDelimiters).toEqual({ p1: ':' });

    const bad = createAppStore(createFakeApi().api);
    restorePreferences(bad, memoryStorage({ [TREE_KEY]: JSON.stringify({ open: 'yes', delimiters: { a: '', b: 7, c: '::' } }) }));
    expect(bad.getState().treeOpen).toBe(false);
    expect(bad.getState().treeDelimiters).toEqual({ c: '::' });
    const garbage = createAppStore(createFakeApi().api);
    restorePreferences(garbage, memoryStorage({ [TREE_KEY]: '{not json' }));
    expect(garbage.getState().treeDelimiters).toEqual({});
  });

  it('a stored size outside its limits comes back within them; garbage comes back as the defaults', () => {
    const store = createAppStore(createFakeApi().api);
    restorePreferences(store, memoryStorage({ [PANES_KEY]: JSON.stringify({ sidebar: 9999, value: 1, keyColumn: 'wide' }), [THEME_KEY]: 'neon' }));
    expect(store.getState().panes).toEqual({ sidebar: PANE_LIMITS.sidebar.max, value: PANE_LIMITS.value.min, keyColumn: DEFAULT_PANES.keyColumn });
    expect(store.getState().theme).toBe('system');
  });

  it('a storage that throws costs the memory, not the window', () => {
    const store = createAppStore(createFakeApi().api);
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    expect(() => restorePreferences(store, broken)).not.toThrow();
    expect(() => store.getState().setPanes({ sidebar: 250 })).not.toThrow();
    expect(store.getState().panes.sidebar).toBe(250);
  });
});
