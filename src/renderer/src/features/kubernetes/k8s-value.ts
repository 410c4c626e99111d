/**
 * What the Kubernetes view shows of a decoded value, as text: which values it is offered for,
 * the object as YAML or JSON, Secrets' values masked until revealed, unknown fields as lines.
 */
import { Document, parse, visit } from 'yaml';
import { base64ToUint8, toUint8, type Bytes } from '../../../../shared/bytes';
import type { JsonValue, K8sUnknownField } from '../../../../shared/k8s';

export type K8sFormat = 'yaml' | 'json';

/** What a masked Secret value shows instead of its bytes. */
export const MASK = '••••••••';

const K8S_PREFIX = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"
const ENC_PREFIX = [...'k8s:enc:'].map((c) => c.charCodeAt(0));

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** The first `n` bytes of a value, without decoding all of it. */
function head(value: Bytes, n: number): Uint8Array {
  if (value.encoding === 'utf8') return toUint8({ encoding: 'utf8', data: value.data.slice(0, n) });
  return base64ToUint8(value.data.slice(0, Math.ceil(n / 3) * 4));
}

/**
 * A value Kubernetes stored: protobuf (`k8s\0`), encrypted (`k8s:enc:`), or a JSON object under
 * /registry/ (custom resources, CRDs, APIServices).
 */
export function isKubernetesValue(key: Bytes, value: Bytes): boolean {
  const start = head(value, 8);
  if (startsWith(start, K8S_PREFIX) || startsWith(start, ENC_PREFIX)) return true;
  return key.encoding === 'utf8' && key.data.startsWith('/registry/') && value.encoding === 'utf8' && value.data.trimStart().startsWith('{');
}

const isRecord = (v: JsonValue | undefined): v is { [key: string]: JsonValue } => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isSecret(object: JsonValue): boolean {
  return isRecord(object) && object.kind === 'Secret';
}

/**
 * A Secret with the values of `data` and `stringData` masked (keys stay); anything else as it
 * is. `kubectl apply` keeps the whole Secret, data included, in the last-applied annotation: its
 * value is masked too.
 */
export function maskSecret(object: JsonValue): JsonValue {
  if (!isSecret(object) || !isRecord(object)) return object;
  const out: { [key: string]: JsonValue } = { ...object };
  for (const field of ['data', 'stringData']) {
    const values = out[field];
    if (isRecord(values)) out[field] = Object.fromEntries(Object.keys(values).map((k) => [k, MASK]));
  }
  const metadata = out.metadata;
  if (isRecord(metadata) && isRecord(metadata.annotations) && LAST_APPLIED in metadata.annotations) {
    out.metadata = { ...metadata, annotations: { ...metadata.annotations, [LAST_APPLIED]: MASK } };
  }
  return out;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * A string a YAML 1.1 or 1.2 reader would take for something else (`yes`, `on`, `y`, `0755`,
 * `1_000`, a number, null): quoted, as go-yaml (kubectl) quotes them, so the text means the same
 * to kubectl and to any YAML reader. Only short strings can be such scalars.
 */
function ambiguous(s: string): boolean {
  if (s.length > 64 || s.includes('\n')) return false;
  try {
    return typeof parse(s, { version: '1.1' }) !== 'string' || typeof parse(s) !== 'string';
  } catch {
    return false;
  }
}

/** The object as kubectl prints it: keys in the decoder's (sorted) order, YAML without folding. */
export function objectText(object: JsonValue, format: K8sFormat): string {
  if (format === 'json') return `${JSON.stringify(object, null, 2)}\n`;
  const doc = new Document(object, { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && ambiguous(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  // Sequences not indented under their key, as kubectl (go-yaml) prints them.
  return doc.toString({ lineWidth: 0, indentSeq: false });
}

/** Bytes (base64) as spaced hex, the first `max` of them. */
export function hexOfBase64(b64: string, max = 256): string {
  const bytes = base64ToUint8(b64);
  const shown = Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > max ? `${shown} … (${bytes.length} bytes)` : shown;
}

/** `# unknown field N (wire type T) at <path>: <hex>`, as the view lists them above the object. */
export function unknownFieldLine(f: K8sUnknownField, masked: boolean): string {
  const at = f.path === '' ? '(top level)' : f.path;
  return `# unknown field ${f.field} (wire type ${f.wireType}) at ${at}: ${masked ? `${MASK} (a Secret's bytes: Reveal values to see them)` : hexOfBase64(f.bytes)}`;
}

export const WIRE_TYPES: Readonly<Record<number, string>> = { 0: 'varint', 1: 'fixed64', 2: 'bytes', 5: 'fixed32' };

/** apiVersion, kind, namespace and name of a decoded object, for the view's header. */
export function identity(object: JsonValue): { apiVersion?: string; kind?: string; namespace?: string; name?: string; resourceVersion?: string } {
  if (!isRecord(object)) return {};
  const meta = isRecord(object.metadata) ? object.metadata : {};
  const s = (v: JsonValue | undefined) => (typeof v === 'string' ? v : undefined);
  return { apiVersion: s(object.apiVersion), kind: s(object.kind), namespace: s(meta.namespace), name: s(meta.name), resourceVersion: s(meta.resourceVersion) };
}
