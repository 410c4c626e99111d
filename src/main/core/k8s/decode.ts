/**
 * Decodes a value Kubernetes stored in etcd into what `kubectl get -o json` prints for it.
 *
 * Built-in objects are `k8s\0` + a protobuf runtime.Unknown {typeMeta {apiVersion, kind}, raw,
 * contentEncoding, contentType}; raw is the object's own message. The generated table
 * (schema.generated.json, see scripts/k8s-schema/generate.ts) gives, per message and field
 * number, the JSON name and the Go rules that decide how encoding/json prints it:
 *  - omitempty drops false / 0 / "" / nil pointers / empty slices and maps, never structs;
 *  - omitzero drops a zero struct (metav1.Time);
 *  - a nil slice, map or pointer that is not omitempty prints as null;
 *  - non-pointer structs always print (an absent one as its zero value, e.g. `{}`);
 *  - inline embeddings are flattened into the parent.
 * Custom resources are stored as JSON; encrypted values start with `k8s:enc:<provider>:v1:<key>:`.
 * A value that cannot be decoded yields an error with the byte offset, never a partial object.
 */
import { canonicalQuantity } from './quantity';
import schemaJson from './schema.generated.json';
import { readFields, readVarint, WireError, WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT, type RawField } from './wire';

export interface FieldEntry {
  name: string;
  type: string;
  ref?: string;
  repeated?: boolean;
  map?: { key: string; value: string; ref?: string };
  omitempty?: boolean;
  omitzero?: boolean;
  inline?: boolean;
  pointer?: boolean;
}

export interface MessageEntry {
  special?: string;
  wrapper?: boolean;
  fields: Record<string, FieldEntry>;
}

export interface SchemaTable {
  source: { repos: string[]; tag: string; generatedBy: string };
  kinds: Record<string, string>;
  messages: Record<string, MessageEntry>;
}

export const schema = schemaJson as SchemaTable;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface UnknownField {
  /** JSON path of the message that held the field, e.g. "spec.containers[0]". */
  path: string;
  field: number;
  wireType: number;
  /** The whole field (tag and payload), base64. */
  bytes: string;
  /** Byte offset of the field's tag in the stored value. */
  offset: number;
}

export interface GenericField {
  field: number;
  wireType: number;
  /** Varints as decimal strings (64-bit safe), fixed values as numbers, bytes as base64. */
  value: string | number;
  /** Length-delimited payloads that are valid UTF-8 text. */
  text?: string;
}

/** `kind` tells the variants apart; the Kubernetes kind (Pod, Secret, ...) is `objectKind`. */
export type DecodedValue =
  | { kind: 'object'; apiVersion: string; objectKind: string; object: JsonValue; unknownFields: UnknownField[]; schemaTag: string }
  | { kind: 'encrypted'; provider: string; keyName: string }
  | { kind: 'json'; object: JsonValue }
  | { kind: 'unknown-kind'; apiVersion: string; objectKind: string; fields: GenericField[] }
  | { kind: 'error'; message: string; offset: number };

const K8S_PREFIX = [0x6b, 0x38, 0x73, 0x00];
const ENC_PREFIX = 'k8s:enc:';
/** time.Time{}.Unix(): the zero Go time, printed as null. */
const GO_ZERO_UNIX = -62135596800n;

const utf8 = new TextDecoder('utf-8');
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export interface DecodeOptions {
  /**
   * Called with each FieldsV1 / RawExtension value and the bytes it was parsed from: the JSON
   * text (spacing, escapes, number spelling) is not in the parsed value, the encoder needs it to
   * write an untouched value back byte for byte.
   */
  onRawJson?: (value: JsonValue, bytes: Uint8Array) => void;
}

class Ctx {
  unknown: UnknownField[] = [];
  constructor(
    readonly buf: Uint8Array,
    readonly options: DecodeOptions = {},
  ) {}
}

export function decodeK8sValue(value: Uint8Array, table: SchemaTable = schema, options: DecodeOptions = {}): DecodedValue {
  try {
    const enc = encrypted(value);
    if (enc) return enc;
    if (K8S_PREFIX.every((b, i) => value[i] === b)) return decodeEnvelope(value, table, options);
    const full = utf8.decode(value);
    const text = full.trim();
    if (text.startsWith('{')) {
      try {
        return { kind: 'json', object: JSON.parse(text) as JsonValue };
      } catch (e) {
        // Only the position: V8's message quotes a piece of the value, which may be a secret.
        const at = /position (\d+)/.exec((e as Error).message);
        if (!at) return { kind: 'error', message: 'cannot decode: not valid JSON', offset: 0 };
        const lead = full.length - full.trimStart().length;
        const offset = new TextEncoder().encode(full.slice(0, lead + Number(at[1]))).length;
        return { kind: 'error', message: `cannot decode: not valid JSON at byte ${offset}`, offset };
      }
    }
    return { kind: 'error', message: 'cannot decode: not a Kubernetes value (no k8s\\0 prefix, not JSON)', offset: 0 };
  } catch (e) {
    if (e instanceof WireError) return { kind: 'error', message: `cannot decode: ${e.message} at byte ${e.offset}`, offset: e.offset };
    throw e;
  }
}

