/**
 * Whether and how tests/e2e/electron.spec.ts runs the real Electron app, decided by a plain
 * function of the environment (`realElectronPlan`, unit-tested), plus the pieces it needs:
 * finding the binary without downloading it, refusing anything that is not Electron (pointing
 * Playwright's _electron.launch at Chromium crashes the test process), and a wrapper that runs
 * Electron under xvfb-run when Linux has no display.
 *
 * The rule: no binary → skip, saying why. A binary → run it (under xvfb-run when there is no
 * display); if it cannot start, the test FAILS. No display and no xvfb-run → skip locally, fail
 * with CI=true (CI installs xvfb: .ci/run).
 */
import { accessSync, constants, existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';

export const NO_BINARY = 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD / no network): skipping the real-app test';

/** The Electron executable, found the way node_modules/electron/index.js finds it, without downloading. */
export function electronBinary(root: string, env: NodeJS.ProcessEnv = process.env): { path?: string; why?: string } {
  const pkg = join(root, 'node_modules/electron');
  const pathTxt = join(pkg, 'path.txt');
  const rel = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : undefined;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const p = join(override, rel || 'electron');
    return existsSync(p) ? { path: p } : { why: `ELECTRON_OVERRIDE_DIST_PATH is set but ${p} does not exist: skipping the real-app test` };
  }
  if (!rel) return { why: NO_BINARY };
  const p = join(pkg, 'dist', rel);
  return existsSync(p) ? { path: p } : { why: NO_BINARY };
}

/** `cmd` on PATH, or null. */
export function findOnPath(cmd: string, pathVar = process.env.PATH ?? ''): string | null {
  for (const dir of pathVar.split(delimiter).filter(Boolean)) {
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

export const isCi = (env: NodeJS.ProcessEnv): boolean => !!env.CI && !/^(0|false|no)$/i.test(env.CI);

export interface PlanInput {
  readonly binary: { path?: string; why?: string };
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  /** xvfb-run's path, or null when it is not installed. */
  readonly xvfbRun: string | null;
}

export type RealElectronPlan =
  | { readonly kind: 'run'; readonly electron: string; readonly xvfbRun: string | null }
  | { readonly kind: 'skip'; readonly why: string }
  | { readonly kind: 'fail'; readonly why: string };

export function realElectronPlan({ binary, platform, env, xvfbRun }: PlanInput): RealElectronPlan {
  if (!binary.path) return { kind: 'skip', why: binary.why ?? NO_BINARY };
  const needsDisplay = platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY;
  if (!needsDisplay) return { kind: 'run', electron: binary.path, xvfbRun: null };
  if (xvfbRun) return { kind: 'run', electron: binary.path, xvfbRun };
  const why = 'No display (DISPLAY unset) and no xvfb-run to make one (apt-get install xvfb)';
  return isCi(env) ? { kind: 'fail', why: `${why}: with CI=true the real-app test must run` } : { kind: 'skip', why: `${why}: skipping the real-app test` };
}

/**
 * Throws unless `path` is an Electron executable: Playwright's _electron.launch on Chromium (or
 * anything else) crashes the test process with an uncaught error instead of failing the test.
 */
export function assertElectron(path: string, chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'): void {
  const real = realpathSync(path);
  const name = basename(real);
  if (!/^electron(\.exe)?$/i.test(name)) throw new Error(`${path} (${real}) is not an Electron executable: refusing to launch it with _electron`);
  if (existsSync(chromium) && real === realpathSync(chromium)) {
    throw new Error(`${path} resolves to Chromium (${real}): refusing to launch it with _electron`);
  }
}

/**
 * A script to give _electron.launch as its executable: runs `electron` with Playwright's
 * arguments under xvfb-run (a fresh X display, gone when Electron exits).
 */
export function xvfbWrapper(dir: string, xvfbRun: string, electron: string): string {
  const file = join(dir, 'electron-under-xvfb.sh');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(file, `#!/bin/sh\nexec ${q(xvfbRun)} -a -s '-screen 0 1280x800x24' ${q(electron)} "$@"\n`, { mode: 0o755 });
  return file;
}
