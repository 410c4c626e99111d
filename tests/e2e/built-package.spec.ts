/**
 * `electron-builder --dir` on the built app with a stub Electron distribution (no Electron can
 * be downloaded here): the packaged asar holds the built app and its production dependencies
 * only, and the fuses are flipped in the packed executable.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { expect, test } from '@playwright/test';

const root = resolve(__dirname, '../..');
const require = createRequire(__filename);

test('the packaged app ships the built bundles and production dependencies only, with fuses flipped', async () => {
  test.setTimeout(180_000);
  // @electron/fuses does not export its sentinel; it is the fixed marker Electron builds carry.
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  const { getCurrentFuseWire, FuseV1Options, FuseState } = await import('@electron/fuses');
  const work = mkdtempSync(join(tmpdir(), 'etcd-desktop-pack-'));
  try {
    // A stub distribution: an executable carrying a fuse wire (version 1, 9 fuses, all on).
    const dist = join(work, 'electron-dist');
    mkdirSync(join(dist, 'resources'), { recursive: true });
    writeFileSync(join(dist, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n#'), Buffer.from(SENTINEL), Buffer.from([1, 9]), Buffer.from('111111111')]));
    chmodSync(join(dist, 'electron'), 0o755);
    writeFileSync(join(dist, 'version'), '45.5.0');
    const out = join(work, 'dist');
    const run = spawnSync(
      process.execPath,
      [require.resolve('electron-builder/cli.js'), '--dir', '--linux', '--config', 'build/electron-builder.config.cjs', `-c.directories.output=${out}`],
      { cwd: root, env: { ...process.env, ELECTRON_DIST: dist }, encoding: 'utf8' },
    );
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);

    const asar = require('@electron/asar') as { listPackage(path: string, o: object): string[] };
    const files = asar.listPackage(join(out, 'linux-unpacked', 'resources', 'app.asar'), {}).map((f) => f.replace(/\\/g, '/'));
    for (const f of ['/package.json', '/out/main/index.js', '/out/preload/index.js', '/out/renderer/index.html']) expect(files).toContain(f);
    for (const dep of ['etcd3', 'zod', 'cockatiel', 'electron-log', '@grpc/grpc-js']) expect(files, dep).toContain(`/node_modules/${dep}/package.json`);
    const forbidden = files.filter(
      (f) =>
        /^\/(src|tests|scripts|bench|docs|build|\.ci)\//.test(f) ||
        /\.map$/.test(f) ||
        /^\/node_modules\/(react|react-dom|zustand|@codemirror|@uiw|@tanstack|vitest|vite|electron|electron-vite|electron-builder|@playwright|typescript|eslint)\//.test(f),
    );
    expect(forbidden).toEqual([]);

    const fuses = await getCurrentFuseWire(join(out, 'linux-unpacked', 'etcd-desktop'));
    expect(fuses[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(fuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
