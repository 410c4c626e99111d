import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { decodeK8sValue, schema, type JsonValue, type MessageEntry } from '../../../src/main/core/k8s/decode';
import { encodeK8sObject, goJson, K8sEncodeError, parseGoDuration, parseRfc3339 } from '../../../src/main/core/k8s/encode';
import { formatGoDuration } from '../../../src/main/core/k8s/decode';

interface Fixture {
  key: string;
  valueBase64: string;
  expected: JsonValue;
  kind: string;
}

const fixtures = JSON.parse(readFileSync(join(__dirname, '../../fixtures/k8s/fixtures.json'), 'utf8')) as Fixture[];
const decodable = fixtures.filter((f) => f.expected !== null);

function decodeObject(bytes: Uint8Array) {
  const r = decodeK8sValue(bytes);
  if (r.kind !== 'object') throw new Error(`expected an object, got ${r.kind}`);
  expect(r.unknownFields).toEqual([]);
  return r;
}

function firstDiff(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

type Container = { [key: string]: JsonValue } | JsonValue[];
const parts = (path: string) => path.match(/[^.[\]]+/g) ?? [];

function get(v: JsonValue, path: string): JsonValue {
  for (const p of parts(path)) v = (v as Record<string, JsonValue>)[p];
  return v;
}

/** A copy of `o` with the value at each path (e.g. "spec.containers[0].image") replaced. */
function withChanges(o: JsonValue, changes: Record<string, JsonValue>): JsonValue {
  const copy = structuredClone(o);
  for (const [path, value] of Object.entries(changes)) {
    const ps = parts(path);
    const parent = get(copy, ps.slice(0, -1).join('.')) as Container;
    (parent as Record<string, JsonValue>)[ps[ps.length - 1]] = value;
  }
  return copy;
}

function problemsOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof K8sEncodeError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a K8sEncodeError');
}

