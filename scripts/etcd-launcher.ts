/**
 * Real-etcd process launcher shared by the integration/e2e tests, the benchmark and `npm run etcd`.
 *
 * Plain Node (no vitest, no electron): only `node:` imports. Everything listens on 127.0.0.1 only.
 *
 * Readiness and leader detection talk to etcd's own HTTP endpoints with node's http/https modules
 * instead of spawning `etcdctl`:
 *  - `GET /health` answers {"health":"true"} once the member has a leader and can serve a
 *    read. It keeps working with auth enabled (no credentials needed) and with
 *    TLS + client-cert-auth when we present a client certificate. A poll costs ~1 ms, whereas an
 *    `etcdctl endpoint health` spawn costs 30-60 ms of process start (Go runtime + gRPC dial),
 *    so we can poll every 20 ms and notice readiness almost immediately.
 *  - `GET /metrics` carries the gauge `etcd_server_is_leader 1|0`, which etcd flips as soon as
 *    raft changes leader. We use it rather than `POST /v3/maintenance/status` (grpc-gateway): with
 *    auth + client-cert-auth, etcd 3.4's gateway rejects any client cert that has a CN ("CommonName
 *    of client sending a request against gateway will be ignored..."), and `etcdctl endpoint
 *    status -w json` prints member ids as bare JSON numbers above 2^53, which JSON.parse rounds.
 *    (/health and /metrics are plain handlers, not the gateway: no auth needed, certs work.)
 * `etcdctl` is still used for what the tests want to see through it (put/get, auth setup).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants as fsConstants, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// ---------------------------------------------------------------------------------------------
// Binary lookup

export const ETCD_INSTALL_HINT =
  'etcd binary not found (set ETCD_BIN or put etcd on PATH). Install it: Debian/Ubuntu ' +
  '`sudo apt-get install etcd-server etcd-client`, macOS `brew install etcd`, or download a ' +
  'release from https://github.com/etcd-io/etcd/releases';

/** Thrown by findEtcdBinary (and startCluster) when etcd is not installed. */
export class EtcdNotFoundError extends Error {
  constructor(detail?: string) {
    super(detail ? `${ETCD_INSTALL_HINT} (${detail})` : ETCD_INSTALL_HINT);
    this.name = 'EtcdNotFoundError';
  }
}

/** Thrown when a requested port on 127.0.0.1 is already taken. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} on 127.0.0.1 is already in use (probably another etcd is running; see \`pgrep -a etcd\`)`);
    this.name = 'PortInUseError';
  }
}

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function searchPath(name: string): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * Locate etcd (env ETCD_BIN, else PATH) and etcdctl (env ETCDCTL_BIN, else beside etcd, else PATH).
 * Throws EtcdNotFoundError with install instructions when etcd is missing.
 */
export function findEtcdBinary(): { etcd: string; etcdctl?: string } {
  let etcd: string | undefined;
  const fromEnv = process.env.ETCD_BIN;
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) throw new EtcdNotFoundError(`ETCD_BIN=${fromEnv} is not an executable file`);
    etcd = fromEnv;
  } else {
    etcd = searchPath('etcd');
    if (!etcd) throw new EtcdNotFoundError();
  }
  let etcdctl: string | undefined;
  const ctlEnv = process.env.ETCDCTL_BIN;
  if (ctlEnv && isExecutableFile(ctlEnv)) etcdctl = ctlEnv;
  if (!etcdctl) {
    const beside = path.join(path.dirname(etcd), process.platform === 'win32' ? 'etcdctl.exe' : 'etcdctl');
    if (isExecutableFile(beside)) etcdctl = beside;
  }
  if (!etcdctl) etcdctl = searchPath('etcdctl');
  return etcdctl ? { etcd, etcdctl } : { etcd };
}

// ---------------------------------------------------------------------------------------------
// Ports

const handedOutPorts = new Set<number>();

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const addr = srv.address();
      const got = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(got));
    });
  });
}

