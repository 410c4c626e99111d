/**
 * `npm run etcd` and `npm run etcd:cluster` run exactly as a user runs them (npm, the script, real
 * etcd), on free ports and a temp data dir. However npm or the script is stopped, no member it
 * started may survive it (the header of scripts/etcd.ts says which mechanism covers which case).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { assertPortFree, freePort } from '../support/etcd';
import { descendants, procInfo, stillRunning, type ProcInfo } from '../support/processes';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const READY_MS = 30_000;
/** The script's orderly stop: SIGTERM with a 3 s SIGKILL fallback, followers, then the leader. */
const STOPPED_MS = 15_000;

interface Run {
  npm: ChildProcessByStdio<null, Readable, Readable>;
  output: () => string;
  /** npm has exited and so has every process holding its stdout/stderr (the script among them). */
  finished: Promise<void>;
  members: ProcInfo[];
  /** The script: the members' parent. */
  launcher?: ProcInfo;
}

const runs: Run[] = [];
const dataDirs: string[] = [];

afterEach(async () => {
  // Only what this file started: npm's process tree, and the members and script we recorded
  // (by PID and start time, so a recycled PID is left alone).
  for (const run of runs.splice(0)) {
    const npmAlive = run.npm.exitCode === null && run.npm.signalCode === null;
    const leftovers = [...(npmAlive ? descendants(run.npm.pid!) : []), ...run.members, ...(run.launcher ? [run.launcher] : [])];
    for (const p of leftovers) if (stillRunning(p)) process.kill(p.pid, 'SIGKILL');
    if (npmAlive) run.npm.kill('SIGKILL');
  }
  await Promise.all(dataDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Resolves true when `p` settles within `ms`, false otherwise. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** `count` consecutive free ports: the script takes client and peer ports from --port N on. */
async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await freePort();
    if (base + count - 1 > 65535) continue;
    const rest = Array.from({ length: count - 1 }, (_, k) => base + k + 1);
    const free = await Promise.all(rest.map((p) => assertPortFree(p).then(() => true, () => false)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

async function npmRunEtcd(script: 'etcd' | 'etcd:cluster', members: number): Promise<Run> {
  const port = await freePortRun(2 * members);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'etcd-desktop-npm-run-'));
  dataDirs.push(dataDir);
  const npm = spawn('npm', ['run', script, '--', '--port', String(port), '--data-dir', dataDir], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    // npm's update check would reach for the registry; this machine may be offline.
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  let out = '';
  const finished = new Promise<void>((resolve) => npm.once('close', () => resolve()));
  const run: Run = { npm, output: () => out, finished, members: [] };
  runs.push(run);

  const ready = new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer): void => {
      out += c.toString('utf8');
      if (out.includes('Press Ctrl+C to stop.')) resolve();
    };
    npm.stdout.on('data', onData);
    npm.stderr.on('data', onData);
    npm.once('exit', (code, signal) => reject(new Error(`npm exited (code ${code}, signal ${signal}) before etcd was up:\n${out}`)));
  });
  if (!(await within(ready, READY_MS))) throw new Error(`npm run ${script} not up within ${READY_MS} ms:\n${out}`);

  const printed = /^Member PIDs: (.+)$/m.exec(out);
  expect(printed, out).not.toBeNull();
  const pids = printed![1].split(' ').map((kv) => Number(kv.split('=')[1]));
  run.members = pids.map((pid) => procInfo(pid)).filter((p): p is ProcInfo => p !== undefined);
  expect(run.members.map((p) => p.comm)).toEqual(Array(members).fill('etcd'));
  // The printed PIDs are all the etcd processes npm's tree started (nothing else to clean up).
  const etcdInTree = descendants(npm.pid!).filter((p) => p.comm === 'etcd').map((p) => p.pid);
  expect(etcdInTree.sort()).toEqual([...pids].sort());
  run.launcher = procInfo(run.members[0].ppid);
  return run;
}

async function expectStopsWithin(run: Run, gone: Promise<unknown>, what: string): Promise<void> {
  const t0 = performance.now();
  const inTime = await within(gone, STOPPED_MS);
  const ms = (performance.now() - t0).toFixed(0);
  console.log(`[timing] ${what}: ${inTime ? `${ms} ms` : `still running after ${STOPPED_MS} ms`}`);
  const survivors = run.members.filter(stillRunning).map((p) => p.pid);
  expect(survivors, `etcd members still running after ${what}; script output:\n${run.output()}`).toEqual([]);
  expect(inTime, `not finished after ${what}; script output:\n${run.output()}`).toBe(true);
}

describe('npm run etcd stops every member it started', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s to npm (single node)', async (signal) => {
    const run = await npmRunEtcd('etcd', 1);
    process.kill(run.npm.pid!, signal);
    // The script exits only after its members have; `close` waits for the script's end.
    await expectStopsWithin(run, run.finished, `${signal} to npm`);
    expect(run.output()).toMatch(/stopping etcd\.\.\.\netcd stopped\./);
  }, 60_000);

  it('npm killed outright (SIGKILL): the script sees its parent gone and stops the member', async () => {
    const run = await npmRunEtcd('etcd', 1);
    process.kill(run.npm.pid!, 'SIGKILL');
    await expectStopsWithin(run, run.finished, 'SIGKILL to npm');
    expect(run.output()).toMatch(/parent process \d+ exited: stopping etcd\.\.\.\netcd stopped\./);
  }, 60_000);

  it('SIGTERM to npm (three-member cluster)', async () => {
    const run = await npmRunEtcd('etcd:cluster', 3);
    process.kill(run.npm.pid!, 'SIGTERM');
    await expectStopsWithin(run, run.finished, 'SIGTERM to npm, cluster');
  }, 60_000);

  it('the script killed outright (SIGKILL): its watchdog stops the member', async () => {
    const run = await npmRunEtcd('etcd', 1);
    expect(run.launcher).toBeDefined();
    process.kill(run.launcher!.pid, 'SIGKILL');
    // The orphaned member is init's child now: no exit event reaches us, so watch /proc.
    const gone = new Promise<void>((resolve) => {
      const check = (): void => {
        if (run.members.some(stillRunning)) setTimeout(check, 20);
        else resolve();
      };
      check();
    });
    await expectStopsWithin(run, gone, 'SIGKILL to the script');
  }, 60_000);
});
