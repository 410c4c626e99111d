/** The window's visibility as the liveness probes see it (window/visibility.ts), without Electron. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { watchVisibility } from '../../../src/main/electron/window/visibility';

class FakeWindow extends EventEmitter {
  visible = false;
  minimized = false;
  isVisible() {
    return this.visible;
  }
  isMinimized() {
    return this.minimized;
  }
}

describe('watchVisibility', () => {
  it('reports the state at once, then only changes: show/restore/focus visible, hide/minimize/closed hidden', () => {
    const win = new FakeWindow();
    const seen: boolean[] = [];
    watchVisibility(win, (v) => seen.push(v));
    expect(seen).toEqual([false]); // created hidden, shown on ready-to-show
    win.emit('show');
    win.emit('focus');
    expect(seen).toEqual([false, true]);
    win.emit('minimize');
    win.emit('minimize');
    expect(seen).toEqual([false, true, false]);
    win.emit('restore');
    win.emit('hide');
    win.emit('focus');
    win.emit('closed');
    expect(seen).toEqual([false, true, false, true, false, true, false]);
  });

  it('a window already shown and not minimized starts visible; minimized starts hidden', () => {
    const shown = Object.assign(new FakeWindow(), { visible: true });
    const a: boolean[] = [];
    watchVisibility(shown, (v) => a.push(v));
    expect(a).toEqual([true]);
    const minimized = Object.assign(new FakeWindow(), { visible: true, minimized: true });
    const b: boolean[] = [];
    watchVisibility(minimized, (v) => b.push(v));
    expect(b).toEqual([false]);
    minimized.emit('restore');
    expect(b).toEqual([false, true]);
  });
});
