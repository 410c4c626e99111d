/** The native app menu. */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../../shared/contract';

export interface MenuOptions {
  readonly platform: NodeJS.Platform;
  readonly isDev: boolean;
  /** Sends the command to the renderer. */
  readonly send: (command: MenuCommand) => void;
  readonly openExternal: (url: string) => void;
}

export function buildMenuTemplate({ platform, isDev, send, openExternal }: MenuOptions): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => send(command),
  });
  const template: MenuItemConstructorOptions[] = [];
  if (isMac) template.push({ role: 'appMenu' });
  template.push(
    {
      label: '&File',
      submenu: [
        item('New Key…', 'new-key', 'CmdOrCtrl+N'),
        item('Save', 'save', 'CmdOrCtrl+S'),
        // No accelerator: a plain Delete accelerator would swallow the key in text fields.
        item('Delete Key…', 'delete'),
        { type: 'separator' },
        item('Reload', 'reload', 'CmdOrCtrl+R'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'delete' },
        { type: 'separator' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        item('Find / Filter Keys', 'focus-filter', 'CmdOrCtrl+F'),
        item('Cluster Status', 'cluster-view'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(isDev
          ? ([{ type: 'separator' }, { role: 'toggleDevTools' }, { role: 'forceReload' }] as MenuItemConstructorOptions[])
          : []),
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'etcd Documentation', click: () => openExternal('https://etcd.io/docs/') },
        ...(isMac ? [] : ([{ type: 'separator' }, { role: 'about' }] as MenuItemConstructorOptions[])),
      ],
    },
  );
  return template;
}