function encrypted(value: Uint8Array): DecodedValue | undefined {
  const head = String.fromCharCode(...value.subarray(0, Math.min(value.length, 300)));
  if (!head.startsWith(ENC_PREFIX)) return undefined;
  const m = /^k8s:enc:([A-Za-z0-9_-]+):(v\d+):([^:\0]*):/.exec(head);
  if (!m) return { kind: 'error', message: 'cannot decode: malformed k8s:enc: prefix', offset: ENC_PREFIX.length };
  return { kind: 'encrypted', provider: m[1], keyName: m[3] };
}

function decodeEnvelope(buf: Uint8Array, table: SchemaTable, options: DecodeOptions): DecodedValue {
  const ctx = new Ctx(buf, options);
  let apiVersion = '';
  let kind = '';
  let raw: RawField | undefined;
  for (const f of readFields(buf, K8S_PREFIX.length, buf.length)) {
    if (f.field === 1 && f.wireType === WIRE_BYTES) {
      for (const t of readFields(buf, f.valueStart as number, f.valueEnd as number)) {
        if (t.field === 1 && t.wireType === WIRE_BYTES) apiVersion = str(buf, t);
        if (t.field === 2 && t.wireType === WIRE_BYTES) kind = str(buf, t);
      }
    } else if (f.field === 2 && f.wireType === WIRE_BYTES) raw = f;
  }
  if (!raw) throw new WireError('runtime.Unknown without raw bytes', K8S_PREFIX.length);
  const msgName = messageForKind(table, apiVersion, kind);
  if (!msgName) {
    return { kind: 'unknown-kind', apiVersion, objectKind: kind, fields: genericFields(buf, raw.valueStart as number, raw.valueEnd as number) };
  }
  const body = decodeMessage(ctx, table, msgName, raw.valueStart as number, raw.valueEnd as number, '');
  const object: JsonValue = sortObject({ apiVersion, kind, ...(body as Record<string, JsonValue>) });
  return { kind: 'object', apiVersion, objectKind: kind, object, unknownFields: ctx.unknown.sort((a, b) => a.offset - b.offset), schemaTag: table.source.tag };
}

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1.';
/** metav1.AddToGroupVersion registers these in every group version (the table lists API kinds only). */
const META_IN_EVERY_GROUP = new Set(['WatchEvent', 'ListOptions', 'GetOptions', 'DeleteOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions']);
/** ... and these as "unversioned" types, apiVersion v1. */
const META_UNVERSIONED = new Set(['Status', 'APIVersions', 'APIGroupList', 'APIGroup', 'APIResourceList']);

/** The message a stored apiVersion/kind is encoded with, if the table knows it. */
export function messageForKind(table: SchemaTable, apiVersion: string, kind: string): string | undefined {
  const listed = table.kinds[`${apiVersion}/${kind}`];
  if (listed) return listed;
  const meta = META_IN_EVERY_GROUP.has(kind) || (apiVersion === 'v1' && META_UNVERSIONED.has(kind)) ? `${META}${kind}` : undefined;
  return meta && table.messages[meta] ? meta : undefined;
}

function genericFields(buf: Uint8Array, start: number, end: number): GenericField[] {
  return readFields(buf, start, end).map((f) => {
    if (f.wireType === WIRE_VARINT) return { field: f.field, wireType: f.wireType, value: String(f.varint) };
    const bytes = buf.subarray(f.valueStart, f.valueEnd);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (f.wireType === WIRE_FIXED64) return { field: f.field, wireType: f.wireType, value: view.getFloat64(0, true) };
    if (f.wireType === WIRE_FIXED32) return { field: f.field, wireType: f.wireType, value: view.getFloat32(0, true) };
    const out: GenericField = { field: f.field, wireType: f.wireType, value: base64(bytes) };
    try {
      const text = utf8Strict.decode(bytes);
      if (!/[\0-\x08\x0e-\x1f]/.test(text)) out.text = text;
    } catch (_e) {
      // not text
    }
    return out;
  });
}

