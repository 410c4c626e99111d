import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditFiles, fileBase } from '../../../src/main/core/audit/audit-file';
import { AuditTrail } from '../../../src/main/core/audit/trail';
import { auditedWrites } from '../../../src/main/core/audit/wrap';
import { createLogger, memorySink } from '../../../src/main/core/logging/logger';
import { allChannels, type Handlers } from '../../../src/shared/contract';
import { ok } from '../../../src/shared/result';

const MARKER = 'VALUE-MARKER-8f3a1c';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the audit files', () => {
  it('rotates by size and keeps only the configured number of old files', async () => {
    const trail = new AuditTrail({ dir, rotation: { maxBytes: 1000, keep: 2 } });
    for (let i = 0; i < 60; i++) trail.record({ profileId: 'p1', operation: 'kv:put', key: { encoding: 'utf8', data: `key-${i}` }, outcome: 'applied', revisionAfter: i + 2 });
    await trail.flush('p1');
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(['p1.1.jsonl', 'p1.2.jsonl', 'p1.jsonl']);
    for (const n of names) expect((await stat(join(dir, n))).size).toBeLessThanOrEqual(1000);
    const all = await trail.files.read('p1');
    // The oldest entries were rotated out; the newest are all there, in order.
    expect(all.length).toBeLessThan(60);
    expect(all.at(-1)!.key).toEqual({ encoding: 'utf8', data: 'key-59' });
    const numbers = all.map((e) => Number((e.key as { data: string }).data.slice(4)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers[0]).toBe(60 - all.length);
  });

  it('lists newest first with filters and pages', async () => {
    let now = 1000;
    const trail = new AuditTrail({ dir, now: () => now++ });
    for (let i = 0; i < 10; i++) {
      trail.record({ profileId: 'p1', operation: i % 2 ? 'kv:delete' : 'kv:put', key: { encoding: 'utf8', data: `app/${i}` }, outcome: i === 3 ? 'unknown' : 'applied' });
    }
    const first = await trail.list({ profileId: 'p1', limit: 3 });
    expect(first.entries.map((e) => e.key)).toEqual([9, 8, 7].map((i) => ({ encoding: 'utf8', data: `app/${i}` })));
    const second = await trail.list({ profileId: 'p1', limit: 3, before: first.next! });
    expect(second.entries.map((e) => (e.key as { data: string }).data)).toEqual(['app/6', 'app/5', 'app/4']);
    expect((await trail.list({ profileId: 'p1', limit: 50, operation: 'delete' })).entries).toHaveLength(5);
    expect((await trail.list({ profileId: 'p1', limit: 50, outcome: 'unknown' })).entries.map((e) => e.key)).toEqual([{ encoding: 'utf8', data: 'app/3' }]);
    expect((await trail.list({ profileId: 'p1', limit: 50, keyContains: 'app/7' })).entries).toHaveLength(1);
    expect((await trail.list({ profileId: 'p1', limit: 50, from: 1002, to: 1004 })).entries).toHaveLength(3);
    expect((await trail.list({ profileId: 'p1', limit: 50 })).next).toBeNull();
  });

  it('never writes values: only the fields an entry has reach the file', async () => {
    const trail = new AuditTrail({ dir });
    const sneaky = { profileId: 'p1', operation: 'kv:put', key: { encoding: 'utf8', data: 'k' }, outcome: 'applied', value: { encoding: 'utf8', data: MARKER }, password: MARKER } as never;
    trail.record(sneaky);
    // Through the wrapper too: a put's request carries the value.
    const table = Object.fromEntries(allChannels().map((c) => [c, async () => ok({ revision: 7, created: false })])) as unknown as Handlers;
    const wrapped = auditedWrites(trail).wrap(table);
    await wrapped['kv:put']({ profileId: 'p1', key: { encoding: 'utf8', data: 'k2' }, value: { encoding: 'utf8', data: MARKER } });
    await wrapped['history:restore']({ profileId: 'p1', key: { encoding: 'utf8', data: 'k3' }, revision: 3, expectedModRevision: 5 });
    await trail.flush('p1');
    const text = await readFile(join(dir, 'p1.jsonl'), 'utf8');
    expect(text.trim().split('\n')).toHaveLength(3);
    expect(text).toContain('"k2"');
    expect(text).not.toContain(MARKER);
  });

  it('a failing file never fails the caller: the error goes to the log by code', async () => {
    const sink = memorySink();
    // A file where the folder should be: every append fails.
    await writeFile(join(dir, 'blocked'), 'x');
    const trail = new AuditTrail({ dir: join(dir, 'blocked'), log: createLogger(sink) });
    expect(() => trail.record({ profileId: 'p1', operation: 'kv:put', key: { encoding: 'utf8', data: 'secret-key' }, outcome: 'applied' })).not.toThrow();
    await trail.flush('p1');
    expect(sink.lines.join('\n')).toContain('audit entry not written');
    expect(sink.lines.join('\n')).not.toContain('secret-key');
  });

  it('skips entries of profiles that do not exist, and names files safely', async () => {
    const trail = new AuditTrail({ dir, profileName: async (id) => (id === 'p1' ? 'Prod' : undefined) });
    trail.record({ profileId: 'nope', operation: 'kv:put', outcome: 'failed', errorCode: 'NOT_CONNECTED' });
    trail.record({ profileId: 'p1', operation: 'kv:put', outcome: 'applied' });
    await trail.flush('nope');
    await trail.flush('p1');
    expect(await readdir(dir)).toEqual(['p1.jsonl']);
    expect((await trail.files.read('p1'))[0].profileName).toBe('Prod');
    expect(fileBase('../../etc/passwd')).toMatch(/^p-[0-9a-f]{32}$/);
    const files = new AuditFiles(dir, createLogger(memorySink()));
    expect(files.files('../x')[0].startsWith(dir)).toBe(true);
    expect(files.files('../x')[0]).not.toContain('..');
  });
});
