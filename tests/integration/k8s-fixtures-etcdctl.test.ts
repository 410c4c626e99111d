/**
 * The reference Kubernetes values written under /registry/ by etcdctl (not by the app), then
 * read and decoded through the app's own handlers: the bytes come back exactly, each decodes to
 * what kubectl prints (with resourceVersion = the key's mod revision, as the API server shows
 * it), the encrypted Secret is recognised, and the summaries and resource types agree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromUint8, text, toUint8 } from '../../src/shared/bytes';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, unwrap, type Harness } from '../support/harness';

interface Fixture {
  key: string;
  valueBase64: string;
  expected: Record<string, unknown> | null;
  kind: string;
}
const fixtures = JSON.parse(readFileSync(join(__dirname, '../fixtures/k8s/fixtures.json'), 'utf8')) as Fixture[];

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]));
  return v;
}

let etcd: EtcdCluster;
let h: Harness;
let profileId: string;

beforeAll(async () => {
  etcd = await startCluster();
  for (const f of fixtures) {
    // etcdctl reads the value from stdin when only the key is given: the bytes go in untouched.
    const r = await etcd.etcdctl(['put', f.key], { input: Buffer.from(f.valueBase64, 'base64') });
    if (r.code !== 0) throw new Error(`etcdctl put ${f.key}: ${r.stderr}`);
  }
  h = await createHarness();
  profileId = await h.connect({ name: 'kubernetes', endpoints: etcd.endpoints, deadlineMs: 5000 });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await etcd?.close();
});

describe('Kubernetes values written by etcdctl, read through the app', () => {
  for (const f of fixtures) {
    it(`${f.kind} ${f.key}`, async () => {
      const got = unwrap(await h.handlers['kv:get']({ profileId, key: text(f.key) }));
      expect(Buffer.from(toUint8(got.value)).equals(Buffer.from(f.valueBase64, 'base64'))).toBe(true);
      const decoded = unwrap(await h.handlers['k8s:decode']({ value: got.value, modRevision: got.modRevision }));
      if (f.expected === null) {
        expect(decoded).toMatchObject({ kind: 'encrypted', provider: 'aescbc', keyName: 'key1' });
        return;
      }
      expect(decoded.kind).toBe('object');
      if (decoded.kind !== 'object') return;
      expect(decoded.objectKind).toBe(f.kind);
      expect(decoded.resourceVersionFromModRevision).toBe(true);
      const expected = structuredClone(f.expected) as { metadata: Record<string, unknown> };
      expected.metadata.resourceVersion = String(got.modRevision);
      expect(sortDeep(decoded.object)).toEqual(sortDeep(expected));
    });
  }

  it('a value cut short says where it could not be decoded, and gives no object', async () => {
    const pod = fixtures.find((f) => f.kind === 'Pod')!;
    const cut = Buffer.from(pod.valueBase64, 'base64').subarray(0, 100);
    const r = await etcd.etcdctl(['put', '/registry/pods/default/cut'], { input: cut });
    expect(r.code).toBe(0);
    const got = unwrap(await h.handlers['kv:get']({ profileId, key: text('/registry/pods/default/cut') }));
    const decoded = unwrap(await h.handlers['k8s:decode']({ value: fromUint8(toUint8(got.value)), modRevision: got.modRevision }));
    expect(decoded).toMatchObject({ kind: 'error' });
    if (decoded.kind === 'error') {
      expect(decoded.message).toMatch(/cannot decode/i);
      expect(decoded.offset).toBeGreaterThan(0);
      expect(decoded.offset).toBeLessThanOrEqual(100);
    }
  });
});
