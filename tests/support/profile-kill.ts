/**
 * SIGKILLs of a process that saves profiles in a loop: after each kill the profiles file must
 * parse with the app's own parser and hold either the last state the child reported saved or
 * the state of the save that was under way, nothing else. Shared by
 * tests/integration/profile-file-kill.test.ts (200 kills) and scripts/profile-kill-soak.ts (1,000).
 *
 * The child is the real ProfileStore built by esbuild into one plain .cjs file and run by plain
 * `node` (no TypeScript loader, no NODE_OPTIONS): see tests/support/profile-saver-child.ts.
 *
 * One round: spawn the child on the same directory as the round before, read its `ready <i>`
 * (the state it found, which must be the one the last round left), wait until it reports
 * `saving <n>` for a randomly chosen n, SIGKILL it by PID at a randomly chosen point (at once,
 * after a few event-loop turns, or after a 0-4 ms timer) so the kill lands in every phase of
 * a save, wait for its exit, then check the directory with the parser and with a fresh
 * ProfileStore. A round that fails is recorded and the directory is emptied, so one failure
 * does not hide the next ones.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { CURRENT_VERSION, parseFile } from '../../src/main/core/profiles/file-format';
import { defaultProfiles, ProfileStore, PROFILES_FILE } from '../../src/main/core/profiles/store';
import { inputFor, killTestCipher, stateOfName } from './profile-kill-state';

const root = resolve(__dirname, '../..');
const CHILD_ENTRY = join(root, 'tests/support/profile-saver-child.ts');
const ERRORS_TS = join(root, 'src/main/core/etcd/errors.ts');
/** What the store leaves while a save is under way (see writeAtomic in store.ts). */
const TEMP_FILE = new RegExp(`^${PROFILES_FILE.replace('.', '\\.')}\\.(\\d+)\\.[0-9a-f-]{36}\\.tmp$`);
/** A round that sees no `saving` line in this time is a failure (the child hangs). */
const ROUND_GUARD_MS = 15_000;

export type KillPoint = 'now' | 'turns' | 'timer';

export interface KillOptions {
  readonly kills: number;
  /** Replays the same choices of n and kill points (the timing of the child still varies). */
  readonly seed?: number;
  /** Called every `progressEvery` kills with a one-line summary. */
  readonly progress?: (line: string) => void;
  readonly progressEvery?: number;
  /** Keep the temp directories (bundle and profiles) for a look after a failure. */
  readonly keep?: boolean;
  /**
   * Children killed at the same time, each in a directory of its own (default 2): a child
   * spends most of its life starting Node, so two lanes halve the time on two cores.
   */
  readonly lanes?: number;
}

export interface KillReport {
  readonly kills: number;
  /** Kills after which the file parsed (app parser, no problems reported). */
  readonly parsed: number;
  /** The file held the last state the child reported saved. */
  readonly old: number;
  /** The file held the state of the save that was under way. */
  readonly new: number;
  /** Kills that left the store's temp file behind (a save was killed between open and rename). */
  readonly tempLeft: number;
  readonly points: Readonly<Record<KillPoint, number>>;
  /** Saves the children completed, over all rounds. */
  readonly saves: number;
  readonly failures: readonly string[];
  readonly seed: number;
  readonly lanes: number;
  readonly ms: number;
  /** The work directory (bundle, one profiles directory per lane); removed unless `keep`. */
  readonly dir: string;
}

export function formatReport(r: KillReport): string {
  const lines = [
    `profile file: ${r.kills} kills, ${r.parsed} parsed, old=${r.old} new=${r.new}, ${Math.round(r.ms)} ms`,
    `  kill points: now=${r.points.now} turns=${r.points.turns} timer=${r.points.timer}; temp file left by ${r.tempLeft} kills (removed at the next open); ${r.saves} saves completed; ${r.lanes} lanes; seed ${r.seed}`,
  ];
  if (r.failures.length > 0) {
    lines.push(`  ${r.failures.length} FAILED rounds; the first ones:`, ...r.failures.slice(0, 5).map((f) => `    ${f}`));
  }
  return lines.join('\n');
}

