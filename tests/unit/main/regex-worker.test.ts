import { RegexWorker, RegexWorkerStopped } from '../../../src/main/core/search/regex-worker';
import { AppFailure } from '../../../src/main/core/etcd/errors';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('RegexWorker', () => {
  it('matches each item on its UTF-8 decoding (invalid bytes as U+FFFD), batch after batch', async () => {
    const w = new RegexWorker('^/registry/pods/.*-[0-9]+$', 'i');
    try {
      const r = await w.match([b('/registry/pods/web-1'), b('/registry/PODS/db-22'), b('/registry/pods/web'), b('/registry/svc/x-1')]);
      expect([...r]).toEqual([1, 1, 0, 0]);
      const bad = Buffer.concat([b('k/'), Buffer.from([0xff]), b('/x')]);
      const replacement = new RegexWorker('\uFFFD', '');
      expect([...(await replacement.match([bad, b('k/x')]))]).toEqual([1, 0]);
      await replacement.terminate();
      expect([...(await w.match([]))]).toEqual([]);
    } finally {
      await w.terminate();
    }
  });

  it('a catastrophic pattern on a long key is ended by the batch budget with a clear message', async () => {
    const w = new RegexWorker('(a+)+$', '', { budgetMs: 300 });
    const started = performance.now();
    let err: unknown;
    try {
      await w.match([b('a'.repeat(40) + 'b')]);
    } catch (e) {
      err = e;
    }
    console.log(`[regex-worker] catastrophic /(a+)+$/ on 'a'x40+'b' stopped after ${Math.round(performance.now() - started)} ms (budget 300 ms)`);
    expect(err).toBeInstanceOf(AppFailure);
    expect((err as AppFailure).error.code).toBe('INVALID_ARGUMENT');
    expect((err as AppFailure).error.message).toMatch(/took longer than 0\.3 s.*backtracks/);
    // The worker is gone: nothing more runs on it.
    await expect(w.match([b('a')])).rejects.toBeInstanceOf(RegexWorkerStopped);
  });

  it('terminate ends a batch that is still matching at once (cancel)', async () => {
    const w = new RegexWorker('(a+)+$', '', { budgetMs: 60_000 });
    const pending = w.match([b('a'.repeat(40) + 'b')]);
    const outcome = pending.then(
      () => 'matched',
      (e: unknown) => (e instanceof RegexWorkerStopped ? 'stopped' : `other: ${String(e)}`),
    );
    const started = performance.now();
    await w.terminate();
    expect(await outcome).toBe('stopped');
    console.log(`[regex-worker] terminated mid-match in ${Math.round(performance.now() - started)} ms`);
  });
});
