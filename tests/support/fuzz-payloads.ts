/**
 * fast-check arbitraries for IPC fuzzing (tests/integration/ipc-fuzz.test.ts): requests a
 * hostile or buggy renderer could send, built from one valid sample per channel.
 *
 * A case is a channel name (a contract channel, or now and then a name outside the contract)
 * and a payload: the channel's sample with one to three mutations (a field dropped, a wrong
 * type, an extra or prototype key, invalid base64, a bad number, an array for an object, a
 * huge string or key, bytes at their size limit, deep nesting), any value at all, another
 * channel's sample, or the sample itself.
 * Whether a payload is valid is not decided here: the test asks the channel's own schema.
 */
import fc from 'fast-check';
import { limits } from '../../src/shared/contract';

/** One generated call. `kind` names what was done to the sample, for the run's statistics. */
export interface FuzzCase {
  readonly channel: string;
  /** Whether `channel` is a contract channel. */
  readonly known: boolean;
  readonly kind: string;
  readonly payload: unknown;
}

export interface FuzzSetup {
  /** The contract's channel names (from `allChannels()`, never a hand-written list). */
  readonly channels: readonly string[];
  /** One valid request per channel (undefined for channels that take nothing). */
  readonly samples: Readonly<Record<string, unknown>>;
  /** Profile ids put into `profileId` fields: the first is the connected profile and is picked most. */
  readonly profileIds: readonly string[];
  /** Put into `endpoints` fields, so a valid profile test or save names the test's own etcd. */
  readonly endpoints: readonly string[];
}

type Key = string | number;
type Path = readonly Key[];

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
export const HUGE_MIN = 1024 * 1024;
export const HUGE_MAX = 4 * 1024 * 1024;
export const DEEP_MIN = 500;
export const DEEP_MAX = 5000;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && !(v instanceof Map) && !(v instanceof Set) && !(v instanceof Date);

/** An own, enumerable data property, whatever the key (`__proto__` included): what JSON.parse and structured clone create. */
function defineOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of the plain objects and arrays of `v` (other values are shared); own `__proto__` keys stay own keys. */
function copy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copy);
  if (isObject(v)) {
    const out: Record<string, unknown> = Object.getPrototypeOf(v) === null ? Object.create(null) : {};
    for (const k of Object.keys(v)) defineOwn(out, k, copy(v[k]));
    return out;
  }
  return v;
}

/** Every node of `v` (plain objects and arrays are entered), the root first with path []. */
function nodes(v: unknown, path: Path = [], out: Array<{ path: Path; value: unknown }> = [], depth = 0): Array<{ path: Path; value: unknown }> {
  out.push({ path, value: v });
  if (depth > 20) return out;
  if (Array.isArray(v)) v.forEach((x, i) => nodes(x, [...path, i], out, depth + 1));
  else if (isObject(v)) for (const k of Object.keys(v)) nodes(v[k], [...path, k], out, depth + 1);
  return out;
}

function parentOf(root: unknown, path: Path): unknown {
  let cur = root;
  for (const k of path.slice(0, -1)) cur = (cur as Record<Key, unknown>)[k];
  return cur;
}

/** `root` with the node at `path` replaced (in place below the root; the root itself is returned replaced). */
function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = parentOf(root, path) as Record<Key, unknown>;
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent[last as number] = value;
  else defineOwn(parent, String(last), value);
  return root;
}

function deleteAt(root: unknown, path: Path): unknown {
  if (path.length === 0) return undefined;
  const parent = parentOf(root, path);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete (parent as Record<Key, unknown>)[last];
  return root;
}

/** Puts `profileId` and `endpoints` of the test's world into a sample, wherever those fields are. */
function localise(v: unknown, profileId: string, endpoints: readonly string[]): unknown {
  if (Array.isArray(v)) return v.map((x) => localise(x, profileId, endpoints));
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = k === 'profileId' ? profileId : k === 'endpoints' ? [...endpoints] : localise(v[k], profileId, endpoints);
    defineOwn(out, k, x);
  }
  return out;
}

