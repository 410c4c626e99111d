/** The launcher's public shapes: what startCluster takes and what it hands back. */

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
  /**
   * Members are SIGTERMed (then SIGKILLed) by a watchdog process when this process dies in a way
   * that runs no cleanup code (SIGKILL, crash). Meant together with `detached`, where no terminal
   * signal reaches the members either. Default false. See watchdog.ts.
   */
  dieWithLauncher?: boolean;
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
