/**
 * What the menu's items do, wired in one place: a command reaches the renderer as a
 * `menu-command` push event (the renderer decides what it means), a link opens in the user's
 * browser, never in the app's window, a main action (the log folder) is done by main itself.
 * Roles are left to Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../../shared/contract';
import type { Emit } from '../ipc';
import type { MainAction, MenuEntry } from './template';

export interface MenuActions {
  readonly runCommand: (command: MenuCommand) => void;
  readonly openUrl: (url: string) => void;
  readonly runAction: (action: MainAction) => void;
}

export interface MenuActionDeps {
  readonly emit: Emit;
  /** shell.openExternal */
  readonly openExternal: (url: string) => Promise<void>;
  /** Opens the log folder in the file manager. */
  readonly openLogFolder: () => void;
}

export function menuActions({ emit, openExternal, openLogFolder }: MenuActionDeps): MenuActions {
  const mainActions: Record<MainAction, () => void> = { 'open-log-folder': openLogFolder };
  return {
    runCommand: (command) => emit('event:menu-command', { command }),
    openUrl: (url) => void openExternal(url).catch(() => undefined),
    runAction: (action) => mainActions[action](),
  };
}

/** The template as Electron menu items, each command and link given its click. */
export function withActions(entries: readonly MenuEntry[], actions: MenuActions): MenuItemConstructorOptions[] {
  return entries.map((entry): MenuItemConstructorOptions => {
    if ('type' in entry) return { type: entry.type };
    if ('command' in entry) {
      const { command, ...item } = entry;
      return { ...item, click: () => actions.runCommand(command) };
    }
    if ('url' in entry) {
      const { url, ...item } = entry;
      return { ...item, click: () => actions.openUrl(url) };
    }
    if ('action' in entry) {
      const { action, ...item } = entry;
      return { ...item, click: () => actions.runAction(action) };
    }
    const { submenu, ...item } = entry;
    return { ...item, ...(submenu ? { submenu: withActions(submenu, actions) } : {}) };
  });
}
