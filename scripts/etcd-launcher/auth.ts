/** etcd authentication through etcdctl: turning it on at start, and users with prefix roles. */
import type { EtcdCluster, EtcdctlOptions, EtcdctlResult } from './types';

async function ctlOrThrow(cluster: EtcdCluster, args: string[], opts?: EtcdctlOptions): Promise<EtcdctlResult> {
  const r = await cluster.etcdctl(args, opts);
  if (r.code !== 0) throw new Error(`etcdctl ${args.join(' ')} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r;
}

/**
 * Create root and enable auth. `reusedDataDir`: the data may come from an earlier run (a
 * caller-given data dir), where auth can already be on.
 */
export async function enableAuth(cluster: EtcdCluster, rootPassword: string, reusedDataDir: boolean): Promise<void> {
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