// ---------- values ----------

/** Numbers no field accepts, or only some do: negative, fractional, huge, unsafe, not finite, bigint. */
export const badNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    -1,
    -0,
    0,
    1,
    0.5,
    -0.5,
    1.0000001,
    99,
    10_001,
    600_001,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 64,
    -(2 ** 63),
    1e21,
    1e308,
    -1e308,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.EPSILON,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ),
  fc.integer(),
  fc.double(),
  fc.maxSafeInteger(),
  fc.bigInt(),
);

/** Strings that are not strict base64 (wrong length, bad padding, other alphabets, spaces, non-ASCII). */
export const invalidBase64: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'a',
    'ab',
    'abc',
    'abcde',
    '=',
    '==',
    '===',
    '====',
    'a===',
    'ab=c',
    'QQ',
    'QQ=',
    'QQ===',
    'Q Q==',
    ' QQ==',
    'QQ== ',
    'QQ==\n',
    'QUJD\r\nQUJD',
    '-_-_',
    'QUJD-_==',
    '****',
    'ÿÿÿÿ',
    '😀😀',
    'data:;base64,QQ==',
    '%51%51==',
    '\u0000AAA',
    'AAA\u0000',
    'QQ==QQ==',
  ),
  fc.string({ minLength: 0, maxLength: 40 }).map((s) => `${s}!`),
  fc.base64String({ minLength: 4, maxLength: 40 }).map((s) => s.slice(0, -1)),
  fc.base64String({ minLength: 4, maxLength: 40 }).map((s) => `${s}=`),
);

const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', '__proto__', 'constructor', 'prototype', 'undefined', 'null', 'NaN', '0', '-1', '{}', '[]', 'true', '\uFFFF', '\uD800', '😀', '../../etc/passwd', 'http://', 'javascript:alert(1)', '%00'),
  fc.string({ maxLength: 30 }),
  fc.string({ maxLength: 30, unit: 'binary' }),
);

/** Any value at all of the kinds structured clone carries (so the kinds a renderer can send). */
export const anyValue: fc.Arbitrary<unknown> = fc.anything({
  maxDepth: 3,
  maxKeys: 5,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
});

/** A value of the wrong type (or the right type with a wrong value) for some field. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom<unknown>(null, undefined, true, false, {}, [], [null], new Uint8Array([1, 2, 3]), new Date(0)), weight: 4 },
  { arbitrary: badNumber, weight: 3 },
  { arbitrary: nastyString, weight: 3 },
  { arbitrary: anyValue, weight: 2 },
);

/** Bytes fields gone wrong: invalid base64, unknown encodings, missing or extra fields, raw arrays. */
export const badBytes: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.record({ encoding: fc.constant('base64'), data: invalidBase64 }), weight: 6 },
  {
    arbitrary: fc.record({
      encoding: fc.constantFrom<unknown>('hex', 'utf-8', 'UTF8', 'Base64', 'base64url', 'binary', 'latin1', '', null, 1, ['utf8'], { utf8: true }),
      data: fc.oneof(fc.string({ maxLength: 10 }), fc.constant('QUJD')),
    }),
    weight: 3,
  },
  { arbitrary: fc.constantFrom<unknown>({ encoding: 'utf8' }, { encoding: 'base64' }, { data: 'k' }, {}), weight: 2 },
  { arbitrary: fc.record({ encoding: fc.constantFrom('utf8', 'base64'), data: wrongValue }), weight: 3 },
  { arbitrary: fc.record({ encoding: fc.constant('base64'), data: fc.constant('QUJD'), extra: wrongValue }), weight: 1 },
  { arbitrary: fc.constantFrom<unknown>('k', 'QUJD', [1, 2, 3], new Uint8Array([0xff, 0]), new Uint8Array(0).buffer), weight: 2 },
);