function str(buf: Uint8Array, f: RawField): string {
  return goString(buf.subarray(f.valueStart, f.valueEnd));
}

/**
 * UTF-8 text as Go's encoding/json writes a string: each byte that does not start a valid sequence
 * becomes one U+FFFD (TextDecoder would fold a broken sequence into a single U+FFFD).
 */
export function goString(bytes: Uint8Array): string {
  try {
    return utf8Strict.decode(bytes);
  } catch (_e) {
    let out = '';
    let i = 0;
    while (i < bytes.length) {
      const n = validSequenceLength(bytes, i);
      out += n ? utf8.decode(bytes.subarray(i, i + n)) : '\ufffd';
      i += n || 1;
    }
    return out;
  }
}

function validSequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  let n: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c === 0xe0) lo = 0xa0;
    if (c === 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c === 0xf0) lo = 0x90;
    if (c === 0xf4) hi = 0x8f;
  } else return 0;
  if (i + n > b.length) return 0;
  if (b[i + 1] < lo || b[i + 1] > hi) return 0;
  for (let k = 2; k < n; k++) if (b[i + k] < 0x80 || b[i + k] > 0xbf) return 0;
  return n;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function message(table: SchemaTable, name: string, offset: number): MessageEntry {
  const m = table.messages[name];
  if (!m) throw new WireError(`message ${name} is not in the schema table`, offset);
  return m;
}

function decodeMessage(ctx: Ctx, table: SchemaTable, name: string, start: number, end: number, path: string): JsonValue {
  const msg = message(table, name, start);
  const fields = readFields(ctx.buf, start, end);
  if (msg.special) return decodeSpecial(ctx, msg.special, fields, start);
  if (msg.wrapper) return decodeWrapper(ctx, table, msg, fields, path);
  const byNumber = new Map<number, RawField[]>();
  for (const f of fields) {
    const entry = msg.fields[String(f.field)];
    if (!entry) {
      ctx.unknown.push({ path, field: f.field, wireType: f.wireType, bytes: base64(ctx.buf.subarray(f.start, f.end)), offset: f.start });
      continue;
    }
    const list = byNumber.get(f.field);
    if (list) list.push(f);
    else byNumber.set(f.field, [f]);
  }
  const out: Record<string, JsonValue> = {};
  const numbers = Object.keys(msg.fields).map(Number).sort((a, b) => a - b);
  for (const n of numbers) {
    const entry = msg.fields[String(n)];
    const present = byNumber.get(n) ?? [];
    const childPath = entry.inline ? path : join(path, entry.name);
    if (entry.inline) {
      const last = present[present.length - 1];
      const inner = decodeMessage(ctx, table, entry.ref as string, last ? (last.valueStart as number) : end, last ? (last.valueEnd as number) : end, path);
      if (inner && typeof inner === 'object' && !Array.isArray(inner)) Object.assign(out, inner);
      continue;
    }
    const v = fieldValue(ctx, table, entry, present, childPath, end);
    if (v === OMIT) continue;
    out[entry.name] = v;
  }
  // kubectl prints objects with their keys sorted (it goes through a map), not in Go field order.
  return sortObject(out);
}

const OMIT = Symbol('omit');

