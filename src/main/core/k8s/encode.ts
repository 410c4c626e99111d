/**
 * Encodes an object (as decode.ts prints it) back into the bytes Kubernetes stores:
 * `k8s\0` + runtime.Unknown {typeMeta {apiVersion, kind}, raw, contentEncoding, contentType}, raw
 * being the object's message as gogo-protobuf's generated Marshal writes it:
 *  - fields in field-number order; non-pointer scalars always (zero included), pointers only when
 *    set; non-pointer structs always (possibly empty); one entry per list element (unpacked, as
 *    proto2 writes them); map entries by key in byte order, key and value always (a []byte value
 *    only when non-nil);
 *  - a zero metav1.Time / MicroTime is an empty message; Time keeps whole seconds (a fraction
 *    is refused rather than dropped), MicroTime exactly six digits;
 *  - Quantity is its canonical string; IntOrString writes type, intVal and strVal;
 *  - FieldsV1 / RawExtension hold JSON bytes: the caller may hand in the exact bytes a value was
 *    decoded from (`rawBytes`), since the JSON text itself (spacing, escapes) cannot be recovered
 *    from the parsed value; otherwise the value is written as Go's encoding/json writes it.
 * The reverse of each JSON rule follows Go's encoding/json: null leaves a non-pointer field at
 * its zero value. Whatever JSON cannot say exactly (integers beyond 2^53, unknown fields, values
 * of the wrong type) is refused with the path of the value, never guessed.
 */
import { messageForKind, schema as defaultSchema, type FieldEntry, type JsonValue, type SchemaTable } from './decode';
import { canonicalQuantity } from './quantity';

export interface EncodeProblem {
  /** JSON path of the value, e.g. "spec.containers[0].imag". */
  readonly path: string;
  readonly message: string;
}

export class K8sEncodeError extends Error {
  constructor(readonly problems: readonly EncodeProblem[]) {
    super(problems.map((p) => `${p.path || '(the object)'}: ${p.message}`).join('; '));
    this.name = 'K8sEncodeError';
  }
}

export interface EncodeOptions {
  /**
   * FieldsV1 / RawExtension bytes keyed by rawJsonKey() of the value they decoded to: an
   * untouched value is written with its stored bytes.
   */
  readonly rawBytes?: ReadonlyMap<string, Uint8Array>;
  /**
   * Paths of numbers the text wrote as decimals ("3.0"): Go's encoding/json refuses them for an
   * integer field, JSON.parse cannot tell them from 3.
   */
  readonly decimalPaths?: ReadonlySet<string>;
  /** Problems collected before giving up (default 5). */
  readonly maxProblems?: number;
}

const K8S_PREFIX = [0x6b, 0x38, 0x73, 0x00];
/** time.Time{}.Unix(). */
const GO_ZERO_UNIX = -62135596800n;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const utf8 = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** The stored bytes of a built-in object; throws K8sEncodeError naming the paths of bad values. */
export function encodeK8sObject(apiVersion: string, kind: string, object: JsonValue, table: SchemaTable = defaultSchema, options: EncodeOptions = {}): Uint8Array {
  const msgName = messageForKind(table, apiVersion, kind);
  if (!msgName) throw new K8sEncodeError([{ path: '', message: `the schema (${table.source.tag}) does not know ${kind} in ${apiVersion}` }]);
  const enc = new Encoder(table, options);
  let raw: Uint8Array = EMPTY;
  try {
    if (!isObject(object)) enc.problem('', `expected an object, got ${describe(object)}`);
    else {
      for (const [name, want] of [['apiVersion', apiVersion], ['kind', kind]] as const) {
        const v = object[name];
        if (v !== undefined && v !== want) enc.problem(name, `must stay ${JSON.stringify(want)}`);
      }
      raw = enc.message(msgName, object, '', new Set(['apiVersion', 'kind']));
    }
  } catch (e) {
    if (e !== STOP) throw e;
  }
  if (enc.problems.length) throw new K8sEncodeError(enc.problems);
  const typeMeta = new Writer();
  typeMeta.string(1, apiVersion);
  typeMeta.string(2, kind);
  const unknown = new Writer();
  unknown.bytes(1, typeMeta.finish());
  unknown.bytes(2, raw);
  unknown.string(3, '');
  unknown.string(4, '');
  const body = unknown.finish();
  const out = new Uint8Array(K8S_PREFIX.length + body.length);
  out.set(K8S_PREFIX, 0);
  out.set(body, K8S_PREFIX.length);
  return out;
}