/**
 * etcd3, which errors.ts imports for its error classes only (instanceof checks of failed
 * calls), is resolved to etcd3/lib/errors.js, the module where those classes live: the
 * package's index also loads gRPC and parses its .proto files, ~300 ms a start, which would
 * be a minute of the 200 kills and is never used by a save. Only errors.ts may import etcd3,
 * and only names that module exports, or the build fails.
 */
function etcd3ErrorsOnly(): Plugin {
  const req = createRequire(join(root, 'package.json'));
  const errorsModule = req.resolve('etcd3/lib/errors');
  return {
    name: 'etcd3-errors-only',
    setup(b) {
      b.onResolve({ filter: /^etcd3$/ }, (args) => {
        if (resolve(args.importer) !== ERRORS_TS) {
          return { errors: [{ text: `${args.importer} imports etcd3: the profile store now needs more than its error classes; revisit tests/support/profile-kill.ts` }] };
        }
        return { path: errorsModule };
      });
    },
  };
}

function checkEtcd3Names(): void {
  const source = readFileSync(ERRORS_TS, 'utf8');
  const clauses = [...source.matchAll(/import\s*(type\s*)?\{([^}]*)\}\s*from\s*'etcd3'/g)];
  if (clauses.length === 0 || /import\s+\*\s+as\s+\w+\s+from\s+'etcd3'|import\s+\w+\s+from\s+'etcd3'/.test(source)) {
    throw new Error(`${ERRORS_TS} no longer imports etcd3 as { names }: update etcd3ErrorsOnly in tests/support/profile-kill.ts`);
  }
  const errors = createRequire(join(root, 'package.json'))('etcd3/lib/errors') as Record<string, unknown>;
  const names = clauses
    .filter((c) => !c[1])
    .flatMap((c) => c[2].split(','))
    .map((n) => n.trim())
    .filter((n) => n && !n.startsWith('type '))
    .map((n) => n.split(/\s+as\s+/)[0]);
  const missing = names.filter((n) => typeof errors[n] !== 'function');
  if (missing.length > 0) throw new Error(`errors.ts imports ${missing.join(', ')} from etcd3, which etcd3/lib/errors does not export: update tests/support/profile-kill.ts`);
}

