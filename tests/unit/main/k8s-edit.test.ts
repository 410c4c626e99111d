import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { text, toUint8, type Bytes } from '../../../src/shared/bytes';
import { AppFailure } from '../../../src/main/core/etcd/errors';
import { decodeK8sValue, type JsonValue } from '../../../src/main/core/k8s/decode';
import { encodeK8sObject, rawJsonKey } from '../../../src/main/core/k8s/encode';
import { encodeForEdit as encodeEdited } from '../../../src/main/core/k8s/decode-service';
import { reencodeEdited } from '../../../src/main/core/k8s/edit';

interface Fixture {
  valueBase64: string;
  expected: JsonValue;
  kind: string;
}

const fixtures = JSON.parse(readFileSync(join(__dirname, '../../fixtures/k8s/fixtures.json'), 'utf8')) as Fixture[];
const stored = (kind: string, encrypted = false) =>
  new Uint8Array(Buffer.from(fixtures.find((f) => f.kind === kind && (f.expected === null) === encrypted)!.valueBase64, 'base64'));
const asBase64 = (b: Uint8Array): Bytes => ({ encoding: 'base64', data: Buffer.from(b).toString('base64') });

function decoded(bytes: Uint8Array): { [key: string]: JsonValue } {
  const r = decodeK8sValue(bytes);
  if (r.kind !== 'object' && r.kind !== 'json') throw new Error(`expected an object, got ${r.kind}`);
  return structuredClone(r.object) as { [key: string]: JsonValue };
}

/** What the view shows: the object with the key's mod revision as resourceVersion. */
function asShown(bytes: Uint8Array, modRevision = 4711): { [key: string]: JsonValue } {
  const o = decoded(bytes);
  (o.metadata as { [key: string]: JsonValue }).resourceVersion = String(modRevision);
  return o;
}

