/** The native menu: its items, accelerators and the commands they send. */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate } from '../../../src/main/electron/menu/template';

type Fn = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('menu', () => {
  const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);

  it('sends a push command for each app item, with the documented accelerators', () => {
    const send = vi.fn();
    const items = flatten(buildMenuTemplate({ platform: 'linux', isDev: false, send, openExternal: vi.fn() }));
    const byAccel = (a: string) => items.find((i) => i.accelerator === a);
    const click = (i: MenuItemConstructorOptions | undefined) => (i?.click as Fn)({}, undefined, {});
    click(byAccel('CmdOrCtrl+N'));
    click(byAccel('CmdOrCtrl+S'));
    click(byAccel('CmdOrCtrl+R'));
    click(byAccel('CmdOrCtrl+F'));
    click(items.find((i) => i.label === 'Delete Key…'));
    click(items.find((i) => i.label === 'Cluster Status'));
    expect(send.mock.calls.map((c) => c[0])).toEqual(['new-key', 'save', 'reload', 'focus-filter', 'delete', 'cluster-view']);
    expect(items.some((i) => i.role === 'quit')).toBe(true);
    expect(items.some((i) => i.role === 'copy')).toBe(true);
    expect(items.some((i) => i.role === 'windowMenu')).toBe(true);
    expect(items.some((i) => i.role === 'help')).toBe(true);
    // no accelerator may swallow a key that text fields need
    expect(items.map((i) => i.accelerator).filter(Boolean)).not.toContain('Delete');
  });

  it('has the devtools toggle only in dev', () => {
    const roles = (isDev: boolean) =>
      flatten(buildMenuTemplate({ platform: 'linux', isDev, send: vi.fn(), openExternal: vi.fn() })).map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
  });

  it('has the app menu on macOS', () => {
    const t = buildMenuTemplate({ platform: 'darwin', isDev: false, send: vi.fn(), openExternal: vi.fn() });
    expect(t[0].role).toBe('appMenu');
  });
});
