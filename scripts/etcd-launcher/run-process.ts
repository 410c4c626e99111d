/** Run a short-lived command to completion and collect its output (used for etcdctl). */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { killOnExit } from './kill-on-exit';
import type { EtcdctlResult } from './types';

export function runProcess(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string | Buffer; timeoutMs: number },
): Promise<EtcdctlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    killOnExit(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        // Shell convention, so a signalled etcdctl still reads as a non-zero exit.
        code: code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1),
      });
    });
    child.stdin.on('error', () => {
      /* etcdctl may exit before reading stdin */
    });
    child.stdin.end(opts.input);
  });
}
