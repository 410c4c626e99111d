/**
 * `npm run etcd`         one etcd on http://127.0.0.1:2379, data in ./.etcd-data/single
 * `npm run etcd:cluster` three members on 127.0.0.1:2379/22379/32379, data in ./.etcd-data/cluster/mN
 *
 * Options: --port N (first client port; each member takes a client and a peer port from N on),
 * --data-dir DIR, --verbose (etcd's own log on the terminal). Stays in the foreground. Data
 * persists between runs.
 *
 * However it is stopped, the members stop with it (followers first, then exit 0):
 *  - Ctrl+C, or SIGINT/SIGTERM/SIGHUP to this process: handled below.
 *  - SIGINT/SIGTERM to npm: npm 11 relays those two to its child, the script's shell. Debian's
 *    dash does not exec the last command of `sh -c`, and a non-interactive shell relays nothing
 *    and just dies, leaving us and etcd behind. Hence `exec` in the package.json scripts: npm's
 *    child is this very process, and the relayed signal lands here. (`node --import tsx`, not
 *    the tsx CLI: its wrapper process would be one more hop that relays no SIGHUP.)
 *  - Anything that kills npm without a relay (SIGHUP, which npm does not relay; SIGKILL; a crash):
 *    we notice that our parent is gone (stopRequests) and stop as for a signal.
 *  - This process itself dying without running any JS (SIGKILL): the members are detached, so
 *    nothing would reach them; the launcher's watchdog (dieWithLauncher) stops them instead.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  EtcdNotFoundError,
  PortInUseError,
  assertPortFree,
  findEtcdBinary,
  startCluster,
  type EtcdCluster,
} from './etcd-launcher';

const USAGE = `Usage: node --import tsx scripts/etcd.ts [--cluster] [--port N] [--data-dir DIR] [--verbose]
  (no flag)     one etcd, client http://127.0.0.1:2379 (peer 2380), data ./.etcd-data/single
  --cluster     three members, clients 2379/22379/32379, peers 2380/22380/32380, data ./.etcd-data/cluster/mN
  --port N      client port N, peer port N+1; a cluster takes N to N+5 (client, peer per member)
  --data-dir D  where the data lives (kept between runs)
  --verbose     show etcd's own log`;

/** Taken first thing: a parent that dies while tsx is still loading us must count as gone too. */
const PARENT_AT_START = process.ppid;
/** How often we look for a dead parent; stopping a little late is fine, not stopping is not. */
const PARENT_POLL_MS = 250;

interface Args {
  cluster: boolean;
  port?: number;
  dataDir?: string;
  verbose: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const out: Args = { cluster: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--cluster':
        out.cluster = true;
        break;
      case '--port': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError('--port needs a port number');
        out.port = n;
        break;
      }
      case '--data-dir':
        out.dataDir = value();
        break;
      case '--verbose':
        out.verbose = true;
        break;
      case '-h':
      case '--help':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new UsageError(`unknown argument: ${a}`);
    }
  }
  const highest = (out.port ?? 0) + 2 * (out.cluster ? 3 : 1) - 1;
  if (out.port !== undefined && highest > 65535) throw new UsageError(`--port ${out.port} leaves no room for port ${highest}`);
  return out;
}

