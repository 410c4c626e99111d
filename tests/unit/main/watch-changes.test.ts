/**
 * etcd watch events as WatchChanges: bytes exact (text when strict UTF-8, else base64), previews
 * cut like listings cut them, deletes with and without the previous value.
 */
import type { IEvent } from 'etcd3';
import { fromUint8, text, toUint8 } from '../../../src/shared/bytes';
import { changeOf, keyId } from '../../../src/main/core/etcd/watch-changes';
import { previewOf } from '../../../src/main/core/etcd/bytes';

const kv = (key: Buffer, value: Buffer, mod: number, extra: Record<string, string> = {}) => ({
  key,
  value,
  mod_revision: String(mod),
  create_revision: '3',
  version: '2',
  lease: '0',
  ...extra,
});
const ev = (type: 'Put' | 'Delete', k: ReturnType<typeof kv>, prev: ReturnType<typeof kv> | null = null) => ({ type, kv: k, prev_kv: prev }) as unknown as IEvent;

describe('changeOf', () => {
  it('a put with a non-UTF-8 key and value: base64, exact; the whole value for key watches', () => {
    const key = Buffer.from([0x6b, 0xff, 0x00]);
    const value = Buffer.from([0x00, 0xc3, 0x28, 0xff]);
    const c = changeOf(ev('Put', kv(key, value, 9, { lease: '7587869839202393601' })), { kind: 'whole' });
    expect(c).toMatchObject({ type: 'put', createRevision: 3, modRevision: 9, version: 2, lease: '7587869839202393601', size: 4 });
    expect(c.key).toEqual(fromUint8(key));
    expect([...toUint8(c.value!)]).toEqual([...value]);
    expect(c.preview).toBeUndefined();
  });

  it('previews are cut exactly as listings cut them (never inside a UTF-8 character)', () => {
    const value = Buffer.from('aé€😀 and more text', 'utf8');
    for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8, 64]) {
      const c = changeOf(ev('Put', kv(Buffer.from('k'), value, 5)), { kind: 'preview', previewBytes: n });
      const want = previewOf(value, n);
      expect({ preview: c.preview, truncated: c.truncated }).toEqual(want);
      expect(c.value).toBeUndefined();
      expect(c.size).toBe(value.length);
    }
  });

  it('a delete carries the delete revision and the meta and size of the value deleted; without prev_kv, no size', () => {
    const d = changeOf(ev('Delete', kv(Buffer.from('k'), Buffer.alloc(0), 12, { create_revision: '0', version: '0' }), kv(Buffer.from('k'), Buffer.from('gone'), 8)), {
      kind: 'whole',
    });
    expect(d).toEqual({ type: 'delete', key: text('k'), modRevision: 12, createRevision: 3, version: 2, lease: '0', size: 4 });
    const bare = changeOf(ev('Delete', kv(Buffer.from('k'), Buffer.alloc(0), 13, { create_revision: '0', version: '0' })), { kind: 'preview', previewBytes: 4 });
    expect(bare).toEqual({ type: 'delete', key: text('k'), modRevision: 13, createRevision: 0, version: 0, lease: '0' });
  });

  it('keyId keeps distinct byte keys distinct (no lossy decoding)', () => {
    const a = Buffer.from([0x78, 0xff]);
    const b = Buffer.from([0x78, 0xfe]);
    expect(keyId(a)).not.toBe(keyId(b));
    expect(Buffer.from(keyId(a), 'latin1')).toEqual(a);
  });
});
