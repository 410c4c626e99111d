/**
 * `npm start` on a fresh clone: Electron's binary is installed by Electron's own installer
 * when missing, fully offline here through a loopback mirror serving a stub distribution;
 * a mirror that refuses gives a message that says what to do; a present binary is not
 * downloaded again; the app is built once.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { electronBinary, nodeNotice } from '../../scripts/electron/binary';
import { classifyFailure, runElectronInstaller } from '../../scripts/electron/install';
import { start, type StartDeps } from '../../scripts/start';
import { zip } from '../support/zip';

const root = resolve(__dirname, '../..');
const realElectron = join(root, 'node_modules/electron');
const version: string = JSON.parse(readFileSync(join(realElectron, 'package.json'), 'utf8')).version;
const platformFile = process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : process.platform === 'win32' ? 'electron.exe' : 'electron';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'etcd-desktop-start-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** A copy of node_modules/electron as a fresh install leaves it (no dist/, no path.txt). */
function freshElectron(): string {
  const nm = join(work, 'node_modules');
  const dir = join(nm, 'electron');
  cpSync(realElectron, dir, { recursive: true, filter: (src) => !/[/\\](dist|path\.txt)$/.test(src) });
  // The installer's own dependencies resolve from the real tree.
  for (const dep of ['@electron', '@electron-internal']) symlinkSync(join(root, 'node_modules', dep), join(nm, dep));
  return dir;
}

/** A loopback Electron mirror: `${mirror}v${version}/electron-…zip` and its SHASUMS256.txt. */
async function mirror(files: Record<string, Buffer>): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const body = files[req.url ?? ''];
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, hits, close: () => new Promise((r) => server.close(() => r())) };
}

function stubDistribution(marker: string): { zipName: string; zip: Buffer; shasums: Buffer } {
  const zipName = `electron-v${version}-${process.platform}-${process.arch}.zip`;
  const body = zip([
    { name: platformFile, data: `#!/bin/sh\necho started > "${marker}"\n`, mode: 0o755 },
    { name: 'version', data: version },
  ]);
  const sha = createHash('sha256').update(body).digest('hex');
  return { zipName, zip: body, shasums: Buffer.from(`${sha} *${zipName}\n`) };
}

const offlineEnv = (mirrorUrl: string): NodeJS.ProcessEnv => ({
  ...process.env,
  ELECTRON_MIRROR: mirrorUrl,
  // The stub's checksum comes from the mirror's SHASUMS256.txt, not the one electron ships.
  electron_use_remote_checksums: '1',
  electron_config_cache: join(work, 'cache'),
  ELECTRON_OVERRIDE_DIST_PATH: '',
});

function deps(electronDir: string, env: NodeJS.ProcessEnv, over: Partial<StartDeps> = {}) {
  const logs: string[] = [];
  const errors: string[] = [];
  const runs: string[][] = [];
  const d: StartDeps = {
    electronDir,
    env,
    nodeVersion: '22.12.0',
    install: runElectronInstaller,
    run: async (command, args) => {
      runs.push([command, ...args]);
      return 0;
    },
    log: (l) => logs.push(l),
    error: (e) => errors.push(e),
    ...over,
  };
  return { d, logs, errors, runs };
}

