/**
 * The product reaches etcd3 through one adapter (src/main/core/etcd/rpc.ts) and only through its
 * public members: no connection pool, no private field, no hand-made gRPC call anywhere in src/main.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Etcd3 } from 'etcd3';
import { EtcdSession } from '../../../src/main/core/etcd/session';

const root = resolve(__dirname, '../../..');
const ADAPTER = 'src/main/core/etcd/rpc.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(name) ? [p] : [];
  });
}

/** Source without comments, so prose about the rules does not trip them. */
const code = (file: string): string =>
  readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

const files = sources(join(root, 'src/main')).map((f) => ({ path: relative(root, f), code: code(f) }));

/** etcd3 internals and hand-made gRPC: nowhere in the product, the adapter included. */
const INTERNALS: Array<[RegExp, string]> = [
  [/\bpool\b/, "etcd3's protected connection pool"],
  [/\bwithConnection\b|\bcallOptionsFactory\b|\bgetServiceClient\b|\bcachedServices\b/, "etcd3's pool internals"],
  [/\bas any\b/, 'an untyped reach'],
  [/\[\s*'(pool|client|options|authenticator|hosts|mockImpl)'\s*\]/, 'a private member by name'],
  // grpc-js types are fine (`import type`); a value import is not: the main bundle would inline a second copy.
  [/^import\s+(?!type\b)[^;]*from\s+'@grpc\/grpc-js'/m, 'a value import of grpc-js'],
  [/from\s+'etcd3\/lib/, "a deep import of etcd3's internals"],
];

/**
 * etcd3's client and its typed RPC clients, and gRPC calls of our own (the adapter's `rangeRaw`):
 * only in the adapter.
 */
const CLIENTS = new RegExp(
  [
    /\b(Etcd3|KVClient|WatchClient|LeaseClient|ClusterClient|MaintenanceClient|AuthClient)\b/.source,
    /\.kv\.(range|deleteRange|txn|compact)\(|\.(watchClient|leaseClient|maintenance)\b/.source,
    /\.cluster\.member\w*\(|\.auth\.(authenticate|user\w*|role\w*|auth\w*)\(/.source,
    /\bmakeUnaryRequest\b|\bmakeServerStreamRequest\b|\bmakeClientStreamRequest\b|\bmakeBidiStreamRequest\b/.source,
  ].join('|'),
);

describe('the etcd3 adapter is the only door, and it uses public members only', () => {
  it('finds the product sources', () => {
    expect(files.map((f) => f.path)).toContain(ADAPTER);
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [f.path, f] as const))('%s: no etcd3 internals', (_path, f) => {
    for (const [re, what] of INTERNALS) expect(re.exec(f.code)?.[0], `${f.path}: ${what}`).toBeUndefined();
  });

  it.each(files.filter((f) => f.path !== ADAPTER).map((f) => [f.path, f] as const))('%s: no etcd3 client outside the adapter', (_path, f) => {
    expect(CLIENTS.exec(f.code)?.[0], `${f.path} reaches etcd3's clients; go through ${ADAPTER}`).toBeUndefined();
  });

  it('a session exposes no etcd3 client, only the adapter', () => {
    const s = new EtcdSession({ endpoints: ['http://127.0.0.1:1'], deadlineMs: 100 });
    try {
      const values = [...Object.values(s), ...Object.values(s.rpc)];
      expect(values.some((v) => v instanceof Etcd3)).toBe(false);
      // The session's routed RPCs: plain functions, each sending one RPC through an adapter.
      const auth = ['userList', 'userGet', 'userAdd', 'userDelete', 'userChangePassword', 'userGrantRole', 'userRevokeRole', 'roleList', 'roleGet', 'roleAdd', 'roleDelete', 'roleGrantPermission', 'roleRevokePermission', 'authEnable', 'authDisable', 'authEnabledProbe'];
      const members = ['memberAdd', 'memberPromote', 'memberRemove', 'memberUpdate'];
      expect(Object.keys(s.rpc).sort()).toEqual(['alarm', 'compact', 'hashKv', 'leaseGrant', 'leaseLeases', 'leaseRevoke', 'leaseTimeToLive', 'memberList', 'range', 'rangeRaw', 'status', 'txn', ...auth, ...members].sort());
    } finally {
      s.close();
    }
  });
});
