import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeK8sValue, formatGoDuration, goString, schema, type JsonValue, type SchemaTable } from '../../../src/main/core/k8s/decode';
import { canonicalQuantity } from '../../../src/main/core/k8s/quantity';

interface Fixture {
  key: string;
  valueBase64: string;
  expected: JsonValue;
  kind: string;
  note: string;
}

const fixtures = JSON.parse(readFileSync(join(__dirname, '../../fixtures/k8s/fixtures.json'), 'utf8')) as Fixture[];

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
const canonical = (v: unknown) => sortDeep(JSON.parse(JSON.stringify(v)));

// ---- a tiny protobuf writer for hand-made values ----
function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}
const vf = (field: number, n: number | bigint) => [...varint((field << 3) | 0), ...varint(n)];
const bf = (field: number, bytes: number[] | Uint8Array) => [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
const sf = (field: number, s: string) => bf(field, [...Buffer.from(s, 'utf8')]);
const envelope = (apiVersion: string, kind: string, raw: number[]) =>
  Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...bf(1, [...sf(1, apiVersion), ...sf(2, kind)]), ...bf(2, raw), ...sf(4, 'application/vnd.kubernetes.protobuf')]);

function decodeObject(bytes: Uint8Array, table?: SchemaTable): Record<string, JsonValue> {
  const r = decodeK8sValue(bytes, table);
  if (r.kind !== 'object') throw new Error(`expected an object, got ${JSON.stringify(r)}`);
  return r.object as Record<string, JsonValue>;
}

describe('k8s fixtures decode as kubectl prints them', () => {
  for (const f of fixtures) {
    it(`${f.kind} ${f.key}`, () => {
      const r = decodeK8sValue(Buffer.from(f.valueBase64, 'base64'));
      if (f.expected === null) {
        expect(r).toEqual({ kind: 'encrypted', provider: 'aescbc', keyName: 'key1' });
        return;
      }
      expect(r.kind).toBe('object');
      if (r.kind !== 'object') return;
      expect(canonical(r.object)).toEqual(canonical(f.expected));
      // Same key order as kubectl too (sorted), so the text matches byte for byte.
      expect(JSON.stringify(r.object)).toBe(JSON.stringify(f.expected));
      expect(r.unknownFields).toEqual([]);
      expect(r.objectKind).toBe(f.kind);
      expect(r.schemaTag).toBe(schema.source.tag);
    });
  }

  it('a truncated value is an error with the byte offset, never a partial object', () => {
    const pod = Buffer.from(fixtures.find((f) => f.kind === 'Pod')!.valueBase64, 'base64');
    for (const cut of [5, 20, 100, pod.length - 1]) {
      const r = decodeK8sValue(pod.subarray(0, cut));
      expect(r.kind).toBe('error');
      if (r.kind !== 'error') continue;
      expect(r.message).toMatch(/^cannot decode: .* at byte \d+$/);
      expect(r.offset).toBeGreaterThanOrEqual(4);
      expect(r.offset).toBeLessThanOrEqual(cut);
      expect(r).not.toHaveProperty('object');
    }
  });
});

