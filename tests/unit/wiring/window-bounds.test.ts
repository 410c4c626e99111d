/** The remembered window bounds: read, atomic write, and whether they are still on a display. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWindowState, visibleState, writeWindowState } from '../../../src/main/electron/window/bounds';

const tmp = mkdtempSync(join(tmpdir(), 'etcd-desktop-bounds-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('window state', () => {
  it('round-trips through an atomic write and leaves no temp file', () => {
    const dir = mkdtempSync(join(tmp, 'state-'));
    const file = join(dir, 'window-state.json');
    const state = { x: 10, y: 20, width: 1000, height: 700, maximized: true };
    writeWindowState(file, state);
    expect(readWindowState(file)).toEqual(state);
    expect(readdirSync(dir)).toEqual(['window-state.json']);
  });

  it.each([
    ['missing', null],
    ['corrupt', '{"x":'],
    ['wrong types', '{"x":"1","y":0,"width":800,"height":600}'],
    ['absurd size', '{"x":0,"y":0,"width":5,"height":5}'],
    ['not an object', '[1,2,3]'],
  ])('%s → null', (_name, content) => {
    const file = join(mkdtempSync(join(tmp, 'state-')), 'window-state.json');
    if (content !== null) writeFileSync(file, content);
    expect(readWindowState(file)).toBeNull();
  });

  it('is restored only when its title bar is on a display', () => {
    const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    const saved = { x: 100, y: 100, width: 800, height: 600, maximized: false };
    expect(visibleState(saved, screens)).toBe(saved);
    expect(visibleState({ ...saved, x: 5000 }, screens)).toBeNull();
    expect(visibleState({ ...saved, y: -590 }, screens)).toBeNull();
    expect(visibleState({ ...saved, x: 1900 }, screens)).toBeNull();
    expect(visibleState({ ...saved, x: 2000 }, [...screens, { x: 1920, y: 0, width: 1280, height: 1024 }])).not.toBeNull();
    expect(visibleState(null, screens)).toBeNull();
  });
});
