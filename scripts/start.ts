/**
 * `npm start`: make sure Electron's binary is installed (Electron 45 downloads it lazily and
 * electron-vite cannot find it until then), then build once and open the app.
 */
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { electronBinary, nodeNotice } from './electron/binary';
import { classifyFailure, failureMessage, runElectronInstaller, type InstallResult } from './electron/install';

export interface StartDeps {
  readonly electronDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly nodeVersion: string;
  readonly install: (electronDir: string, env: NodeJS.ProcessEnv) => Promise<InstallResult>;
  /** Runs a command to its end; resolves with its exit code. */
  readonly run: (command: string, args: readonly string[]) => Promise<number>;
  readonly log: (line: string) => void;
  readonly error: (text: string) => void;
  /** `npm run dev`: the dev server with hot reload instead of the built app. */
  readonly dev?: boolean;
}

/** The whole start path; returns the exit code. */
export async function start(deps: StartDeps): Promise<number> {
  const notice = nodeNotice(deps.nodeVersion);
  if (notice) deps.log(notice);
  if (electronBinary(deps.electronDir, deps.env).state === 'missing') {
    deps.log("Electron's binary is not installed yet: downloading it once (about 100 MB)…");
    const result = await deps.install(deps.electronDir, deps.env);
    if (!result.ok || electronBinary(deps.electronDir, deps.env).state === 'missing') {
      deps.error(failureMessage(result.ok ? 'other' : classifyFailure(result.output), result.output, deps.env));
      return 1;
    }
  }
  // `electron-vite preview` builds, then runs the built app: one build, not two.
  return deps.run('npx', ['electron-vite', deps.dev ? 'dev' : 'preview']);
}

function runInherited(command: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, forward(s));
    child.on('error', () => resolve(1));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const isMain = process.argv[1] !== undefined && /start\.ts$/.test(process.argv[1]);
if (isMain) {
  const require = createRequire(__filename);
  const electronDir = dirname(require.resolve('electron/package.json'));
  void start({
    electronDir,
    env: process.env,
    nodeVersion: process.versions.node,
    install: runElectronInstaller,
    run: runInherited,
    log: (line) => console.log(line),
    error: (text) => console.error(text),
    dev: process.argv.includes('--dev'),
  }).then((code) => process.exit(code));
}
