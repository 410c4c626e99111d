/**
 * The handler table: one async function per channel of the contract, no electron. The
 * Electron layer registers it after checking the sender and the request schema; end-to-end
 * tests call it directly. Adding a channel means adding its function to its domain's file.
 */
import { channelDef, contract, type ChannelName, type Handlers, type Namespace } from '../../../shared/contract';
import { fail, ok, type Result } from '../../../shared/result';
import { ClusterAlerts, type ClusterAlert } from '../cluster-alerts';
import { Connections } from '../connections';
import type { ConnectionStatus } from '../../../shared/types';
import { AppFailure } from '../etcd/errors';
import { ProfileStore } from '../profiles/store';
import type { ConnectionTasks } from '../tasks/connection-tasks';
import { silentLogger, type Logger } from '../logging/logger';
import { redact, sensitiveStrings } from '../logging/redact';
import { gateWrites, profileModePolicy } from '../write-gate';
import { accessHandlers } from './access';
import { appHandlers } from './app';
import { auditHandlers } from './audit';
import { auditedWrites } from '../audit/wrap';
import { AuditTrail, auditDir } from '../audit/trail';
import { bulkHandlers } from './bulk';
import { clusterHandlers } from './cluster';
import { connectionHandlers } from './connection';
import type { HandlerDeps } from './deps';
import { jobHandlers, subscriptionHandlers } from './jobs';
import { historyHandlers } from './history';
import { k8sHandlers } from './k8s';
import { kvHandlers } from './kv';
import { leaseHandlers } from './leases';
import { maintenanceHandlers } from './maintenance';
import { memberHandlers } from './members';
import { profileHandlers } from './profiles';
import { searchHandlers } from './search';
import { transferHandlers } from './transfer';
import type { DomainHandlers, HandlerContext } from './types';
import { watchHandlers } from './watch';

export type { HandlerDeps } from './deps';

/**
 * Turns thrown AppFailures (and anything unexpected) into result values at the IPC edge, and
 * logs every failure by code; raw text (a library's message, a stack) goes to the log only,
 * with the request's own strings removed. Administration (maintenance, membership, changes to
 * users and roles) is logged when it succeeds too: time, profile, action and duration, never a
 * request's strings (names and passwords stay out).
 */
async function guard<T>(channel: string, req: unknown, log: Logger, fn: () => Promise<T>, logSuccess = false): Promise<Result<T>> {
  const started = performance.now();
  const fields = () => ({
    channel,
    profileId: (req as { profileId?: string } | undefined)?.profileId,
    ms: Math.round(performance.now() - started),
  });
  try {
    const value = await fn();
    if (logSuccess) log.info(`${channel} done`, fields());
    return ok(value);
  } catch (err) {
    if (err instanceof AppFailure) {
      const detail = err.cause === undefined ? undefined : redact(describe(err.cause), sensitiveStrings(req));
      (err.error.code === 'INTERNAL' ? log.error : log.warn)(`${channel} failed`, { ...fields(), code: err.error.code, detail });
      return { ok: false, error: err.error };
    }
    log.error(`${channel} failed unexpectedly`, { ...fields(), code: 'INTERNAL', detail: redact(describe(err, true), sensitiveStrings(req)) });
    return fail('INTERNAL', 'Something went wrong inside the app. The details are in the log (Help → Open Log Folder).');
  }
}

function describe(err: unknown, withStack = false): string {
  if (err instanceof Error) return withStack && err.stack ? err.stack : `${err.name}: ${err.message}`;
  return String(err);
}

export type AppHandlers = Handlers & {
  /** The jobs and subscriptions of a connected profile (features start theirs here); NOT_CONNECTED otherwise. */
  tasksOf(profileId: string): ConnectionTasks;
  /**
   * The window was shown (true) or hidden/minimized (false): liveness probes run at their
   * visible or hidden rate. Called by the Electron layer, not a channel.
   */
  setWindowVisible(visible: boolean): void;
  /**
   * The window's page is being replaced (a reload, or the crash dialog's Reload): its watches
   * and keep-alives would otherwise stream on to nobody. Jobs go on (their files and results
   * do not depend on the page). Called by the Electron layer, not a channel.
   */
  pageLoading(): Promise<void>;
  /** Ends every connection with its jobs and subscriptions. */
  dispose(): Promise<void>;
};

