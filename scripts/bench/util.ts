/**
 * Benchmark helpers: statistics, CPU time of a process, etcdctl runs with drained output, the
 * printed table. Plain Node, no app code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import vm from 'node:vm';
import v8 from 'node:v8';

export const now = (): number => performance.now();

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const round1 = (x: number): number => Math.round(x * 10) / 10;

/** CPU time (user + system, ms) of another process, from /proc (Linux); undefined elsewhere. */
export function procCpuMs(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" of the command name: state is field 3; utime/stime are 14 and 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[11]) + Number(rest[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** Our own CPU time in ms. */
export const selfCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** A function that runs a full GC (exposed without restarting node with --expose-gc). */
export function gcFunction(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

export interface CtlRun {
  ms: number;
  bytes: number;
  lines: number;
  code: number;
  stderr: string;
  cpuMs?: number;
}

const liveChildren = new Set<ChildProcess>();

/** Kill (SIGKILL, by pid) every child this module started and that is still running. */
export function killChildren(): void {
  for (const c of liveChildren) {
    try {
      c.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/**
 * Runs etcdctl with ETCDCTL_API=3 and our endpoints; its stdout goes to a pipe we drain and only
 * count (bytes, newlines), so etcdctl pays for writing its output as a real consumer would make
 * it, and we do not keep it. The time is spawn to exit.
 */
export function runEtcdctl(bin: string, endpoints: readonly string[], args: string[]): Promise<CtlRun> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ETCDCTL_')) env[k] = v;
    env.ETCDCTL_API = '3';
    const t0 = now();
    const child = spawn(bin, [`--endpoints=${endpoints.join(',')}`, '--command-timeout=600s', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    liveChildren.add(child);
    let bytes = 0;
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      bytes += c.length;
      for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 4000) stderr += c.toString('utf8');
    });
    child.once('error', (e) => {
      liveChildren.delete(child);
      reject(e);
    });
    child.once('close', (code) => {
      liveChildren.delete(child);
      const ms = now() - t0;
      resolve({ ms, bytes, lines, code: code ?? 1, stderr });
    });
  });
}

/** Tracks a spawned child so killChildren() can end it. */
export function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

export function machineInfo(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpu_model: cpus[0]?.model ?? 'unknown',
    total_mem_mb: Math.round(os.totalmem() / 2 ** 20),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node_version: process.version,
    load_avg_at_start: os.loadavg().map(round1),
  };
}

// ---------------------------------------------------------------------------------------------
// The table

export interface Row {
  figure: string;
  value: number | string;
  unit: string;
  baseline?: number | string;
  ratio?: number;
  target?: string;
  met?: boolean;
}

const fmt = (v: number | string | undefined): string =>
  v === undefined ? '–' : typeof v === 'string' ? v : Number.isNaN(v) ? 'n/a' : v >= 100 ? String(Math.round(v)) : String(round1(v));

export function printTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.figure,
    fmt(r.value),
    r.unit,
    fmt(r.baseline),
    r.ratio === undefined ? '–' : `${r.ratio.toFixed(2)}×`,
    r.target ?? '–',
    r.met === undefined ? '–' : r.met ? 'yes' : 'NO',
  ]);
  const head = ['figure', 'value', 'unit', 'baseline', 'ratio', 'target', 'met?'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string => c.map((x, i) => (i === 1 || i === 3 || i === 4 ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
  console.log(out);
  return out;
}
