/** One etcd process: spawn it, signal it, know when and how it ended, keep its log. */
import { spawn, type ChildProcess } from 'node:child_process';
import { killOnExit } from './kill-on-exit';
import type { MemberSpec } from './layout';
import { LogBuffer } from './log-buffer';
import type { EtcdMember } from './types';

/** After this long a SIGTERMed member is SIGKILLed: a stuck shutdown must not hang close(). */
const STOP_GRACE_MS = 3000;

export interface MemberSpawnOptions {
  log: 'inherit' | 'ignore' | 'buffer';
  detached: boolean;
  /** The process ended without kill()/stop() having been asked for. */
  onUnexpectedExit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** etcd reads every ETCD_* variable as a flag (and warns about unknown ones such as ETCD_BIN). */
function cleanEtcdEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith('ETCD_') || k === 'ETCD_UNSUPPORTED_ARCH') out[k] = v;
  }
  return out;
}

export class MemberProcess implements EtcdMember {
  readonly index: number;
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  /** Restarts reuse exactly these flags (see layout.ts for why that is fine). */
  readonly args: readonly string[];
  readonly log = new LogBuffer();
  /** Resolves when the current (or last) process has gone; resolved while down. */
  exited: Promise<void> = Promise.resolve();
  lastExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private proc: ChildProcess | undefined;
  /** Set when we asked it to go away, so its exit is not "unexpected". */
  private expectingExit = false;

  constructor(spec: MemberSpec) {
    this.index = spec.index;
    this.name = spec.name;
    this.clientUrl = spec.clientUrl;
    this.peerUrl = spec.peerUrl;
    this.dataDir = spec.dataDir;
    this.args = spec.args;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  /** Start the process unless it runs already; returns the new child, if any. */
  spawn(etcdBin: string, opts: MemberSpawnOptions): ChildProcess | undefined {
    if (this.running) return undefined;
    const stdio = opts.log === 'buffer' ? 'pipe' : opts.log;
    const child = spawn(etcdBin, [...this.args], {
      stdio: ['ignore', stdio, stdio],
      detached: opts.detached,
      env: cleanEtcdEnv(process.env),
    });
    this.proc = child;
    this.expectingExit = false;
    this.lastExit = undefined;
    if (opts.log === 'buffer') {
      child.stdout?.on('data', (c: Buffer) => this.log.push(c));
      child.stderr?.on('data', (c: Buffer) => this.log.push(c));
    }
    killOnExit(child);
    this.exited = new Promise<void>((resolve) => {
      child.once('error', (err) => {
        // spawn failure (e.g. binary vanished): behave like an exit
        this.log.push(Buffer.from(`spawn error: ${err.message}\n`));
        if (this.proc === child) this.proc = undefined;
        resolve();
      });
      child.once('exit', (code, signal) => {
        if (this.proc === child) this.proc = undefined;
        this.lastExit = { code, signal };
        if (!this.expectingExit) opts.onUnexpectedExit(code, signal);
        resolve();
      });
    });
    return child;
  }

  /** Send a signal (default SIGKILL); resolves when the process has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.proc;
    if (!child) return;
    this.expectingExit = true;
    try {
      child.kill(signal);
    } catch {
      /* already exited */
    }
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after STOP_GRACE_MS; resolves when exited. */
  async stop(): Promise<void> {
    if (!this.proc) return;
    const timer = setTimeout(() => {
      try {
        this.proc?.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }, STOP_GRACE_MS);
    try {
      await this.kill('SIGTERM');
    } finally {
      clearTimeout(timer);
    }
  }
}
