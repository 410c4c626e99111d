/**
 * A dead or hung page: logged, and the user is asked (native dialog) whether to reload. The
 * decision is a plain function; the wiring is checked on a stand-in window.
 */
import { describe, expect, it, vi } from 'vitest';
import type { MessageBoxOptions, RenderProcessGoneDetails } from 'electron';
import { createLogger, memorySink } from '../../../src/main/core/logging/logger';
import { choiceFor, troublePlan, watchRendererHealth } from '../../../src/main/electron/window/renderer-health';
import { Emitter, FakeWebContents } from './fake-electron';

vi.mock('electron', () => ({}));

type Reason = RenderProcessGoneDetails['reason'];

describe('troublePlan / choiceFor (the decision)', () => {
  it.each<Reason>(['crashed', 'oom', 'killed', 'abnormal-exit', 'launch-failed', 'integrity-failure', 'memory-eviction'])(
    'a page gone (%s) is an error, and the user is offered Reload / Close',
    (reason) => {
      const plan = troublePlan({ kind: 'gone', reason, exitCode: 139 });
      expect(plan.level).toBe('error');
      expect(plan.fields).toEqual({ kind: 'gone', reason, exitCode: 139 });
      expect(plan.prompt?.buttons).toEqual(['Reload', 'Close']);
      expect(plan.prompt?.defaultId).toBe(0);
      expect(choiceFor(plan, 0)).toBe('reload');
      expect(choiceFor(plan, 1)).toBe('close');
      // Escape or closing the dialog: the cancel button
      expect(choiceFor(plan, plan.prompt!.cancelId!)).toBe('close');
    },
  );

  it('a clean exit is logged but asks nothing', () => {
    const plan = troublePlan({ kind: 'gone', reason: 'clean-exit', exitCode: 0 });
    expect(plan.prompt).toBeNull();
    expect(choiceFor(plan, 0)).toBe('wait');
  });

  it('a hang offers Reload / Wait, waiting by default', () => {
    const plan = troublePlan({ kind: 'unresponsive' });
    expect(plan.level).toBe('warn');
    expect(plan.prompt?.buttons).toEqual(['Reload', 'Wait']);
    expect(choiceFor(plan, plan.prompt!.defaultId!)).toBe('wait');
    expect(choiceFor(plan, 0)).toBe('reload');
    expect(choiceFor(plan, 7)).toBe('wait');
  });
});

class FakeWindow extends Emitter {
  webContents = new FakeWebContents();
  close = vi.fn();
  isDestroyed = () => false;
}

function setup(answer: (o: MessageBoxOptions) => Promise<number> = async () => 0) {
  const win = new FakeWindow();
  const sink = memorySink();
  const showMessageBox = vi.fn(async (o: MessageBoxOptions) => ({ response: await answer(o), checkboxChecked: false }));
  watchRendererHealth(win as never, { log: createLogger(sink).scope('window'), showMessageBox });
  const gone = (reason: Reason) => win.webContents.emit('render-process-gone', {}, { reason, exitCode: 1 });
  return { win, lines: sink.lines, showMessageBox, gone };
}

describe('watchRendererHealth (the wiring)', () => {
  it('a crash: logged with its reason, asked, and Reload reloads the page', async () => {
    const { win, lines, showMessageBox, gone } = setup(async () => 0);
    gone('crashed');
    expect(lines[0]).toBe('[error] (main.window) the window’s page is gone {"kind":"gone","reason":"crashed","exitCode":1}');
    expect(showMessageBox).toHaveBeenCalledTimes(1);
    expect(showMessageBox.mock.calls[0][0]).toMatchObject({ buttons: ['Reload', 'Close'], type: 'error' });
    await vi.waitFor(() => expect(win.webContents.reload).toHaveBeenCalledTimes(1));
    expect(win.close).not.toHaveBeenCalled();
    expect(lines).toContainEqual(expect.stringContaining('"choice":"reload"'));
  });

  it('Close closes the window', async () => {
    const { win, gone } = setup(async () => 1);
    gone('oom');
    await vi.waitFor(() => expect(win.close).toHaveBeenCalledTimes(1));
    expect(win.webContents.reload).not.toHaveBeenCalled();
  });

  it('asks one question at a time', async () => {
    let answer!: (n: number) => void;
    const { win, showMessageBox, gone, lines } = setup(() => new Promise((r) => (answer = r)));
    gone('crashed');
    gone('crashed');
    expect(lines.filter((l) => l.includes('is gone'))).toHaveLength(2);
    expect(showMessageBox).toHaveBeenCalledTimes(1);
    answer(0);
    await vi.waitFor(() => expect(win.webContents.reload).toHaveBeenCalledTimes(1));
    gone('crashed');
    expect(showMessageBox).toHaveBeenCalledTimes(2);
  });

  it('a hang asks Reload / Wait; the page responding again closes the question and nothing happens', async () => {
    const { win, showMessageBox, lines } = setup(
      (o) =>
        new Promise((resolve) => {
          // What Electron does when the signal aborts: the dialog closes with the cancel id.
          o.signal?.addEventListener('abort', () => resolve(o.cancelId ?? 0));
        }),
    );
    win.emit('unresponsive');
    expect(lines[0]).toBe('[warn] (main.window) the window stopped responding {"kind":"unresponsive"}');
    expect(showMessageBox.mock.calls[0][0]).toMatchObject({ buttons: ['Reload', 'Wait'] });
    const signal = showMessageBox.mock.calls[0][0].signal!;
    expect(signal.aborted).toBe(false);
    win.emit('responsive');
    expect(signal.aborted).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(win.webContents.reload).not.toHaveBeenCalled();
    expect(win.close).not.toHaveBeenCalled();
    expect(lines).toContainEqual('[info] (main.window) the window responds again');
  });

  it('a hang that turns into a crash asks the crash question instead', async () => {
    const { win, showMessageBox, gone } = setup((o) => (o.buttons?.[1] === 'Wait' ? new Promise(() => undefined) : Promise.resolve(0)));
    win.emit('unresponsive');
    const first = showMessageBox.mock.calls[0][0].signal!;
    gone('crashed');
    expect(first.aborted).toBe(true);
    expect(showMessageBox).toHaveBeenCalledTimes(2);
    await vi.waitFor(() => expect(win.webContents.reload).toHaveBeenCalledTimes(1));
  });

  it('a clean exit asks nothing', () => {
    const { showMessageBox, gone, lines } = setup();
    gone('clean-exit');
    expect(showMessageBox).not.toHaveBeenCalled();
    expect(lines).toHaveLength(1);
  });
});
