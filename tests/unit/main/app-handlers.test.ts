/** The app domain of the handler table: renderer error reports and the log folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createHandlers } from '../../../src/main/core/handlers';
import { appHandlers } from '../../../src/main/core/handlers/app';
import { createLogger, memorySink } from '../../../src/main/core/logging/logger';
import { testCipher } from '../../support/harness';

const tmp = mkdtempSync(join(tmpdir(), 'etcd-desktop-app-handlers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function table(openPath?: (p: string) => Promise<string>, logFolder: string | null = '/var/log/etcd-desktop') {
  const sink = memorySink();
  const handlers = createHandlers({
    profilesDir: mkdtempSync(join(tmp, 'p-')),
    cipher: testCipher(),
    emit: () => undefined,
    logger: createLogger(sink),
    ...(logFolder ? { logFolder } : {}),
    ...(openPath ? { openPath } : {}),
  });
  return { handlers, lines: sink.lines };
}

describe('app:reportError', () => {
  it('writes the report to the log, scoped to the renderer, without the data it quoted', async () => {
    const { handlers, lines } = table();
    const res = await handlers['app:reportError']({
      source: 'window',
      message: `Unexpected token 'x', "canary-7Hq" is not valid JSON`,
      stack: 'SyntaxError: "canary-7Hq" is not valid JSON\n    at JSON.parse (<anonymous>)',
    });
    expect(res).toEqual({ ok: true, value: undefined });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[error\] \(main\.renderer\) renderer error /);
    expect(lines[0]).toContain('"source":"window"');
    expect(lines[0]).toContain('"error":"SyntaxError"');
    expect(lines[0]).toContain('is not valid JSON');
    expect(lines[0]).not.toContain('canary-7Hq');
  });

  it('keeps at most N reports a minute, then says how many it dropped', async () => {
    const sink = memorySink();
    let t = 1_000_000;
    const h = appHandlers({ log: createLogger(sink), reportsPerMinute: 3, now: () => t });
    for (let i = 0; i < 10; i++) await h.reportError({ source: 'rejection', message: 'loop' });
    expect(sink.lines.filter((l) => l.includes(') renderer error {'))).toHaveLength(3);
    t += 60_000;
    await h.reportError({ source: 'rejection', message: 'later' });
    expect(sink.lines.filter((l) => l.includes(') renderer error {'))).toHaveLength(4);
    expect(sink.lines).toContainEqual(expect.stringContaining('renderer errors not logged (too many) {"dropped":7}'));
  });
});

describe('app:openLogFolder', () => {
  it('opens the log folder through the injected openPath', async () => {
    const openPath = vi.fn(async () => '');
    const { handlers } = table(openPath);
    await expect(handlers['app:openLogFolder']()).resolves.toEqual({ ok: true, value: undefined });
    expect(openPath).toHaveBeenCalledWith('/var/log/etcd-desktop');
  });

  it("openPath's error becomes a failure value naming the folder, and is logged by code", async () => {
    const { handlers, lines } = table(async () => 'No application is registered');
    const res = await handlers['app:openLogFolder']();
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('INTERNAL');
      expect(res.error.message).toContain('/var/log/etcd-desktop');
    }
    expect(lines).toContainEqual(expect.stringContaining('app:openLogFolder failed'));
  });

  it('without a log folder: NOT_FOUND, nothing opened', async () => {
    const openPath = vi.fn(async () => '');
    const { handlers } = table(openPath, null);
    const res = await handlers['app:openLogFolder']();
    expect(!res.ok && res.error.code).toBe('NOT_FOUND');
    expect(openPath).not.toHaveBeenCalled();
  });
});
