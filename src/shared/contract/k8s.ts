/**
 * Kubernetes' etcd: stored objects decoded as kubectl prints them, edited objects re-encoded
 * with the same schema, resources browsed by type and namespace, and an analysis of the
 * keyspace (objects, bytes and the largest objects per resource).
 */
import { z } from 'zod';
import type { K8sDecoded, K8sEncoded, K8sNamespaceCount, K8sResourceTypes, K8sSummary } from '../k8s';
import type { JobInfo } from '../types';
import { channel, returns } from './define';
import { key, profileId, revision, value } from './schemas';
import { VALUE_FIELD_MAX } from './limits';

/** Keys per `k8s:summaries` call (a screenful is ~40 rows). */
export const K8S_SUMMARY_KEYS_MAX = 500;

export const k8s = {
  decode: channel({
    effect: 'read',
    request: z.object({ value, modRevision: revision.optional() }).strict(),
    response: returns<K8sDecoded>(),
    doc: 'Decode a stored value as kubectl would print it (k8s\\0 protobuf, JSON custom resources, encrypted prefixes); values above K8S_WORKER_THRESHOLD decode in a worker.',
  }),
  encode: channel({
    effect: 'read',
    request: z.object({ original: value, edited: z.string().max(VALUE_FIELD_MAX) }).strict(),
    response: returns<K8sEncoded>(),
    doc: 'Re-encode an edited object (YAML or JSON text) with the schema the original decoded with; INVALID_ARGUMENT names the path of an unknown field or a wrong type, or says the original does not re-encode byte-identically. Writes nothing: the caller saves with kv:put and compare-and-swap.',
  }),
  resources: channel({
    effect: 'read',
    request: z.object({ profileId, root: key.optional() }).strict(),
    response: returns<K8sResourceTypes>(),
    doc: "The resource types under /registry/ (or `root`), Kubernetes' storage quirks handled, each with its exact count.",
  }),
  namespaces: channel({
    effect: 'read',
    request: z.object({ profileId, prefix: key }).strict(),
    response: returns<readonly K8sNamespaceCount[]>(),
    doc: "A namespaced resource type's namespaces (its prefix from k8s:resources), each with its exact count.",
  }),
  summaries: channel({
    effect: 'read',
    request: z.object({ profileId, keys: z.array(key).max(K8S_SUMMARY_KEYS_MAX), revision: revision.min(1).optional() }).strict(),
    response: returns<readonly K8sSummary[]>(),
    doc: "Kind, namespace, name, uid, owner and creation time of named keys (the rows on screen), read with bounded bytes per call; at `revision` for a grid that shows a past revision.",
  }),
  analyze: channel({
    effect: 'read',
    request: z.object({ profileId, root: key.optional() }).strict(),
    response: returns<JobInfo>(),
    doc: 'Start a job that reads every value under /registry/ (or `root`) at one revision: objects and bytes per resource type and namespace, and the largest objects; progress and cancel as any job, the report as kind k8s-analyze.',
  }),
};
