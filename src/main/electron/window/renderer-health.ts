/**
 * When the window's page dies (`render-process-gone`) or hangs (`unresponsive`): log it and
 * ask the user, with a native dialog, whether to reload. The decision is a plain function of
 * what happened (`troublePlan`, `choiceFor`); `watchRendererHealth` only applies it to a window.
 */
import type { MessageBoxOptions, MessageBoxReturnValue, RenderProcessGoneDetails } from 'electron';
import type { LogFields, Logger } from '../../core/logging/logger';

export type RendererTrouble =
  | { readonly kind: 'gone'; readonly reason: RenderProcessGoneDetails['reason']; readonly exitCode: number }
  | { readonly kind: 'unresponsive' };

export type TroubleChoice = 'reload' | 'close' | 'wait';

export interface TroublePlan {
  readonly level: 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields;
  /** The question to ask, or null when there is nothing to ask (a clean exit). */
  readonly prompt: (MessageBoxOptions & { readonly choices: readonly TroubleChoice[] }) | null;
}

const GONE_TEXT: Partial<Record<RenderProcessGoneDetails['reason'], string>> = {
  crashed: 'The window’s page crashed.',
  oom: 'The window’s page ran out of memory.',
  killed: 'The window’s page was stopped by the system.',
  'launch-failed': 'The window’s page could not be started.',
  'integrity-failure': 'The window’s page failed a code integrity check.',
  'memory-eviction': 'The window’s page was evicted to free memory.',
};

export function troublePlan(trouble: RendererTrouble): TroublePlan {
  if (trouble.kind === 'unresponsive') {
    return {
      level: 'warn',
      message: 'the window stopped responding',
      fields: { kind: 'unresponsive' },
      prompt: {
        type: 'warning',
        title: 'etcd desktop',
        message: 'etcd desktop is not responding.',
        detail: 'Reload the window, or wait for it to respond. Edits that were not saved are lost on reload.',
        buttons: ['Reload', 'Wait'],
        choices: ['reload', 'wait'],
        defaultId: 1,
        cancelId: 1,
        noLink: true,
      },
    };
  }
  const fields = { kind: 'gone', reason: trouble.reason, exitCode: trouble.exitCode };
  // A clean exit is the page ending normally (the window closing): nothing went wrong.
  if (trouble.reason === 'clean-exit') return { level: 'warn', message: 'the window’s page exited', fields, prompt: null };
  return {
    level: 'error',
    message: 'the window’s page is gone',
    fields,
    prompt: {
      type: 'error',
      title: 'etcd desktop',
      message: GONE_TEXT[trouble.reason] ?? 'The window’s page stopped unexpectedly.',
      detail: 'Reload it to continue; edits that were not saved are lost. The details are in the log (Help → Open Log Folder).',
      buttons: ['Reload', 'Close'],
      choices: ['reload', 'close'],
      defaultId: 0,
      cancelId: 1,
      noLink: true,
    },
  };
}

/** What the button the user pressed means (Escape / closing the dialog picks `cancelId`). */
export function choiceFor(plan: TroublePlan, response: number): TroubleChoice {
  const prompt = plan.prompt;
  if (!prompt) return 'wait';
  return prompt.choices[response] ?? prompt.choices[prompt.cancelId ?? prompt.choices.length - 1] ?? 'wait';
}

/** The parts of a BrowserWindow this needs. */
export interface WatchedWindow {
  on(event: 'unresponsive' | 'responsive', listener: () => void): unknown;
  isDestroyed(): boolean;
  close(): void;
  readonly webContents: {
    on(event: 'render-process-gone', listener: (event: unknown, details: RenderProcessGoneDetails) => void): unknown;
    reload(): void;
    isDestroyed(): boolean;
  };
}

export interface WatchDeps {
  readonly log: Logger;
  /** dialog.showMessageBox for this window. */
  readonly showMessageBox: (options: MessageBoxOptions) => Promise<MessageBoxReturnValue>;
}

/**
 * Logs every death or hang of the page and asks once at a time; a hang that ends by itself
 * closes its question. Resolves nothing: everything happens through the window.
 */
export function watchRendererHealth(win: WatchedWindow, { log, showMessageBox }: WatchDeps): void {
  let asking: { kind: RendererTrouble['kind']; abort: AbortController } | null = null;

  const handle = (trouble: RendererTrouble): void => {
    const plan = troublePlan(trouble);
    log[plan.level](plan.message, plan.fields);
    if (!plan.prompt) return;
    if (asking) {
      // A hang that turns into a crash asks the crash's question instead; otherwise one at a time.
      if (!(asking.kind === 'unresponsive' && trouble.kind === 'gone')) return;
      asking.abort.abort();
      asking = null;
    }
    const { choices: _choices, ...options } = plan.prompt;
    const abort = new AbortController();
    asking = { kind: trouble.kind, abort };
    showMessageBox({ ...options, signal: abort.signal })
      .then(({ response }) => {
        if (abort.signal.aborted) return;
        const choice = choiceFor(plan, response);
        log.info('the user chose after a window failure', { kind: trouble.kind, choice });
        if (win.isDestroyed()) return;
        if (choice === 'reload' && !win.webContents.isDestroyed()) win.webContents.reload();
        else if (choice === 'close') win.close();
      })
      .catch(() => undefined)
      .finally(() => {
        if (asking?.abort === abort) asking = null;
      });
  };

  win.webContents.on('render-process-gone', (_event, details) => handle({ kind: 'gone', reason: details.reason, exitCode: details.exitCode }));
  win.on('unresponsive', () => handle({ kind: 'unresponsive' }));
  win.on('responsive', () => {
    log.info('the window responds again');
    if (asking?.kind === 'unresponsive') {
      asking.abort.abort();
      asking = null;
    }
  });
}