/** A free TCP port on 127.0.0.1. Never hands out the same port twice within one process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = await listenOnce(0);
    if (!handedOutPorts.has(port)) {
      handedOutPorts.add(port);
      return port;
    }
  }
  throw new Error('freePort: could not find an unused port after 200 attempts');
}

/** Resolves if `port` can be bound on 127.0.0.1 right now; rejects with PortInUseError otherwise. */
export async function assertPortFree(port: number): Promise<void> {
  try {
    await listenOnce(port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(port);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Children bookkeeping: nothing survives the test process.

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of liveChildren) {
        try {
          c.kill('SIGKILL');
        } catch {
          /* already gone */
        }
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Types

export interface TlsOptions {
  /** CA that signed the server cert; also the trusted CA for client certs. */
  caFile: string;
  /** Server certificate / key (used by etcd for client and, if peerTls, peer connections). */
  certFile: string;
  keyFile: string;
  /** etcd `--client-cert-auth`: clients must present a cert signed by caFile. */
  clientCertAuth: boolean;
  /**
   * Client cert used by the launcher's own health checks and etcdctl calls. Defaults to
   * certFile/keyFile (makePki gives the server cert the clientAuth usage too).
   */
  clientCertFile?: string;
  clientKeyFile?: string;
}

export interface StartClusterOptions {
  /** Number of members, default 1. Names are m1..mN. */
  members?: number;
  /**
   * Data root. One member: the member's --data-dir is this directory itself. Several members:
   * `<dataDir>/m1`, `<dataDir>/m2`, ... Default: a new temp dir, removed by close().
   */
  dataDir?: string;
  clientPorts?: number[];
  peerPorts?: number[];
  /** Create user root with this password and enable auth after start. */
  auth?: { rootPassword: string };
  /** Serve clients over https. Peers stay on plain http (loopback only). */
  tls?: TlsOptions;
  /** Appended to every member's command line. */
  extraArgs?: string[];
  /** 'buffer' (default) keeps the last ~200 lines per member (shown in errors, see logs(i)). */
  log?: 'inherit' | 'ignore' | 'buffer';
  /** Overall deadline for start (spawn + health), default 15000 ms. */
  startTimeoutMs?: number;
  /**
   * Spawn members in their own process group, so a terminal Ctrl+C reaches only us and we can
   * stop them in order (used by `npm run etcd`). Default false: a Ctrl+C on a test run also
   * reaches etcd directly, which is what you want when a test process is interrupted.
   */
  detached?: boolean;
  /** Called when a member exits without kill/stop/close having been asked for. */
  onUnexpectedExit?: (index: number, code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  /** PID of the running process, undefined while the member is down. */
  readonly pid: number | undefined;
  readonly dataDir: string;
}

export interface EtcdctlOptions {
  /** Override the endpoints (default: all members' client URLs). */
  endpoints?: string[];
  /** `name:password`; null for no --user even when auth is on. Default: root when auth is on. */
  user?: string | null;
  /** Pass the TLS client cert (default true when tls is on). CA is always passed with tls. */
  clientCert?: boolean;
  /** Written to etcdctl's stdin. */
  input?: string | Buffer;
  /** Kill etcdctl after this long, default 30000 ms. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface EtcdctlResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface EtcdCluster {
  readonly endpoints: string[];
  readonly members: readonly EtcdMember[];
  /** The binaries in use. */
  readonly bin: { etcd: string; etcdctl?: string };
  readonly auth?: { user: 'root'; password: string };
  readonly tls?: TlsOptions;
  /** Send a signal (default SIGKILL); resolves when the process has exited. */
  kill(i: number, signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL after 3 s; resolves when exited. */
  stop(i: number): Promise<void>;
  /** Start member i again with the same flags and data dir (stops it first if running) and wait for health. */
  restart(i: number): Promise<void>;
  /** Wait until member i (or every member) answers /health. Default deadline 15 s. */
  waitHealthy(i?: number, timeoutMs?: number): Promise<void>;
  /** Index of the current leader, polling until one is elected (default deadline 5 s). */
  leaderIndex(timeoutMs?: number): Promise<number>;
  /** Run etcdctl (ETCDCTL_API=3) with endpoints, TLS and --user pre-set. Never rejects on exit code. */
  etcdctl(args: string[], opts?: EtcdctlOptions): Promise<EtcdctlResult>;
  /** Last buffered log lines of member i (log: 'buffer' only). */
  logs(i: number): string[];
  /**
   * Stop everything: followers first, then the rest; SIGKILL by default, SIGTERM (with the 3 s
   * SIGKILL fallback) when graceful. Removes the data dir if the launcher created it. Idempotent.
   */
  close(opts?: { graceful?: boolean }): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers (health, status)

interface TlsMaterial {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

function httpGet(url: string, tls: TlsMaterial | undefined, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const common = {
      method: 'GET',
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      agent: false as const, // no keep-alive sockets left behind
      timeout: timeoutMs,
    };
    const onRes = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    };
    const req =
      u.protocol === 'https:'
        ? https.request({ ...common, ca: tls?.ca, cert: tls?.cert, key: tls?.key }, onRes)
        : http.request(common, onRes);
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

async function isHealthy(clientUrl: string, tls: TlsMaterial | undefined): Promise<boolean> {
  try {
    const { status, text } = await httpGet(`${clientUrl}/health`, tls, 500);
    return status === 200 && (JSON.parse(text) as { health?: unknown }).health === 'true';
  } catch {
    return false;
  }
}

/** true/false from the member's `etcd_server_is_leader` gauge; undefined when unreachable. */
async function isLeader(clientUrl: string, tls: TlsMaterial | undefined): Promise<boolean | undefined> {
  try {
    const { status, text } = await httpGet(`${clientUrl}/metrics`, tls, 1000);
    if (status !== 200) return undefined;
    const m = /^etcd_server_is_leader (\S+)$/m.exec(text);
    return m ? Number(m[1]) === 1 : undefined;
  } catch {
    return undefined;
  }
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// The cluster

const LOG_LINES = 200;

class MemberState implements EtcdMember {
  proc: ChildProcess | undefined;
  exited: Promise<void> = Promise.resolve();
  /** Set when we asked it to go away, so its exit is not "unexpected". */
  expectingExit = false;
  lastExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  logLines: string[] = [];
  partialLine = '';

  constructor(
    readonly index: number,
    readonly name: string,
    readonly clientUrl: string,
    readonly peerUrl: string,
    readonly dataDir: string,
    readonly args: string[],
  ) {}

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  pushLog(chunk: Buffer): void {
    const text = this.partialLine + chunk.toString('utf8');
    const lines = text.split('\n');
    this.partialLine = lines.pop() ?? '';
    if (this.partialLine.length > 16384) {
      lines.push(this.partialLine);
      this.partialLine = '';
    }
    for (const l of lines) this.logLines.push(l);
    if (this.logLines.length > LOG_LINES) this.logLines.splice(0, this.logLines.length - LOG_LINES);
  }

  tail(n = 40): string {
    const all = this.partialLine ? [...this.logLines, this.partialLine] : this.logLines;
    return all.slice(-n).join('\n');
  }
}

class Cluster implements EtcdCluster {
  readonly endpoints: string[];
  readonly auth?: { user: 'root'; password: string };
  private closed = false;

  constructor(
    readonly bin: { etcd: string; etcdctl?: string },
    private readonly state: MemberState[],
    private readonly opts: StartClusterOptions,
    private readonly tlsMaterial: TlsMaterial | undefined,
    private readonly tempRoot: string | undefined,
  ) {
    this.endpoints = state.map((m) => m.clientUrl);
    if (opts.auth) this.auth = { user: 'root', password: opts.auth.rootPassword };
  }

  get members(): readonly EtcdMember[] {
    return this.state;
  }

  get tls(): TlsOptions | undefined {
    return this.opts.tls;
  }

  private member(i: number): MemberState {
    const m = this.state[i];
    if (!m) throw new RangeError(`no member ${i} (cluster has ${this.state.length})`);
    return m;
  }

  spawnMember(i: number): void {
    const m = this.member(i);
    if (m.running) return;
    const log = this.opts.log ?? 'buffer';
    const stdio = log === 'buffer' ? 'pipe' : log;
    const child = spawn(this.bin.etcd, m.args, {
      stdio: ['ignore', stdio, stdio],
      detached: this.opts.detached ?? false,
      env: cleanEtcdEnv(process.env),
    });
    m.proc = child;
    m.expectingExit = false;
    m.lastExit = undefined;
    if (log === 'buffer') {
      child.stdout?.on('data', (c: Buffer) => m.pushLog(c));
      child.stderr?.on('data', (c: Buffer) => m.pushLog(c));
    }
    trackChild(child);
    m.exited = new Promise<void>((resolve) => {
      child.once('error', (err) => {
        // spawn failure (e.g. binary vanished): behave like an exit
        m.pushLog(Buffer.from(`spawn error: ${err.message}\n`));
        if (m.proc === child) m.proc = undefined;
        resolve();
      });
      child.once('exit', (code, signal) => {
        if (m.proc === child) m.proc = undefined;
        m.lastExit = { code, signal };
        if (!m.expectingExit && !this.closed) this.opts.onUnexpectedExit?.(i, code, signal);
        resolve();
      });
    });
  }

  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const m = this.member(i);
    const child = m.proc;
    if (!child) return;
    m.expectingExit = true;
    try {
      child.kill(signal);
    } catch {
      /* already exited */
    }
    await m.exited;
  }

  async stop(i: number): Promise<void> {
    const m = this.member(i);
    if (!m.proc) return;
    const timer = setTimeout(() => {
      try {
        m.proc?.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }, 3000);
    try {
      await this.kill(i, 'SIGTERM');
    } finally {
      clearTimeout(timer);
    }
  }

  async restart(i: number): Promise<void> {
    await this.stop(i);
    this.spawnMember(i);
    await this.waitHealthy(i);
  }

  async waitHealthy(i?: number, timeoutMs = 15000): Promise<void> {
    const indexes = i === undefined ? this.state.map((_, k) => k) : [i];
    const deadline = Date.now() + timeoutMs;
    await Promise.all(indexes.map((k) => this.waitOneHealthy(k, deadline)));
  }

  private async waitOneHealthy(i: number, deadline: number): Promise<void> {
    const m = this.member(i);
    for (;;) {
      if (!m.running) {
        const how = m.lastExit ? `code ${m.lastExit.code}, signal ${m.lastExit.signal}` : 'not running';
        throw new Error(`etcd member ${m.name} exited before becoming healthy (${how}). Last log lines:\n${m.tail()}`);
      }
      if (await isHealthy(m.clientUrl, this.tlsMaterial)) return;
      if (Date.now() > deadline) {
        throw new Error(`etcd member ${m.name} (${m.clientUrl}) not healthy in time. Last log lines:\n${m.tail()}`);
      }
      await Promise.race([delay(20), m.exited]);
    }
  }

  async leaderIndex(timeoutMs = 5000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const idx = await this.findLeaderOnce();
      if (idx !== undefined) return idx;
      if (Date.now() > deadline) throw new Error(`no etcd leader found within ${timeoutMs} ms`);
      await delay(25);
    }
  }

  private async findLeaderOnce(): Promise<number | undefined> {
    const flags = await Promise.all(
      this.state.map((m) => (m.running ? isLeader(m.clientUrl, this.tlsMaterial) : Promise.resolve(undefined))),
    );
    const leaders = flags.flatMap((f, k) => (f ? [k] : []));
    // Exactly one self-declared leader; during an election there may be none (or, briefly, a stale one).
    return leaders.length === 1 ? leaders[0] : undefined;
  }

  etcdctl(args: string[], opts: EtcdctlOptions = {}): Promise<EtcdctlResult> {
    const ctl = this.bin.etcdctl;
    if (!ctl) {
      return Promise.reject(
        new Error(`etcdctl not found (set ETCDCTL_BIN or install it beside etcd). ${ETCD_INSTALL_HINT}`),
      );
    }
    const full = [`--endpoints=${(opts.endpoints ?? this.endpoints).join(',')}`];
    const tls = this.opts.tls;
    if (tls) {
      full.push(`--cacert=${tls.caFile}`);
      if (opts.clientCert ?? true) {
        full.push(`--cert=${tls.clientCertFile ?? tls.certFile}`, `--key=${tls.clientKeyFile ?? tls.keyFile}`);
      }
    }
    const user = opts.user === undefined ? (this.auth ? `root:${this.auth.password}` : null) : opts.user;
    if (user !== null) full.push(`--user=${user}`);
    full.push(...args);
    return runProcess(ctl, full, {
      env: { ...cleanEtcdctlEnv(opts.env ?? process.env), ETCDCTL_API: '3' },
      input: opts.input,
      timeoutMs: opts.timeoutMs ?? 30000,
    });
  }

  logs(i: number): string[] {
    const m = this.member(i);
    return m.partialLine ? [...m.logLines, m.partialLine] : [...m.logLines];
  }

  async close(opts: { graceful?: boolean } = {}): Promise<void> {
    const wasClosed = this.closed;
    this.closed = true;
    const down = (k: number): Promise<void> => (opts.graceful ? this.stop(k) : this.kill(k, 'SIGKILL'));
    const running = this.state.filter((m) => m.running).map((m) => m.index);
    if (running.length > 0) {
      let leader: number | undefined;
      if (running.length > 1) leader = await this.findLeaderOnce().catch(() => undefined);
      const followers = running.filter((k) => k !== leader);
      await Promise.all(followers.map(down));
      if (leader !== undefined) await down(leader);
    }
    if (!wasClosed && this.tempRoot) await rm(this.tempRoot, { recursive: true, force: true });
  }
}

/** etcd reads every ETCD_* variable as a flag (and warns about unknown ones such as ETCD_BIN). */
function cleanEtcdEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith('ETCD_') || k === 'ETCD_UNSUPPORTED_ARCH') out[k] = v;
  }
  return out;
}

function cleanEtcdctlEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('ETCDCTL_')) out[k] = v;
  return out;
}

function runProcess(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string | Buffer; timeoutMs: number },
): Promise<EtcdctlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    trackChild(child);
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
        code: code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1),
      });
    });
    child.stdin.on('error', () => {
      /* etcdctl may exit before reading stdin */
    });
    child.stdin.end(opts.input);
  });
}