function etcdVersion(bin: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(bin, ['--version'], { timeout: 5000 }, (err, stdout) => {
      const m = /etcd Version:\s*(\S+)/.exec(stdout ?? '');
      resolve(err || !m ? '' : m[1]);
    });
  });
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }

  let bin: { etcd: string };
  try {
    bin = findEtcdBinary();
  } catch (err) {
    if (err instanceof EtcdNotFoundError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }

  const members = args.cluster ? 3 : 1;
  // The well-known 2379/2380 by default (spread out for a cluster); --port packs them from N on.
  const base = args.port;
  const clientPorts =
    base !== undefined ? Array.from({ length: members }, (_, k) => base + 2 * k) : args.cluster ? [2379, 22379, 32379] : [2379];
  const peerPorts = base !== undefined || !args.cluster ? clientPorts.map((p) => p + 1) : [2380, 22380, 32380];
  const dataDir = path.resolve(args.dataDir ?? path.join('.etcd-data', args.cluster ? 'cluster' : 'single'));

  for (const p of [...clientPorts, ...peerPorts]) {
    try {
      await assertPortFree(p);
    } catch (err) {
      if (err instanceof PortInUseError) {
        const kind = clientPorts.includes(p) ? 'client' : 'peer';
        console.error(
          `Port ${p} (${kind}) on 127.0.0.1 is already in use: probably another etcd is running ` +
            `(check with \`pgrep -a etcd\`). Stop it, or pick other ports with --port N.`,
        );
        return 1;
      }
      throw err;
    }
  }

  // etcd wants its data dir private (0700) and warns otherwise.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700).catch(() => undefined);

  // From here on every way of being stopped leads to the same orderly stop. Installed before the
  // members exist, so a signal during start-up waits for them instead of orphaning them.
  const stop = stopRequests();
  let cluster: EtcdCluster | undefined;
  stop.onKillNow(() => {
    void (cluster?.close() ?? Promise.resolve()).then(() => process.exit(0));
  });
  try {
    cluster = await startCluster({
      members,
      dataDir,
      clientPorts,
      peerPorts,
      log: args.verbose ? 'inherit' : 'buffer',
      // Own process group: a terminal Ctrl+C reaches only this script, which stops members in order.
      detached: true,
      // ...and since no terminal signal reaches them, they need the watchdog for our SIGKILL.
      dieWithLauncher: true,
      onUnexpectedExit: (i, code, signal) => {
        if (stop.requested) return;
        const c = cluster;
        const name = c?.members[i].name ?? `m${i + 1}`;
        console.error(`\netcd member ${name} exited unexpectedly (code ${code}, signal ${signal}).`);
        if (c && !args.verbose) console.error(c.logs(i).slice(-20).join('\n'));
        if (c && c.members.every((m) => m.pid === undefined)) {
          console.error('No etcd member is running any more; exiting.');
          process.exit(1);
        }
      },
    });
  } catch (err) {
    if (err instanceof PortInUseError) {
      console.error(`${err.message}.`);
      return 1;
    }
    console.error(`Could not start etcd: ${(err as Error).message}`);
    return 1;
  }

  if (!stop.requested) {
    const version = await etcdVersion(bin.etcd);
    const what = args.cluster ? 'three-member cluster' : 'single node';
    console.log(`etcd ${version} ${what} is up (data in ${dataDir}).`);
    console.log('Endpoints (paste into a profile):');
    console.log(cluster.endpoints.join(','));
    console.log(`Member PIDs: ${cluster.members.map((m) => `${m.name}=${m.pid}`).join(' ')}`);
    console.log('Press Ctrl+C to stop.');
  }

  await stop.requestedPromise;
  try {
    await cluster.close({ graceful: true });
    console.log('etcd stopped.');
    return 0;
  } catch (err) {
    console.error(`error while stopping etcd: ${(err as Error).message}`);
    return 1;
  }
}

interface StopRequests {
  /** True once any stop was asked for. */
  readonly requested: boolean;
  /** Resolves on the first stop request. */
  readonly requestedPromise: Promise<void>;
  /** What to do on a second, deliberate signal while the orderly stop is under way. */
  onKillNow(fn: () => void): void;
}

/** One place where signals and the loss of our parent become "stop now". */
function stopRequests(): StopRequests {
  let requested = false;
  let firstAt = 0;
  let killNow = (): void => undefined;
  let resolve!: () => void;
  const requestedPromise = new Promise<void>((r) => (resolve = r));
  const request = (why: string): void => {
    requested = true;
    firstAt = Date.now();
    clearInterval(parentWatch);
    console.log(`\n${why}: stopping etcd...`);
    resolve();
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    if (!requested) {
      request(sig);
      return;
    }
    // One Ctrl+C under `npm run` arrives twice (the terminal's process group, and npm's relay):
    // only a second press, a moment later, means "kill now".
    if (Date.now() - firstAt < 1000) return;
    console.log(`\n${sig} again: killing etcd.`);
    killNow();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // Node has no "parent died" event (and no prctl(PR_SET_PDEATHSIG)), but an orphan is adopted
  // by init or a subreaper, which changes process.ppid (read afresh on every access).
  const parentWatch = setInterval(() => {
    if (!requested && process.ppid !== PARENT_AT_START) request(`parent process ${PARENT_AT_START} exited`);
  }, PARENT_POLL_MS);
  return {
    get requested() {
      return requested;
    },
    requestedPromise,
    onKillNow(fn) {
      killNow = fn;
    },
  };
}

// After a hang-up (terminal gone) or a closed pipe, writing our messages fails with EIO/EPIPE;
// that must not crash us before the members are stopped.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`etcd script failed: ${err.message}`);
    process.exit(1);
  },
);
