/**
 * The native menu: its structure as data (items, accelerators, roles, the command each item
 * sends) and its actions (what a click does), each without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { menuActions, withActions } from '../../../src/main/electron/menu/actions';
import { MAIN_ACTIONS, menuTemplate, type MenuEntry } from '../../../src/main/electron/menu/template';
import { MENU_COMMANDS } from '../../../src/shared/contract';

type Fn = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
  items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);

const flattenEntries = (entries: readonly MenuEntry[]): MenuEntry[] =>
  entries.flatMap((e) => [e, ...('submenu' in e && e.submenu ? flattenEntries(e.submenu) : [])]);

const linux = (isDev = false) => menuTemplate({ platform: 'linux', isDev });

describe('menu template (structure)', () => {
  it('is data: no functions in it', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      for (const isDev of [false, true]) {
        const t = menuTemplate({ platform, isDev });
        expect(JSON.parse(JSON.stringify(t))).toEqual(t);
      }
    }
  });

  it.each(['linux', 'darwin', 'win32'] as const)('on %s, sends every menu command of the contract from exactly one item', (platform) => {
    const sent = flattenEntries(menuTemplate({ platform, isDev: false }))
      .filter((e) => 'command' in e)
      .map((e) => ('command' in e ? e.command : null));
    expect([...sent].sort()).toEqual([...MENU_COMMANDS].sort());
  });

  it('links to the etcd documentation from Help', () => {
    const help = linux().find((e) => 'role' in e && e.role === 'help');
    expect(help && 'submenu' in help ? help.submenu : []).toContainEqual({ label: 'etcd Documentation', url: 'https://etcd.io/docs/' });
  });

  it.each(['linux', 'darwin', 'win32'] as const)('on %s, Help has "Open Log Folder", the one item of each main action', (platform) => {
    const help = menuTemplate({ platform, isDev: false }).find((e) => 'role' in e && e.role === 'help');
    expect(help && 'submenu' in help ? help.submenu : []).toContainEqual({ label: 'Open Log Folder', action: 'open-log-folder' });
    const actions = flattenEntries(menuTemplate({ platform, isDev: false })).flatMap((e) => ('action' in e ? [e.action] : []));
    expect(actions.sort()).toEqual([...MAIN_ACTIONS].sort());
  });
});

describe('menu', () => {
  it('sends a push command for each app item, with the documented accelerators', () => {
    const send = vi.fn();
    const items = flatten(withActions(linux(), { runCommand: send, openUrl: vi.fn(), runAction: vi.fn() }));
    const byAccel = (a: string) => items.find((i) => i.accelerator === a);
    const click = (i: MenuItemConstructorOptions | undefined) => (i?.click as Fn)({}, undefined, {});
    click(byAccel('CmdOrCtrl+N'));
    click(byAccel('CmdOrCtrl+S'));
    click(byAccel('CmdOrCtrl+R'));
    click(byAccel('CmdOrCtrl+F'));
    click(items.find((i) => i.label === 'Delete Key…'));
    click(items.find((i) => i.label === 'Cluster Status'));
    click(items.find((i) => i.label === 'Recently Deleted Keys'));
    click(items.find((i) => i.label === 'Leases'));
    click(byAccel('CmdOrCtrl+Shift+F'));
    click(byAccel('CmdOrCtrl+K'));
    expect(send.mock.calls.map((c) => c[0])).toEqual(['new-key', 'save', 'reload', 'focus-filter', 'delete', 'cluster-view', 'deleted-view', 'leases-view', 'search-view', 'command-palette']);
    expect(items.some((i) => i.role === 'quit')).toBe(true);
    expect(items.some((i) => i.role === 'copy')).toBe(true);
    expect(items.some((i) => i.role === 'windowMenu')).toBe(true);
    expect(items.some((i) => i.role === 'help')).toBe(true);
    // no accelerator may swallow a key that text fields need
    expect(items.map((i) => i.accelerator).filter(Boolean)).not.toContain('Delete');
  });

  it('has the devtools toggle only in dev', () => {
    const roles = (isDev: boolean) => flatten(withActions(linux(isDev), { runCommand: vi.fn(), openUrl: vi.fn(), runAction: vi.fn() })).map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
  });

  it('has the app menu on macOS', () => {
    const t = withActions(menuTemplate({ platform: 'darwin', isDev: false }), { runCommand: vi.fn(), openUrl: vi.fn(), runAction: vi.fn() });
    expect(t[0].role).toBe('appMenu');
  });

  it('gives clicks only to command and link items; everything else is passed through as Electron options', () => {
    const items = flatten(withActions(linux(true), { runCommand: vi.fn(), openUrl: vi.fn(), runAction: vi.fn() }));
    for (const i of items) expect(typeof i.click === 'function').toBe(i.role === undefined && i.type === undefined && !i.submenu);
    expect(items.find((i) => i.label === 'Delete Key…')).not.toHaveProperty('accelerator');
    expect(items.filter((i) => i.type === 'separator').every((i) => Object.keys(i).length === 1)).toBe(true);
  });
});

describe('menu actions', () => {
  it('a command becomes a menu-command push event; a link opens in the browser; Open Log Folder opens the folder', () => {
    const emit = vi.fn();
    const openExternal = vi.fn(async () => {});
    const openLogFolder = vi.fn();
    const items = flatten(withActions(linux(), menuActions({ emit, openExternal, openLogFolder })));
    (items.find((i) => i.label === 'Save')!.click as Fn)();
    expect(emit).toHaveBeenCalledWith('event:menu-command', { command: 'save' });
    (items.find((i) => i.label === 'etcd Documentation')!.click as Fn)();
    expect(openExternal).toHaveBeenCalledWith('https://etcd.io/docs/');
    expect(openLogFolder).not.toHaveBeenCalled();
    (items.find((i) => i.label === 'Open Log Folder')!.click as Fn)();
    expect(openLogFolder).toHaveBeenCalledTimes(1);
    expect(emit).toHaveBeenCalledTimes(1);
    expect(openExternal).toHaveBeenCalledTimes(1);
  });
});
