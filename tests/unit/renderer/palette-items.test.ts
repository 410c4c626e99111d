import { describe, expect, it } from 'vitest';
import { paletteItems, type PaletteSources } from '../../../src/renderer/src/features/search/palette-items';

const src: PaletteSources = {
  commands: [
    { command: 'new-key', label: 'New key', shortcut: 'Mod+N' },
    { command: 'leases-view', label: 'Leases', shortcut: '' },
    { command: 'search-view', label: 'Search', shortcut: 'Mod+Shift+F' },
  ],
  profiles: [
    { id: 'p1', name: 'production eu' },
    { id: 'p2', name: 'local' },
  ],
  connected: true,
};

describe('paletteItems', () => {
  it('matches commands and profiles by name, any case; plain words offer keys last', () => {
    expect(paletteItems('LEAS', src).map((i) => i.label)).toEqual(['Leases', 'Open key “LEAS”', 'Go to prefix “LEAS”']);
    expect(paletteItems('loc', src).map((i) => i.action)).toEqual([{ kind: 'profile', profileId: 'p2' }, { kind: 'open-key', key: 'loc' }, { kind: 'go-to-prefix', prefix: 'loc' }]);
  });

  it('text that looks like a key offers "Open key" and "Go to prefix" first; nothing key-like when not connected', () => {
    expect(paletteItems('/registry/pods/', src).slice(0, 2).map((i) => i.action.kind)).toEqual(['open-key', 'go-to-prefix']);
    expect(paletteItems('/registry/pods/', { ...src, connected: false })).toEqual([]);
    expect(paletteItems('', src)).toHaveLength(5);
  });
});
