import { isMap, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { fromUint8 } from '../../../shared/bytes';
import type { K8sEncoded } from '../../../shared/k8s';
import { failure } from '../app-failure';
import { byteChanges } from './byte-diff';
import { decodeK8sValue, schema, type JsonValue, type SchemaTable } from './decode';
import { encodeK8sJson, encodeK8sObject, K8sEncodeError, rawJsonKey } from './encode';

/**
 * Bytes and text in, bytes out, synchronously: no I/O, so it can move into the decode worker.
 * The original must first re-encode to exactly its own bytes from what it decoded to; only then
 * does encoding the edit change nothing but what the user changed.
 */
export function reencodeEdited(original: Uint8Array, edited: string, table: SchemaTable = schema): K8sEncoded {
  // FieldsV1 / RawExtension JSON text is not recoverable from the parsed value: keep the stored
  // bytes of every such value so an untouched one is written back as it was.
  const rawBytes = new Map<string, Uint8Array>();
  const decoded = decodeK8sValue(original, table, { onRawJson: (v, b) => rawBytes.set(rawJsonKey(v), b) });
  let encode: (object: JsonValue, decimalPaths?: ReadonlySet<string>) => Uint8Array;
  let stored: JsonValue;
  switch (decoded.kind) {
    case 'encrypted':
      throw failure('INVALID_ARGUMENT', `This value is encrypted at rest (provider ${decoded.provider}); only the API server can decrypt it, so it cannot be edited here.`);
    case 'unknown-kind':
      throw failure('INVALID_ARGUMENT', `The schema table (${table.source.tag}) does not know ${decoded.objectKind || 'this kind'} in ${decoded.apiVersion || 'this API version'}, so the object cannot be re-encoded.`);
    case 'error':
      throw failure('INVALID_ARGUMENT', `The stored value cannot be edited: it does not decode (${decoded.message}).`);
    case 'object': {
      if (decoded.unknownFields.length) {
        const u = decoded.unknownFields[0];
        throw failure('INVALID_ARGUMENT', `The stored object has ${decoded.unknownFields.length} field(s) the schema table (${decoded.schemaTag}) does not know (the first is field ${u.field} in ${u.path || 'the object'}); re-encoding would drop them, so it cannot be edited here.`);
      }
      const { apiVersion, objectKind } = decoded;
      encode = (object, decimalPaths) => encodeK8sObject(apiVersion, objectKind, object, table, { rawBytes, decimalPaths });
      stored = decoded.object;
      break;
    }
    case 'json': {
      // json.Encoder ends what it writes with a newline; follow the original either way.
      const newline = original[original.length - 1] === 0x0a;
      encode = (object) => encodeK8sJson(object, newline);
      stored = decoded.object;
      break;
    }
  }

  let again: Uint8Array;
  try {
    again = encode(stored);
  } catch (e) {
    if (e instanceof K8sEncodeError) throw failure('INVALID_ARGUMENT', `The stored object cannot be edited: it does not re-encode (${e.message}).`);
    throw e;
  }
  const at = firstDifference(original, again);
  if (at >= 0) {
    throw failure('INVALID_ARGUMENT', `The stored object does not re-encode to the same bytes (first difference at byte ${at}), so saving an edit could change what was not edited; it cannot be edited here.`);
  }

  const { object, decimalPaths } = parseEdited(edited);
  for (const name of ['apiVersion', 'kind'] as const) {
    const was = field(stored, name);
    if (object[name] !== was) {
      throw failure('INVALID_ARGUMENT', `${name} must stay ${JSON.stringify(was ?? null)}: an edit cannot turn an object into another kind.`, { field: name });
    }
  }
  // The view shows the key's mod revision as metadata.resourceVersion (as the API server does);
  // what is stored is the original's own value, kept whatever the text says.
  const metadata = object.metadata;
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
    const rv = field(field(stored, 'metadata'), 'resourceVersion');
    if (rv === undefined) delete metadata.resourceVersion;
    else metadata.resourceVersion = rv;
  }

  let value: Uint8Array;
  try {
    value = encode(object, decimalPaths);
  } catch (e) {
    if (e instanceof K8sEncodeError) {
      const first = e.problems[0];
      throw failure('INVALID_ARGUMENT', `The edited object cannot be encoded: ${e.message}.`, first?.path ? { field: first.path } : undefined);
    }
    throw e;
  }
  const changes = byteChanges(original, value);
  return { value: fromUint8(value), unchanged: changes.length === 0, changes, originalSize: original.length, size: value.length };
}

function field(v: JsonValue | undefined, name: string): JsonValue | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, name) ? v[name] : undefined;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** YAML (JSON is YAML) into JSON values; a syntax error says line and column, never the text. */
function parseEdited(text: string): { object: { [key: string]: JsonValue }; decimalPaths: Set<string> } {
  const lineCounter = new LineCounter();
  // yaml's own uniqueKeys check compares each key with every other (seconds for a 1 MB map)
  const doc = parseDocument(text, { intAsBigInt: true, uniqueKeys: false, lineCounter });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const what = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw failure('INVALID_ARGUMENT', `The edited text is not valid YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${what}.`);
  }
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : String(pair.key);
        if (seen.has(key)) {
          const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
          const pos = offset === undefined ? undefined : lineCounter.linePos(offset);
          throw failure('INVALID_ARGUMENT', `The edited text is not valid YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: Map keys must be unique.`);
        }
        seen.add(key);
      }
    },
  });
  const decimalPaths = new Set<string>();
  const value = toJson(doc.toJS(), '', decimalPaths);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw failure('INVALID_ARGUMENT', 'The edited text must be one object (a mapping with apiVersion, kind, metadata, ...).');
  }
  return { object: value, decimalPaths };
}

/** What YAML can say but JSON cannot (binary, big integers, infinities) is refused by path. */
function toJson(v: unknown, path: string, decimalPaths: Set<string>): JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw failure('INVALID_ARGUMENT', `${path || 'The edited text'}: the integer ${v} is larger than this editor keeps exactly (2^53).`, { field: path });
    }
    return Number(v);
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw failure('INVALID_ARGUMENT', `${path}: ${v} is not a JSON number.`, { field: path });
    // with intAsBigInt, YAML integers are bigints: a number here was written as a decimal
    if (Number.isInteger(v)) decimalPaths.add(path);
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => toJson(x, `${path}[${i}]`, decimalPaths));
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      // defineProperty: a "__proto__" key is data, as in JSON.parse, not the prototype
      Object.defineProperty(out, k, { value: toJson(x, path ? `${path}.${k}` : k, decimalPaths), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  throw failure('INVALID_ARGUMENT', `${path || 'The edited text'}: a YAML value JSON has no form for (binary, a set or a date); write it as a string.`, { field: path });
}
