/**
 * `npm run etcd`         one etcd on http://127.0.0.1:2379, data in ./.etcd-data/single
 * `npm run etcd:cluster` three members on 127.0.0.1:2379/22379/32379, data in ./.etcd-data/cluster/mN
 *
 * Options: --port N (single node: client port N, peer port N+1), --data-dir DIR, --verbose (etcd's
 * own log on the terminal). Stays in the foreground; Ctrl+C stops the members (followers first)
 * and exits 0. Data persists between runs.
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

const USAGE = `Usage: tsx scripts/etcd.ts [--cluster] [--port N] [--data-dir DIR] [--verbose]
  (no flag)     one etcd, client http://127.0.0.1:2379 (peer 2380), data ./.etcd-data/single
  --cluster     three members, clients 2379/22379/32379, peers 2380/22380/32380, data ./.etcd-data/cluster/mN
  --port N      single node only: client port N, peer port N+1
  --data-dir D  where the data lives (kept between runs)
  --verbose     show etcd's own log`;

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
        if (!Number.isInteger(n) || n < 1 || n > 65534) throw new UsageError('--port needs a port number (1-65534)');
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
  if (out.cluster && out.port !== undefined) throw new UsageError('--port is for a single node; the cluster uses 2379/22379/32379');
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
  const clientPorts = args.cluster ? [2379, 22379, 32379] : [args.port ?? 2379];
  const peerPorts = args.cluster ? [2380, 22380, 32380] : [(args.port ?? 2379) + 1];
  const dataDir = path.resolve(args.dataDir ?? path.join('.etcd-data', args.cluster ? 'cluster' : 'single'));

  for (const p of [...clientPorts, ...peerPorts]) {
    try {
      await assertPortFree(p);
    } catch (err) {
      if (err instanceof PortInUseError) {
        const kind = clientPorts.includes(p) ? 'client' : 'peer';
        console.error(
          `Port ${p} (${kind}) on 127.0.0.1 is already in use: probably another etcd is running ` +
            `(check with \`pgrep -a etcd\`). Stop it${args.cluster ? '' : ', or pick another port with --port N'}.`,
        );
        return 1;
      }
      throw err;
    }
  }

  // etcd wants its data dir private (0700) and warns otherwise.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700).catch(() => undefined);

  let cluster: EtcdCluster;
  let stopping = false;
  try {
    cluster = await startCluster({
      members,
      dataDir,
      clientPorts,
      peerPorts,
      log: args.verbose ? 'inherit' : 'buffer',
      // Own process group: a terminal Ctrl+C reaches only this script, which stops members in order.
      detached: true,
      onUnexpectedExit: (i, code, signal) => {
        if (stopping) return;
        const c = cluster as EtcdCluster | undefined;
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

  const version = await etcdVersion(bin.etcd);
  const what = args.cluster ? 'three-member cluster' : 'single node';
  console.log(`etcd ${version} ${what} is up (data in ${dataDir}).`);
  console.log('Endpoints (paste into a profile):');
  console.log(cluster.endpoints.join(','));
  console.log('Press Ctrl+C to stop.');

  return new Promise<number>((resolve) => {
    let firstSignalAt = 0;
    const onSignal = (sig: NodeJS.Signals): void => {
      if (stopping) {
        // One Ctrl+C under `npm run` arrives several times (terminal group, npm and tsx relay it):
        // only a second press, a moment later, means "kill now".
        if (Date.now() - firstSignalAt < 1000) return;
        console.log(`\n${sig} again: killing etcd.`);
        void cluster.close().then(() => resolve(0));
        return;
      }
      stopping = true;
      firstSignalAt = Date.now();
      console.log(`\n${sig}: stopping etcd...`);
      void cluster.close({ graceful: true }).then(
        () => {
          console.log('etcd stopped.');
          resolve(0);
        },
        (err: Error) => {
          console.error(`error while stopping etcd: ${err.message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
  });
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`etcd script failed: ${err.message}`);
    process.exit(1);
  },
);
