/**
 * What the grid's Kubernetes columns show for the rows on screen: each named key read (one
 * single-key Range, a few at a time, as kv:previews does) and decoded for its kind, namespace,
 * name, uid, owner and creation time. etcd cannot send part of a value and decoding costs main's
 * CPU, so no new read starts once SUMMARY_READ_BYTES of values came back: the keys not read
 * are left out and the caller asks again. Keys that do not exist are left out too.
 */
import type { Bytes } from '../../../shared/bytes';
import type { JsonValue, K8sSummary } from '../../../shared/k8s';
import type { Connection } from '../connections';
import { toBuffer } from '../etcd/bytes';
import { decodeK8sValue } from './decode';
import { objectOfKey } from './resource-path';
import { readFields, WIRE_BYTES } from './wire';

/** Single-key reads in flight per call. */
const SUMMARY_READS = 8;
/** Value bytes per call after which no new read starts. */
export const SUMMARY_READ_BYTES = 4 * 1024 * 1024;
/**
 * Above this size a protobuf value is summarized from its metadata alone: decoding a whole 1 MB
 * ConfigMap of 1,000 entries took 14-44 ms of main's event loop, its metadata under 1 ms (measured).
 */
export const METADATA_ONLY_ABOVE = 64 * 1024;

const K8S_MAGIC = Buffer.from('k8s\0', 'latin1');

/**
 * The same envelope with the object cut down to its metadata (field 1 of every Kubernetes
 * object), or undefined when the value is not such an envelope: the full decode then says why.
 * Every field is still walked, so a truncated value is not summarized as if whole.
 */
function metadataOnly(value: Buffer): Buffer | undefined {
  if (!value.subarray(0, K8S_MAGIC.length).equals(K8S_MAGIC)) return undefined;
  try {
    const top = readFields(value, K8S_MAGIC.length, value.length);
    const typeMeta = top.find((f) => f.field === 1 && f.wireType === WIRE_BYTES);
    const raw = top.find((f) => f.field === 2 && f.wireType === WIRE_BYTES);
    if (!typeMeta || !raw) return undefined;
    const meta = readFields(value, raw.valueStart as number, raw.valueEnd as number).find((f) => f.field === 1 && f.wireType === WIRE_BYTES);
    if (!meta) return undefined;
    const metaBytes = value.subarray(meta.start, meta.end);
    return Buffer.concat([K8S_MAGIC, value.subarray(typeMeta.start, typeMeta.end), Buffer.from([(2 << 3) | WIRE_BYTES]), varint(metaBytes.length), metaBytes]);
  } catch {
    return undefined;
  }
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

type Obj = { readonly [key: string]: JsonValue };
const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The controller ownerReference, else the first, as "Kind/name". */
function ownerOf(refs: JsonValue | undefined): string | undefined {
  if (!Array.isArray(refs)) return undefined;
  const owners = refs.filter(isObj);
  const owner = owners.find((o) => o.controller === true) ?? owners[0];
  if (!owner) return undefined;
  const kind = str(owner.kind);
  const name = str(owner.name);
  return kind && name ? `${kind}/${name}` : undefined;
}

function fromObject(object: JsonValue): Partial<K8sSummary> {
  if (!isObj(object)) return { problem: 'The value is JSON but not an object.' };
  const meta = isObj(object.metadata) ? object.metadata : {};
  const out: Record<string, string> = {};
  const set = (k: string, v: string | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('objectKind', str(object.kind));
  set('apiVersion', str(object.apiVersion));
  set('namespace', str(meta.namespace));
  set('name', str(meta.name));
  set('uid', str(meta.uid));
  set('owner', ownerOf(meta.ownerReferences));
  set('createdAt', str(meta.creationTimestamp));
  return out;
}

function summaryOf(key: Bytes, value: Buffer, modRevision: number): K8sSummary {
  const decoded = decodeK8sValue((value.length > METADATA_ONLY_ABOVE && metadataOnly(value)) || value);
  let fields: Partial<K8sSummary>;
  switch (decoded.kind) {
    case 'object':
    case 'json':
      fields = fromObject(decoded.object);
      break;
    case 'encrypted':
      fields = { encrypted: { provider: decoded.provider, keyName: decoded.keyName } };
      break;
    case 'unknown-kind':
      fields = {
        objectKind: decoded.objectKind,
        apiVersion: decoded.apiVersion,
        problem: `${decoded.objectKind || 'This kind'} (${decoded.apiVersion || 'no apiVersion'}) is not in the schema table: its fields are not known.`,
      };
      break;
    case 'error':
      fields = { problem: `Cannot decode this value: ${decoded.message.replace(/^cannot decode: /, '')}.` };
      break;
  }
  // An encrypted or undecodable object still has its namespace and name in its key.
  if (fields.name === undefined) {
    const ref = objectOfKey(toBuffer(key).toString('utf8'));
    if (ref) fields = { ...fields, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) };
  }
  return { key, size: value.length, modRevision, ...fields };
}

export function summarize(conn: Connection, keys: readonly Bytes[], revision?: number): Promise<readonly K8sSummary[]> {
  const session = conn.session;
  return session.run('read', async () => {
    const found: (K8sSummary | undefined)[] = new Array(keys.length);
    let bytes = 0;
    let next = 0;
    // After a failure no new read starts: the call has already failed.
    let failed = false;
    const worker = async () => {
      while (next < keys.length && bytes < SUMMARY_READ_BYTES && !failed) {
        const i = next++;
        const res = await session.rpc.range({ key: toBuffer(keys[i]), ...(revision ? { revision } : {}) }).catch((e: unknown) => {
          failed = true;
          throw e;
        });
        const kv = res.kvs[0];
        if (!kv) continue;
        bytes += kv.value.length;
        found[i] = summaryOf(keys[i], kv.value, Number(kv.mod_revision));
      }
    };
    await Promise.all(Array.from({ length: Math.min(SUMMARY_READS, keys.length) }, worker));
    return found.filter((f): f is K8sSummary => f !== undefined);
  });
}