describe('k8s encoder: the reference values', () => {
  it('has the six decodable fixtures to check', () => {
    expect(decodable.map((f) => f.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Namespace', 'Pod', 'Secret', 'Service']);
  });

  for (const f of decodable) {
    it(`${f.kind} re-encodes byte for byte from what it decodes to`, () => {
      const stored = new Uint8Array(Buffer.from(f.valueBase64, 'base64'));
      const d = decodeObject(stored);
      const again = encodeK8sObject(d.apiVersion, d.objectKind, d.object);
      expect(firstDiff(again, stored)).toBe(-1);
    });
  }
});

// ---- an object per kind of the table, every field set, values derived from the schema ----

interface Values {
  string(name: string): string;
  int(type: string): number;
  bool(): boolean;
}

const fixedValues: Values = {
  string: (name) => `${name || 'item'}Value`,
  int: (type) => (type === 'int64' ? 1234567890123 : 7),
  bool: () => true,
};

function generate(msgName: string, values: Values, stack: string[] = []): JsonValue {
  const msg = schema.messages[msgName];
  if (msg.special) return special(msg.special);
  if (msg.wrapper) return [values.string('a'), values.string('b')];
  const out: Record<string, JsonValue> = {};
  fill(out, msg, values, [...stack, msgName]);
  return out;
}

function special(kind: string): JsonValue {
  switch (kind) {
    case 'time':
      return '2008-01-01T01:01:01Z';
    case 'microtime':
      return '2008-01-01T01:01:01.123456Z';
    case 'duration':
      return '1h2m3.5s';
    case 'quantity':
      return '1500m';
    case 'intOrString':
      return 'http';
    case 'fieldsV1':
      return { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } };
    case 'rawExtension':
      return { apiVersion: 'example.com/v1', kind: 'Widget', spec: { size: 3, note: '<a&b>' } };
    default:
      throw new Error(kind);
  }
}

function fill(out: Record<string, JsonValue>, msg: MessageEntry, values: Values, stack: string[]): void {
  for (const e of Object.values(msg.fields)) {
    if (e.inline) {
      fill(out, schema.messages[e.ref as string], values, stack);
      continue;
    }
    // A recursive type (JSONSchemaProps) stops where Go allows nil: pointers, lists, maps.
    const ref = e.ref ?? e.map?.ref;
    if (ref && (stack.includes(ref) || stack.length > 8) && (e.pointer || e.repeated || e.map)) {
      // left nil: printed as null unless omitempty
      if (!e.omitempty) out[e.name] = null;
      continue;
    }
    const one = (): JsonValue => {
      if (e.type === 'message') return generate(e.ref as string, values, stack);
      if (e.type === 'string') return values.string(e.name);
      if (e.type === 'bool') return values.bool();
      if (e.type === 'bytes') return Buffer.from(values.string(e.name)).toString('base64');
      return values.int(e.type);
    };
    if (e.map) {
      const v = e.map.value === 'message' ? generate(e.map.ref as string, values, stack) : e.map.value === 'bytes' ? Buffer.from('v').toString('base64') : values.string(e.name);
      out[e.name] = { [`${e.name}Key`]: v, [`${e.name}Key2`]: v };
    } else if (e.repeated) out[e.name] = [one(), one()];
    else out[e.name] = one();
  }
}

const kinds = Object.entries(schema.kinds).sort(([a], [b]) => a.localeCompare(b));

describe('k8s encoder: an object per kind with every field set', () => {
  it.each(kinds)('%s survives encode → decode → encode byte for byte', (apiKind, msgName) => {
    const slash = apiKind.lastIndexOf('/');
    const [apiVersion, kind] = [apiKind.slice(0, slash), apiKind.slice(slash + 1)];
    const object = generate(msgName, fixedValues) as Record<string, JsonValue>;
    const first = encodeK8sObject(apiVersion, kind, { apiVersion, kind, ...object });
    const d = decodeObject(first);
    // every field was set to a non-empty value, so the decoder prints exactly what was generated
    expect(d.object).toEqual({ apiVersion, kind, ...object });
    expect(firstDiff(encodeK8sObject(apiVersion, kind, d.object), first)).toBe(-1);
  });

  it('with random strings, integers and booleans (property)', () => {
    const sample = kinds.filter((_, i) => i % 7 === 0);
    fc.assert(
      fc.property(fc.constantFrom(...sample), fc.string(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.maxSafeInteger(), fc.boolean(), ([apiKind, msgName], s, i32, i64, b) => {
        const slash = apiKind.lastIndexOf('/');
        const [apiVersion, kind] = [apiKind.slice(0, slash), apiKind.slice(slash + 1)];
        const object = generate(msgName, { string: (name) => `${name}${s}`, int: (t) => (t === 'int64' ? i64 : i32), bool: () => b });
        const first = encodeK8sObject(apiVersion, kind, { ...(object as Record<string, JsonValue>), apiVersion, kind });
        const d = decodeObject(first);
        expect(firstDiff(encodeK8sObject(apiVersion, kind, d.object), first)).toBe(-1);
      }),
      { numRuns: 60, seed: 14 },
    );
  });
});

describe('k8s encoder: what it refuses, by path', () => {
  const pod = decodeObject(new Uint8Array(Buffer.from(fixtures.find((f) => f.kind === 'Pod')!.valueBase64, 'base64')));
  const deployment = decodeObject(new Uint8Array(Buffer.from(fixtures.find((f) => f.kind === 'Deployment')!.valueBase64, 'base64')));
  const edit = withChanges;

  it('an unknown field', () => {
    const bad = edit(pod.object, { 'spec.containers[0].imag': get(pod.object, 'spec.containers[0].image') });
    expect(problemsOf(() => encodeK8sObject('v1', 'Pod', bad))).toEqual([{ path: 'spec.containers[0].imag', message: 'unknown field' }]);
  });

  it('a string where an integer is', () => {
    const bad = edit(deployment.object, { 'spec.replicas': 'three' });
    const [p] = problemsOf(() => encodeK8sObject('apps/v1', 'Deployment', bad));
    expect(p.path).toBe('spec.replicas');
    expect(p.message).toMatch(/^expected an integer \(int32\)/);
  });

  it('an object where a list is, and a list where an object is', () => {
    const bad = edit(pod.object, { 'spec.containers': { name: 'x' }, 'metadata.labels': ['a'] });
    const problems = problemsOf(() => encodeK8sObject('v1', 'Pod', bad));
    expect(problems.map((p) => p.path)).toEqual(['metadata.labels', 'spec.containers']);
    expect(problems[0].message).toMatch(/^expected an object \(a map\)/);
    expect(problems[1].message).toMatch(/^expected a list/);
  });

  it('a bad time, a bad quantity and an int32 out of range', () => {
    const bad = edit(pod.object, {
      'metadata.creationTimestamp': '2024-02-30T10:00:00Z',
      'spec.containers[0].resources': { limits: { cpu: '12 cores' } },
      'spec.terminationGracePeriodSeconds': 2 ** 40,
    });
    const problems = problemsOf(() => encodeK8sObject('v1', 'Pod', bad));
    expect(problems.map((p) => p.path)).toEqual(['metadata.creationTimestamp', 'spec.containers[0].resources.limits.cpu']);
    expect(problems[0].message).toMatch(/RFC 3339/);
    expect(problems[1].message).toMatch(/quantity/);
    expect(problemsOf(() => encodeK8sObject('v1', 'Pod', edit(pod.object, { 'metadata.creationTimestamp': '2024-02-01T10:00:00.5Z' })))[0]).toEqual({
      path: 'metadata.creationTimestamp',
      message: 'this time keeps whole seconds only: remove the fraction',
    });
    const big = edit(deployment.object, { 'spec.replicas': 2 ** 31 });
    expect(problemsOf(() => encodeK8sObject('apps/v1', 'Deployment', big))[0]).toMatchObject({ path: 'spec.replicas', message: expect.stringMatching(/out of range for int32/) });
  });

  it('an integer JSON numbers cannot hold exactly', () => {
    const bad = edit(pod.object, { 'metadata.generation': 2 ** 60 });
    expect(problemsOf(() => encodeK8sObject('v1', 'Pod', bad))[0].path).toBe('metadata.generation');
  });

  it('any JSON anywhere is encoded or refused by path, never a crash (property)', () => {
    const places = ['spec.containers[0].image', 'spec.containers[0].ports', 'spec.containers[0].resources', 'spec.containers[0].livenessProbe', 'metadata.labels', 'metadata.ownerReferences', 'spec.securityContext', 'spec.volumes[0]', 'spec.affinity', 'spec.overhead', 'metadata.managedFields[0].fieldsV1', 'status.startTime'];
    fc.assert(
      fc.property(fc.constantFrom(...places), fc.jsonValue({ maxDepth: 3 }), (place, value) => {
        const changed = edit(pod.object, { [place]: value as JsonValue });
        try {
          const bytes = encodeK8sObject('v1', 'Pod', changed);
          expect(decodeK8sValue(bytes).kind).toBe('object');
        } catch (e) {
          expect(e).toBeInstanceOf(K8sEncodeError);
          expect((e as K8sEncodeError).problems[0].path.startsWith(place.split('[')[0].split('.')[0])).toBe(true);
        }
      }),
      { numRuns: 400, seed: 14 },
    );
  });

  it('a changed kind or a kind the table does not know', () => {
    expect(problemsOf(() => encodeK8sObject('v1', 'Pod', { ...(pod.object as object), kind: 'Service' }))[0]).toEqual({ path: 'kind', message: 'must stay "Pod"' });
    expect(problemsOf(() => encodeK8sObject('example.com/v1', 'Gizmo', {}))[0].message).toMatch(/does not know Gizmo/);
  });
});

describe('k8s encoder: the Go rules it reverses', () => {
  it('RFC 3339 times as Go parses them (offsets, fractions, years before 1970)', () => {
    expect(parseRfc3339('1970-01-01T00:00:00Z', false)).toEqual({ seconds: 0n, nanos: 0 });
    expect(parseRfc3339('2024-03-01T02:00:00+02:00', false)).toEqual({ seconds: 1709251200n, nanos: 0 });
    expect(parseRfc3339('0001-01-01T00:00:00Z', false)).toEqual({ seconds: -62135596800n, nanos: 0 });
    expect(parseRfc3339('2024-03-01T00:00:00.123456Z', true)).toEqual({ seconds: 1709251200n, nanos: 123456000 });
    expect(parseRfc3339('2024-03-01T00:00:00Z', true)).toBeUndefined();
    expect(parseRfc3339('2023-02-29T00:00:00Z', false)).toBeUndefined();
    expect(parseRfc3339('2024-03-01 00:00:00Z', false)).toBeUndefined();
  });

  it("durations as Go's ParseDuration reads what Duration.String writes", () => {
    for (const n of [0n, 1n, 999n, 1500n, 1_500_000n, 1_000_000_000n, 3_723_500_000_000n, -90_000_000_000n, 9_223_372_036_854_775_807n]) {
      expect(parseGoDuration(formatGoDuration(n))).toBe(n);
    }
    expect(parseGoDuration('1.5h')).toBe(5_400_000_000_000n);
    expect(parseGoDuration('1')).toBeUndefined();
    expect(parseGoDuration('1d')).toBeUndefined();
  });

  it("JSON as Go's encoding/json writes it", () => {
    expect(goJson({ b: '<a&b>', a: 'line\n\u2028\u0001', n: [1, 0.5, -0, 1e21] }, true)).toBe('{"a":"line\\n\\u2028\\u0001","b":"\\u003ca\\u0026b\\u003e","n":[1,0.5,-0,1e+21]}');
    expect(goJson({ z: 1, a: 2 }, false)).toBe('{"z":1,"a":2}');
  });

  it('IntOrString numbers and strings, Quantity in its canonical form, null as the zero value', () => {
    const svc = (targetPort: JsonValue, extra: Record<string, JsonValue> = {}) =>
      encodeK8sObject('v1', 'Service', { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort }], ...extra } });
    expect(get(decodeObject(svc(8080)).object, 'spec.ports[0].targetPort')).toBe(8080);
    expect(get(decodeObject(svc('http')).object, 'spec.ports[0].targetPort')).toBe('http');
    const cpu = (v: JsonValue) => get(decodeObject(encodeK8sObject('v1', 'Pod', { spec: { containers: [{ name: 'c', resources: { limits: { cpu: v } } }] } })).object, 'spec.containers[0].resources.limits.cpu');
    expect(cpu('0.5')).toBe('500m');
    expect(cpu(2)).toBe('2');
    // null leaves a non-pointer field at its zero value, as Go's encoding/json does
    expect(firstDiff(svc(8080, { clusterIP: null }), svc(8080, { clusterIP: '' }))).toBe(-1);
  });
});

