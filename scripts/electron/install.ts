/**
 * Runs Electron's own installer (node_modules/electron/install.js) and, when it cannot
 * download, says why in words and what to do. Its raw output is kept for the message's detail.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface InstallResult {
  readonly ok: boolean;
  /** Everything the installer printed (stdout and stderr), for the detail line. */
  readonly output: string;
}

export function runElectronInstaller(electronDir: string, env: NodeJS.ProcessEnv = process.env): Promise<InstallResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(electronDir, 'install.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => resolve({ ok: false, output: `${output}${err.message}` }));
    child.on('close', (code) => resolve({ ok: code === 0, output }));
  });
}

export type FailureKind = 'network' | 'checksum' | 'other';

/** Sorts the installer's output into what the user can act on. */
export function classifyFailure(output: string): FailureKind {
  if (/checksum|sha256|integrity/i.test(output)) return 'checksum';
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ENETUNREACH|EHOSTUNREACH|fetch failed|socket|proxy|HTTPError|status code|40[0-9]|50[0-9]|certificate|self[- ]signed/i.test(output)) {
    return 'network';
  }
  return 'other';
}

/** The last line of the installer's output that says something (its stack is for the log). */
function lastWords(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l && !/^at\s/.test(l));
  return (lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? 'no output').slice(0, 300);
}

export function failureMessage(kind: FailureKind, output: string, env: NodeJS.ProcessEnv = process.env): string {
  const from = env.ELECTRON_MIRROR ? `the mirror ${env.ELECTRON_MIRROR}` : 'GitHub (the default download host)';
  const head =
    kind === 'network'
      ? `Could not download Electron's binary from ${from}: this machine seems to be offline, behind a proxy, or blocked from that host.`
      : kind === 'checksum'
        ? `Electron's binary was downloaded from ${from} but did not match its checksum, so it was not installed.`
        : `Electron's installer failed, so the app cannot start.`;
  return [
    head,
    'To fix it, any one of:',
    '  - set ELECTRON_MIRROR to a mirror you can reach (it must end with "/"), e.g. ELECTRON_MIRROR=https://mirror.example.com/electron/ npm start',
    '  - set HTTPS_PROXY (and ELECTRON_GET_USE_PROXY=1) if you are behind a proxy',
    '  - set ELECTRON_OVERRIDE_DIST_PATH to the folder of an Electron 45 you already have (the folder holding the electron executable)',
    `Installer said: ${lastWords(output)}`,
  ].join('\n');
}