async function refusal(original: Uint8Array, edited: string): Promise<AppFailure> {
  try {
    await encodeEdited({ original: asBase64(original), edited });
  } catch (e) {
    if (e instanceof AppFailure) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('k8s:encode', () => {
  it('the unchanged object as YAML gives the original bytes, whatever resourceVersion the view showed', async () => {
    for (const kind of ['Pod', 'ConfigMap', 'Secret', 'Service', 'Deployment', 'Namespace']) {
      const original = stored(kind);
      const r = await encodeEdited({ original: asBase64(original), edited: stringify(asShown(original)) });
      expect(r.unchanged).toBe(true);
      expect(r.changes).toEqual([]);
      expect(Buffer.from(toUint8(r.value)).equals(Buffer.from(original))).toBe(true);
      expect(r.size).toBe(original.length);
      expect(r.originalSize).toBe(original.length);
    }
  });

  it('JSON text is YAML too', async () => {
    const original = stored('ConfigMap');
    const r = await encodeEdited({ original: asBase64(original), edited: JSON.stringify(asShown(original), null, 2) });
    expect(r.unchanged).toBe(true);
  });

  it('a label change gives the changed bytes and a small list of changes', async () => {
    const original = stored('Deployment');
    const shown = asShown(original);
    const metadata = shown.metadata as { [key: string]: JsonValue };
    metadata.labels = { ...(metadata.labels as object), team: 'blue' };
    const r = await encodeEdited({ original: asBase64(original), edited: stringify(shown) });
    expect(r.unchanged).toBe(false);
    const value = toUint8(r.value);
    expect(r.size).toBe(value.length);
    const after = decoded(value);
    expect((after.metadata as { labels: Record<string, string> }).labels.team).toBe('blue');
    // everything else as stored (resourceVersion included: the stored one, not the view's)
    const expected = decoded(original);
    (expected.metadata as { labels: Record<string, string> }).labels.team = 'blue';
    expect(after).toEqual(expected);
    // the new label entry plus the length prefixes of metadata and raw
    const entry = Buffer.from([0x5a, 0x0c, 0x0a, 0x04, ...Buffer.from('team'), 0x12, 0x04, ...Buffer.from('blue')]).toString('hex');
    expect(r.changes.some((c) => c.added === entry && c.removedLength === 0)).toBe(true);
    expect(r.changes.length).toBeLessThanOrEqual(4);
    expect(r.changes.reduce((n, c) => n + c.addedLength + c.removedLength, 0)).toBeLessThanOrEqual(20);
    // the changes turn the original into the new value
    const rebuilt: number[] = [];
    let pos = 0;
    for (const c of r.changes) {
      rebuilt.push(...original.subarray(pos, c.offset), ...Buffer.from(c.added, 'hex'));
      pos = c.offset + c.removedLength;
    }
    rebuilt.push(...original.subarray(pos));
    expect(Buffer.from(rebuilt).equals(Buffer.from(value))).toBe(true);
  });

  it('the value comes back as text when it is UTF-8, base64 otherwise', async () => {
    const cr = Buffer.from('{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":3}}\n');
    const r = await encodeEdited({ original: asBase64(cr), edited: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 4}\n' });
    expect(r.value).toEqual(text('{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":4}}\n'));
    const pod = stored('Pod');
    const r2 = await encodeEdited({ original: asBase64(pod), edited: stringify(asShown(pod)) });
    expect(r2.value.encoding).toBe('base64');
  });

  it('custom resources: sorted keys, Go escapes, the trailing newline as stored', async () => {
    const cr = Buffer.from('{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","resourceVersion":""},"spec":{"a":"\\u003cb\\u003e","z":1}}\n');
    const same = reencodeEdited(cr, 'kind: Widget\napiVersion: example.com/v1\nmetadata: {name: w, resourceVersion: "99"}\nspec: {z: 1, a: <b>}\n');
    expect(same.unchanged).toBe(true);
    const noNewline = cr.subarray(0, cr.length - 1);
    expect(reencodeEdited(noNewline, 'kind: Widget\napiVersion: example.com/v1\nmetadata: {name: w}\nspec: {z: 1, a: <b>}\n').unchanged).toBe(true);
  });

  it('FieldsV1 keeps its stored bytes when untouched, even if not as Go would write them', () => {
    const fields = Buffer.from('{ "f:metadata" : {"f:labels":{}, "f:annotations":{}} }');
    const original = encodeK8sObject('v1', 'ConfigMap', { metadata: { name: 'c', managedFields: [{ manager: 'm', fieldsType: 'FieldsV1', fieldsV1: { placeholder: true } }] } }, undefined, {
      rawBytes: new Map([[rawJsonKey({ placeholder: true }), fields]]),
    });
    expect(Buffer.from(original).includes(fields)).toBe(true);
    const shown = decoded(original);
    const metadata = shown.metadata as { [key: string]: JsonValue };
    metadata.labels = { a: 'b' };
    // the view may order keys differently: the same FieldsV1 still keeps its bytes
    const entry = (metadata.managedFields as { [key: string]: JsonValue }[])[0];
    entry.fieldsV1 = { 'f:metadata': { 'f:annotations': {}, 'f:labels': {} } };
    const r = reencodeEdited(original, stringify(shown));
    expect(Buffer.from(toUint8(r.value)).includes(fields)).toBe(true);
    // a changed FieldsV1 is written as Go writes JSON
    entry.fieldsV1 = { 'f:metadata': { 'f:labels': { 'f:a': {} } } };
    expect(Buffer.from(toUint8(reencodeEdited(original, stringify(shown)).value)).includes('{"f:metadata":{"f:labels":{"f:a":{}}}}')).toBe(true);
    expect(decoded(toUint8(r.value)).metadata).toMatchObject({ labels: { a: 'b' } });
  });

  it('refuses encrypted values', async () => {
    const e = await refusal(stored('Secret', true), 'kind: Secret\n');
    expect(e.error.code).toBe('INVALID_ARGUMENT');
    expect(e.error.message).toMatch(/encrypted/);
  });

  it('refuses an original that does not re-encode to the same bytes, saying where', async () => {
    // a second contentType after the envelope: decodes the same, but is not what Kubernetes writes
    const cm = stored('ConfigMap');
    const odd = Uint8Array.from([...cm, 0x22, 0x01, 0x78]);
    const e = await refusal(odd, stringify(asShown(cm)));
    expect(e.error.code).toBe('INVALID_ARGUMENT');
    expect(e.error.message).toMatch(`does not re-encode to the same bytes (first difference at byte ${cm.length})`);
    // and a non-canonical quantity (kubectl prints 500m, stored 0.5)
    const pod = encodeK8sObject('v1', 'Pod', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', resources: { limits: { cpu: '500m' } } }] } });
    const at = Buffer.from(pod).indexOf('500m');
    const oddPod = Uint8Array.from([...pod.subarray(0, at), ...Buffer.from('0.5m').subarray(0, 4), ...pod.subarray(at + 4)]);
    expect(decodeK8sValue(oddPod).kind).toBe('object');
    expect((await refusal(oddPod, stringify(decoded(oddPod)))).error.message).toMatch(/first difference at byte \d+/);
  });

  it('refuses unknown kinds and undecodable values', async () => {
    const gizmo = Uint8Array.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x17, 0x0a, 0x0e, ...Buffer.from('example.com/v9'), 0x12, 0x05, ...Buffer.from('Gizmo'), 0x12, 0x00]);
    expect((await refusal(gizmo, 'kind: Gizmo\n')).error.message).toMatch(/does not know Gizmo in example.com\/v9/);
    const cut = stored('Pod').subarray(0, 100);
    expect((await refusal(cut, 'kind: Pod\n')).error.message).toMatch(/does not decode \(cannot decode: .* at byte \d+\)/);
  });

  it('refuses changing apiVersion or kind', async () => {
    const original = stored('ConfigMap');
    const shown = asShown(original);
    const e = await refusal(original, stringify({ ...shown, kind: 'Secret' }));
    expect(e.error.message).toMatch(/^kind must stay "ConfigMap"/);
    expect(e.error.details?.field).toBe('kind');
    expect((await refusal(original, stringify({ ...shown, apiVersion: 'v2' }))).error.message).toMatch(/^apiVersion must stay "v1"/);
  });

  it('YAML syntax errors say line and column', async () => {
    const e = await refusal(stored('ConfigMap'), 'apiVersion: v1\nkind: ConfigMap\ndata: [a,\n b: c\n');
    expect(e.error.code).toBe('INVALID_ARGUMENT');
    expect(e.error.message).toMatch(/^The edited text is not valid YAML at line \d+, column \d+: /);
    expect((await refusal(stored('ConfigMap'), 'kind: ConfigMap\nkind: Secret\n')).error.message).toMatch(/at line 2, column 1: Map keys must be unique/);
    expect((await refusal(stored('ConfigMap'), '- a\n- b\n')).error.message).toMatch(/must be one object/);
  });

  it('edits with bad values are refused by path', async () => {
    const original = stored('Deployment');
    const shown = asShown(original);
    (shown.spec as { [key: string]: JsonValue }).replicas = 'three';
    const e = await refusal(original, stringify(shown));
    expect(e.error.message).toMatch(/^The edited object cannot be encoded: spec\.replicas: expected an integer \(int32\)/);
    expect(e.error.details?.field).toBe('spec.replicas');
    const decimal = await refusal(original, stringify(asShown(original)).replace(/replicas: \d+/, 'replicas: 3.0'));
    expect(decimal.error.message).toMatch(/spec\.replicas: expected an integer \(int32\), got the decimal number 3\.0/);
    // a decimal is fine where Go takes one (a quantity)
    const pod = stored('Pod');
    const withCpu = stringify(asShown(pod)).replace('cpu: 500m', 'cpu: 1.0');
    expect(withCpu).toMatch(/ cpu: 1\.0\n/);
    const containers = decoded(toUint8(reencodeEdited(pod, withCpu).value)).spec as { containers: { resources: { limits: { cpu: string } } }[] };
    expect(containers.containers[0].resources.limits.cpu).toBe('1');
    const big = await refusal(original, stringify(asShown(original)).replace(/replicas: \d+/, 'replicas: 9007199254740993'));
    expect(big.error.details?.field).toBe('spec.replicas');
    expect(big.error.message).toMatch(/larger than this editor keeps exactly/);
  });

  it('a damaged original is refused in words, never a crash (property)', () => {
    const originals = ['Pod', 'ConfigMap', 'Deployment', 'Service'].map((k) => stored(k));
    const shown = originals.map((o) => stringify(asShown(o)));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: originals.length - 1 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (which, at, byte) => {
        const damaged = originals[which].slice();
        damaged[4 + (at % (damaged.length - 4))] = byte;
        try {
          const r = reencodeEdited(damaged, shown[which]);
          // a byte that changed nothing the encoder writes differently
          expect(r.size).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(AppFailure);
          expect((e as AppFailure).error.code).toBe('INVALID_ARGUMENT');
        }
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it('time for a 1 MB object, the whole edit (printed for the report)', () => {
    const data: Record<string, string> = {};
    for (let i = 0; i < 20_000; i++) data[`key-${i}`] = `value-${i}-${'x'.repeat(32)}`;
    const original = encodeK8sObject('v1', 'ConfigMap', { metadata: { name: 'big', namespace: 'default' }, data });
    const shown = asShown(original);
    (shown.data as Record<string, string>)['key-1'] = 'changed';
    const yaml = stringify(shown);
    const started = performance.now();
    const r = reencodeEdited(original, yaml);
    const ms = performance.now() - started;
    const encodeStarted = performance.now();
    encodeK8sObject('v1', 'ConfigMap', decoded(original));
    const encodeMs = performance.now() - encodeStarted;
    console.log(`1 MB edit (${original.length} bytes, 20,000 map entries): whole k8s:encode ${ms.toFixed(0)} ms, the encode alone ${encodeMs.toFixed(0)} ms`);
    expect(original.length).toBeGreaterThan(1_000_000);
    expect(r.unchanged).toBe(false);
    // the value, and the length prefixes of its map entry, data field... and raw
    expect(r.changes.length).toBeLessThanOrEqual(6);
  });
});
