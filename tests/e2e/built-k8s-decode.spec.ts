/**
 * The BUILT main bundle decodes a large Kubernetes value in its worker thread: out/main/index.js
 * runs with the stand-in electron, and `k8s:decode` goes through the app's own registered
 * handler with a ConfigMap above K8S_WORKER_THRESHOLD. Above the threshold there is no inline
 * path: the answer only comes if the bundle found and started out/main/k8s-decode-worker.js.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { K8S_WORKER_THRESHOLD } from '../../src/shared/k8s';
import { fromUint8 } from '../../src/shared/bytes';
import { syntheticConfigMap } from '../support/k8s-values';
import { ROOT, startBuiltApp, type BuiltApp, type SenderFrameLike } from './support/built-app';
import { expect, test } from './support/fixtures';

const APP_FRAME: SenderFrameLike = { url: 'app://app/index.html', processId: 1, routingId: 1, parent: null };

let userData: string;
let app: BuiltApp | undefined;
test.beforeEach(() => {
  userData = mkdtempSync(join(tmpdir(), 'etcd-desktop-built-k8s-'));
});
test.afterEach(async () => {
  if (app) {
    const code = await app.quit();
    app = undefined;
    expect(code, 'the built app quits cleanly (the worker does not hold it)').toBe(0);
  }
  rmSync(userData, { recursive: true, force: true });
});

test('the built app decodes a value above the worker threshold through k8s:decode', async () => {
  expect(existsSync(join(ROOT, 'out/main/k8s-decode-worker.js')), 'the worker is a second output of the main build').toBe(true);
  app = await startBuiltApp(userData);
  await app.waitFor((m) => m.type === 'ready', 'app.whenReady resolving');
  const value = syntheticConfigMap('big', 400, 1024);
  expect(value.length).toBeGreaterThan(K8S_WORKER_THRESHOLD);
  const r = (await app.invoke('k8s:decode', { value: fromUint8(value), modRevision: 812 }, APP_FRAME)) as {
    ok: boolean;
    value?: { kind: string; objectKind: string; object: { metadata: Record<string, string>; data: Record<string, string> } };
    error?: unknown;
  };
  expect(r.error).toBeUndefined();
  expect(r.ok).toBe(true);
  expect(r.value?.kind).toBe('object');
  expect(r.value?.objectKind).toBe('ConfigMap');
  expect(r.value?.object.metadata).toEqual({ name: 'big', namespace: 'default', resourceVersion: '812' });
  expect(Object.keys(r.value?.object.data ?? {})).toHaveLength(400);
  expect(r.value?.object.data['key-00399']).toBe('j'.repeat(1024));
  // A second decode reuses the running worker.
  const again = (await app.invoke('k8s:decode', { value: fromUint8(value) }, APP_FRAME)) as { ok: boolean };
  expect(again.ok).toBe(true);
});
