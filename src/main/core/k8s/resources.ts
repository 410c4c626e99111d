/**
 * The resource types under /registry/ and a type's namespaces, each with its exact count, in
 * round trips proportional to the types (or namespaces), never to the objects below them: the
 * folders are read by delimiter (etcd/tree.ts `folderChildren`), each count is one count-only
 * Range. Everything is read at the revision of the first read, so the counts add up.
 */
import { mapLimit } from '../tasks/map-limit';
import { type Bytes, text } from '../../../shared/bytes';
import type { K8sNamespaceCount, K8sResourceType, K8sResourceTypes } from '../../../shared/k8s';
import type { FolderChild } from '../../../shared/types';
import type { Connection } from '../connections';
import { fromBuffer, prefixEnd, toBuffer } from '../etcd/bytes';
import { failure } from '../etcd/errors';
import { readRangeRaw } from '../etcd/scan';
import type { EtcdSession } from '../etcd/session';
import { folderChildren } from '../etcd/tree';
import { builtInAt, isGroupFolder, K8S_ROOT, resourceAt, type StoredResource } from './resource-path';

/** Children per folder read (a folder of types or of namespaces). */
const CHILDREN_PAGE = 1000;
/** A folder with more children than this is not read further (no Kubernetes has that many types or namespaces). */
const CHILDREN_MAX = 20_000;
/** Keys and folders listed as `other` at most. */
export const K8S_OTHER_MAX = 100;
/** Count reads in flight. */
const COUNTS_IN_FLIGHT = 8;

const SLASH = Buffer.from('/');
const utf8 = (b: Buffer): string => b.toString('utf8');

/** Every direct child of a folder, page after page, at one revision (0: the first page's). */
async function childrenOf(session: EtcdSession, folder: Buffer, revision: number): Promise<{ children: FolderChild[]; revision: number }> {
  const children: FolderChild[] = [];
  let cursor: Bytes | null = null;
  let at = revision;
  do {
    const page = await folderChildren(session, {
      profileId: '',
      folder: fromBuffer(folder),
      delimiter: fromBuffer(SLASH),
      limit: CHILDREN_PAGE,
      ...(cursor ? { cursor } : {}),
      ...(at > 0 ? { revision: at } : {}),
    });
    if (at === 0) at = page.revision;
    children.push(...page.children);
    cursor = page.more ? page.nextCursor : null;
  } while (cursor !== null && children.length < CHILDREN_MAX);
  return { children, revision: at };
}

/**
 * `fn` over `items`, at most `inFlight` at a time, each its own read operation with its own
 * deadline: a type with thousands of namespaces takes that many counts, more than one deadline
 * holds on a slow link, while each count is quick.
 */
const eachBounded = <T, R>(session: EtcdSession, items: readonly T[], fn: (item: T) => Promise<R>, inFlight = COUNTS_IN_FLIGHT): Promise<R[]> =>
  mapLimit(items, inFlight, (item) => session.run('read', () => fn(item)));

const countUnder = async (session: EtcdSession, prefix: Buffer, revision: number): Promise<number> =>
  (await readRangeRaw(session, { key: prefix, end: prefixEnd(prefix), revision, countOnly: true })).count;

const keyOf = (c: FolderChild): Buffer => toBuffer(c.kind === 'folder' ? c.prefix : c.key);

/** A folder under the root as the root-relative path resource-path.ts speaks ("pods/", "example.com/widgets/"). */
const relative = (root: Buffer, folder: Buffer): string => utf8(folder.subarray(root.length));

interface Found {
  readonly prefix: Buffer;
  /** Built-in (scope known), or a custom resource's path (scope from one of its keys). */
  readonly stored?: StoredResource;
  readonly customPath?: string;
}

export async function listResourceTypes(conn: Connection, rootBytes: Bytes | undefined): Promise<K8sResourceTypes> {
  const root = toBuffer(rootBytes ?? text(K8S_ROOT));
  if (root.length === 0 || root[root.length - 1] !== SLASH[0]) {
    throw failure('INVALID_ARGUMENT', 'The Kubernetes root must end with "/" (e.g. /registry/).', { field: 'root' });
  }
  const session = conn.session;
  const top = await childrenOf(session, root, 0);
  const revision = top.revision;
  const found: Found[] = [];
  const other: Buffer[] = [];
  const nested: Buffer[] = [];
  for (const c of top.children) {
    const prefix = keyOf(c);
    if (c.kind === 'key') {
      other.push(prefix);
      continue;
    }
    const path = relative(root, prefix);
    const stored = builtInAt(path);
    if (stored) found.push({ prefix, stored });
    else if (isGroupFolder(path.slice(0, -1))) nested.push(prefix);
    else other.push(prefix);
  }
  // services/ and group folders hold the types one level down (services/specs/, example.com/widgets/).
  for (const folder of nested) {
    const inner = await childrenOf(session, folder, revision);
    for (const c of inner.children) {
      const prefix = keyOf(c);
      const path = relative(root, prefix);
      const stored = c.kind === 'folder' ? builtInAt(path) : undefined;
      if (stored) found.push({ prefix, stored });
      else if (c.kind === 'folder' && path.split('/')[0].includes('.')) found.push({ prefix, customPath: path });
      else other.push(prefix);
    }
  }
  const types = await eachBounded(session, found, async (f): Promise<K8sResourceType> => {
    let stored = f.stored;
    let count: number;
    if (stored) {
      count = await countUnder(session, f.prefix, revision);
    } else {
      // One key tells a custom resource's scope: <prefix><ns>/<name> or <prefix><name>. The same
      // read counts the range (etcd counts it whatever the limit).
      const page = await readRangeRaw(session, { key: f.prefix, end: prefixEnd(f.prefix), limit: 1, revision, keysOnly: true });
      count = page.count;
      const first = page.length > 0 ? page.key(0).subarray(f.prefix.length) : undefined;
      stored = resourceAt(f.customPath as string, first ? first.includes(SLASH) : true);
    }
    const s = stored as StoredResource;
    return { resource: s.resource, group: s.group, prefix: fromBuffer(f.prefix), namespaced: s.namespaced, count, ...(s.note ? { note: s.note } : {}) };
  });
  types.sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
  other.sort(Buffer.compare);
  return { types, other: other.slice(0, K8S_OTHER_MAX).map(fromBuffer), revision };
}

export async function listNamespaces(conn: Connection, prefixBytes: Bytes): Promise<readonly K8sNamespaceCount[]> {
  const prefix = toBuffer(prefixBytes);
  if (prefix.length === 0 || prefix[prefix.length - 1] !== SLASH[0]) {
    throw failure('INVALID_ARGUMENT', 'The resource type\'s prefix must end with "/" (e.g. /registry/pods/).', { field: 'prefix' });
  }
  const session = conn.session;
  const { children, revision } = await childrenOf(session, prefix, 0);
  // Keys directly under the prefix are cluster-scoped objects, not namespaces.
  const folders = children.filter((c) => c.kind === 'folder').map(keyOf);
  const counts = await eachBounded(session, folders, (f) => countUnder(session, f, revision));
  return folders.map((f, i) => ({ namespace: utf8(f.subarray(prefix.length, f.length - 1)), prefix: fromBuffer(f), count: counts[i] }));
}