function readTls(tls: TlsOptions | undefined): TlsMaterial | undefined {
  if (!tls) return undefined;
  return {
    ca: readFileSync(tls.caFile),
    cert: readFileSync(tls.clientCertFile ?? tls.certFile),
    key: readFileSync(tls.clientKeyFile ?? tls.keyFile),
  };
}

/**
 * Start an etcd cluster of `members` members on 127.0.0.1 and resolve once every member is
 * healthy (and auth, if asked for, is enabled). On failure everything started is killed and the
 * error carries the member's last log lines.
 */
export async function startCluster(opts: StartClusterOptions = {}): Promise<EtcdCluster> {
  const bin = findEtcdBinary();
  const n = opts.members ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`members must be a positive integer, got ${n}`);
  for (const [label, ports] of [
    ['clientPorts', opts.clientPorts],
    ['peerPorts', opts.peerPorts],
  ] as const) {
    if (ports && ports.length !== n) throw new RangeError(`${label} needs ${n} entries, got ${ports.length}`);
  }
  if (opts.auth && !bin.etcdctl) throw new Error(`auth setup needs etcdctl, which was not found beside ${bin.etcd} or on PATH`);

  // Explicit ports must be free (clear error instead of an etcd "address already in use" log).
  for (const p of [...(opts.clientPorts ?? []), ...(opts.peerPorts ?? [])]) {
    await assertPortFree(p);
    handedOutPorts.add(p); // freePort() must not hand it to someone else later
  }
  const clientPorts = opts.clientPorts ?? (await Promise.all(Array.from({ length: n }, () => freePort())));
  const peerPorts = opts.peerPorts ?? (await Promise.all(Array.from({ length: n }, () => freePort())));

  let tempRoot: string | undefined;
  let root: string;
  if (opts.dataDir) {
    root = path.resolve(opts.dataDir);
    await mkdir(root, { recursive: true, mode: 0o700 });
  } else {
    tempRoot = await mkdtemp(path.join(os.tmpdir(), 'etcd-desktop-'));
    root = tempRoot;
  }

  const scheme = opts.tls ? 'https' : 'http';
  const names = Array.from({ length: n }, (_, k) => `m${k + 1}`);
  const peerUrls = peerPorts.map((p) => `http://127.0.0.1:${p}`);
  const initialCluster = names.map((nm, k) => `${nm}=${peerUrls[k]}`).join(',');
  const token = `etcd-desktop-${randomUUID()}`;

  const state = names.map((name, k) => {
    const clientUrl = `${scheme}://127.0.0.1:${clientPorts[k]}`;
    const dataDir = n === 1 ? root : path.join(root, name);
    // Restarts reuse exactly these flags: with a member already in --data-dir, etcd 3.4 ignores
    // --initial-cluster*, so "new" is fine on restart (verified by the launcher test).
    const args = [
      '--name', name,
      '--data-dir', dataDir,
      '--listen-client-urls', clientUrl,
      '--advertise-client-urls', clientUrl,
      '--listen-peer-urls', peerUrls[k],
      '--initial-advertise-peer-urls', peerUrls[k],
      '--initial-cluster', initialCluster,
      '--initial-cluster-state', 'new',
      '--initial-cluster-token', token,
      '--heartbeat-interval', '25',
      '--election-timeout', '150',
    ];
    if (opts.tls) {
      args.push('--cert-file', opts.tls.certFile, '--key-file', opts.tls.keyFile, '--trusted-ca-file', opts.tls.caFile);
      if (opts.tls.clientCertAuth) args.push('--client-cert-auth');
    }
    args.push(...(opts.extraArgs ?? []));
    return new MemberState(k, name, clientUrl, peerUrls[k], dataDir, args);
  });

  const cluster = new Cluster(bin, state, opts, readTls(opts.tls), tempRoot);
  try {
    for (let k = 0; k < n; k++) cluster.spawnMember(k);
    await cluster.waitHealthy(undefined, opts.startTimeoutMs ?? 15000);
    if (opts.auth) await enableAuth(cluster, opts.auth.rootPassword, tempRoot === undefined);
  } catch (err) {
    await cluster.close().catch(() => undefined);
    throw err;
  }
  return cluster;
}