describe('k8s envelope', () => {
  it('recognises encrypted values by provider and key name', () => {
    const v = Uint8Array.from([...Buffer.from('k8s:enc:secretbox:v1:my-key:'), 0xff, 0x00, 0x12]);
    expect(decodeK8sValue(v)).toEqual({ kind: 'encrypted', provider: 'secretbox', keyName: 'my-key' });
  });

  it('custom resources are JSON', () => {
    const v = Buffer.from('{"apiVersion":"example.com/v1","kind":"Widget","spec":{"size":3}}\n');
    expect(decodeK8sValue(v)).toEqual({ kind: 'json', object: { apiVersion: 'example.com/v1', kind: 'Widget', spec: { size: 3 } } });
  });

  it('a kind the table does not know comes back as raw protobuf fields', () => {
    const r = decodeK8sValue(envelope('example.com/v9', 'Gizmo', [...sf(1, 'hello'), ...vf(2, 42)]));
    expect(r).toEqual({
      kind: 'unknown-kind',
      apiVersion: 'example.com/v9',
      objectKind: 'Gizmo',
      fields: [
        { field: 1, wireType: 2, value: Buffer.from('hello').toString('base64'), text: 'hello' },
        { field: 2, wireType: 0, value: '42' },
      ],
    });
  });

  it('reports field numbers the schema does not know, with their path and bytes', () => {
    const meta = [...sf(1, 'x'), ...vf(99, 7)];
    const r = decodeK8sValue(envelope('v1', 'ConfigMap', [...bf(1, meta), ...sf(77, 'new')]));
    expect(r.kind).toBe('object');
    if (r.kind !== 'object') return;
    expect(r.object).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect(r.unknownFields).toEqual([
      { path: 'metadata', field: 99, wireType: 0, bytes: Buffer.from(vf(99, 7)).toString('base64'), offset: 28 },
      { path: '', field: 77, wireType: 2, bytes: Buffer.from(sf(77, 'new')).toString('base64'), offset: 31 },
    ]);
  });

  it('broken JSON says at which byte, and never quotes the value (it may be a secret)', () => {
    const r = decodeK8sValue(Buffer.from('  {"kind":"Widget","data":"hunter2-s3cret",}', 'utf8'));
    expect(r).toEqual({ kind: 'error', message: 'cannot decode: not valid JSON at byte 43', offset: 43 });
  });

  it('a value that is neither protobuf nor JSON is an error', () => {
    expect(decodeK8sValue(Buffer.from('hello'))).toMatchObject({ kind: 'error', offset: 0 });
  });

  it('a length that runs past the end names the field offset', () => {
    const v = Uint8Array.from([0x6b, 0x38, 0x73, 0x00, 0x12, 0x50, 0x01]);
    expect(decodeK8sValue(v)).toEqual({ kind: 'error', message: 'cannot decode: field 2 claims 80 bytes but only 1 remain at byte 4', offset: 4 });
  });
});

