import { describe, expect, it } from 'vitest';
import { text } from '../../../src/shared/bytes';
import type { JobInfo } from '../../../src/shared/types';
import { flush, okR } from './fake-api';
import { setupStore } from './helpers';

const job = (state: JobInfo['state'], done: number, extra: Partial<JobInfo> = {}): JobInfo => ({
  jobId: 'j1',
  profileId: 'a',
  kind: 'search',
  state,
  startedAt: 1,
  progress: { done, total: 120_000 },
  ...extra,
});
const hit = (k: string) => ({ key: text(k), modRevision: 3, inValue: false });

describe('search slice', () => {
  it('starts search:start, streams hits and progress in, ends with the report; a hit opens its key', async () => {
    const { store, fake } = await setupStore();
    void store.getState().switchProfile('a');
    await flush();
    void store.getState().startSearch({ prefix: 'reg/', query: 'pods', regex: true, caseSensitive: false, inValues: true });
    await flush();
    const start = fake.ep['search:start'].next();
    expect(start.req).toEqual({ profileId: 'a', prefix: text('reg/'), query: 'pods', mode: 'regex', caseSensitive: false, inValues: true });
    // A batch that overtakes the start answer is not lost.
    fake.emit('event:search-hits', { profileId: 'a', jobId: 'j1', hits: [hit('reg/pods/a')] });
    start.resolve(okR(job('running', 0)));
    await flush();
    fake.emit('event:job', job('running', 40_000));
    fake.emit('event:search-hits', { profileId: 'a', jobId: 'j1', hits: [hit('reg/pods/b'), hit('reg/pods/c')] });
    await flush();
    let s = store.getState().search!;
    expect(s.status).toBe('running');
    expect(s.scanned).toBe(40_000);
    expect(s.total).toBe(120_000);
    expect(s.hits.map((h) => h.key.data)).toEqual(['reg/pods/a', 'reg/pods/b', 'reg/pods/c']);
    fake.emit('event:job', job('done', 120_000, { report: { kind: 'search', scanned: 120_000, matched: 3, capped: false, revision: 9 } }));
    await flush();
    s = store.getState().search!;
    expect(s.status).toBe('done');
    expect(s.scanned).toBe(120_000);
    store.getState().openSearchHit(text('reg/pods/b'));
    await flush();
    expect(fake.ep['kv:get'].next().req).toEqual({ profileId: 'a', key: text('reg/pods/b') });
  });

  it('cancel asks main to stop the job; a refused start shows its error', async () => {
    const { store, fake } = await setupStore();
    void store.getState().switchProfile('a');
    await flush();
    const cancels: string[] = [];
    fake.ep['jobs:cancel'].handle((req) => {
      cancels.push(req.jobId);
      return okR(job('running', 0, { jobId: req.jobId }));
    });
    void store.getState().startSearch({ prefix: '', query: 'x', regex: false, caseSensitive: true, inValues: false });
    await flush();
    fake.ep['search:start'].next().resolve(okR(job('running', 0)));
    await flush();
    store.getState().cancelSearch();
    await flush();
    expect(cancels).toEqual(['j1']);
    fake.emit('event:job', job('cancelled', 10_000, { report: { kind: 'search', scanned: 10_000, matched: 0, capped: false, revision: 9 } }));
    await flush();
    expect(store.getState().search).toMatchObject({ status: 'cancelled', scanned: 10_000 });

    void store.getState().startSearch({ prefix: '', query: '(', regex: true, caseSensitive: true, inValues: false });
    await flush();
    fake.ep['search:start'].next().resolve({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'That regular expression is not valid (unterminated group).' } });
    await flush();
    expect(store.getState().search).toMatchObject({ status: 'failed', error: { code: 'INVALID_ARGUMENT' } });
  });
});