function fieldValue(ctx: Ctx, table: SchemaTable, e: FieldEntry, present: RawField[], path: string, end: number): JsonValue | typeof OMIT {
  if (e.map) {
    if (present.length === 0) return e.omitempty ? OMIT : null;
    const obj: Record<string, JsonValue> = {};
    for (const f of present) {
      expectWire(f, WIRE_BYTES);
      let key: JsonValue = e.map.key === 'string' ? '' : 0;
      let valueField: RawField | undefined;
      for (const kv of readFields(ctx.buf, f.valueStart as number, f.valueEnd as number)) {
        if (kv.field === 1) key = scalar(ctx, e.map.key, kv);
        else if (kv.field === 2) valueField = kv;
      }
      const k = String(key);
      if (e.map.value === 'message') {
        obj[k] = decodeMessage(ctx, table, e.map.ref as string, valueField ? (valueField.valueStart as number) : f.valueEnd as number, valueField ? (valueField.valueEnd as number) : (f.valueEnd as number), join(path, k));
      } else if (valueField) {
        obj[k] = scalar(ctx, e.map.value, valueField);
      } else {
        obj[k] = zeroScalar(e.map.value, true);
      }
    }
    return sortObject(obj);
  }
  if (e.repeated) {
    if (present.length === 0) return e.omitempty ? OMIT : null;
    const arr: JsonValue[] = [];
    for (const f of present) {
      if (e.type === 'message') {
        expectWire(f, WIRE_BYTES);
        arr.push(decodeMessage(ctx, table, e.ref as string, f.valueStart as number, f.valueEnd as number, `${path}[${arr.length}]`));
      } else if (f.wireType === WIRE_BYTES && e.type !== 'string' && e.type !== 'bytes') {
        // packed scalars
        for (const p of packed(ctx.buf, e.type, f)) arr.push(p);
      } else {
        arr.push(scalar(ctx, e.type, f));
      }
    }
    return arr;
  }
  const last = present[present.length - 1];
  if (e.type === 'message') {
    const ref = e.ref as string;
    const target = message(table, ref, last ? last.start : end);
    if (!last && (e.pointer || target.wrapper)) return e.omitempty ? OMIT : null;
    if (last) expectWire(last, WIRE_BYTES);
    const v = decodeMessage(ctx, table, ref, last ? (last.valueStart as number) : end, last ? (last.valueEnd as number) : end, path);
    if (target.wrapper && e.omitempty && Array.isArray(v) && v.length === 0) return OMIT;
    if (e.omitzero && !e.pointer && isZeroSpecial(target, v)) return OMIT;
    return v;
  }
  if (!last) {
    if (e.pointer || e.type === 'bytes') return e.omitempty ? OMIT : null;
    const z = zeroScalar(e.type, false);
    return e.omitempty ? OMIT : z;
  }
  const v = scalar(ctx, e.type, last);
  if (e.omitempty && !e.pointer && (v === '' || v === 0 || v === false)) return OMIT;
  return v;
}

function isZeroSpecial(target: MessageEntry, v: JsonValue): boolean {
  if (target.special === 'time' || target.special === 'microtime') return v === null;
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
}

function expectWire(f: RawField, wireType: number): void {
  if (f.wireType !== wireType) throw new WireError(`field ${f.field} has wire type ${f.wireType}, expected ${wireType}`, f.start);
}

function zeroScalar(type: string, inMap: boolean): JsonValue {
  switch (type) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'bytes':
      return inMap ? '' : null;
    default:
      return 0;
  }
}

function varintNumber(type: string, v: bigint): number | boolean {
  switch (type) {
    case 'bool':
      return v !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, v));
    case 'uint32':
      return Number(BigInt.asUintN(32, v));
    case 'sint32':
    case 'sint64': {
      const u = BigInt.asUintN(64, v);
      return Number((u >> 1n) ^ -(u & 1n));
    }
    case 'uint64':
      return Number(v);
    default:
      return Number(BigInt.asIntN(64, v));
  }
}

function scalar(ctx: Ctx, type: string, f: RawField): JsonValue {
  const buf = ctx.buf;
  switch (type) {
    case 'string':
      expectWire(f, WIRE_BYTES);
      return str(buf, f);
    case 'bytes':
      expectWire(f, WIRE_BYTES);
      return base64(buf.subarray(f.valueStart, f.valueEnd));
    case 'double':
    case 'fixed64':
    case 'sfixed64': {
      expectWire(f, WIRE_FIXED64);
      const view = new DataView(buf.buffer, buf.byteOffset + (f.valueStart as number), 8);
      if (type === 'double') return view.getFloat64(0, true);
      return Number(type === 'fixed64' ? view.getBigUint64(0, true) : view.getBigInt64(0, true));
    }
    case 'float':
    case 'fixed32':
    case 'sfixed32': {
      expectWire(f, WIRE_FIXED32);
      const view = new DataView(buf.buffer, buf.byteOffset + (f.valueStart as number), 4);
      if (type === 'float') return view.getFloat32(0, true);
      return type === 'fixed32' ? view.getUint32(0, true) : view.getInt32(0, true);
    }
    default:
      expectWire(f, WIRE_VARINT);
      return varintNumber(type, f.varint as bigint);
  }
}

function packed(buf: Uint8Array, type: string, f: RawField): JsonValue[] {
  const out: JsonValue[] = [];
  let pos = f.valueStart as number;
  const end = f.valueEnd as number;
  while (pos < end) {
    if (type === 'double' || type === 'fixed64' || type === 'sfixed64' || type === 'float' || type === 'fixed32' || type === 'sfixed32') {
      const n = type === 'double' || type.endsWith('64') ? 8 : 4;
      if (pos + n > end) throw new WireError('truncated packed field', pos);
      const view = new DataView(buf.buffer, buf.byteOffset + pos, n);
      out.push(n === 8 ? (type === 'double' ? view.getFloat64(0, true) : Number(view.getBigInt64(0, true))) : type === 'float' ? view.getFloat32(0, true) : view.getInt32(0, true));
      pos += n;
    } else {
      const v = readVarint(buf, pos, end);
      out.push(varintNumber(type, v.value));
      pos = v.next;
    }
  }
  return out;
}