describe('k8s field rules', () => {
  it('metav1.Time is RFC 3339 in UTC, seconds only; the zero time is omitted (omitzero) or null', () => {
    const meta = [...sf(1, 'n'), ...bf(8, [...vf(1, 1704164645), ...vf(2, 999)])];
    // PodCondition.lastProbeTime (3) is a non-pointer Time without omitzero: zero prints null.
    const cond = [...sf(1, 'Ready'), ...sf(2, 'True')];
    const status = bf(2, cond);
    const o = decodeObject(envelope('v1', 'Pod', [...bf(1, meta), ...bf(3, status)]));
    expect((o.metadata as Record<string, JsonValue>).creationTimestamp).toBe('2024-01-02T03:04:05Z');
    const c = ((o.status as Record<string, JsonValue>).conditions as JsonValue[])[0] as Record<string, JsonValue>;
    expect(c.lastProbeTime).toBeNull();
    expect(c.lastTransitionTime).toBeNull();
    const bare = decodeObject(envelope('v1', 'Pod', bf(1, sf(1, 'n'))));
    expect(bare.metadata).toEqual({ name: 'n' });
  });

  it("Go's zero time stored as seconds (-62135596800) is the zero time too", () => {
    const cond = [...sf(1, 'Ready'), ...sf(2, 'True'), ...bf(3, vf(1, -62135596800n)), ...bf(4, vf(1, 0))];
    const o = decodeObject(envelope('v1', 'Pod', bf(3, bf(2, cond))));
    const c = ((o.status as Record<string, JsonValue>).conditions as JsonValue[])[0] as Record<string, JsonValue>;
    expect(c.lastProbeTime).toBeNull();
    expect(c.lastTransitionTime).toBe('1970-01-01T00:00:00Z');
  });

  it('named slice types carried as {items} messages print as arrays (CSR spec.extra)', () => {
    const extra = bf(6, [...sf(1, 'scopes'), ...bf(2, [...sf(1, 'a'), ...sf(1, 'b')])]);
    const o = decodeObject(envelope('certificates.k8s.io/v1', 'CertificateSigningRequest', bf(2, [...bf(1, [0x30, 0x82]), ...extra, ...sf(7, 'x/y')])));
    expect(o.spec).toEqual({ request: 'MII=', extra: { scopes: ['a', 'b'] }, signerName: 'x/y' });
  });

  it('metav1.MicroTime has six fractional digits', () => {
    const o = decodeObject(envelope('v1', 'Event', [...bf(1, sf(1, 'e')), ...bf(10, [...vf(1, 1704164645), ...vf(2, 123456789)])]));
    expect(o.eventTime).toBe('2024-01-02T03:04:05.123456Z');
  });

  it('Quantity is its string; a map of them is a JSON object', () => {
    const q = (s: string) => sf(1, s);
    const entry = (k: string, v: number[]) => [...sf(1, k), ...bf(2, v)];
    const resources = [...bf(1, entry('memory', q('1Gi'))), ...bf(1, entry('cpu', q('500m')))];
    const container = [...sf(1, 'c'), ...bf(8, resources)];
    const o = decodeObject(envelope('v1', 'Pod', bf(2, bf(2, container))));
    const c = ((o.spec as Record<string, JsonValue>).containers as JsonValue[])[0] as Record<string, JsonValue>;
    expect(c.resources).toEqual({ limits: { cpu: '500m', memory: '1Gi' } });
    expect(Object.keys((c.resources as Record<string, Record<string, JsonValue>>).limits)).toEqual(['cpu', 'memory']);
  });

  it('IntOrString is a number (type 0) or a string (type 1)', () => {
    const port = (target: number[]) => bf(1, [...sf(1, 'p'), ...vf(3, 80), ...bf(4, target)]);
    const o = decodeObject(envelope('v1', 'Service', bf(2, [...port([...vf(1, 0), ...vf(2, 8080)]), ...port([...vf(1, 1), ...sf(3, 'http')])])));
    const ports = (o.spec as Record<string, JsonValue>).ports as Record<string, JsonValue>[];
    expect(ports.map((p) => p.targetPort)).toEqual([8080, 'http']);
  });

  it('[]byte values are base64, an empty one is ""', () => {
    const entry = (k: string, v: number[]) => bf(2, [...sf(1, k), ...bf(2, v)]);
    const o = decodeObject(envelope('v1', 'Secret', [...entry('a', [0xff, 0x00, 0x41]), ...entry('empty', [])]));
    expect(o.data).toEqual({ a: '/wBB', empty: '' });
  });

  it('managedFields[].fieldsV1 is embedded JSON', () => {
    const mf = [...sf(1, 'kubectl'), ...bf(7, sf(1, '{"f:data":{".":{}}}'))];
    const o = decodeObject(envelope('v1', 'ConfigMap', bf(1, bf(17, mf))));
    expect((o.metadata as Record<string, JsonValue>).managedFields).toEqual([{ manager: 'kubectl', fieldsV1: { 'f:data': { '.': {} } } }]);
  });

  it('inline embeddings are flattened: Probe.handler and Volume.volumeSource', () => {
    const httpGet = [...sf(1, '/healthz'), ...bf(2, [...vf(1, 1), ...sf(3, 'http')])];
    const probe = [...bf(1, bf(2, httpGet)), ...vf(3, 1)];
    const container = [...sf(1, 'c'), ...bf(10, probe)];
    const volume = [...sf(1, 'v'), ...bf(2, bf(6, sf(1, 'data')))];
    const o = decodeObject(envelope('v1', 'Pod', bf(2, [...bf(1, volume), ...bf(2, container)])));
    const spec = o.spec as Record<string, JsonValue[]>;
    expect((spec.containers[0] as Record<string, JsonValue>).livenessProbe).toEqual({ httpGet: { path: '/healthz', port: 'http' }, timeoutSeconds: 1 });
    expect(spec.volumes[0]).toEqual({ name: 'v', secret: { secretName: 'data' } });
  });

  it('null vs absent: omitempty drops, non-omitempty nil prints null, non-pointer structs print as {}', () => {
    const table: SchemaTable = {
      source: { repos: [], tag: 'test', generatedBy: 'test' },
      kinds: { 'test/v1/Thing': 't.Thing' },
      messages: {
        't.Thing': {
          fields: {
            '1': { name: 'list', type: 'string', repeated: true },
            '2': { name: 'listOmit', type: 'string', repeated: true, omitempty: true },
            '3': { name: 'labels', type: 'map', map: { key: 'string', value: 'string' } },
            '4': { name: 'ptr', type: 'int32', pointer: true },
            '5': { name: 'ptrOmit', type: 'int32', pointer: true, omitempty: true },
            '6': { name: 'count', type: 'int32' },
            '7': { name: 'countOmit', type: 'int32', omitempty: true },
            '8': { name: 'struct', type: 'message', ref: 't.Inner' },
            '9': { name: 'structPtr', type: 'message', ref: 't.Inner', pointer: true, omitempty: true },
            '10': { name: 'zeroPtr', type: 'int32', pointer: true, omitempty: true },
            '11': { name: 'text', type: 'string' },
            '12': { name: 'blob', type: 'bytes' },
          },
        },
        't.Inner': { fields: { '1': { name: 'flag', type: 'bool', omitempty: true } } },
      },
    };
    const o = decodeObject(envelope('test/v1', 'Thing', vf(10, 0)), table);
    expect(o).toEqual({ apiVersion: 'test/v1', kind: 'Thing', list: null, labels: null, ptr: null, count: 0, struct: {}, zeroPtr: 0, text: '', blob: null });
  });

  it('Quantity strings are canonical, as Go prints them', () => {
    const cases: [string, string][] = [
      ['500m', '500m'],
      ['0.5', '500m'],
      ['1000', '1k'],
      ['1.5k', '1500'],
      ['1500m', '1500m'],
      ['1Gi', '1Gi'],
      ['1024Mi', '1Gi'],
      ['1.5Gi', '1536Mi'],
      ['0.5Ki', '512'],
      ['1025', '1025'],
      ['128974848', '128974848'],
      ['129e6', '129e6'],
      ['1e3', '1e3'],
      ['0', '0'],
      ['0Mi', '0'],
      ['-100m', '-100m'],
      ['0.0000000001', '1n'],
      ['100M', '100M'],
      ['12345u', '12345u'],
    ];
    for (const [input, want] of cases) expect(canonicalQuantity(input), input).toBe(want);
    expect(canonicalQuantity('ten')).toBeUndefined();
    expect(canonicalQuantity('1Xi')).toBeUndefined();
  });

  it('invalid UTF-8 in strings becomes one U+FFFD per bad byte, as Go writes it', () => {
    expect(goString(Uint8Array.from([0x61, 0xe2, 0x82, 0x62, 0xff, 0xc3, 0xa9]))).toBe('a\ufffd\ufffdb\ufffdé');
    expect(goString(Uint8Array.from([0xed, 0xa0, 0x80]))).toBe('\ufffd\ufffd\ufffd');
    expect(goString(Uint8Array.from([0xf0, 0x9f, 0x98, 0x80]))).toBe('😀');
  });

  it('Go duration strings', () => {
    expect(formatGoDuration(0n)).toBe('0s');
    expect(formatGoDuration(1_500_000_000n)).toBe('1.5s');
    expect(formatGoDuration(3_600_000_000_000n)).toBe('1h0m0s');
    expect(formatGoDuration(300_000_000n)).toBe('300ms');
    expect(formatGoDuration(-90_000_000_000n)).toBe('-1m30s');
  });

  it('the table covers the fixture groups and names its tag', () => {
    expect(schema.source.tag).toMatch(/^v0\.(3[4-9]|[4-9]\d)\./);
    for (const k of ['v1/Pod', 'v1/ConfigMap', 'v1/Secret', 'v1/Service', 'v1/Namespace', 'apps/v1/Deployment', 'batch/v1/Job', 'rbac.authorization.k8s.io/v1/Role']) {
      expect(schema.kinds[k], k).toBeDefined();
    }
  });
});