/**
 * A custom resource as the API server stores it: Go's json.Encoder over an unstructured map
 * (keys in byte order, <, > and & escaped), which ends with a newline; `trailingNewline` follows
 * the original so that an untouched object keeps its bytes.
 */
export function encodeK8sJson(object: JsonValue, trailingNewline: boolean): Uint8Array {
  return utf8.encode(goJson(object, true) + (trailingNewline ? '\n' : ''));
}

const STOP = Symbol('stop');

class Encoder {
  readonly problems: EncodeProblem[] = [];
  private readonly max: number;
  constructor(
    private readonly table: SchemaTable,
    private readonly options: EncodeOptions,
  ) {
    this.max = options.maxProblems ?? 5;
  }

  problem(path: string, message: string): void {
    this.problems.push({ path, message });
    if (this.problems.length >= this.max) throw STOP;
  }

  /** A message's bytes; `used` are keys of `value` already accounted for (the envelope's). */
  message(name: string, value: JsonValue | undefined, path: string, used = new Set<string>()): Uint8Array {
    const msg = this.table.messages[name];
    if (!msg) {
      this.problem(path, `the schema has no message ${name}`);
      return EMPTY;
    }
    if (msg.special) return this.special(msg.special, value, path);
    const w = new Writer();
    if (msg.wrapper) {
      if (value === null || value === undefined) return EMPTY;
      if (!Array.isArray(value)) {
        this.problem(path, `expected a list, got ${describe(value)}`);
        return EMPTY;
      }
      this.repeated(w, 1, msg.fields['1'], value, path);
      return w.finish();
    }
    // Go leaves a struct at its zero value for null.
    const obj = value === null || value === undefined ? {} : value;
    if (!isObject(obj)) {
      this.problem(path, `expected an object, got ${describe(obj)}`);
      return EMPTY;
    }
    this.fields(w, name, obj, path, used);
    for (const k of Object.keys(obj)) if (!used.has(k)) this.problem(join(path, k), 'unknown field');
    return w.finish();
  }

  private fields(w: Writer, name: string, obj: { [key: string]: JsonValue }, path: string, used: Set<string>): void {
    const msg = this.table.messages[name];
    const numbers = Object.keys(msg.fields)
      .map(Number)
      .sort((a, b) => a - b);
    for (const n of numbers) {
      const e = msg.fields[String(n)];
      if (e.inline) {
        // An embedded struct: its fields sit in this object, its message is always written.
        const inner = new Writer();
        this.fields(inner, e.ref as string, obj, path, used);
        w.bytes(n, inner.finish());
        continue;
      }
      used.add(e.name);
      const v = Object.prototype.hasOwnProperty.call(obj, e.name) ? obj[e.name] : undefined;
      this.field(w, n, e, v, join(path, e.name));
    }
  }

  private field(w: Writer, n: number, e: FieldEntry, v: JsonValue | undefined, path: string): void {
    if (e.map) {
      if (v === null || v === undefined) return;
      if (!isObject(v)) return this.problem(path, `expected an object (a map), got ${describe(v)}`);
      this.map(w, n, e, v, path);
      return;
    }
    if (e.repeated) {
      if (v === null || v === undefined) return;
      if (!Array.isArray(v)) return this.problem(path, `expected a list, got ${describe(v)}`);
      this.repeated(w, n, e, v, path);
      return;
    }
    if (e.type === 'message') {
      const ref = e.ref as string;
      if (v === null || v === undefined) {
        // nil pointer, or nil named slice (Verbs, ExtraValue): not written
        if (e.pointer || this.table.messages[ref]?.wrapper) return;
      }
      w.bytes(n, this.message(ref, v, path));
      return;
    }
    if (v === null || v === undefined) {
      if (e.pointer || e.type === 'bytes') return;
      this.scalar(w, n, e.type, zeroOf(e.type), path);
      return;
    }
    this.scalar(w, n, e.type, v, path);
  }