function decodeWrapper(ctx: Ctx, table: SchemaTable, msg: MessageEntry, fields: RawField[], path: string): JsonValue {
  const items = msg.fields['1'];
  const present = fields.filter((f) => f.field === 1);
  const v = fieldValue(ctx, table, { ...items, omitempty: false }, present, path, 0);
  return v === OMIT ? null : v;
}

function decodeSpecial(ctx: Ctx, special: string, fields: RawField[], start: number): JsonValue {
  const get = (n: number) => fields.filter((f) => f.field === n).pop();
  const int = (n: number, type: string): bigint => {
    const f = get(n);
    if (!f) return 0n;
    expectWire(f, WIRE_VARINT);
    return type === 'int32' ? BigInt.asIntN(32, f.varint as bigint) : BigInt.asIntN(64, f.varint as bigint);
  };
  const bytesOf = (n: number): Uint8Array | undefined => {
    const f = get(n);
    if (!f) return undefined;
    expectWire(f, WIRE_BYTES);
    return ctx.buf.subarray(f.valueStart, f.valueEnd);
  };
  switch (special) {
    case 'time': {
      // metav1.Time drops nanos on read; an empty message is the zero time.
      if (fields.length === 0) return null;
      const s = int(1, 'int64');
      return s === GO_ZERO_UNIX ? null : formatRfc3339(s, 0);
    }
    case 'microtime': {
      if (fields.length === 0) return null;
      const s = int(1, 'int64');
      const nanos = Number(int(2, 'int32'));
      if (s === GO_ZERO_UNIX && nanos === 0) return null;
      return formatRfc3339(s, Math.trunc(nanos / 1000), 6);
    }
    case 'duration':
      return formatGoDuration(int(1, 'int64'));
    case 'quantity': {
      const b = bytesOf(1);
      const s = b ? utf8.decode(b) : '';
      if (s === '') return '0';
      const canonical = canonicalQuantity(s);
      if (canonical === undefined) throw new WireError(`"${s}" is not a quantity`, get(1)?.valueStart ?? start);
      return canonical;
    }
    case 'intOrString': {
      const type = int(1, 'int64');
      if (type === 1n) {
        const b = bytesOf(3);
        return b ? goString(b) : '';
      }
      return Number(int(2, 'int32'));
    }
    case 'fieldsV1':
    case 'rawExtension': {
      const b = bytesOf(1);
      if (!b) return null;
      if (b.length === 0) return null;
      if (special === 'rawExtension' && K8S_PREFIX.every((x, i) => b[i] === x)) return base64(b);
      let parsed: JsonValue;
      try {
        parsed = JSON.parse(utf8.decode(b)) as JsonValue;
      } catch (_e) {
        throw new WireError(`${special} does not hold JSON`, get(1)?.valueStart ?? start);
      }
      ctx.options.onRawJson?.(parsed, b);
      return parsed;
    }
    default:
      throw new WireError(`no decoder for ${special}`, start);
  }
}

function formatRfc3339(seconds: bigint, micros: number, digits = 0): string {
  const ms = Number(seconds) * 1000;
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const base = iso.slice(0, 19);
  if (digits === 0) return `${base}Z`;
  return `${base}.${String(micros).padStart(6, '0')}Z`;
}

/** Go's time.Duration.String(). */
export function formatGoDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const neg = nanos < 0n;
  let u = neg ? -nanos : nanos;
  let out: string;
  if (u < 1_000_000_000n) {
    let unit: string;
    let div: bigint;
    if (u < 1000n) return `${neg ? '-' : ''}${u}ns`;
    if (u < 1_000_000n) {
      unit = 'µs';
      div = 1000n;
    } else {
      unit = 'ms';
      div = 1_000_000n;
    }
    out = fraction(u, div) + unit;
  } else {
    const h = u / 3_600_000_000_000n;
    u -= h * 3_600_000_000_000n;
    const m = u / 60_000_000_000n;
    u -= m * 60_000_000_000n;
    out = `${fraction(u, 1_000_000_000n)}s`;
    if (h > 0n || m > 0n) out = `${m}m${out}`;
    if (h > 0n) out = `${h}h${out}`;
  }
  return (neg ? '-' : '') + out;
}

function fraction(v: bigint, div: bigint): string {
  const whole = v / div;
  const rest = v % div;
  if (rest === 0n) return String(whole);
  const digits = String(div).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function sortObject(o: Record<string, JsonValue>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}