async function ctlOrThrow(cluster: EtcdCluster, args: string[], opts?: EtcdctlOptions): Promise<EtcdctlResult> {
  const r = await cluster.etcdctl(args, opts);
  if (r.code !== 0) throw new Error(`etcdctl ${args.join(' ')} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r;
}

async function enableAuth(cluster: EtcdCluster, rootPassword: string, reusedDataDir: boolean): Promise<void> {
  let rootExists = false;
  if (reusedDataDir) {
    // etcdctl 3.4 has no `auth status`: an anonymous `user list` fails with "user name is empty"
    // exactly when auth is already on; then root must work with this password.
    const probe = await cluster.etcdctl(['user', 'list'], { user: null });
    if (probe.code !== 0 && /user name is empty/.test(probe.stderr)) {
      await ctlOrThrow(cluster, ['user', 'get', 'root']);
      return;
    }
    rootExists = probe.code === 0 && probe.stdout.split('\n').includes('root');
  }
  if (!rootExists) {
    await ctlOrThrow(cluster, ['user', 'add', 'root', `--new-user-password=${rootPassword}`], { user: null });
  }
  // etcdctl 3.4 `auth enable` creates the root role and grants it to root when missing.
  await ctlOrThrow(cluster, ['auth', 'enable'], { user: null });
}

/**
 * Create (idempotently for the role) `role` with read and/or readwrite prefix permissions, and a
 * user with that role. Needs a cluster started with `auth`.
 */
export async function addUserWithRole(
  cluster: EtcdCluster,
  spec: { user: string; password: string; role: string; readPrefix?: string; readwritePrefix?: string },
): Promise<void> {
  const roleAdd = await cluster.etcdctl(['role', 'add', spec.role]);
  if (roleAdd.code !== 0 && !/already exists/i.test(roleAdd.stderr)) {
    throw new Error(`etcdctl role add ${spec.role} failed: ${roleAdd.stderr.trim()}`);
  }
  if (spec.readPrefix !== undefined) {
    await ctlOrThrow(cluster, ['role', 'grant-permission', spec.role, '--prefix=true', 'read', spec.readPrefix]);
  }
  if (spec.readwritePrefix !== undefined) {
    await ctlOrThrow(cluster, ['role', 'grant-permission', spec.role, '--prefix=true', 'readwrite', spec.readwritePrefix]);
  }
  await ctlOrThrow(cluster, ['user', 'add', spec.user, `--new-user-password=${spec.password}`]);
  await ctlOrThrow(cluster, ['user', 'grant-role', spec.user, spec.role]);
}

// ---------------------------------------------------------------------------------------------
// PKI

export interface Pki {
  caFile: string;
  caKeyFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** CN=root (so it also names the root user when etcd maps cert CNs to users). */
  clientCertFile: string;
  clientKeyFile: string;
  /** A second, unrelated CA (self-signed), for "wrong CA" tests. */
  otherCaFile: string;
  otherCaKeyFile: string;
}

const OPENSSL_CNF = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
# clientAuth too: etcd 3.4's grpc-gateway dials its own gRPC port with the server cert.
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`openssl ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve();
    });
  });
}