  private repeated(w: Writer, n: number, e: FieldEntry, list: JsonValue[], path: string): void {
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      const p = `${path}[${i}]`;
      if (e.type === 'message') w.bytes(n, this.message(e.ref as string, item, p));
      else if (item === null && e.type === 'bytes') w.bytes(n, EMPTY);
      else this.scalar(w, n, e.type, item === null ? zeroOf(e.type) : item, p);
    }
  }

  private map(w: Writer, n: number, e: FieldEntry, obj: { [key: string]: JsonValue }, path: string): void {
    const m = e.map as NonNullable<FieldEntry['map']>;
    const keys = Object.keys(obj)
      .map((k) => ({ k, b: utf8.encode(k) }))
      .sort((a, b) => compareBytes(a.b, b.b));
    for (const { k, b } of keys) {
      const p = join(path, k);
      const entry = new Writer();
      if (m.key === 'string') entry.bytes(1, b);
      else {
        const key = /^-?\d+$/.test(k) ? Number(k) : NaN;
        this.scalar(entry, 1, m.key, Number.isNaN(key) ? k : key, p);
      }
      const v = obj[k];
      if (m.value === 'message') entry.bytes(2, this.message(m.ref as string, v, p));
      else if (v === null) {
        if (m.value !== 'bytes') this.scalar(entry, 2, m.value, zeroOf(m.value), p);
      } else this.scalar(entry, 2, m.value, v, p);
      w.bytes(n, entry.finish());
    }
  }

  private scalar(w: Writer, n: number, type: string, v: JsonValue, path: string): void {
    switch (type) {
      case 'string':
        if (typeof v !== 'string') return this.problem(path, `expected a string, got ${describe(v)}`);
        w.string(n, v);
        return;
      case 'bool':
        if (typeof v !== 'boolean') return this.problem(path, `expected true or false, got ${describe(v)}`);
        w.tag(n, 0);
        w.varint(v ? 1 : 0);
        return;
      case 'bytes': {
        const b = typeof v === 'string' ? strictBase64(v) : undefined;
        if (!b) return this.problem(path, `expected base64 text (bytes), got ${describe(v)}`);
        w.bytes(n, b);
        return;
      }
      case 'double':
      case 'float': {
        if (typeof v !== 'number') return this.problem(path, `expected a number, got ${describe(v)}`);
        w.tag(n, type === 'double' ? 1 : 5);
        w.fixed(v, type === 'double');
        return;
      }
      default: {
        const range = INT_RANGES[type];
        if (!range) return this.problem(path, `the encoder has no rule for protobuf type ${type}`);
        if (typeof v !== 'number' || !Number.isInteger(v) || this.options.decimalPaths?.has(path)) return this.problem(path, `expected an integer (${type}), got ${describe(v, this.options.decimalPaths?.has(path))}`);
        if (v < range[0] || v > range[1]) return this.problem(path, `${v} is out of range for ${type} (${range[0]} to ${range[1]}${type.includes('64') ? ', the integers JSON numbers here keep exactly' : ''})`);
        w.tag(n, 0);
        if (type === 'sint32' || type === 'sint64') w.varint(BigInt.asUintN(64, (BigInt(v) << 1n) ^ (BigInt(v) < 0n ? -1n : 0n)));
        else w.varint(v);
      }
    }
  }

  private special(special: string, v: JsonValue | undefined, path: string): Uint8Array {
    const w = new Writer();
    switch (special) {
      case 'time':
      case 'microtime': {
        if (v === null || v === undefined) return EMPTY;
        const micro = special === 'microtime';
        const t = typeof v === 'string' ? parseRfc3339(v, micro) : undefined;
        if (!t) {
          this.problem(path, `expected an RFC 3339 time such as ${micro ? '"2024-05-01T12:00:00.000000Z" (6 fraction digits)' : '"2024-05-01T12:00:00Z"'}, got ${describe(v)}`);
          return EMPTY;
        }
        if (!micro && t.nanos !== 0) {
          // the API server would drop it silently; say so instead
          this.problem(path, 'this time keeps whole seconds only: remove the fraction');
          return EMPTY;
        }
        if (t.seconds === GO_ZERO_UNIX && t.nanos === 0) return EMPTY;
        w.tag(1, 0);
        w.varint(t.seconds);
        w.tag(2, 0);
        w.varint(t.nanos);
        return w.finish();
      }
      case 'duration': {
        const d = typeof v === 'string' ? parseGoDuration(v) : undefined;
        if (d === undefined) {
          this.problem(path, `expected a duration such as "1h2m3s", got ${describe(v)}`);
          return EMPTY;
        }
        w.tag(1, 0);
        w.varint(d);
        return w.finish();
      }
      case 'quantity': {
        const text = v === null || v === undefined ? '0' : typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
        const q = text === undefined ? undefined : canonicalQuantity(text);
        if (q === undefined) {
          this.problem(path, `expected a quantity such as "500m" or "1Gi", got ${describe(v)}`);
          return EMPTY;
        }
        w.string(1, q);
        return w.finish();
      }
      case 'intOrString': {
        const value = v === null || v === undefined ? 0 : v;
        if (typeof value === 'string') {
          w.tag(1, 0);
          w.varint(1);
          w.tag(2, 0);
          w.varint(0);
          w.string(3, value);
        } else if (typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX && !this.options.decimalPaths?.has(path)) {
          w.tag(1, 0);
          w.varint(0);
          w.tag(2, 0);
          w.varint(value);
          w.string(3, '');
        } else {
          this.problem(path, `expected an int32 or a string, got ${describe(value, this.options.decimalPaths?.has(path))}`);
          return EMPTY;
        }
        return w.finish();
      }
      case 'fieldsV1':
      case 'rawExtension': {
        if (v === null || v === undefined) return EMPTY;
        w.bytes(1, this.rawJson(special, v));
        return w.finish();
      }
      default:
        this.problem(path, `the encoder has no rule for ${special}`);
        return EMPTY;
    }
  }

  private rawJson(special: string, v: JsonValue): Uint8Array {
    const stored = this.options.rawBytes?.get(rawJsonKey(v));
    if (stored) return stored;
    if (special === 'rawExtension' && typeof v === 'string') {
      // decode.ts shows a nested protobuf object (k8s\0...) as base64
      const b = strictBase64(v);
      if (b && K8S_PREFIX.every((x, i) => b[i] === x)) return b;
    }
    return utf8.encode(goJson(v, false));
  }
}

