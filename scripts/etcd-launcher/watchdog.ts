/**
 * Members that die with the launcher, however the launcher dies.
 *
 * kill-on-exit.ts runs JS on the way out, which a SIGKILL (or a crash in native code) never does,
 * and members spawned `detached` get no terminal signal either, so they would be orphaned. Linux
 * can tie a child to its parent (prctl PR_SET_PDEATHSIG), but Node cannot call prctl. What the
 * kernel does guarantee is that a dying process's file descriptors are closed. So one small node
 * process per launcher reads a pipe whose only writer is the launcher, which tells it the member
 * PIDs ("+pid" on spawn, "-pid" on exit). End of file on that pipe means the launcher is gone:
 * the watchdog SIGTERMs the members still listed, SIGKILLs whatever is left after the grace
 * period, and exits. After a normal stop every member was already struck off, so it just exits.
 *
 * The watchdog is itself detached (own session): the terminal's Ctrl+C or hang-up, which the
 * launcher answers with an orderly stop, must not take the watchdog down before it is needed.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

const GRACE_MS = 3000;

// Plain CommonJS for `node -e`: no loader, no file to locate from a bundled or transpiled caller.
const WATCHDOG_SOURCE = `
const { readFileSync } = require('node:fs');
const pids = new Set();
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  const lines = (pending + text).split('\\n');
  pending = lines.pop();
  for (const line of lines) {
    const pid = Number(line.slice(1));
    if (!Number.isInteger(pid) || pid <= 0) continue;
    if (line[0] === '+') pids.add(pid);
    else pids.delete(pid);
  }
});
// Orphans are reparented to PID 1, which in some containers never reaps them: a zombie has
// exited all the same.
const gone = (pid) => {
  try { process.kill(pid, 0); } catch { return true; }
  try { const s = readFileSync('/proc/' + pid + '/stat', 'utf8'); return s[s.lastIndexOf(')') + 2] === 'Z'; } catch { return false; }
};
const signal = (pid, sig) => { try { process.kill(pid, sig); } catch {} };
let reaping = false;
const reap = () => {
  if (reaping) return;
  reaping = true;
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + ${GRACE_MS};
  const check = () => {
    for (const pid of pids) if (gone(pid)) pids.delete(pid);
    if (pids.size > 0 && Date.now() < deadline) return void setTimeout(check, 50);
    for (const pid of pids) signal(pid, 'SIGKILL');
    process.exit(0);
  };
  check();
};
process.stdin.on('end', reap);
process.stdin.on('error', reap);
`;

export interface Watchdog {
  watch(pid: number): void;
  unwatch(pid: number): void;
}

let instance: Watchdog | undefined;

/** The launcher's watchdog, started on first use; one per process, shared by all clusters. */
export function launcherWatchdog(): Watchdog {
  if (instance) return instance;
  const env = { ...process.env };
  // A NODE_OPTIONS preload (tsx, a debugger) would only slow the watchdog's start.
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
    env,
  });
  const pipe = child.stdin as Socket;
  let alive = true;
  const lost = (): void => {
    alive = false;
  };
  child.once('error', lost);
  child.once('exit', lost);
  // A watchdog killed by someone else must not crash the launcher with EPIPE.
  pipe.on('error', lost);
  // Neither the watchdog nor its pipe may keep the launcher's event loop alive.
  child.unref();
  pipe.unref();
  const send = (line: string): void => {
    if (alive) pipe.write(`${line}\n`);
  };
  instance = { watch: (pid) => send(`+${pid}`), unwatch: (pid) => send(`-${pid}`) };
  return instance;
}
