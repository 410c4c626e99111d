/**
 * `kv:previews` on a real etcd: the sizes and previews of named keys (a keys-only listing's rows
 * on screen), byte-exact, at the listing's revision, bounded by the bytes read per call.
 */
import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { fromUint8, text, toUint8, type Bytes } from '../../src/shared/bytes';
import type { KeyPreview } from '../../src/shared/types';
import { PREVIEW_KEYS_MAX } from '../../src/shared/contract/limits';
import { parseRequest } from '../../src/main/core/validation';

let etcd: EtcdCluster;
let h: Harness;
let profileId: string;

beforeAll(async () => {
  etcd = await startCluster();
  h = await createHarness();
  profileId = await h.connect({ name: 'previews', endpoints: etcd.endpoints, deadlineMs: 5000 });
});
afterAll(async () => {
  await h?.close();
  await etcd?.close();
});

const put = (key: Bytes, value: Bytes) => h.handlers['kv:put']({ profileId, key, value });
const bytes = (b: Buffer): Bytes => fromUint8(new Uint8Array(b));
const found = (p: KeyPreview) => {
  if ('missing' in p) throw new Error('expected a found key');
  return p;
};

describe('kv:previews', () => {
  it('sizes and previews byte-exact (binary too), a missing key said so, in the order asked', async () => {
    const big = Buffer.alloc(100 * 1024, 0xab);
    big[0] = 0x00;
    big[1] = 0xff;
    const binKey = bytes(Buffer.from([0x70, 0x2f, 0x00, 0xfe]));
    unwrap(await put(text('p/small'), text('héllo')));
    unwrap(await put(binKey, bytes(big)));
    const r = unwrap(await h.handlers['kv:previews']({ profileId, keys: [text('p/small'), text('p/none'), binKey], previewBytes: 16 }));
    expect(r.items).toHaveLength(3);
    const small = found(r.items[0]);
    expect(small.key).toEqual(text('p/small'));
    expect(small.size).toBe(Buffer.byteLength('héllo'));
    expect(small.truncated).toBe(false);
    expect(Buffer.from(toUint8(small.preview)).toString('utf8')).toBe('héllo');
    expect(r.items[1]).toEqual({ key: text('p/none'), missing: true });
    const b = found(r.items[2]);
    expect(b.key).toEqual(binKey);
    expect(b.size).toBe(big.length);
    expect(b.truncated).toBe(true);
    expect(Buffer.from(toUint8(b.preview))).toEqual(big.subarray(0, 16));
    const etcdSays = await etcd.etcdctl(['get', 'p/small', '-w', 'json']);
    expect(b.modRevision).toBeLessThanOrEqual(r.revision);
    expect(small.modRevision).toBe(Number(/"mod_revision":(\d+)/.exec(etcdSays.stdout)![1]));
  });

  it("at the listing's revision: a value written since is not the one previewed", async () => {
    const first = unwrap(await put(text('p/rev'), text('one')));
    unwrap(await put(text('p/rev'), text('two')));
    const at = unwrap(await h.handlers['kv:previews']({ profileId, keys: [text('p/rev')], revision: first.revision }));
    expect(found(at.items[0]).preview).toEqual(text('one'));
    expect(at.revision).toBe(first.revision);
    const now = unwrap(await h.handlers['kv:previews']({ profileId, keys: [text('p/rev')] }));
    expect(found(now.items[0]).preview).toEqual(text('two'));
    await etcd.etcdctl(['compaction', String(now.revision)]);
    expect(errorOf(await h.handlers['kv:previews']({ profileId, keys: [text('p/rev')], revision: first.revision })).code).toBe('COMPACTED');
  });

  it('bounded by bytes per call: past maxBytes no new read starts; the rest come with the next call', async () => {
    const value = bytes(Buffer.alloc(100 * 1024, 0x61));
    const keys = Array.from({ length: 30 }, (_, i) => text(`p/big/${String(i).padStart(2, '0')}`));
    for (const k of keys) unwrap(await put(k, value));
    const first = unwrap(await h.handlers['kv:previews']({ profileId, keys, maxBytes: 150 * 1024 }));
    // Reads run 8 at a time: the first ones in flight finish, none starts after the budget.
    expect(first.items.length).toBeGreaterThanOrEqual(2);
    expect(first.items.length).toBeLessThan(keys.length);
    const done = new Set(first.items.map((p) => (p.key as { data: string }).data));
    const rest = keys.filter((k) => !done.has(k.data));
    const second = unwrap(await h.handlers['kv:previews']({ profileId, keys: rest }));
    expect(second.items).toHaveLength(rest.length);
    expect(second.items.every((p) => !('missing' in p) && p.size === 100 * 1024)).toBe(true);
  });

  it('a page of the listing costs the same whatever the values weigh: keys-only + previews of a screenful vs the page with values (printed)', { timeout: 120_000 }, async () => {
    const value = bytes(Buffer.alloc(100 * 1024, 0x62));
    const N = 600;
    for (let i = 0; i < N; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => put(text(`heavy/${String(i + j).padStart(4, '0')}`), value)).map(async (p) => unwrap(await p)));
    }
    const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
      const t0 = performance.now();
      const r = await fn();
      return [r, performance.now() - t0];
    };
    const rounds = 3;
    let withValues = Infinity;
    let keysOnly = Infinity;
    let previews = Infinity;
    for (let round = 0; round < rounds; round++) {
      const [full, a] = await time(async () => unwrap(await h.handlers['kv:list']({ profileId, prefix: text('heavy/'), limit: 500 })));
      const [page, b] = await time(async () => unwrap(await h.handlers['kv:list']({ profileId, prefix: text('heavy/'), limit: 500, keysOnly: true })));
      const screen = page.items.slice(0, 40).map((e) => e.key);
      const [seen, c] = await time(async () => unwrap(await h.handlers['kv:previews']({ profileId, keys: screen, revision: page.revision, previewBytes: 160 })));
      expect(full.items).toHaveLength(500);
      expect(page.items).toHaveLength(500);
      expect(page.items[0].size).toBeUndefined();
      expect(seen.items).toHaveLength(40);
      withValues = Math.min(withValues, a);
      keysOnly = Math.min(keysOnly, b);
      previews = Math.min(previews, c);
    }
    console.log(
      `[kv:previews] ${N} keys x 100 KB, best of ${rounds}: page of 500 with values ${withValues.toFixed(1)} ms (~${((500 * 100) / 1024).toFixed(1)} MB from etcd); ` +
        `keys-only page ${keysOnly.toFixed(1)} ms + previews of 40 rows ${previews.toFixed(1)} ms (~${((40 * 100) / 1024).toFixed(1)} MB); ` +
        `ratio ${((keysOnly + previews) / withValues).toFixed(2)}`,
    );
  });

  it("the IPC's validation refuses a call naming no key, or more than PREVIEW_KEYS_MAX", () => {
    expect(parseRequest('kv:previews', { profileId, keys: [] }).ok).toBe(false);
    const many = Array.from({ length: PREVIEW_KEYS_MAX + 1 }, (_, i) => text(`k${i}`));
    const r = parseRequest('kv:previews', { profileId, keys: many });
    expect(r.ok).toBe(false);
    expect(parseRequest('kv:previews', { profileId, keys: many.slice(1) }).ok).toBe(true);
  });
});