const INT_RANGES: Record<string, [number, number]> = {
  int32: [INT32_MIN, INT32_MAX],
  sint32: [INT32_MIN, INT32_MAX],
  uint32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  sint64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

function zeroOf(type: string): JsonValue {
  return type === 'string' ? '' : type === 'bool' ? false : 0;
}

/** A growable byte buffer with protobuf field writers. */
class Writer {
  private buf = new Uint8Array(64);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  varint(n: number | bigint): void {
    this.ensure(10);
    if (typeof n === 'number' && n >= 0 && n <= 0xffffffff) {
      while (n > 0x7f) {
        this.buf[this.len++] = (n & 0x7f) | 0x80;
        n = Math.floor(n / 128);
      }
      this.buf[this.len++] = n;
      return;
    }
    // negative numbers are 64-bit two's complement (10 bytes), as Go's int32 → uint64 cast
    let v = BigInt.asUintN(64, BigInt(n));
    while (v > 0x7fn) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  fixed(v: number, double: boolean): void {
    this.ensure(8);
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.len, double ? 8 : 4);
    if (double) view.setFloat64(0, v, true);
    else view.setFloat32(0, v, true);
    this.len += double ? 8 : 4;
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  string(field: number, s: string): void {
    this.bytes(field, utf8.encode(s));
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Standard base64 with padding, in the one spelling that re-encodes to itself (what Go writes). */
function strictBase64(s: string): Uint8Array | undefined {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  const b = Buffer.from(s, 'base64');
  if (b.toString('base64') !== s) return undefined;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describe(v: JsonValue | undefined, decimal = false): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  // never the text itself: it may be a Secret's data, and messages travel further than values
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return decimal ? `the decimal number ${v.toFixed(1)}` : `the number ${v}`;
  return `${v}`;
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** Go's time.Parse(time.RFC3339 / RFC3339Micro, s) as seconds since the epoch and nanoseconds. */
export function parseRfc3339(s: string, micro: boolean): { seconds: bigint; nanos: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
  const frac = m[7];
  if (micro && frac?.length !== 6) return undefined;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return undefined;
  let offset = 0;
  if (m[8]) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return undefined;
    offset = (m[8] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const seconds = BigInt(daysFromCivil(y, mo, d)) * 86400n + BigInt(h * 3600 + mi * 60 + sec - offset);
  return { seconds, nanos: frac ? Number(frac.padEnd(9, '0')) : 0 };
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (any year, unlike Date.UTC). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n,
  'μs': 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_U63 = 1n << 63n;

/** Go's time.ParseDuration, including its float arithmetic for fractions; undefined when Go errs. */
export function parseGoDuration(input: string): bigint | undefined {
  let s = input;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) return undefined;
    const intPart = /^\d*/.exec(s)?.[0] ?? '';
    let v = intPart === '' ? 0n : BigInt(intPart);
    if (v > MAX_U63) return undefined;
    s = s.slice(intPart.length);
    const pre = intPart !== '';
    let post = false;
    let f = 0n;
    let scale = 1;
    if (s[0] === '.') {
      s = s.slice(1);
      const digits = /^\d*/.exec(s)?.[0] ?? '';
      post = digits !== '';
      let overflow = false;
      for (const c of digits) {
        if (overflow) continue;
        if (f > (MAX_U63 - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(c.charCodeAt(0) - 48);
        if (y > MAX_U63) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      s = s.slice(digits.length);
    }
    if (!pre && !post) return undefined;
    const unitText = /^[^0-9.]*/.exec(s)?.[0] ?? '';
    const unit = DURATION_UNITS[unitText];
    if (unit === undefined) return undefined;
    s = s.slice(unitText.length);
    if (v > MAX_U63 / unit) return undefined;
    v *= unit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > MAX_U63) return undefined;
    }
    d += v;
    if (d > MAX_U63) return undefined;
  }
  if (neg) return -d;
  if (d > MAX_U63 - 1n) return undefined;
  return d;
}

/** The key of a FieldsV1 / RawExtension value in `rawBytes`: its JSON with keys sorted, so a view that reorders keys still finds it. */
export function rawJsonKey(v: JsonValue): string {
  return goJson(v, true);
}

/**
 * JSON as Go's encoding/json writes it compactly: <, >, &, U+2028 and U+2029 escaped, control
 * characters as \b \f \n \r \t or \u00XX; object keys in byte order (a Go map) or as given.
 */
export function goJson(v: JsonValue, sortKeys: boolean): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new K8sEncodeError([{ path: '', message: `${v} is not a JSON number` }]);
    return Object.is(v, -0) ? '-0' : String(v);
  }
  if (typeof v === 'string') return goJsonString(v);
  if (Array.isArray(v)) return `[${v.map((x) => goJson(x, sortKeys)).join(',')}]`;
  let keys = Object.keys(v);
  if (sortKeys) keys = keys.map((k) => ({ k, b: utf8.encode(k) })).sort((a, b) => compareBytes(a.b, b.b)).map((x) => x.k);
  return `{${keys.map((k) => `${goJsonString(k)}:${goJson(v[k], sortKeys)}`).join(',')}}`;
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function goJsonString(s: string): string {
  return `"${s.replace(/["\\\u0000-\u001f<>&\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => {
    if (SHORT_ESCAPES[c]) return SHORT_ESCAPES[c];
    if (c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdfff) return '\\ufffd';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  })}"`;
}
