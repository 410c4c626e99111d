import fc from 'fast-check';
import { batchesOf, PER_KEY_OVERHEAD_BYTES, TXN_OVERHEAD_BYTES, TxnBatcher } from '../../../src/main/core/etcd/txn-batches';

describe('transaction batches', () => {
  it('keep every item in order, at most maxItems each, under maxBytes unless an item is alone', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 5000 }), { maxLength: 400 }), fc.integer({ min: 1, max: 130 }), fc.integer({ min: 1000, max: 20_000 }), (sizes, maxItems, maxBytes) => {
        const items = sizes.map((size, i) => ({ i, size }));
        const batches = batchesOf(items, maxItems, maxBytes, (x) => x.size);
        expect(batches.flat().map((x) => x.i)).toEqual(items.map((x) => x.i));
        for (const b of batches) {
          expect(b.length).toBeGreaterThan(0);
          expect(b.length).toBeLessThanOrEqual(maxItems);
          const bytes = TXN_OVERHEAD_BYTES + b.reduce((n, x) => n + x.size + PER_KEY_OVERHEAD_BYTES, 0);
          if (b.length > 1) expect(bytes).toBeLessThanOrEqual(maxBytes);
        }
        // Greedy: a batch closed early only because the next item did not fit.
        for (let k = 0; k + 1 < batches.length; k++) {
          const b = batches[k];
          const next = batches[k + 1][0];
          const withNext = TXN_OVERHEAD_BYTES + [...b, next].reduce((n, x) => n + x.size + PER_KEY_OVERHEAD_BYTES, 0);
          expect(b.length === maxItems || withNext > maxBytes).toBe(true);
        }
      }),
    );
  });

  it('a move of 128 keys takes two transactions of 64 (two operations per key)', () => {
    const keys = Array.from({ length: 128 }, (_, i) => i);
    expect(batchesOf(keys, 64, 1_572_864, () => 10).map((b) => b.length)).toEqual([64, 64]);
  });

  it('flush hands over the open batch once', () => {
    const b = new TxnBatcher<string>(2, 10_000);
    expect(b.add('a', 1)).toBeUndefined();
    expect(b.add('b', 1)).toBeUndefined();
    expect(b.add('c', 1)).toEqual(['a', 'b']);
    expect(b.flush()).toEqual(['c']);
    expect(b.flush()).toBeUndefined();
  });
});