describe('npm start', () => {
  it('downloads, extracts and records the binary through a loopback mirror, then builds once and starts it', async () => {
    const electronDir = freshElectron();
    const marker = join(work, 'started');
    const dist = stubDistribution(marker);
    const m = await mirror({ [`/v${version}/${dist.zipName}`]: dist.zip, [`/v${version}/SHASUMS256.txt`]: dist.shasums });
    try {
      const env = offlineEnv(m.url);
      expect(electronBinary(electronDir, env).state).toBe('missing');
      const { d, errors, runs } = deps(electronDir, env);
      expect(await start(d)).toBe(0);
      expect(errors).toEqual([]);
      expect(m.hits).toContain(`/v${version}/${dist.zipName}`);
      expect(readFileSync(join(electronDir, 'path.txt'), 'utf8')).toBe(platformFile);
      const bin = electronBinary(electronDir, env);
      expect(bin.state).toBe('present');
      // electron's own resolver (what electron-vite uses) now finds it without downloading
      const resolved = spawnSync(process.execPath, ['-p', `require(${JSON.stringify(electronDir)})`], { env, encoding: 'utf8' });
      expect(resolved.stdout.trim()).toBe(join(electronDir, 'dist', platformFile));
      // and it runs
      if (bin.state === 'present' && process.platform !== 'win32') {
        spawnSync(bin.executable);
        expect(readFileSync(marker, 'utf8').trim()).toBe('started');
      }
      expect(runs).toEqual([['npx', 'electron-vite', 'preview']]);
    } finally {
      await m.close();
    }
  }, 60_000);

  it('a mirror that refuses: one message naming the mirror and the three ways out; nothing is built', async () => {
    const electronDir = freshElectron();
    const refused = await mirror({});
    await refused.close(); // nothing listens on that port now
    const { d, errors, runs } = deps(electronDir, offlineEnv(refused.url));
    expect(await start(d)).toBe(1);
    expect(runs).toEqual([]);
    expect(errors).toHaveLength(1);
    const msg = errors[0];
    expect(msg).toContain(`Could not download Electron's binary from the mirror ${refused.url}`);
    for (const way of ['ELECTRON_MIRROR', 'HTTPS_PROXY', 'ELECTRON_OVERRIDE_DIST_PATH']) expect(msg).toContain(way);
    expect(msg).not.toMatch(/\n\s+at\s/); // no stack trace for a person
    expect(existsSync(join(electronDir, 'path.txt'))).toBe(false);
  }, 60_000);

  it('a download that does not match its checksum is refused and said so', async () => {
    const electronDir = freshElectron();
    const dist = stubDistribution(join(work, 'never'));
    const m = await mirror({ [`/v${version}/${dist.zipName}`]: dist.zip, [`/v${version}/SHASUMS256.txt`]: Buffer.from(`${'0'.repeat(64)} *${dist.zipName}\n`) });
    try {
      const { d, errors, runs } = deps(electronDir, offlineEnv(m.url));
      expect(await start(d)).toBe(1);
      expect(runs).toEqual([]);
      expect(errors[0]).toContain('did not match its checksum');
    } finally {
      await m.close();
    }
  }, 60_000);

  it('a present binary is not downloaded again; ELECTRON_OVERRIDE_DIST_PATH counts as present', async () => {
    const electronDir = freshElectron();
    mkdirSync(join(electronDir, 'dist', dirname(platformFile)), { recursive: true });
    writeFileSync(join(electronDir, 'dist', platformFile), '');
    writeFileSync(join(electronDir, 'path.txt'), platformFile);
    const install = vi.fn(runElectronInstaller);
    const present = deps(electronDir, offlineEnv('http://127.0.0.1:9/'), { install });
    expect(await start(present.d)).toBe(0);
    expect(install).not.toHaveBeenCalled();
    expect(present.runs).toEqual([['npx', 'electron-vite', 'preview']]);
    const dev = deps(electronDir, offlineEnv('http://127.0.0.1:9/'), { install, dev: true });
    expect(await start(dev.d)).toBe(0);
    expect(dev.runs).toEqual([['npx', 'electron-vite', 'dev']]);

    const overrideDir = join(work, 'my-electron');
    mkdirSync(overrideDir);
    writeFileSync(join(overrideDir, 'electron'), '');
    expect(electronBinary(join(work, 'none'), { ELECTRON_OVERRIDE_DIST_PATH: overrideDir }).state).toBe(process.platform === 'win32' ? 'missing' : 'present');
    expect(electronBinary(join(work, 'none'), { ELECTRON_OVERRIDE_DIST_PATH: join(work, 'nowhere') }).state).toBe('missing');
  });

  it('says in one line when Node is older than the installer asks for, and goes on', async () => {
    expect(nodeNotice('20.20.2')).toMatch(/^Note: Node 20\.20\.2 is older than 22\.12.*trying anyway/);
    expect(nodeNotice('22.12.0')).toBeNull();
    expect(nodeNotice('24.1.0')).toBeNull();
    const electronDir = freshElectron();
    mkdirSync(join(electronDir, 'dist'), { recursive: true });
    writeFileSync(join(electronDir, 'dist', 'electron'), '');
    writeFileSync(join(electronDir, 'path.txt'), 'electron');
    const { d, logs, runs } = deps(electronDir, process.env, { nodeVersion: '20.20.2' });
    expect(await start(d)).toBe(0);
    expect(logs.filter((l) => l.startsWith('Note: Node'))).toHaveLength(1);
    expect(runs).toHaveLength(1);
  });

  it('classifies installer output', () => {
    expect(classifyFailure('TypeError: fetch failed\n cause: connect ECONNREFUSED 127.0.0.1:9')).toBe('network');
    expect(classifyFailure('Error: Generated checksum for "electron.zip" did not match expected checksum.')).toBe('checksum');
    expect(classifyFailure('Error: EACCES: permission denied, mkdir')).toBe('other');
  });
});
