/**
 * Proves the real-etcd fixture: single node, 3-member cluster with kill/restart, auth, TLS with
 * client-cert auth, and the failure paths (missing binary, busy port, etcd refusing to start).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ETCD_INSTALL_HINT,
  PortInUseError,
  addUserWithRole,
  findEtcdBinary,
  freePort,
  makePki,
  startCluster,
  tlsFromPki,
  type EtcdCluster,
  type Pki,
} from '../support/etcd';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** GET /health over https with the given trust and (optional) client cert; resolves status or error text. */
async function httpsHealth(url: string, ca: Buffer, cert?: Buffer, key?: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const u = new URL('/health', url);
    const req = https.request(
      { host: u.hostname, port: u.port, path: u.pathname, ca, cert, key, agent: false, timeout: 2000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(`status ${res.statusCode}`));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`));
    req.end();
  });
}

describe('etcd launcher', () => {
  it('finds etcd and etcdctl', () => {
    const bin = findEtcdBinary();
    expect(existsSync(bin.etcd)).toBe(true);
    expect(bin.etcdctl && existsSync(bin.etcdctl)).toBe(true);
  });

  it('never hands out the same free port twice', async () => {
    const ports = await Promise.all(Array.from({ length: 30 }, () => freePort()));
    expect(new Set(ports).size).toBe(30);
  });

  it('single node: starts, answers put/get, leaves nothing behind', async () => {
    const t0 = performance.now();
    const etcd = await startCluster();
    const ms = performance.now() - t0;
    console.log(`[timing] start single node: ${ms.toFixed(0)} ms`);
    const pid = etcd.members[0].pid!;
    const dataDir = etcd.members[0].dataDir;
    try {
      expect(etcd.endpoints).toHaveLength(1);
      expect(etcd.endpoints[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(isAlive(pid)).toBe(true);
      const put = await etcd.etcdctl(['put', 'greeting', 'hello']);
      expect(put).toMatchObject({ code: 0, stdout: 'OK\n' });
      const get = await etcd.etcdctl(['get', 'greeting', '--print-value-only']);
      expect(get.stdout.trim()).toBe('hello');
      expect(await etcd.leaderIndex()).toBe(0);
    } finally {
      const c0 = performance.now();
      await etcd.close();
      console.log(`[timing] close single node: ${(performance.now() - c0).toFixed(0)} ms`);
    }
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
    expect(etcd.members[0].pid).toBeUndefined();
  });

  it('3-member cluster: leader, kill a follower, restart it with the same flags, healthy again', async () => {
    const t0 = performance.now();
    const etcd = await startCluster({ members: 3 });
    console.log(`[timing] start 3-member cluster: ${(performance.now() - t0).toFixed(0)} ms`);
    try {
      expect(etcd.members.map((m) => m.name)).toEqual(['m1', 'm2', 'm3']);
      const ports = etcd.members.flatMap((m) => [m.clientUrl, m.peerUrl]);
      expect(new Set(ports).size).toBe(6);

      const leader = await etcd.leaderIndex();
      expect([0, 1, 2]).toContain(leader);
      const follower = (leader + 1) % 3;
      const oldPid = etcd.members[follower].pid!;

      const k0 = performance.now();
      await etcd.kill(follower);
      console.log(`[timing] SIGKILL follower until exited: ${(performance.now() - k0).toFixed(0)} ms`);
      expect(etcd.members[follower].pid).toBeUndefined();
      expect(isAlive(oldPid)).toBe(false);

      // The remaining two keep quorum; a write while the follower is down must reach it later.
      expect((await etcd.etcdctl(['put', 'while-down', 'yes'])).code).toBe(0);

      const r0 = performance.now();
      await etcd.restart(follower);
      console.log(`[timing] restart follower until healthy: ${(performance.now() - r0).toFixed(0)} ms`);
      expect(etcd.members[follower].pid).not.toBe(oldPid);
      // Linearizable read served through the restarted member only: it rejoined the same cluster
      // from its data dir although its flags still say --initial-cluster-state new.
      const get = await etcd.etcdctl(['get', 'while-down', '--print-value-only'], {
        endpoints: [etcd.members[follower].clientUrl],
      });
      expect(get).toMatchObject({ code: 0 });
      expect(get.stdout.trim()).toBe('yes');
      const list = await etcd.etcdctl(['member', 'list']);
      expect(list.stdout.trim().split('\n')).toHaveLength(3);

      // Leader loss: a new leader is elected among the other two.
      const l0 = performance.now();
      await etcd.kill(leader);
      const newLeader = await etcd.leaderIndex();
      console.log(`[timing] kill leader until new leader: ${(performance.now() - l0).toFixed(0)} ms`);
      expect(newLeader).not.toBe(leader);
      await etcd.restart(leader);
      await etcd.waitHealthy();
    } finally {
      const pids = etcd.members.map((m) => m.pid).filter((p): p is number => p !== undefined);
      const c0 = performance.now();
      await etcd.close();
      console.log(`[timing] close 3-member cluster (SIGKILL): ${(performance.now() - c0).toFixed(0)} ms`);
      expect(pids.filter(isAlive)).toEqual([]);
    }
  });

  it('auth: anonymous requests are rejected, root and role users work', async () => {
    const t0 = performance.now();
    const etcd = await startCluster({ auth: { rootPassword: 'root-pw' } });
    console.log(`[timing] start single node with auth enabled: ${(performance.now() - t0).toFixed(0)} ms`);
    try {
      expect(etcd.auth).toEqual({ user: 'root', password: 'root-pw' });
      expect((await etcd.etcdctl(['put', 'pub/a', '1'])).code).toBe(0);
      expect((await etcd.etcdctl(['put', 'secret/b', '2'])).code).toBe(0);

      const anon = await etcd.etcdctl(['get', 'pub/a'], { user: null });
      expect(anon.code).not.toBe(0);
      expect(anon.stderr).toMatch(/user name is empty/);

      const wrong = await etcd.etcdctl(['get', 'pub/a'], { user: 'root:nope' });
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toMatch(/authentication failed/);

      await addUserWithRole(etcd, { user: 'reader', password: 'r-pw', role: 'pub-ro', readPrefix: 'pub/' });
      const ok = await etcd.etcdctl(['get', 'pub/a', '--print-value-only'], { user: 'reader:r-pw' });
      expect(ok.stdout.trim()).toBe('1');
      const denied = await etcd.etcdctl(['get', 'secret/b'], { user: 'reader:r-pw' });
      expect(denied.stderr).toMatch(/permission denied/);
      const noWrite = await etcd.etcdctl(['put', 'pub/a', 'x'], { user: 'reader:r-pw' });
      expect(noWrite.stderr).toMatch(/permission denied/);
    } finally {
      await etcd.close();
    }
  });

  describe('TLS with client-cert auth', () => {
    let dir: string;
    let pki: Pki;
    let etcd: EtcdCluster | undefined;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'etcd-desktop-pki-'));
      const p0 = performance.now();
      pki = await makePki(dir);
      console.log(`[timing] makePki (CA, server, client, other CA): ${(performance.now() - p0).toFixed(0)} ms`);
      const t0 = performance.now();
      etcd = await startCluster({ tls: tlsFromPki(pki, true) });
      console.log(`[timing] start single TLS node: ${(performance.now() - t0).toFixed(0)} ms`);
    });

    afterAll(async () => {
      await etcd?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('serves https and accepts the client cert signed by the right CA', async () => {
      expect(etcd!.endpoints[0]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect((await etcd!.etcdctl(['put', 'tls-key', 'v'])).code).toBe(0);
      const get = await etcd!.etcdctl(['get', 'tls-key', '--print-value-only']);
      expect(get.stdout.trim()).toBe('v');
      const [ca, cert, key] = await Promise.all([pki.caFile, pki.clientCertFile, pki.clientKeyFile].map((f) => readFile(f)));
      expect(await httpsHealth(etcd!.endpoints[0], ca, cert, key)).toBe('status 200');
    });

    it('rejects a client without a cert, and a client trusting the wrong CA rejects the server', async () => {
      const noCert = await etcd!.etcdctl(['--dial-timeout=1s', '--command-timeout=1s', 'get', 'tls-key'], {
        clientCert: false,
        timeoutMs: 10_000,
      });
      expect(noCert.code).not.toBe(0);
      const [ca, otherCa, cert, key] = await Promise.all(
        [pki.caFile, pki.otherCaFile, pki.clientCertFile, pki.clientKeyFile].map((f) => readFile(f)),
      );
      expect(await httpsHealth(etcd!.endpoints[0], ca)).toMatch(/^error/);
      const wrongCa = await httpsHealth(etcd!.endpoints[0], otherCa, cert, key);
      expect(wrongCa).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify/i);
    });
  });

  describe('failure paths', () => {
    it('a missing binary throws the install instructions', async () => {
      const saved = process.env.ETCD_BIN;
      process.env.ETCD_BIN = '/nonexistent';
      try {
        expect(() => findEtcdBinary()).toThrow(ETCD_INSTALL_HINT);
        await expect(startCluster()).rejects.toThrow(/etcd binary not found.*apt-get install etcd-server etcd-client/);
      } finally {
        if (saved === undefined) delete process.env.ETCD_BIN;
        else process.env.ETCD_BIN = saved;
      }
    });

    it('a busy client port is reported as such', async () => {
      const srv = net.createServer();
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      const port = (srv.address() as net.AddressInfo).port;
      try {
        await expect(startCluster({ clientPorts: [port] })).rejects.toBeInstanceOf(PortInUseError);
        await expect(startCluster({ clientPorts: [port] })).rejects.toThrow(/already in use/);
      } finally {
        await new Promise((r) => srv.close(r));
      }
    });

    it('etcd refusing to start fails fast with its log lines', async () => {
      const t0 = performance.now();
      const err = await startCluster({ extraArgs: ['--no-such-flag'] }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/exited before becoming healthy/);
      expect((err as Error).message).toMatch(/no-such-flag/);
      expect(performance.now() - t0).toBeLessThan(5000);
    });
  });
});
