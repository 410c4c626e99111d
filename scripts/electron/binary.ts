/**
 * Is Electron's binary on this machine? Electron 45 has no install script: it downloads its
 * binary the first time something requires it, and electron-vite only reads `path.txt`, so a
 * fresh clone fails with "Electron uninstall" until the installer has run once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type BinaryState =
  | { readonly state: 'present'; readonly executable: string }
  | { readonly state: 'missing'; readonly reason: 'no-path-file' | 'no-executable' };

/** What electron's own index.js would resolve, without its side effect of downloading. */
export function electronBinary(electronDir: string, env: NodeJS.ProcessEnv = process.env): BinaryState {
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    // electron's index.js joins the override with path.txt's content, or "electron".
    const executable = join(override, relative || (process.platform === 'win32' ? 'electron.exe' : 'electron'));
    return existsSync(executable) ? { state: 'present', executable } : { state: 'missing', reason: 'no-executable' };
  }
  if (!relative) return { state: 'missing', reason: 'no-path-file' };
  const executable = join(electronDir, 'dist', relative);
  return existsSync(executable) ? { state: 'present', executable } : { state: 'missing', reason: 'no-executable' };
}

/** Electron's installer (@electron/get 5) declares this; older Node loads it but is unsupported. */
export const INSTALLER_NODE = [22, 12] as const;

/** One line when this Node is older than what Electron's installer declares, else null. */
export function nodeNotice(version: string = process.versions.node): string | null {
  const [major, minor] = version.split('.').map(Number);
  const [wantMajor, wantMinor] = INSTALLER_NODE;
  if (major > wantMajor || (major === wantMajor && minor >= wantMinor)) return null;
  return `Note: Node ${version} is older than ${wantMajor}.${wantMinor}, which Electron's installer asks for; trying anyway (it usually works on Node 20).`;
}