/** A string of 1–4 MB; mostly one repeated character (cheap), in 1-, 2- and 4-byte UTF-8 forms, or valid base64. */
export const hugeString: fc.Arbitrary<string> = fc
  .record({ size: fc.integer({ min: HUGE_MIN, max: HUGE_MAX }), unit: fc.constantFrom('a', 'é', '😀', 'QUJD', '\u0000', ' ') })
  .map(({ size, unit }) => unit.repeat(Math.ceil(size / unit.length)));

/** `leaf` under 500–5000 levels of objects, arrays or both. Past ~1,500 levels structured clone itself gives up (see the test). */
export const deepNesting = (leaf: unknown): fc.Arbitrary<unknown> =>
  fc
    .record({ depth: fc.integer({ min: DEEP_MIN, max: DEEP_MAX }), shape: fc.constantFrom('object' as const, 'array' as const, 'mixed' as const) })
    .map(({ depth, shape }) => nest(leaf, depth, shape));

/** Extra keys: random names and the ones prototype pollution uses. */
export const extraKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...PROTO_KEYS, '__defineGetter__', 'toString', 'valueOf', 'hasOwnProperty', 'then', 'toJSON', 'length', 'id', 'extra'), weight: 3 },
  { arbitrary: fc.string({ minLength: 1, maxLength: 30 }), weight: 2 },
);

/** What goes behind a prototype key: things that would pollute `Object.prototype` if merged naively. */
const protoPayloadJson: fc.Arbitrary<string> = fc.constantFrom(
  '{"polluted":true}',
  '{"profileId":"polluted"}',
  '{"prototype":{"polluted":true}}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  'null',
  '1',
  '"x"',
);

// ---------- mutations ----------

type Mutation =
  | { op: 'drop'; at: number }
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'extraKey'; at: number; key: string; value: unknown }
  | { op: 'proto'; at: number; key: (typeof PROTO_KEYS)[number]; json: string; hide: boolean }
  | { op: 'bytes'; at: number; value: unknown }
  | { op: 'number'; at: number; value: unknown }
  | { op: 'array'; at: number; how: 'wrap' | 'empty' | 'entries' }
  | { op: 'huge'; at: number; value: string; asKey: boolean }
  | { op: 'limit'; at: number; max: number; delta: number; encoding: string }
  | { op: 'deep'; at: number; wrapNode: boolean; depthSeed: number; shape: 'object' | 'array' | 'mixed' };

const at = fc.nat();

