/**
 * Proves the layering rules of eslint.config.mjs fire (and do not fire) where they should,
 * by linting small in-memory snippets as if they lived at given paths.
 */
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** Messages of the no-restricted-imports rule for `code` linted as `file`. */
async function restricted(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  const fatal = result.messages.filter((m) => m.fatal);
  expect(fatal, `parse error in ${file}`).toEqual([]);
  const hits = result.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax');
  for (const hit of hits) expect(hit.severity, hit.message).toBe(2);
  return hits.map((m) => m.message);
}

const cases: Array<[code: string, file: string, allowed: boolean]> = [
  // electron: only the Electron layer's folders (src/main/electron, src/preload); the rule matches folders,
  // so a new file anywhere under src/main/core, at any depth, is held to it without editing the config
  ["import { app } from 'electron';\nexport const a = app;\n", 'src/main/core/new-feature/deep/thing.ts', false],
  ["import { BrowserWindow } from 'electron';\nexport const a = BrowserWindow;\n", 'src/main/core/jobs.ts', false],
  ["import { app } from 'electron';\nexport const a = app;\n", 'src/main/some-new-file.ts', false],
  ["import { app } from 'electron';\nexport const a = app;\n", 'src/main/electron/new-module/menu-actions.ts', true],
  ["import { contextBridge } from 'electron';\nexport const a = contextBridge;\n", 'src/preload/new-file.ts', true],
  ["import { app } from 'electron';\nexport const a = app;\n", 'src/renderer/src/features/keys/KeyGrid.tsx', false],
  // a folder named electron is not the electron package
  ["import { x } from './electron/binary';\nexport const a = x;\n", 'scripts/start.ts', true],
  ["import { x } from '../electron/ipc';\nexport const a = x;\n", 'src/main/core/x.ts', false],
  ["import type { X } from '../../electron/window/options';\nexport type A = X;\n", 'src/main/core/handlers/x.ts', false],
  ["import { ok } from '../../shared/result';\nexport const a = ok;\n", 'src/main/core/x.ts', true],
  ["import { x } from '../core/handlers';\nexport const a = x;\n", 'src/main/electron/app.ts', true],
  ["import { app } from 'electron';\nexport const a = app;\n", 'src/main/core/etcd/x.ts', false],
  ["import { app } from 'electron';\nexport const a = app;\n", 'src/main/core/handlers.ts', false],
  ["import type { App } from 'electron';\nexport type A = App;\n", 'src/main/core/profiles/store.ts', false],
  ["import { ipcRenderer } from 'electron/renderer';\nexport const a = ipcRenderer;\n", 'src/main/core/etcd/x.ts', false],
  ["export { app } from 'electron';\n", 'src/main/core/etcd/x.ts', false],
  ["import { app } from 'electron';\nexport const a = app;\n", 'tests/unit/handlers.test.ts', false],
  ["import { app } from 'electron';\nexport const a = app;\n", 'scripts/x.mjs', false],
  ["import { app } from 'electron';\nexport const a = app;\n", 'src/main/electron/ipc.ts', true],
  ["import { app } from 'electron';\nexport const a = app;\n", 'src/main/electron/app.ts', true],
  ["import { app } from 'electron';\nexport const a = app;\n", 'src/main/electron/safe-storage.ts', true],
  ["import { app } from 'electron';\nexport const a = app;\n", 'src/main/electron/window.ts', true],
  ["import { contextBridge } from 'electron';\nexport const a = contextBridge;\n", 'src/preload/index.ts', true],
  ["import { app } from 'electron';\nexport const a = app;\n", 'tests/unit/wiring/x.test.ts', true],
  ["import { defineConfig } from 'electron-vite';\nexport default defineConfig({});\n", 'electron.vite.config.ts', true],
  ["import { Etcd3 } from 'etcd3';\nexport const a = Etcd3;\n", 'src/main/core/etcd/session.ts', true],

  // src/shared: only ./ files of its own
  ["import fs from 'node:fs';\nexport const a = fs;\n", 'src/shared/x.ts', false],
  ["import { join } from 'path';\nexport const a = join;\n", 'src/shared/x.ts', false],
  ["import { z } from 'zod';\nexport const a = z;\n", 'src/shared/x.ts', true],
  ["import { z } from 'zod';\nexport const a = z;\n", 'src/shared/contract/x.ts', true],
  ["import { z } from 'zod/mini';\nexport const a = z;\n", 'src/shared/x.ts', false],
  ["import React from 'react';\nexport const a = React;\n", 'src/shared/contract/x.ts', false],
  ["import type { Page } from '../types';\nexport type P = Page;\n", 'src/shared/contract/x.ts', true],
  ["import { channel } from './define';\nexport const a = channel;\n", 'src/shared/contract/x.ts', true],
  ["import { x } from '../../main/core/handlers';\nexport const a = x;\n", 'src/shared/contract/x.ts', false],
  ["import { x } from '../../renderer/src/App';\nexport const a = x;\n", 'src/shared/contract/x.ts', false],
  ["import { x } from './sub/../../../main/x';\nexport const a = x;\n", 'src/shared/contract/x.ts', false],
  ["import { x } from '../main/x';\nexport const a = x;\n", 'src/shared/x.ts', false],
  ["import { app } from 'electron';\nexport const a = app;\n", 'src/shared/x.ts', false],
  ["import { createHandlers } from '../main/handlers';\nexport const a = createHandlers;\n", 'src/shared/x.ts', false],
  ["import { a } from './sub/../../main/x';\nexport const b = a;\n", 'src/shared/x.ts', false],
  ["import type { Result } from './result';\nexport type R = Result<number>;\n", 'src/shared/x.ts', true],
  ["export { ok } from './result';\n", 'src/shared/x.ts', true],

  // src/renderer: no electron, etcd3, Node, src/main
  ["import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n", 'src/renderer/src/App.tsx', false],
  ["import { Etcd3 } from 'etcd3';\nexport const a = Etcd3;\n", 'src/renderer/src/api/x.ts', false],
  ["import fs from 'node:fs';\nexport const a = fs;\n", 'src/renderer/src/x.ts', false],
  ["import fs from 'fs';\nexport const a = fs;\n", 'src/renderer/src/x.ts', false],
  ["import { readFile } from 'fs/promises';\nexport const a = readFile;\n", 'src/renderer/src/x.ts', false],
  ["import path from 'path';\nexport const a = path;\n", 'src/renderer/src/x.ts', false],
  ["import cluster from 'cluster';\nexport const a = cluster;\n", 'src/renderer/src/x.ts', false],
  ["import { x } from '../cluster/cluster-slice';\nexport const a = x;\n", 'src/renderer/src/features/keys/x.ts', true],
  ["import { spawn } from 'child_process';\nexport const a = spawn;\n", 'src/renderer/src/x.ts', false],
  ["import { createHandlers } from '../../main/handlers';\nexport const a = createHandlers;\n", 'src/renderer/src/x.ts', false],
  ["import { x } from '../../../../main/core/handlers';\nexport const a = x;\n", 'src/renderer/src/features/keys/x.ts', false],
  ["import { x } from '../../../../main/electron/app';\nexport const a = x;\n", 'src/renderer/src/features/keys/x.ts', false],
  ["import { s } from '../../../main/etcd/session';\nexport const a = s;\n", 'src/renderer/src/store/x.ts', false],
  ["import { Channels } from '../../shared/contract';\nexport const a = Channels;\n", 'src/renderer/src/api/x.ts', true],
  ["import { create } from 'zustand';\nexport const a = create;\n", 'src/renderer/src/store/x.ts', true],
  ["import { App } from './App';\nexport const a = App;\n", 'src/renderer/src/main.tsx', true],
  ["import { m } from '../main';\nexport const a = m;\n", 'src/renderer/src/store/x.ts', true],

  // dynamic import() is held to the same rules
  ["export const a = () => import('electron');\n", 'src/main/core/etcd/x.ts', false],
  ["export const a = () => import('node:fs');\n", 'src/renderer/src/x.ts', false],
  ["export const a = () => import('etcd3');\n", 'src/renderer/src/x.ts', false],
  ["export const a = () => import('electron');\n", 'src/main/electron/app.ts', true],
  ["export const a = () => import('./App');\n", 'src/renderer/src/x.ts', true],
];

describe('layering rules (no-restricted-imports)', () => {
  const labelled = cases.map(([code, file, allowed]) => [code.split('\n')[0], file, allowed, code] as const);
  it.each(labelled)('%s in %s → allowed: %s', async (_label, file, allowed, code) => {
    const messages = await restricted(code, file);
    if (allowed) expect(messages).toEqual([]);
    else expect(messages.length).toBeGreaterThan(0);
  }, 30_000);
});
