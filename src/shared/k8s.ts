/**
 * What the `k8s:*` channels answer: a stored Kubernetes value decoded, an edited object
 * re-encoded, the resource types and namespaces under /registry/, a summary of an object for
 * the grid's columns, and the analyze job's report.
 */
import type { Bytes } from './bytes';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A field the schema table does not know (written by a newer or older Kubernetes): shown, never dropped. */
export interface K8sUnknownField {
  /** JSON path of the message that held the field, e.g. "spec.containers[0]". */
  readonly path: string;
  readonly field: number;
  readonly wireType: number;
  /** The whole field (tag and payload), base64. */
  readonly bytes: string;
  /** Byte offset of the field's tag in the stored value. */
  readonly offset: number;
}

/** A protobuf field of a kind the table does not know, decoded without a schema. */
export interface K8sGenericField {
  readonly field: number;
  readonly wireType: number;
  /** Varints as decimal strings (64-bit safe), fixed values as numbers, bytes as base64. */
  readonly value: string | number;
  /** Length-delimited payloads that are valid UTF-8 text. */
  readonly text?: string;
}

/**
 * A decoded value; `kind` tells the variants apart, the Kubernetes kind (Pod, Secret, ...) is
 * `objectKind`. For objects and JSON, `object.metadata.resourceVersion` is the key's mod
 * revision when the request gave one (`resourceVersionFromModRevision`), as the API server does.
 */
export type K8sDecoded =
  | {
      readonly kind: 'object';
      readonly apiVersion: string;
      readonly objectKind: string;
      readonly object: JsonValue;
      readonly unknownFields: readonly K8sUnknownField[];
      /** The schema table's Kubernetes tag, e.g. "v0.36.3". */
      readonly schemaTag: string;
      readonly resourceVersionFromModRevision: boolean;
    }
  | { readonly kind: 'json'; readonly object: JsonValue; readonly resourceVersionFromModRevision: boolean }
  | { readonly kind: 'encrypted'; readonly provider: string; readonly keyName: string }
  | { readonly kind: 'unknown-kind'; readonly apiVersion: string; readonly objectKind: string; readonly fields: readonly K8sGenericField[]; readonly schemaTag: string }
  | { readonly kind: 'error'; readonly message: string; readonly offset: number };

/** An edited object re-encoded (`k8s:encode`). */
export interface K8sEncoded {
  /** The new stored value (k8s\0 + protobuf, or JSON for custom resources). */
  readonly value: Bytes;
  /** The edited object is the decoded one: the new bytes equal the original's. */
  readonly unchanged: boolean;
  /** The bytes that differ, for the diff view: ranges in the original and the new value. */
  readonly changes: readonly K8sByteChange[];
  readonly originalSize: number;
  readonly size: number;
}

export interface K8sByteChange {
  readonly offset: number;
  /** Bytes of the original from `offset` that were replaced (hex, at most 256 shown). */
  readonly removed: string;
  readonly added: string;
  readonly removedLength: number;
  readonly addedLength: number;
}

/** One resource type under /registry/ (a Kubernetes tree layout's top level). */
export interface K8sResourceType {
  /** What kubectl calls it: "pods", "deployments.apps", "widgets.example.com". */
  readonly resource: string;
  /** The API group ('' for the core group). */
  readonly group: string;
  /** The key prefix its objects are stored under, ending in "/" (e.g. "/registry/minions/"). */
  readonly prefix: Bytes;
  /** Objects live under <prefix><namespace>/<name> (true) or <prefix><name> (false). */
  readonly namespaced: boolean;
  /** The exact number of keys under `prefix`. */
  readonly count: number;
  /** A storage quirk worth saying, e.g. "stored as minions". */
  readonly note?: string;
}

export interface K8sResourceTypes {
  readonly types: readonly K8sResourceType[];
  /** Keys under the root that belong to no resource type (e.g. compact_rev_key, masterleases). */
  readonly other: readonly Bytes[];
  readonly revision: number;
}

export interface K8sNamespaceCount {
  readonly namespace: string;
  /** <type prefix><namespace>/ */
  readonly prefix: Bytes;
  readonly count: number;
}

/** What the grid's Kubernetes columns show for one key. */
export interface K8sSummary {
  readonly key: Bytes;
  readonly size: number;
  readonly modRevision: number;
  readonly objectKind?: string;
  readonly apiVersion?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly uid?: string;
  /** The controller owner (or the first owner), as "Kind/name". */
  readonly owner?: string;
  /** metadata.creationTimestamp, RFC 3339. */
  readonly createdAt?: string;
  readonly encrypted?: { readonly provider: string; readonly keyName: string };
  /** Why nothing else is known, in words (cannot decode at byte N, not a Kubernetes value). */
  readonly problem?: string;
}

/** The analyze job's report (kind 'k8s-analyze'). */
export interface K8sAnalyzeReport {
  readonly kind: 'k8s-analyze';
  /** Keys read (all of them unless cancelled or failed). */
  readonly scanned: number;
  /** Value bytes read in all. */
  readonly bytes: number;
  /** The revision the whole analysis read at. */
  readonly revision: number;
  /** Per resource type: objects and value bytes, largest total first. */
  readonly byResource: readonly { readonly resource: string; readonly count: number; readonly bytes: number }[];
  /** Per resource type and namespace ('' = cluster-scoped): objects and bytes, most objects first. */
  readonly byNamespace: readonly { readonly resource: string; readonly namespace: string; readonly count: number; readonly bytes: number }[];
  /** The largest values, largest first (at most K8S_ANALYZE_LARGEST). */
  readonly largest: readonly { readonly key: Bytes; readonly resource: string; readonly size: number }[];
  /** Values that are encrypted at rest, per resource type. */
  readonly encrypted: number;
}

/** How many of the largest objects the analyze report lists. */
export const K8S_ANALYZE_LARGEST = 50;
/** Values above this size decode in a worker thread, off main's event loop. */
export const K8S_WORKER_THRESHOLD = 256 * 1024;
