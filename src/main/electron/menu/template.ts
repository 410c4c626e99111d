/**
 * The app menu's structure, as data: labels, accelerators, roles, and which command an item
 * sends or which page it opens. What a click does is decided once, in ./actions.ts, so the
 * structure stays a plain function of platform and mode, readable and testable on its own.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../../shared/contract';

type Role = NonNullable<MenuItemConstructorOptions['role']>;

/** What the main process itself does for an item (no window involved). */
export const MAIN_ACTIONS = ['open-log-folder'] as const;
export type MainAction = (typeof MAIN_ACTIONS)[number];

export type MenuEntry =
  /** Sends `command` to the renderer. */
  | { readonly label: string; readonly command: MenuCommand; readonly accelerator?: string }
  /** Done by the main process. */
  | { readonly label: string; readonly action: MainAction }
  /** Opens `url` in the user's browser. */
  | { readonly label: string; readonly url: string }
  /** Electron does the work. */
  | { readonly role: Role; readonly submenu?: readonly MenuEntry[] }
  | { readonly label: string; readonly submenu: readonly MenuEntry[] }
  | { readonly type: 'separator' };

export interface MenuTemplateOptions {
  readonly platform: NodeJS.Platform;
  readonly isDev: boolean;
}

const separator: MenuEntry = { type: 'separator' };

export function menuTemplate({ platform, isDev }: MenuTemplateOptions): MenuEntry[] {
  const isMac = platform === 'darwin';
  return [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Key…', command: 'new-key', accelerator: 'CmdOrCtrl+N' },
        { label: 'Save', command: 'save', accelerator: 'CmdOrCtrl+S' },
        // No accelerator: a plain Delete accelerator would swallow the key in text fields.
        { label: 'Delete Key…', command: 'delete' },
        separator,
        { label: 'Reload', command: 'reload', accelerator: 'CmdOrCtrl+R' },
        separator,
        { label: 'Export Keys…', command: 'export' },
        { label: 'Import Keys…', command: 'import' },
        separator,
        // On macOS quitting lives in the app menu; File closes the window.
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        separator,
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'delete' },
        separator,
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        { label: 'Find / Filter Keys', command: 'focus-filter', accelerator: 'CmdOrCtrl+F' },
        { label: 'Cluster Status', command: 'cluster-view' },
        { label: 'Recently Deleted Keys', command: 'deleted-view' },
        { label: 'Leases', command: 'leases-view' },
        { label: 'Audit Trail', command: 'audit-view' },
        { label: 'Analyze Kubernetes Storage', command: 'k8s-analyze-view' },
        { label: 'Search Keys and Values…', command: 'search-view', accelerator: 'CmdOrCtrl+Shift+F' },
        { label: 'Command Palette…', command: 'command-palette', accelerator: 'CmdOrCtrl+K' },
        separator,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        separator,
        { role: 'togglefullscreen' },
        ...(isDev ? [separator, { role: 'toggleDevTools' } as const, { role: 'forceReload' } as const] : []),
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'etcd Documentation', url: 'https://etcd.io/docs/' },
        separator,
        { label: 'Open Log Folder', action: 'open-log-folder' },
        // macOS puts About in the app menu.
        ...(isMac ? [] : [separator, { role: 'about' } as const]),
      ],
    },
  ];
}