/** Builds the child with the real store into `<outDir>/profile-saver.cjs`; fails if anything of Electron got in. */
export async function buildSaverChild(outDir: string): Promise<string> {
  checkEtcd3Names();
  const outfile = join(outDir, 'profile-saver.cjs');
  const result = await build({
    absWorkingDir: root,
    entryPoints: [CHILD_ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    metafile: true,
    logLevel: 'silent',
    plugins: [etcd3ErrorsOnly()],
  });
  const inputs = Object.keys(result.metafile.inputs);
  const electronInputs = inputs.filter((p) => /(^|\/)(node_modules\/electron|src\/main\/electron|src\/preload)\//.test(p));
  if (electronInputs.length > 0) throw new Error(`the built profile store contains Electron code: ${electronInputs.join(', ')}`);
  if (!inputs.some((p) => p.endsWith('src/main/core/profiles/store.ts'))) throw new Error('the bundle does not contain src/main/core/profiles/store.ts');
  const builtins = new Set(builtinModules);
  const external = Object.values(result.metafile.outputs)
    .flatMap((o) => o.imports)
    .filter((i) => i.external)
    .map((i) => i.path);
  const notBuiltin = external.filter((p) => !p.startsWith('node:') && !builtins.has(p));
  if (notBuiltin.length > 0) throw new Error(`the bundle still needs ${[...new Set(notBuiltin)].join(', ')} at run time`);
  return outfile;
}

/** mulberry32: small, seeded, good enough to pick kill points. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ChildRun {
  readonly pid: number;
  readonly lines: string[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  /** Set when the child never reached the chosen save. */
  readonly problem?: string;
}

/**
 * Runs the child until it reports `saving <n>` with n >= ready + 1 + extra, kills it at the
 * given point, and returns once it is gone and its output is drained.
 */
function runChild(bundle: string, dir: string, extra: number, point: KillPoint, delay: number): Promise<ChildRun> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [bundle, dir], { stdio: ['ignore', 'pipe', 'pipe'], env });
  return new Promise<ChildRun>((resolvePromise, reject) => {
    const lines: string[] = [];
    let partial = '';
    let stderr = '';
    let target: number | undefined;
    let killing = false;
    let problem: string | undefined;
    const kill = (): void => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
    };
    const guard = setTimeout(() => {
      problem = `no "saving ${target ?? '?'}" within ${ROUND_GUARD_MS} ms`;
      kill();
    }, ROUND_GUARD_MS);
    const trigger = (): void => {
      killing = true;
      if (point === 'now') kill();
      else if (point === 'timer') setTimeout(kill, delay);
      else {
        let turns = delay;
        const turn = (): void => {
          if (turns-- <= 0) kill();
          else setImmediate(turn);
        };
        setImmediate(turn);
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const ready = /^ready (\d+)$/.exec(line);
        if (ready) target = Number(ready[1]) + 1 + extra;
        const saving = /^saving (\d+)$/.exec(line);
        if (saving && !killing && target !== undefined && Number(saving[1]) >= target) trigger();
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (err) => {
      clearTimeout(guard);
      reject(err);
    });
    // 'close': the process exited and its stdout and stderr are drained.
    child.once('close', (code, signal) => {
      clearTimeout(guard);
      if (partial) lines.push(partial);
      resolvePromise({ pid: child.pid ?? -1, lines, code, signal, stderr, ...(problem ? { problem } : {}) });
    });
  });
}

interface RoundOutcome {
  readonly state: number;
  readonly kind: 'old' | 'new';
  readonly tempLeft: boolean;
  readonly saves: number;
}

class RoundFailure extends Error {
  constructor(
    message: string,
    readonly parsed: boolean,
  ) {
    super(message);
  }
}

/** What the child's lines say: the state it found, the last state saved and the save under way. */
function readLines(run: ChildRun, expectedReady: number): { lastSaved: number; lastSaving: number; saves: number } {
  const [first, ...rest] = run.lines;
  const ready = /^ready (\d+)$/.exec(first ?? '');
  if (!ready) throw new RoundFailure(`the child did not start: ${JSON.stringify(run.lines.slice(0, 3))} ${run.stderr.trim()}`, false);
  if (Number(ready[1]) !== expectedReady) throw new RoundFailure(`the child found state ${ready[1]}, the last round left ${expectedReady}`, false);
  let lastSaved = expectedReady;
  let lastSaving = expectedReady;
  let saves = 0;
  for (const line of rest) {
    const m = /^(saving|saved) (\d+)$/.exec(line);
    if (!m) throw new RoundFailure(`unexpected output from the child: ${JSON.stringify(line)}`, false);
    const n = Number(m[2]);
    if (m[1] === 'saving') {
      if (n !== lastSaved + 1 || lastSaving !== lastSaved) throw new RoundFailure(`"saving ${n}" out of order (saved ${lastSaved}, saving ${lastSaving})`, false);
      lastSaving = n;
    } else {
      if (n !== lastSaving || lastSaved === lastSaving) throw new RoundFailure(`"saved ${n}" out of order (saved ${lastSaved}, saving ${lastSaving})`, false);
      lastSaved = n;
      saves++;
    }
  }
  return { lastSaved, lastSaving, saves };
}

