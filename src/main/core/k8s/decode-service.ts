/**
 * `k8s:decode`: a stored value decoded for the Kubernetes view. Small values decode inline (a
 * worker round trip costs more than they do); values above K8S_WORKER_THRESHOLD decode in the
 * app's one Kubernetes worker thread, so main's event loop never waits on a 1 MB object.
 * The view's `metadata.resourceVersion` is the key's mod revision, as the API server shows it.
 */
import type { RequestOf } from '../../../shared/contract';
import { byteLength, toUint8 } from '../../../shared/bytes';
import { K8S_WORKER_THRESHOLD, type JsonValue, type K8sDecoded, type K8sEncoded } from '../../../shared/k8s';
import { decodeK8sValue, schema, type DecodedValue } from './decode';
import { reencodeEdited } from './edit';
import { K8sWorker, K8sWorkerUnavailable } from './k8s-worker';

/**
 * Edits above this many bytes (value + text) re-encode in the worker: parsing YAML and
 * re-encoding costs about ten times decoding per byte (a 1.16 MB ConfigMap took 0.7–3.6 s).
 */
export const K8S_ENCODE_WORKER_THRESHOLD = 32 * 1024;

let shared: K8sWorker | undefined;

/** The app's Kubernetes worker, started on first use. */
export function k8sWorker(): K8sWorker {
  return (shared ??= new K8sWorker());
}

/** Ends the worker (the app is quitting, or a test is done); the next use starts a new one. */
export async function stopK8sWorker(): Promise<void> {
  const w = shared;
  shared = undefined;
  await w?.close();
}

export interface DecodeOptions {
  /** Values larger than this many bytes decode in the worker. */
  readonly threshold?: number;
  readonly worker?: K8sWorker;
  /** Told which thread decoded (tests prove the worker ran it). */
  readonly onThread?: (threadId: number) => void;
}

/**
 * `k8s:encode`: the edited text re-encoded the way the original was stored; writes nothing.
 * Large objects run in the worker as decoding does: parsing the YAML of a 1.16 MB ConfigMap
 * and re-encoding it took 0.7 to 3.6 s here (tests/unit/main/k8s-edit.test.ts prints it).
 */
export async function encodeForEdit(req: RequestOf<'k8s:encode'>, opts: DecodeOptions = {}): Promise<K8sEncoded> {
  const threshold = opts.threshold ?? K8S_ENCODE_WORKER_THRESHOLD;
  if (byteLength(req.original) + req.edited.length <= threshold) return reencodeEdited(toUint8(req.original), req.edited);
  const original = toUint8(req.original).slice();
  try {
    const answer = await (opts.worker ?? k8sWorker()).run('encode', { original, edited: req.edited }, { transfer: [original.buffer as ArrayBuffer] });
    opts.onThread?.(answer.threadId);
    return answer.value;
  } catch (e) {
    if (e instanceof K8sWorkerUnavailable) return reencodeEdited(toUint8(req.original), req.edited);
    throw e;
  }
}

export async function decodeForView(req: RequestOf<'k8s:decode'>, opts: DecodeOptions = {}): Promise<K8sDecoded> {
  const threshold = opts.threshold ?? K8S_WORKER_THRESHOLD;
  let decoded: DecodedValue;
  if (byteLength(req.value) > threshold) {
    // A fresh copy of our own, moved (not copied) to the worker.
    const value = toUint8(req.value).slice();
    try {
      const answer = await (opts.worker ?? k8sWorker()).run('decode', { value }, { transfer: [value.buffer as ArrayBuffer] });
      opts.onThread?.(answer.threadId);
      decoded = answer.value;
    } catch (e) {
      // No worker here (its script did not load): slower for main's event loop, but decoded.
      if (!(e instanceof K8sWorkerUnavailable)) throw e;
      decoded = decodeK8sValue(toUint8(req.value));
    }
  } else {
    decoded = decodeK8sValue(toUint8(req.value));
  }
  return forView(decoded, req.modRevision);
}

/** The decoder's answer as the view shows it: resourceVersion from the mod revision, the schema tag. */
export function forView(d: DecodedValue, modRevision: number | undefined): K8sDecoded {
  switch (d.kind) {
    case 'object': {
      const rv = withResourceVersion(d.object, modRevision);
      return { ...d, object: rv.object, resourceVersionFromModRevision: rv.set };
    }
    case 'json': {
      // Custom resources are stored as the API server wrote them; kubectl prints keys sorted.
      const rv = withResourceVersion(sortDeep(d.object), modRevision);
      return { kind: 'json', object: rv.object, resourceVersionFromModRevision: rv.set };
    }
    case 'unknown-kind':
      return { ...d, schemaTag: schema.source.tag };
    default:
      return d;
  }
}

/** The API server fills metadata.resourceVersion from the key's mod revision; so does the view. */
function withResourceVersion(object: JsonValue, modRevision: number | undefined): { object: JsonValue; set: boolean } {
  if (modRevision === undefined || !isRecord(object)) return { object, set: false };
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  return { object: sortKeys({ ...object, metadata: sortKeys({ ...metadata, resourceVersion: String(modRevision) }) }), set: true };
}

function isRecord(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sortKeys(o: { [key: string]: JsonValue }): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

function sortDeep(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (!isRecord(v)) return v;
  const out: { [key: string]: JsonValue } = {};
  for (const k of Object.keys(v).sort()) out[k] = sortDeep(v[k]);
  return out;
}