/** Huge strings, bytes at their limit and deep nesting are expensive: a few of those (about 1 payload in 30 has one), many small ones. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('drop' as const), at }), weight: 30 },
  { arbitrary: fc.record({ op: fc.constant('replace' as const), at, value: wrongValue }), weight: 50 },
  { arbitrary: fc.record({ op: fc.constant('extraKey' as const), at, key: extraKey, value: wrongValue }), weight: 25 },
  {
    arbitrary: fc.record({ op: fc.constant('proto' as const), at, key: fc.constantFrom(...PROTO_KEYS), json: protoPayloadJson, hide: fc.boolean() }),
    weight: 20,
  },
  { arbitrary: fc.record({ op: fc.constant('bytes' as const), at, value: badBytes }), weight: 30 },
  { arbitrary: fc.record({ op: fc.constant('number' as const), at, value: badNumber }), weight: 30 },
  { arbitrary: fc.record({ op: fc.constant('array' as const), at, how: fc.constantFrom('wrap' as const, 'empty' as const, 'entries' as const) }), weight: 15 },
  { arbitrary: fc.record({ op: fc.constant('huge' as const), at, value: hugeString, asKey: fc.nat(4).map((n) => n === 0) }), weight: 1 },
  {
    // Bytes at a field's limit, just under and just over: keys (64 KiB) mostly, values (16 MiB) now and then.
    arbitrary: fc.record({
      op: fc.constant('limit' as const),
      at,
      max: fc.nat(3).map((n) => (n === 0 ? limits.VALUE_FIELD_MAX : limits.KEY_FIELD_MAX)),
      delta: fc.constantFrom(-4, 0, 4),
      encoding: fc.constantFrom('base64', 'utf8'),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('deep' as const),
      at,
      wrapNode: fc.boolean(),
      depthSeed: fc.integer({ min: DEEP_MIN, max: DEEP_MAX }),
      shape: fc.constantFrom('object' as const, 'array' as const, 'mixed' as const),
    }),
    weight: 1,
  },
);

function pick<T>(list: readonly T[], i: number): T | undefined {
  return list.length === 0 ? undefined : list[i % list.length];
}

function nest(leaf: unknown, depth: number, shape: 'object' | 'array' | 'mixed'): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = shape === 'array' || (shape === 'mixed' && i % 2) ? [v] : { a: v };
  return v;
}

/** Applies one mutation to `root` (already a private copy); returns the new root. */
function apply(root: unknown, mutation: Mutation): unknown {
  // Generated values can be shared (constantFrom hands out the same object): never let a later
  // mutation change one in place.
  const m = 'value' in mutation ? ({ ...mutation, value: copy(mutation.value) } as Mutation) : mutation;
  const all = nodes(root);
  const objects = all.filter((n) => isObject(n.value));
  const bytesLike = objects.filter((n) => Object.hasOwn(n.value as object, 'encoding'));
  const numbers = all.filter((n) => typeof n.value === 'number');
  const strings = all.filter((n) => typeof n.value === 'string');
  const nonRoot = all.filter((n) => n.path.length > 0);
  const any = pick(all, m.at)!;
  switch (m.op) {
    case 'drop': {
      const n = pick(nonRoot, m.at);
      return n ? deleteAt(root, n.path) : undefined;
    }
    case 'replace':
      return setAt(root, any.path, m.value);
    case 'extraKey': {
      const n = pick(objects, m.at);
      if (!n) {
        const o = {};
        defineOwn(o, m.key, m.value);
        return o;
      }
      defineOwn(n.value as object, m.key, m.value);
      return root;
    }
    case 'proto': {
      // Built with JSON.parse, as a renderer's JSON would arrive: `__proto__` is then an own
      // property, not the object's prototype.
      const carrier = JSON.parse(`{${JSON.stringify(m.key)}:${m.json}}`) as Record<string, unknown>;
      const n = pick(objects, m.at);
      if (!n) return carrier;
      if (m.hide) {
        // The real fields only behind the prototype key: {"__proto__": {profileId, ...}}.
        const hidden = JSON.parse(`{${JSON.stringify(m.key)}:{}}`) as Record<string, Record<string, unknown>>;
        for (const k of Object.keys(n.value as object)) defineOwn(hidden[m.key], k, (n.value as Record<string, unknown>)[k]);
        return setAt(root, n.path, hidden);
      }
      defineOwn(n.value as object, m.key, carrier[m.key]);
      return root;
    }
    case 'bytes': {
      const n = pick(bytesLike, m.at) ?? any;
      return setAt(root, n.path, m.value);
    }
    case 'number': {
      const n = pick(numbers, m.at) ?? any;
      return setAt(root, n.path, m.value);
    }
    case 'array': {
      const n = pick(objects, m.at) ?? any;
      const v: unknown = n.value;
      const replaced = m.how === 'wrap' ? [v] : m.how === 'empty' ? [] : isObject(v) ? Object.entries(v) : [v];
      return setAt(root, n.path, replaced);
    }
    case 'huge': {
      if (m.asKey) {
        const n = pick(objects, m.at);
        const target = (n?.value as object | undefined) ?? {};
        defineOwn(target, m.value, 1);
        return n ? root : target;
      }
      const n = pick(strings, m.at) ?? any;
      return setAt(root, n.path, m.value);
    }
    case 'limit': {
      const n = pick(bytesLike, m.at) ?? any;
      return setAt(root, n.path, { encoding: m.encoding, data: 'QUJD'.repeat((m.max + m.delta) / 4) });
    }
    case 'deep':
      return setAt(root, any.path, nest(m.wrapNode ? any.value : 1, m.depthSeed, m.shape));
  }
}

