/**
 * The built preload (out/preload/index.js, what Electron loads) must run sandboxed: CommonJS,
 * requiring nothing but electron. The contract it is built from uses zod, which electron-vite
 * would externalize by default and a sandboxed preload could not require.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { allChannels } from '../../src/shared/contract';

const built = join(resolve(__dirname, '../..'), 'out/preload/index.js');

test('the built preload is CommonJS and requires only electron', () => {
  const code = readFileSync(built, 'utf8');
  const required = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
  expect([...new Set(required)]).toEqual(['electron']);
  expect(code).not.toMatch(/^\s*import\s.+from\s/m);
  expect(code).not.toMatch(/\bimport\(/);
});

test('run with a stand-in electron, it exposes exactly the contract and invokes the right channels', async () => {
  const exposed: Record<string, unknown> = {};
  const invoked: Array<[string, unknown]> = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
    ipcRenderer: {
      invoke: async (channel: string, req: unknown) => {
        invoked.push([channel, req]);
        return { ok: true, value: null };
      },
      on: () => undefined,
      removeListener: () => undefined,
    },
  };
  const module = { exports: {} };
  const load = new Function('require', 'module', 'exports', readFileSync(built, 'utf8'));
  load((id: string) => {
    if (id !== 'electron') throw new Error(`the preload required ${id}`);
    return electron;
  }, module, module.exports);
  const api = exposed.etcd as Record<string, Record<string, (req?: unknown) => Promise<unknown>>>;
  const names: string[] = [];
  for (const [ns, ops] of Object.entries(api)) {
    if (typeof ops === 'function') continue;
    for (const [op, fn] of Object.entries(ops)) {
      await fn({ probe: true });
      names.push(`${ns}:${op}`);
    }
  }
  expect(names.sort()).toEqual([...allChannels()].sort());
  expect(invoked.map(([c]) => c).sort()).toEqual([...allChannels()].sort());
});
