/**
 * Whether the main window can be seen, for the liveness probes' rate (handlers.setWindowVisible):
 * shown, restored or focused is visible; hidden, minimized or closed is not. Only changes are
 * reported. Kept apart from app.ts so the mapping is tested without Electron.
 */

/** The part of a BrowserWindow this needs. */
export interface VisibilitySource {
  isVisible(): boolean;
  isMinimized(): boolean;
  on(event: 'show', listener: () => void): unknown;
  on(event: 'restore', listener: () => void): unknown;
  on(event: 'focus', listener: () => void): unknown;
  on(event: 'hide', listener: () => void): unknown;
  on(event: 'minimize', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

/** Calls `onChange` with the window's state now, then on every change. */
export function watchVisibility(win: VisibilitySource, onChange: (visible: boolean) => void): void {
  let last: boolean | undefined;
  const report = (visible: boolean): void => {
    if (visible === last) return;
    last = visible;
    onChange(visible);
  };
  const shown = (): void => report(true);
  const hidden = (): void => report(false);
  win.on('show', shown);
  win.on('restore', shown);
  win.on('focus', shown);
  win.on('hide', hidden);
  win.on('minimize', hidden);
  win.on('closed', hidden);
  report(win.isVisible() && !win.isMinimized());
}
