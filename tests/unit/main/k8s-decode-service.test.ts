/**
 * k8s:decode: small values decode inline, large ones in the app's Kubernetes worker thread (the
 * answer names the thread that ran it); a worker that dies or overruns its deadline fails that
 * decode in words and the next decode works on a fresh worker. Prints decode times (no timed
 * assertion).
 */
import { threadId as mainThreadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeForView, encodeForEdit, k8sWorker, stopK8sWorker } from '../../../src/main/core/k8s/decode-service';
import { encodeK8sObject } from '../../../src/main/core/k8s/encode';
import { K8sWorker, K8sWorkerUnavailable } from '../../../src/main/core/k8s/k8s-worker';
import { AppFailure } from '../../../src/main/core/etcd/errors';
import { fromUint8 } from '../../../src/shared/bytes';
import type { JsonValue } from '../../../src/shared/k8s';
import { fixtureBytes, k8sFixture, k8sFixtures, pbField, pbString, syntheticConfigMap } from '../../support/k8s-values';

const fixtures = k8sFixtures;
const bytesOf = fixtureBytes;
const fixture = k8sFixture;
const configMap = syntheticConfigMap;
const field = pbField;
const str = pbString;

afterAll(() => stopK8sWorker());

describe('k8s:decode (decodeForView)', () => {
  it('decodes a small value inline and sets resourceVersion to the mod revision', async () => {
    const pod = fixture('/registry/pods/default/web-0');
    let thread: number | undefined;
    const d = await decodeForView({ value: fromUint8(bytesOf(pod)), modRevision: 4242 }, { onThread: (t) => (thread = t) });
    expect(thread).toBeUndefined();
    expect(d.kind).toBe('object');
    if (d.kind !== 'object') return;
    expect(d.objectKind).toBe('Pod');
    expect(d.schemaTag).toBe('v0.36.3');
    expect(d.resourceVersionFromModRevision).toBe(true);
    const metadata = (d.object as { metadata: Record<string, JsonValue> }).metadata;
    expect(metadata.resourceVersion).toBe('4242');
    expect(Object.keys(metadata)).toEqual([...Object.keys(metadata)].sort());
    // Everything else is what kubectl prints for the stored bytes.
    const { resourceVersion: _rv, ...rest } = metadata;
    const expectedMeta = { ...((pod.expected as { metadata: Record<string, JsonValue> }).metadata as Record<string, JsonValue>) };
    delete expectedMeta.resourceVersion;
    expect(rest).toEqual(expectedMeta);
  });

  it('without a mod revision leaves the object as stored', async () => {
    const d = await decodeForView({ value: fromUint8(bytesOf(fixture('/registry/namespaces/shop'))) });
    expect(d.kind === 'object' && d.resourceVersionFromModRevision).toBe(false);
    expect(d.kind === 'object' && (d.object as { metadata: Record<string, unknown> }).metadata.resourceVersion).toBeUndefined();
  });

  it('a custom resource (JSON) gets its keys sorted and resourceVersion from the mod revision', async () => {
    const cr = '{"kind":"Widget","apiVersion":"example.com/v1","spec":{"size":3,"color":"red"},"metadata":{"resourceVersion":"","name":"w1"}}';
    const d = await decodeForView({ value: { encoding: 'utf8', data: cr }, modRevision: 77 });
    expect(d).toEqual({
      kind: 'json',
      resourceVersionFromModRevision: true,
      object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', resourceVersion: '77' }, spec: { color: 'red', size: 3 } },
    });
    expect(JSON.stringify(d.kind === 'json' && d.object)).toBe('{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1","resourceVersion":"77"},"spec":{"color":"red","size":3}}');
  });

  it('encrypted, truncated and unknown-kind values come back as such (the tag on unknown kinds)', async () => {
    const enc = await decodeForView({ value: fromUint8(bytesOf(fixture('/registry/secrets/shop/stripe-api-key'))), modRevision: 5 });
    expect(enc).toEqual({ kind: 'encrypted', provider: 'aescbc', keyName: 'key1' });
    const truncated = await decodeForView({ value: fromUint8(bytesOf(fixture('/registry/pods/default/web-0')).subarray(0, 100)), modRevision: 5 });
    expect(truncated.kind).toBe('error');
    expect(truncated.kind === 'error' && truncated.message).toMatch(/at byte \d+/);
    const unknown = Buffer.concat([
      Buffer.from('k8s\0', 'latin1'),
      field(1, Buffer.concat([str(1, 'example.com/v9'), str(2, 'Gadget')])),
      field(2, Buffer.concat([str(1, 'hello'), Buffer.from([0x10, 0x2a])])),
    ]);
    const u = await decodeForView({ value: fromUint8(new Uint8Array(unknown)) });
    expect(u).toEqual({
      kind: 'unknown-kind',
      apiVersion: 'example.com/v9',
      objectKind: 'Gadget',
      schemaTag: 'v0.36.3',
      fields: [
        { field: 1, wireType: 2, value: Buffer.from('hello').toString('base64'), text: 'hello' },
        { field: 2, wireType: 0, value: '42' },
      ],
    });
  });

  it('decodes a value above the threshold in the worker thread, with the same answer as inline', async () => {
    const pod = bytesOf(fixture('/registry/pods/default/web-0'));
    const threads: number[] = [];
    const viaWorker = await decodeForView({ value: fromUint8(pod), modRevision: 9 }, { threshold: 100, onThread: (t) => threads.push(t) });
    const inline = await decodeForView({ value: fromUint8(pod), modRevision: 9 });
    expect(threads).toHaveLength(1);
    expect(threads[0]).not.toBe(mainThreadId);
    expect(threads[0]).toBe(k8sWorker().threadId);
    expect(viaWorker).toEqual(inline);
  });

  it('a 1 MB ConfigMap (above K8S_WORKER_THRESHOLD) goes through the worker; prints the decode times', async () => {
    const big = configMap('big', 1000, 1024);
    expect(big.length).toBeGreaterThan(1_000_000);
    const threads: number[] = [];
    let started = performance.now();
    const d = await decodeForView({ value: fromUint8(big), modRevision: 3 }, { onThread: (t) => threads.push(t) });
    const workerMs = performance.now() - started;
    expect(threads[0]).not.toBe(mainThreadId);
    expect(d.kind).toBe('object');
    const data = (d.kind === 'object' ? d.object : {}) as { data: Record<string, string> };
    expect(Object.keys(data.data)).toHaveLength(1000);
    expect(data.data['key-00999']).toBe('l'.repeat(1024));

    const largest = fixtures.reduce((a, b) => (b.valueBase64.length > a.valueBase64.length ? b : a));
    started = performance.now();
    await decodeForView({ value: fromUint8(bytesOf(largest)), modRevision: 3 });
    const fixtureMs = performance.now() - started;
    started = performance.now();
    await decodeForView({ value: fromUint8(big), modRevision: 3 }, { threshold: Infinity });
    const inlineMs = performance.now() - started;
    // How long main's event loop is held at most: the largest gap between 1 ms timer ticks while
    // the same value decodes in the worker (warm) and inline.
    const longestStall = async (run: () => Promise<unknown>): Promise<number> => {
      let last = performance.now();
      let worst = 0;
      const tick = setInterval(() => {
        const now = performance.now();
        worst = Math.max(worst, now - last);
        last = now;
      }, 1);
      try {
        await run();
      } finally {
        clearInterval(tick);
      }
      return Math.max(worst, performance.now() - last);
    };
    const value = fromUint8(big); // as the request arrives over IPC
    const stallWorker = await longestStall(() => decodeForView({ value, modRevision: 3 }));
    const stallInline = await longestStall(() => decodeForView({ value, modRevision: 3 }, { threshold: Infinity }));
    console.log(
      `[k8s-decode] largest fixture ${largest.kind} (${bytesOf(largest).length} B) inline: ${fixtureMs.toFixed(2)} ms; ` +
        `synthetic ConfigMap (${big.length} B) via worker: ${workerMs.toFixed(1)} ms (first use starts the worker), inline: ${inlineMs.toFixed(1)} ms; ` +
        `longest event-loop stall on main while decoding it: via worker ${stallWorker.toFixed(1)} ms, inline ${stallInline.toFixed(1)} ms`,
    );
  });

  it('a decode past its deadline is stopped with a clear TIMEOUT, and the next decode works on a fresh worker', async () => {
    const w = new K8sWorker();
    try {
      const big = configMap('big', 1000, 1024);
      const first = await w.run('decode', { value: big.slice() });
      const err = await w.run('decode', { value: big.slice() }, { deadlineMs: 1 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppFailure);
      expect((err as AppFailure).error.code).toBe('TIMEOUT');
      expect((err as AppFailure).error.message).toMatch(/took longer than 0\.001 s, so it was stopped/);
      const next = await w.run('decode', { value: big.slice(0, 2000) });
      expect(next.value.kind).toBe('error'); // cut short: decoded (as an error value), by a new thread
      expect(next.threadId).not.toBe(first.threadId);
    } finally {
      await w.close();
    }
  });

  it('a worker that dies (out of memory) fails that decode in words, and the next decode works', async () => {
    const w = new K8sWorker({ resourceLimits: { maxOldGenerationSizeMb: 48 } });
    try {
      const huge = configMap('huge', 60_000, 1024);
      const err = await w.run('decode', { value: huge }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppFailure);
      expect((err as AppFailure).error.code).toBe('INTERNAL');
      expect((err as AppFailure).error.message).toMatch(/ran out of memory on this value and was restarted/);
      const next = await w.run('decode', { value: configMap('small', 2, 10) });
      expect(next.value.kind).toBe('object');
    } finally {
      await w.close();
    }
  });

  it('queues requests and answers each with its own result, in order', async () => {
    const w = new K8sWorker();
    try {
      const values = [configMap('a', 1, 1), bytesOf(fixture('/registry/secrets/shop/stripe-api-key')), configMap('c', 3, 2)];
      const answers = await Promise.all(values.map((value) => w.run('decode', { value })));
      expect(answers.map((a) => a.value.kind)).toEqual(['object', 'encrypted', 'object']);
      expect(new Set(answers.map((a) => a.threadId)).size).toBe(1);
    } finally {
      await w.close();
    }
  });

  it('k8s:encode of a large object runs in the worker: the same answer as inline, and its refusals keep their code and words', async () => {
    const data = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`key-${i}`, 'v'.repeat(200)]));
    const original = encodeK8sObject('v1', 'ConfigMap', { metadata: { name: 'big', namespace: 'default' }, data });
    const threads: number[] = [];
    const inline = await encodeForEdit({ original: fromUint8(original), edited: 'x: 1' }, { threshold: Infinity }).catch((e: unknown) => e);
    const viaWorker = await encodeForEdit({ original: fromUint8(original), edited: 'x: 1' }, { threshold: 100 }).catch((e: unknown) => e);
    // An unknown top-level field: refused with the path, by both.
    expect(inline).toBeInstanceOf(AppFailure);
    expect(viaWorker).toBeInstanceOf(AppFailure);
    expect((viaWorker as AppFailure).error).toEqual((inline as AppFailure).error);
    expect((viaWorker as AppFailure).error.code).toBe('INVALID_ARGUMENT');

    const shown = await decodeForView({ value: fromUint8(original) }, { threshold: Infinity });
    if (shown.kind !== 'object') throw new Error(shown.kind);
    const edited = JSON.stringify({ ...(shown.object as Record<string, JsonValue>), data: { only: 'one' } });
    const a = await encodeForEdit({ original: fromUint8(original), edited }, { threshold: Infinity });
    const b = await encodeForEdit({ original: fromUint8(original), edited }, { threshold: 100, onThread: (t) => threads.push(t) });
    expect(threads).toHaveLength(1);
    expect(threads[0]).not.toBe(mainThreadId);
    expect(b).toEqual(a);
    expect(a.unchanged).toBe(false);
  });

  it('a worker whose script does not load (a packaged app without worker support): decode and encode run inline, once told', async () => {
    const broken = new K8sWorker({ entry: { file: '/nonexistent/k8s-decode-worker.js' } });
    try {
      const pod = bytesOf(fixture('/registry/pods/default/web-0'));
      const threads: number[] = [];
      const viaBroken = await decodeForView({ value: fromUint8(pod), modRevision: 9 }, { threshold: 100, worker: broken, onThread: (t) => threads.push(t) });
      const inline = await decodeForView({ value: fromUint8(pod), modRevision: 9 }, { threshold: Infinity });
      expect(viaBroken).toEqual(inline);
      expect(threads).toEqual([]);
      // Known unavailable from now on: no new thread is tried.
      await expect(broken.run('decode', { value: pod })).rejects.toBeInstanceOf(K8sWorkerUnavailable);
      const edited = await encodeForEdit({ original: fromUint8(pod), edited: 'apiVersion: v1\nkind: Pod\n' }, { threshold: 100, worker: broken }).catch((e: unknown) => e);
      expect(edited).toMatchObject({ unchanged: false });
    } finally {
      await broken.close();
    }
  });
});