/**
 * A throwaway PKI in `dir` made with the openssl CLI (EC P-256 keys: each step takes a few ms):
 * CA, server cert (SAN IP:127.0.0.1, DNS:localhost; serverAuth+clientAuth), client cert CN=root,
 * and an unrelated second CA.
 */
export async function makePki(dir: string): Promise<Pki> {
  await mkdir(dir, { recursive: true });
  const cnf = path.join(dir, 'openssl.cnf');
  await writeFile(cnf, OPENSSL_CNF);
  const f = (name: string): string => path.join(dir, name);
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const selfSignedCa = (base: string, cn: string): Promise<void> =>
    openssl(
      ['req', '-x509', ...ecKey, '-config', cnf, '-extensions', 'v3_ca', '-subj', `/CN=${cn}`, '-days', '3650',
        '-keyout', f(`${base}.key`), '-out', f(`${base}.crt`)],
      dir,
    );
  const leaf = async (base: string, cn: string, ext: string): Promise<void> => {
    await openssl(['req', '-new', ...ecKey, '-config', cnf, '-subj', `/CN=${cn}`, '-keyout', f(`${base}.key`), '-out', f(`${base}.csr`)], dir);
    await openssl(
      ['x509', '-req', '-in', f(`${base}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'),
        '-set_serial', `0x${randomUUID().replace(/-/g, '').slice(0, 16)}`, '-days', '3650',
        '-extfile', cnf, '-extensions', ext, '-out', f(`${base}.crt`)],
      dir,
    );
  };
  await Promise.all([
    selfSignedCa('ca', 'etcd-desktop test CA').then(() =>
      Promise.all([leaf('server', 'localhost', 'v3_server'), leaf('client', 'root', 'v3_client')]),
    ),
    selfSignedCa('other-ca', 'unrelated test CA'),
  ]);
  return {
    caFile: f('ca.crt'),
    caKeyFile: f('ca.key'),
    serverCertFile: f('server.crt'),
    serverKeyFile: f('server.key'),
    clientCertFile: f('client.crt'),
    clientKeyFile: f('client.key'),
    otherCaFile: f('other-ca.crt'),
    otherCaKeyFile: f('other-ca.key'),
  };
}