/**
 * Alerts for each status, in the order the statuses came (a chain: the profile's name is read
 * from the store, asynchronously, and the alert state must see the statuses in order).
 */
function alertNotifier(profiles: ProfileStore, notify: (a: ClusterAlert) => void, log: Logger): (status: ConnectionStatus) => void {
  const alerts = new ClusterAlerts();
  let chain = Promise.resolve();
  return (status) => {
    chain = chain.then(async () => {
      const name = await profiles.list().then(
        (all) => all.find((p) => p.id === status.profileId)?.name ?? 'A cluster',
        () => 'A cluster',
      );
      for (const a of alerts.observe(status, name)) {
        log.warn(`cluster alert: ${a.kind}`, { profileId: a.profileId });
        notify(a);
      }
    });
  };
}

export function createHandlers(deps: HandlerDeps): AppHandlers {
  const profiles = new ProfileStore(deps.profilesDir, deps.cipher);
  const log = (deps.logger ?? silentLogger).scope('handlers');
  const connLog = (deps.logger ?? silentLogger).scope('connections');
  const alert = deps.notify ? alertNotifier(profiles, deps.notify, connLog) : undefined;
  const audit = new AuditTrail({
    dir: auditDir(deps.profilesDir),
    log: (deps.logger ?? silentLogger).scope('audit'),
    profileName: async (id) => (await profiles.list()).find((p) => p.id === id)?.name,
    clusterId: (id) => connections.get(id).clusterId,
  });
  const audited = auditedWrites(audit, { log: (deps.logger ?? silentLogger).scope('audit'), keyOfEntry: (id) => audit.keyOfEntry(id) });
  const connections = new Connections(profiles, {
    status: (status) => {
      connLog.info(`connection ${status.state}`, { profileId: status.profileId, code: status.error?.code });
      deps.emit('event:connection-status', status);
      alert?.(status);
    },
    job: (info) => {
      audited.jobEvent(info);
      deps.emit('event:job', info);
    },
    subscription: (info) => deps.emit('event:subscription', info),
  }, { liveness: deps.liveness ?? {} });
  const ctx: HandlerContext = { profiles, connections, emit: deps.emit, log: (deps.logger ?? silentLogger).scope('feeds'), ...(deps.chooseFile ? { chooseFile: deps.chooseFile } : {}), audit };
  const domains: { [N in Namespace]: DomainHandlers<N> } = {
    profiles: profileHandlers(ctx),
    connection: connectionHandlers(ctx),
    kv: kvHandlers(ctx),
    watch: watchHandlers(ctx),
    history: historyHandlers(ctx),
    leases: leaseHandlers(ctx),
    cluster: clusterHandlers(ctx),
    members: memberHandlers(ctx),
    jobs: jobHandlers(ctx),
    subscriptions: subscriptionHandlers(ctx),
    search: searchHandlers(ctx),
    k8s: k8sHandlers(ctx),
    bulk: bulkHandlers(ctx),
    transfer: transferHandlers(ctx, deps.chooseSaveFile),
    maintenance: maintenanceHandlers(ctx, deps.chooseSaveFile),
    access: accessHandlers(ctx),
    audit: auditHandlers(ctx, audit),
    app: appHandlers({ log: (deps.logger ?? silentLogger).scope('renderer'), logFolder: deps.logFolder, openPath: deps.openPath }),
  };
  const table: Record<string, (req: unknown) => Promise<Result<unknown>>> = {};
  for (const ns of Object.keys(contract) as Namespace[]) {
    for (const [op, fn] of Object.entries(domains[ns] as Record<string, (req: unknown) => Promise<unknown>>)) {
      const channel = `${ns}:${op}` as ChannelName;
      table[channel] = (req) => guard(channel, req, log, () => fn(req), ns === 'maintenance' || ns === 'members' || (ns === 'access' && channelDef(channel)?.effect === 'write'));
    }
  }
  return {
    ...audited.wrap(gateWrites(table as unknown as Handlers, deps.writePolicy ?? profileModePolicy((id) => profiles.modeOf(id)))),
    tasksOf: (profileId) => connections.get(profileId).tasks,
    setWindowVisible: (visible) => connections.setVisible(visible),
    pageLoading: () => connections.closeSubscriptions({ code: 'NOT_CONNECTED', message: 'The window was reloaded.' }),
    // Jobs ended by the close are audited before the files are left alone.
    dispose: () => connections.closeAll().then(() => audit.flushAll()),
  };
}
