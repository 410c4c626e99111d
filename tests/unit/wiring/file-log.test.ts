/**
 * The log file: electron-log's file transport in a given folder (userData/logs in the app),
 * bounded with one archive, readable by the user only, credential shapes removed from every
 * line; and the process handlers that log what nobody caught.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '../../../src/main/core/logging/logger';
import { createFileLog, formatLine, installProcessHandlers, LOG_FILE } from '../../../src/main/electron/logging';

const tmp = mkdtempSync(join(tmpdir(), 'etcd-desktop-file-log-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the file log', () => {
  it('writes scoped lines with their fields to <dir>/main.log, creating the folder', () => {
    const dir = join(mkdtempSync(join(tmp, 'a-')), 'logs');
    const fileLog = createFileLog({ dir });
    expect(fileLog.file).toBe(join(dir, LOG_FILE));
    const log = createLogger(fileLog.sink).scope('connections');
    log.info('connection connected', { profileId: 'p-1', code: undefined });
    log.warn('kv:put failed', { code: 'CONFLICT' });
    log.debug('not written at the default level');
    const lines = readFileSync(fileLog.file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[info\]\s+\(main\.connections\) connection connected \{"profileId":"p-1"\}$/);
    expect(lines[1]).toMatch(/\[warn\]\s+\(main\.connections\) kv:put failed \{"code":"CONFLICT"\}$/);
  });

  it('is readable by its owner only', () => {
    const fileLog = createFileLog({ dir: mkdtempSync(join(tmp, 'm-')) });
    createLogger(fileLog.sink).info('x');
    if (process.platform !== 'win32') expect(statSync(fileLog.file).mode & 0o777).toBe(0o600);
  });

  it('rotates past its size into one archive, so the folder stays bounded', () => {
    const dir = mkdtempSync(join(tmp, 'r-'));
    const fileLog = createFileLog({ dir, maxBytes: 4096 });
    const log = createLogger(fileLog.sink);
    for (let i = 0; i < 2000; i++) log.info(`line ${i}`, { i });
    expect(readdirSync(dir).sort()).toEqual(['main.log', 'main.old.log']);
    // each file at most the limit plus the line that crossed it
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).size).toBeLessThan(4096 + 200);
    expect(readFileSync(fileLog.file, 'utf8')).toContain('line 1999');
    expect(readFileSync(join(dir, 'main.old.log'), 'utf8')).not.toContain('line 0 ');
  });

  it('removes credential shapes from every line, whatever the caller passed', () => {
    const line = formatLine('s', 'auth header Authorization: Bearer abc.def', { password: 'pw-canary', n: 1 } as never);
    expect(line).not.toContain('abc.def');
    expect(line).not.toContain('pw-canary');
    expect(line).toContain('"n":1');
  });
});

describe('process handlers', () => {
  it('log uncaught exceptions and unhandled rejections (class, plain words, frames), and uninstall', () => {
    const proc = new EventEmitter();
    const sink = memorySink();
    const uninstall = installProcessHandlers(createLogger(sink).scope('process'), proc as never);
    proc.emit('uncaughtException', new TypeError("Cannot read 'canary-k3y'"), 'uncaughtException');
    proc.emit('unhandledRejection', new Error('lost /secret/path'), Promise.resolve());
    expect(sink.lines).toHaveLength(2);
    expect(sink.lines[0]).toMatch(/^\[error\] \(main\.process\) uncaught exception \{"origin":"uncaughtException","error":"TypeError","message":"Cannot read …","stack":"at /);
    expect(sink.lines[1]).toMatch(/^\[error\] \(main\.process\) unhandled rejection \{"error":"Error","message":"lost …"/);
    expect(sink.lines.join('\n')).not.toMatch(/canary-k3y|secret\/path/);
    uninstall();
    expect(proc.listenerCount('uncaughtException')).toBe(0);
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
  });

  it('keep the process running: with them installed an uncaught exception does not end a real process', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `
      require('tsx/cjs');
      const { installProcessHandlers } = require(${JSON.stringify(join(__dirname, '../../../src/main/electron/logging.ts'))});
      const { createLogger, memorySink } = require(${JSON.stringify(join(__dirname, '../../../src/main/core/logging/logger.ts'))});
      const sink = memorySink();
      installProcessHandlers(createLogger(sink));
      setTimeout(() => { throw new Error('boom'); }, 0);
      Promise.reject(new Error('nobody listens'));
      setTimeout(() => { console.log(JSON.stringify(sink.lines)); }, 50);
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = JSON.parse(r.stdout.trim()) as string[];
    expect(lines.some((l) => l.includes('uncaught exception'))).toBe(true);
    expect(lines.some((l) => l.includes('unhandled rejection'))).toBe(true);
  });
});