describe('k8s encoder: time for a large object', () => {
  it('encodes a 1 MB ConfigMap (printed for the report)', () => {
    const data: Record<string, JsonValue> = {};
    for (let i = 0; i < 1024; i++) data[`key-${String(i).padStart(4, '0')}`] = 'x'.repeat(1000);
    const object = { metadata: { name: 'big', namespace: 'default', labels: { app: 'big' } }, data };
    const started = performance.now();
    const bytes = encodeK8sObject('v1', 'ConfigMap', object);
    const ms = performance.now() - started;
    console.log(`1 MB encode: ${bytes.length} bytes in ${ms.toFixed(1)} ms`);
    expect(bytes.length).toBeGreaterThan(1_000_000);
    expect(decodeObject(bytes).object).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', ...object });
  });
});

describe('legacy fields and storage versions', () => {
  it("PodSpec's deprecated serviceAccount is kept beside serviceAccountName, both ways", () => {
    const pod = { metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }], serviceAccount: 'old', serviceAccountName: 'new' } };
    const bytes = encodeK8sObject('v1', 'Pod', pod);
    const spec = get(decodeObject(bytes).object, 'spec') as Record<string, JsonValue>;
    expect(spec.serviceAccount).toBe('old');
    expect(spec.serviceAccountName).toBe('new');
    expect(Buffer.from(encodeK8sObject('v1', 'Pod', decodeObject(bytes).object)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('an extensions/v1beta1 Ingress keeps its legacy spec.backend (spec.defaultBackend since networking.k8s.io/v1)', () => {
    const ing = { metadata: { name: 'web', namespace: 'shop' }, spec: { backend: { serviceName: 'web', servicePort: 80 } } };
    const bytes = encodeK8sObject('extensions/v1beta1', 'Ingress', ing);
    const decoded = decodeK8sValue(bytes);
    expect(decoded).toMatchObject({ kind: 'object', apiVersion: 'extensions/v1beta1', objectKind: 'Ingress' });
    expect(get(decodeObject(bytes).object, 'spec.backend')).toEqual({ serviceName: 'web', servicePort: 80 });
    expect(problemsOf(() => encodeK8sObject('networking.k8s.io/v1', 'Ingress', ing))[0]?.path).toBe('spec.backend');
  });
});
