/**
 * When the real-Electron e2e test runs, skips or fails (tests/e2e/support/real-electron.ts):
 * a binary that is there must run (under xvfb-run without a display), and with CI=true a
 * missing display server is a failure; _electron.launch is never given anything but Electron.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertElectron, electronBinary, findOnPath, NO_BINARY, realElectronPlan, xvfbWrapper } from '../../e2e/support/real-electron';

const tmp = mkdtempSync(join(tmpdir(), 'etcd-desktop-real-electron-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const exe = (dir: string, name: string) => {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, '#!/bin/sh\nexit 0\n');
  chmodSync(p, 0o755);
  return p;
};

describe('realElectronPlan', () => {
  const binary = { path: '/opt/electron/electron' };
  it('no binary: skip, saying why (CI or not)', () => {
    for (const env of [{}, { CI: 'true' }]) {
      expect(realElectronPlan({ binary: { why: NO_BINARY }, platform: 'linux', env, xvfbRun: '/usr/bin/xvfb-run' })).toEqual({ kind: 'skip', why: NO_BINARY });
    }
  });

  it('a binary and a display: run it as is', () => {
    expect(realElectronPlan({ binary, platform: 'linux', env: { DISPLAY: ':0' }, xvfbRun: '/usr/bin/xvfb-run' })).toEqual({ kind: 'run', electron: binary.path, xvfbRun: null });
    expect(realElectronPlan({ binary, platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' }, xvfbRun: null })).toMatchObject({ kind: 'run', xvfbRun: null });
    expect(realElectronPlan({ binary, platform: 'darwin', env: {}, xvfbRun: null })).toMatchObject({ kind: 'run', xvfbRun: null });
    expect(realElectronPlan({ binary, platform: 'win32', env: { CI: 'true' }, xvfbRun: null })).toMatchObject({ kind: 'run', xvfbRun: null });
  });

  it('Linux without a display: run under xvfb-run when it is there', () => {
    for (const env of [{}, { CI: 'true' }]) {
      expect(realElectronPlan({ binary, platform: 'linux', env, xvfbRun: '/usr/bin/xvfb-run' })).toEqual({ kind: 'run', electron: binary.path, xvfbRun: '/usr/bin/xvfb-run' });
    }
  });

  it('Linux without a display or xvfb-run: skip locally, FAIL with CI=true', () => {
    expect(realElectronPlan({ binary, platform: 'linux', env: {}, xvfbRun: null })).toMatchObject({ kind: 'skip', why: expect.stringContaining('xvfb') });
    expect(realElectronPlan({ binary, platform: 'linux', env: { CI: 'false' }, xvfbRun: null })).toMatchObject({ kind: 'skip' });
    expect(realElectronPlan({ binary, platform: 'linux', env: { CI: 'true' }, xvfbRun: null })).toMatchObject({ kind: 'fail', why: expect.stringContaining('CI=true') });
    expect(realElectronPlan({ binary, platform: 'linux', env: { CI: '1' }, xvfbRun: null })).toMatchObject({ kind: 'fail' });
  });
});

describe('electronBinary', () => {
  it('is found through path.txt or ELECTRON_OVERRIDE_DIST_PATH, never downloaded', () => {
    const root = join(tmp, 'proj');
    mkdirSync(join(root, 'node_modules/electron'), { recursive: true });
    expect(electronBinary(root, {})).toEqual({ why: NO_BINARY });
    writeFileSync(join(root, 'node_modules/electron/path.txt'), 'electron');
    expect(electronBinary(root, {})).toEqual({ why: NO_BINARY });
    const bin = exe(join(root, 'node_modules/electron/dist'), 'electron');
    expect(electronBinary(root, {})).toEqual({ path: bin });
    const override = join(tmp, 'override');
    expect(electronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: override }).why).toContain('does not exist');
    const overridden = exe(override, 'electron');
    expect(electronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: override })).toEqual({ path: overridden });
  });
});

describe('assertElectron', () => {
  it('accepts an Electron executable', () => {
    expect(() => assertElectron(exe(join(tmp, 'dist-ok'), 'electron'), join(tmp, 'no-chromium'))).not.toThrow();
  });

  it('refuses Chromium, a link to it named electron, and anything else', () => {
    const chromium = exe(join(tmp, 'usr/bin'), 'chromium');
    expect(() => assertElectron(chromium, chromium)).toThrow(/not an Electron executable/);
    const link = join(tmp, 'link-dist');
    mkdirSync(link);
    symlinkSync(chromium, join(link, 'electron'));
    expect(() => assertElectron(join(link, 'electron'), chromium)).toThrow(/Electron|Chromium/);
    expect(() => assertElectron(exe(join(tmp, 'other'), 'node'))).toThrow(/not an Electron executable/);
    if (findOnPath('chromium')) expect(() => assertElectron(findOnPath('chromium')!)).toThrow();
  });
});

describe('xvfbWrapper', () => {
  it('runs Electron with Playwright’s arguments under xvfb-run', () => {
    const dir = mkdtempSync(join(tmp, 'wrap-'));
    const file = xvfbWrapper(dir, '/usr/bin/xvfb-run', "/opt/my app's/electron");
    expect(readFileSync(file, 'utf8')).toBe(`#!/bin/sh\nexec '/usr/bin/xvfb-run' -a -s '-screen 0 1280x800x24' '/opt/my app'\\''s/electron' "$@"\n`);
  });

  it('passes every argument through, each intact', () => {
    const dir = mkdtempSync(join(tmp, 'wrap-'));
    const fakeXvfbRun = join(dir, 'xvfb-run');
    writeFileSync(fakeXvfbRun, '#!/bin/sh\nfor a in "$@"; do echo "[$a]"; done\n', { mode: 0o755 });
    const file = xvfbWrapper(dir, fakeXvfbRun, '/opt/e l/electron');
    const out = execFileSync(file, ['--no-sandbox', '--inspect=0', '.', '--user-data-dir=/tmp/a b'], { encoding: 'utf8' });
    expect(out.trim().split('\n')).toEqual(['[-a]', '[-s]', '[-screen 0 1280x800x24]', '[/opt/e l/electron]', '[--no-sandbox]', '[--inspect=0]', '[.]', '[--user-data-dir=/tmp/a b]']);
  });
});