function expectedStored(n: number, id: string): unknown {
  const input = inputFor(n);
  return {
    id,
    name: input.name,
    endpoints: input.endpoints,
    username: input.username,
    password: { kind: 'encrypted', data: killTestCipher.encrypt(input.password as string).toString('base64') },
    tls: { caFile: input.tls?.caFile },
    deadlineMs: input.deadlineMs,
    color: input.color,
  };
}

/** The state the file holds, checked field by field; throws a RoundFailure for anything else. */
function stateOfFile(raw: string | undefined, knownId: { id?: string }): number {
  if (raw === undefined) return 0;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new RoundFailure(`the file is not JSON (${(err as Error).message}): ${JSON.stringify(raw.slice(0, 120))} (${raw.length} bytes)`, false);
  }
  let parsed;
  try {
    parsed = parseFile(json);
  } catch (err) {
    throw new RoundFailure(`the app's parser rejects the file: it ${(err as Error).message}`, false);
  }
  if (parsed.version !== CURRENT_VERSION || parsed.newer || parsed.problems.length > 0 || parsed.invalid.length > 0 || Object.keys(parsed.extras).length > 0) {
    throw new RoundFailure(`the file parses with problems: ${JSON.stringify({ version: parsed.version, problems: parsed.problems, extras: parsed.extras })}`, false);
  }
  const entries = (json as { profiles: unknown[] }).profiles;
  const [local, ours, ...more] = entries;
  if (!isDeepStrictEqual(local, JSON.parse(JSON.stringify(defaultProfiles()[0]))) || more.length > 0) {
    throw new RoundFailure(`the file holds other profiles: ${JSON.stringify(entries).slice(0, 300)}`, true);
  }
  if (ours === undefined) return 0;
  const { id, name } = ours as { id?: unknown; name?: unknown };
  const n = typeof name === 'string' ? stateOfName(name) : undefined;
  if (n === undefined || typeof id !== 'string') throw new RoundFailure(`not a state profile: ${JSON.stringify(ours)}`, true);
  knownId.id ??= id;
  if (!isDeepStrictEqual(ours, expectedStored(n, knownId.id))) {
    throw new RoundFailure(`state ${n} is not what save ${n} wrote: ${JSON.stringify(ours)}`, true);
  }
  return n;
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function readIfThere(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function checkRound(dir: string, run: ChildRun, expectedReady: number, knownId: { id?: string }): Promise<RoundOutcome> {
  if (run.problem) throw new RoundFailure(`${run.problem}; stderr: ${run.stderr.trim()}`, false);
  if (run.signal !== 'SIGKILL') throw new RoundFailure(`the child ended by itself (code ${run.code}, signal ${run.signal}): ${run.stderr.trim()}`, false);
  const { lastSaved, lastSaving, saves } = readLines(run, expectedReady);

  // Nothing but the file and, at most, the temp file of the one save that was under way.
  const names = await entries(dir);
  const temps = names.filter((n) => TEMP_FILE.test(n));
  const strays = names.filter((n) => n !== PROFILES_FILE && !temps.includes(n));
  if (strays.length > 0) throw new RoundFailure(`unexpected files after the kill: ${strays.join(', ')}`, false);
  if (temps.length > 1 || temps.some((n) => Number(TEMP_FILE.exec(n)?.[1]) !== run.pid)) {
    throw new RoundFailure(`temp files other than the killed save's: ${temps.join(', ')} (child ${run.pid})`, false);
  }

  const state = stateOfFile(await readIfThere(join(dir, PROFILES_FILE)), knownId);
  const kind = state === lastSaved ? 'old' : state === lastSaving ? 'new' : undefined;
  if (!kind) throw new RoundFailure(`the file holds state ${state}; the child had saved ${lastSaved} and was saving ${lastSaving}`, true);

  // The store itself: no notice (nothing moved aside), the same state, the password decrypts,
  // and the killed save's temp file is gone.
  const store = new ProfileStore(dir, killTestCipher);
  const seen = await store.state();
  if (seen.notices.length > 0) throw new RoundFailure(`the store reports: ${seen.notices.join(' | ')}`, true);
  const expectedNames = ['Local', ...(state > 0 ? [inputFor(state).name] : [])];
  if (!isDeepStrictEqual(seen.profiles.map((p) => p.name), expectedNames)) {
    throw new RoundFailure(`the store lists ${seen.profiles.map((p) => p.name).join(', ')}, expected ${expectedNames.join(', ')}`, true);
  }
  if (state > 0 && (await store.resolve(seen.profiles[1].id)).password !== `pw-${state}`) throw new RoundFailure(`the password of state ${state} does not decrypt`, true);
  const after = await entries(dir);
  if (after.some((n) => n !== PROFILES_FILE)) throw new RoundFailure(`left after the store opened the directory: ${after.join(', ')}`, true);
  return { state, kind, tempLeft: temps.length > 0, saves };
}

export async function runProfileKills(opts: KillOptions): Promise<KillReport> {
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const rand = random(seed);
  const pick = (n: number): number => Math.floor(rand() * n);
  const lanes = Math.max(1, Math.min(opts.lanes ?? 2, opts.kills));
  const work = await mkdtemp(join(tmpdir(), 'etcd-desktop-profile-kill-'));
  const started = performance.now();
  let parsed = 0;
  let oldCount = 0;
  let newCount = 0;
  let tempLeft = 0;
  let saves = 0;
  let next = 1;
  let done = 0;
  /** Set when a lane failed in a way that is not a finding (a bug here): the others stop too. */
  let broken = false;
  const points: Record<KillPoint, number> = { now: 0, turns: 0, timer: 0 };
  const failures: string[] = [];

  /** One directory, one child at a time: each round starts from the state the last one left. */
  const lane = async (bundle: string, dir: string): Promise<void> => {
    let expected = 0;
    let knownId: { id?: string } = {};
    for (let k = next++; k <= opts.kills && !broken; k = next++) {
      // Mostly the first or second save of the child, sometimes a later one (warmer code).
      const extra = [0, 0, 0, 1, 1, 2, 5][pick(7)];
      const point: KillPoint = (['now', 'turns', 'timer'] as const)[pick(3)];
      const delay = point === 'turns' ? 1 + pick(40) : point === 'timer' ? pick(5) : 0;
      points[point]++;
      const run = await runChild(bundle, dir, extra, point, delay);
      try {
        const outcome = await checkRound(dir, run, expected, knownId);
        parsed++;
        if (outcome.kind === 'old') oldCount++;
        else newCount++;
        if (outcome.tempLeft) tempLeft++;
        saves += outcome.saves;
        expected = outcome.state;
      } catch (err) {
        if (!(err instanceof RoundFailure)) throw err;
        if (err.parsed) parsed++;
        failures.push(`kill ${k} (${point}${delay ? ` ${delay}` : ''}): ${err.message}`);
        // Start over from a first run, so the next rounds are checked as strictly.
        await rm(dir, { recursive: true, force: true });
        expected = 0;
        knownId = {};
      }
      done++;
      if (opts.progress && opts.progressEvery && done % opts.progressEvery === 0) {
        opts.progress(`  ${done} kills, ${failures.length} failed, old=${oldCount} new=${newCount}, ${Math.round(performance.now() - started)} ms`);
      }
    }
  };

  try {
    const bundle = await buildSaverChild(work);
    const results = await Promise.allSettled(
      Array.from({ length: lanes }, (_, i) =>
        lane(bundle, join(work, `profiles-${i + 1}`)).catch((err: unknown) => {
          broken = true;
          throw err;
        }),
      ),
    );
    const crashed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (crashed) throw crashed.reason;
  } finally {
    if (!opts.keep) await rm(work, { recursive: true, force: true });
  }
  return { kills: opts.kills, parsed, old: oldCount, new: newCount, tempLeft, points, saves, failures, seed, lanes, ms: performance.now() - started, dir: work };
}
