/**
 * What "another client" does in the end-to-end tests: etcdctl against the test cluster, so every
 * check of what etcd holds is independent of the app's own code.
 */
import type { EtcdCluster } from '../../support/etcd';
import type { AppUnderTest } from './bridge';

async function ctl(etcd: EtcdCluster, args: string[], input?: string): Promise<string> {
  const r = await etcd.etcdctl(args, input !== undefined ? { input } : {});
  if (r.code !== 0) throw new Error(`etcdctl ${args.join(' ')} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

interface JsonGet {
  kvs?: { key: string; value?: string; mod_revision?: number }[];
}

/** The exact bytes etcd holds for `key` (via `etcdctl get -w json`), or null when absent. */
export async function etcdBytes(etcd: EtcdCluster, key: string): Promise<Buffer | null> {
  const out = JSON.parse(await ctl(etcd, ['get', key, '-w', 'json'])) as JsonGet;
  const kv = out.kvs?.[0];
  return kv ? Buffer.from(kv.value ?? '', 'base64') : null;
}

/** The base64 of the value etcd holds (null when absent), straight from etcdctl's JSON. */
export async function etcdBase64(etcd: EtcdCluster, key: string): Promise<string | null> {
  const out = JSON.parse(await ctl(etcd, ['get', key, '-w', 'json'])) as JsonGet;
  const kv = out.kvs?.[0];
  return kv ? (kv.value ?? '') : null;
}

/** The key's mod revision (null when absent). */
export async function etcdModRevision(etcd: EtcdCluster, key: string): Promise<number | null> {
  const out = JSON.parse(await ctl(etcd, ['get', key, '-w', 'json'])) as JsonGet;
  return out.kvs?.[0]?.mod_revision ?? null;
}

/** The value as UTF-8 text, or null when the key does not exist. */
export async function etcdText(etcd: EtcdCluster, key: string): Promise<string | null> {
  const b = await etcdBytes(etcd, key);
  return b === null ? null : b.toString('utf8');
}

export async function etcdPut(etcd: EtcdCluster, key: string, value: string): Promise<void> {
  await ctl(etcd, ['put', '--', key, value]);
}

export async function etcdDel(etcd: EtcdCluster, key: string): Promise<void> {
  await ctl(etcd, ['del', '--', key]);
}

/** Go-quoted for etcdctl's txn parser (JSON string escapes are valid Go escapes). */
const quote = (s: string) => JSON.stringify(s);

/**
 * Write many keys with `etcdctl txn` batches of at most 128 puts (etcd's --max-txn-ops),
 * a few batches in flight. Keys must not contain whitespace.
 */
export async function seedKeys(etcd: EtcdCluster, entries: ReadonlyArray<readonly [string, string]>, inFlight = 4): Promise<void> {
  const batches: string[] = [];
  for (let i = 0; i < entries.length; i += 128) {
    const lines = entries.slice(i, i + 128).map(([k, v]) => {
      if (/\s/.test(k)) throw new Error(`seedKeys: key with whitespace: ${JSON.stringify(k)}`);
      return `put ${k} ${quote(v)}`;
    });
    // empty compares, the puts, empty failure ops
    batches.push('\n' + lines.join('\n') + '\n\n\n');
  }
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const input = batches[next++];
      const out = await ctl(etcd, ['txn'], input);
      if (!out.startsWith('SUCCESS')) throw new Error(`etcdctl txn did not succeed: ${out.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, batches.length) }, worker));
}

/** Save a profile straight through the handler table (for tests whose subject is not the form). */
export async function saveProfile(
  app: AppUnderTest,
  input: { name: string; endpoints: readonly string[]; deadlineMs?: number; color?: string; mode?: 'normal' | 'production' | 'read-only' },
): Promise<string> {
  const r = await app.handlers['profiles:save']({ deadlineMs: 3000, ...input });
  if (!r.ok) throw new Error(`profiles:save failed: ${r.error.code} ${r.error.message}`);
  return r.value.id;
}

/** Put a value through the real handlers (connects the profile first); base64 for raw bytes. */
export async function putViaHandlers(app: AppUnderTest, profileId: string, key: string, value: string | Buffer): Promise<void> {
  const c = await app.handlers['connection:connect']({ profileId });
  if (!c.ok) throw new Error(`connect failed: ${c.error.code} ${c.error.message}`);
  const r = await app.handlers['kv:put']({
    profileId,
    key: { encoding: 'utf8', data: key },
    value: typeof value === 'string' ? { encoding: 'utf8', data: value } : { encoding: 'base64', data: value.toString('base64') },
  });
  if (!r.ok) throw new Error(`kv:put failed: ${r.error.code} ${r.error.message}`);
}

/**
 * Write `count` keys fast, for tests whose subject is a big keyspace rather than how it was
 * written: a plain etcd3 client (not the app's code), transactions of 128 puts, 8 in flight.
 */
export async function seedMany(etcd: EtcdCluster, count: number, keyOf: (i: number) => string, valueOf: (i: number) => string): Promise<void> {
  const { Etcd3 } = await import('etcd3');
  const client = new Etcd3({ hosts: [...etcd.endpoints] });
  try {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const from = next;
        next = Math.min(count, next + 128);
        const ops = [];
        for (let i = from; i < next; i++) ops.push({ request_put: { key: Buffer.from(keyOf(i)), value: Buffer.from(valueOf(i)) } });
        await client.kv.txn({ compare: [], success: ops, failure: [] });
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    client.close();
  }
}

/** Put raw bytes (not text) with a plain etcd3 client, not the app's code. */
export async function etcdPutBytes(etcd: EtcdCluster, key: string, value: Buffer): Promise<void> {
  const { Etcd3 } = await import('etcd3');
  const client = new Etcd3({ hosts: [...etcd.endpoints] });
  try {
    await client.put(key).value(value);
  } finally {
    client.close();
  }
}
