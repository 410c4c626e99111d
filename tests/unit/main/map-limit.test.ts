import { mapLimit } from '../../../src/main/core/tasks/map-limit';

describe('mapLimit', () => {
  it('keeps the order, runs at most `limit` at once', async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setImmediate(r));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it('starts no new item after a failure, and rejects with the first failure', async () => {
    const started: number[] = [];
    const run = mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await new Promise((r) => setImmediate(r));
      if (n === 2) throw new Error('two');
      return n;
    });
    await expect(run).rejects.toThrow('two');
    // 1 and 2 ran together; 3 started when 1 ended, before 2 failed; nothing after that.
    expect(started).toEqual([1, 2, 3]);
  });
});
