/**
 * Linux /proc, read from the outside: which processes descend from one we spawned, and whether
 * a PID is still that same process. Needed once a process is no longer our child (an orphan
 * adopted by init), where Node offers no exit event to wait for.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** Executable name as the kernel keeps it (first 15 bytes). */
  comm: string;
  /** R, S, D, Z (zombie: exited, not yet reaped), ... */
  state: string;
  /** Clock ticks after boot: with the PID, names one process even after the PID is recycled. */
  startTime: string;
}

export function procInfo(pid: number): ProcInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm may hold spaces and parentheses: it ends at the LAST ')'.
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  const rest = stat.slice(close + 2).split(' ');
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  return { pid, ppid: Number(rest[1]), comm, state: rest[0], startTime: rest[19] };
}

/** Every live descendant of `root` (children, grandchildren, ...). */
export function descendants(root: number): ProcInfo[] {
  const all = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map((n) => procInfo(Number(n)))
    .filter((p): p is ProcInfo => p !== undefined);
  const out: ProcInfo[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next = all.filter((p) => frontier.includes(p.ppid));
    out.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return out;
}

/** Still running as the very process we saw (a zombie or a recycled PID does not count). */
export function stillRunning(p: ProcInfo): boolean {
  const now = procInfo(p.pid);
  return now !== undefined && now.startTime === p.startTime && now.state !== 'Z';
}
