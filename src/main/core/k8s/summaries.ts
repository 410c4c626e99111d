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

/** Single-key reads in flight per call. */
const SUMMARY_READS = 8;
/** Value bytes per call after which no new read starts. */
export const SUMMARY_READ_BYTES = 4 * 1024 * 1024;

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
  const decoded = decodeK8sValue(value);
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

export function summarize(conn: Connection, keys: readonly Bytes[]): Promise<readonly K8sSummary[]> {
  const session = conn.session;
  return session.run('read', async () => {
    const found: (K8sSummary | undefined)[] = new Array(keys.length);
    let bytes = 0;
    let next = 0;
    const worker = async () => {
      while (next < keys.length && bytes < SUMMARY_READ_BYTES) {
        const i = next++;
        const res = await session.rpc.range({ key: toBuffer(keys[i]) });
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