const mutationLabel = (m: Mutation): string => (m.op === 'huge' && m.asKey ? 'huge-key' : m.op);

/** Names outside the contract: near misses of real names, prototype keys, event names, anything. */
export function unknownChannel(channels: readonly string[]): fc.Arbitrary<string> {
  const known = new Set(channels);
  const namespaces = [...new Set(channels.map((c) => c.split(':')[0]))];
  return fc
    .oneof(
      fc.constantFrom(
        '',
        ' ',
        ':',
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'hasOwnProperty',
        'then',
        'event:connection-status',
        'event:job',
        'kv:watch',
        'kv:compact',
        'cluster:defragment',
        'app:quit',
        'app:eval',
        'ELECTRON_BROWSER_REQUIRE',
      ),
      fc.string({ maxLength: 40 }),
      fc.tuple(fc.constantFrom(...namespaces), fc.oneof(fc.constantFrom(...PROTO_KEYS, 'toString', ''), fc.string({ maxLength: 12 }))).map(([ns, op]) => `${ns}:${op}`),
      fc
        .tuple(fc.constantFrom(...channels), fc.constantFrom('upper', 'space', 'nul', 'dot', 'suffix', 'prefix'))
        .map(([c, how]) =>
          how === 'upper' ? c.toUpperCase() : how === 'space' ? `${c} ` : how === 'nul' ? `${c}\u0000` : how === 'dot' ? c.replace(':', '.') : how === 'suffix' ? `${c}s` : `x${c}`,
        ),
    )
    .filter((name) => !known.has(name));
}

/** One generated call: mostly mutated samples of contract channels, a few whole-value replacements and unknown names. */
export function fuzzCase(setup: FuzzSetup): fc.Arbitrary<FuzzCase> {
  const { channels, samples, profileIds, endpoints } = setup;
  const profileId = fc.oneof({ arbitrary: fc.constant(profileIds[0]), weight: 6 }, { arbitrary: fc.constantFrom(...profileIds), weight: 1 });
  const seedOf = (channel: string, id: string) => copy(localise(samples[channel], id, endpoints));
  const channel = fc.constantFrom(...channels);

  const mutant = fc.record({ channel, id: profileId, mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) }).map(({ channel, id, mutations }) => {
    let payload = seedOf(channel, id);
    for (const m of mutations) payload = apply(payload, m);
    return { channel, known: true, kind: [...new Set(mutations.map(mutationLabel))].sort().join('+'), payload };
  });
  const anything = fc.record({ channel, payload: anyValue }).map(({ channel, payload }) => ({ channel, known: true, kind: 'anything', payload }));
  const sample = fc.record({ channel, id: profileId }).map(({ channel, id }) => ({ channel, known: true, kind: 'sample', payload: seedOf(channel, id) }));
  const swapped = fc
    .record({ channel, other: channel, id: profileId })
    .map(({ channel, other, id }) => ({ channel, known: true, kind: 'other-sample', payload: seedOf(other, id) }));
  const rootDeep = fc
    .record({ channel, id: profileId })
    .chain(({ channel, id }) => deepNesting(seedOf(channel, id)).map((payload) => ({ channel, known: true, kind: 'deep', payload })));
  const unknown = fc
    .record({ name: unknownChannel(channels), of: channel, id: profileId })
    .map(({ name, of, id }) => ({ channel: name, known: false, kind: 'unknown-channel', payload: seedOf(of, id) }));

  return fc.oneof(
    { arbitrary: mutant, weight: 80 },
    { arbitrary: anything, weight: 6 },
    { arbitrary: sample, weight: 4 },
    { arbitrary: swapped, weight: 5 },
    { arbitrary: rootDeep, weight: 1 },
    { arbitrary: unknown, weight: 4 },
  );
}
