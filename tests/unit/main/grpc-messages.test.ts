/**
 * Locks the grpc-js failure texts the at-most-once logic depends on (errors.ts
 * NEVER_SENT_MESSAGES): a write is retried, or reported as a plain failure, only when one of them
 * proves it never left; anything else after the write was handed to grpc is OUTCOME_UNKNOWN.
 *
 *  1. The table against the installed packages: grpc-js and cockatiel (as etcd3 loads them) are
 *     the versions package.json `overrides` pins; every grpc-js text appears verbatim in that
 *     grpc-js build; every Node code is one of Node's error codes.
 *  2. Real failures on loopback, no DNS: a refused port, a socket closed on accept, a listener
 *     that never answers, and an HTTP/2 server that takes the request and then drops the
 *     connection or resets the stream. The first three must be "never left" (a write is a plain
 *     UNAVAILABLE / TIMEOUT, sent zero times); the last two "may have left" (a write is
 *     OUTCOME_UNKNOWN and reached the server exactly once; a read is retried).
 */
import { readdirSync, readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { createRequire } from 'node:module';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { getSystemErrorMap } from 'node:util';
import dns from 'node:dns';
import { noop } from 'cockatiel';
import { Etcd3 } from 'etcd3';
import { AppFailure, certainlyNotSent, NEVER_SENT_MESSAGES } from '../../../src/main/core/etcd/errors';
import { EtcdSession } from '../../../src/main/core/etcd/session';

const root = resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { overrides?: Record<string, string> };
/** Packages resolved the way etcd3 resolves them (the copies that really run). */
const fromEtcd3 = createRequire(createRequire(join(root, 'package.json')).resolve('etcd3'));
const grpcDir = dirname(fromEtcd3.resolve('@grpc/grpc-js/package.json'));
const versionOf = (dir: string): string => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;

describe('the never-sent message table matches the installed grpc-js and Node', () => {
  it('grpc-js and cockatiel are the versions package.json overrides pins', () => {
    expect(pkg.overrides?.['@grpc/grpc-js']).toBe(versionOf(grpcDir));
    const cockatielDir = dirname(fromEtcd3.resolve('cockatiel/package.json'));
    expect(pkg.overrides?.cockatiel).toBe(versionOf(cockatielDir));
  });

  const build = join(grpcDir, 'build', 'src');
  const grpcSource = readdirSync(build)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(build, f), 'utf8'))
    .join('\n');

  it.each(NEVER_SENT_MESSAGES.filter((e) => e.source === 'grpc-js').map((e) => [e.text]))('grpc-js still says "%s"', (text) => {
    expect(grpcSource.includes(text)).toBe(true);
  });

  it.each(NEVER_SENT_MESSAGES.filter((e) => e.source === 'node').map((e) => [e.text]))('%s is a Node error code', (text) => {
    const codes = new Set([...getSystemErrorMap().values()].map(([name]) => name));
    expect(codes.has(text) || text === dns.NOTFOUND).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Real failures on loopback

interface Endpoint {
  readonly url: string;
  /** gRPC requests that reached the server (HTTP/2 streams opened). */
  readonly requests: () => number;
  close(): Promise<void>;
}

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** A port nothing listens on. */
async function refusedPort(): Promise<Endpoint> {
  const server = net.createServer();
  const url = await listen(server);
  await new Promise<void>((r) => server.close(() => r()));
  return { url, requests: () => 0, close: async () => undefined };
}

/** Accepts TCP connections and never answers, or closes them at once. */
async function tcpServer(onSocket: (s: net.Socket) => void): Promise<Endpoint> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onSocket(s);
  });
  const url = await listen(server);
  return {
    url,
    requests: () => 0,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A cleartext HTTP/2 server that reads each gRPC request whole, then fails it its own way. */
async function h2Server(fail: (stream: http2.ServerHttp2Stream) => void): Promise<Endpoint> {
  let requests = 0;
  const server = http2.createServer();
  const sessions = new Set<http2.Http2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
    s.on('error', () => undefined);
  });
  server.on('stream', (stream) => {
    requests++;
    stream.on('error', () => undefined);
    stream.resume();
    stream.on('end', () => fail(stream));
  });
  const url = await listen(server as unknown as net.Server);
  return {
    url,
    requests: () => requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sessions) s.destroy();
        server.close(() => r());
      }),
  };
}

/** The raw error of one Range through a plain etcd3 client with no retries or breakers. */
async function rawError(url: string, deadlineMs = 1000): Promise<Error> {
  const c = new Etcd3({ hosts: url, faultHandling: { host: () => noop, global: noop } });
  try {
    await c.kv.range({ key: Buffer.from('k') }, { deadline: Date.now() + deadlineMs });
    throw new Error('expected a failure');
  } catch (err) {
    return err as Error;
  } finally {
    c.close();
  }
}

/** One put through a session (the product's path and policy); the AppError it fails with. */
async function sessionWrite(url: string, deadlineMs = 1000) {
  const s = new EtcdSession({ endpoints: [url], deadlineMs });
  try {
    await s.run('write', () => s.rpc.txn({ success: [{ request_put: { key: Buffer.from('k'), value: Buffer.from('v') } }] }));
    throw new Error('expected a failure');
  } catch (err) {
    if (!(err instanceof AppFailure)) throw err;
    return err.error;
  } finally {
    s.close();
  }
}

async function sessionRead(url: string, deadlineMs = 1000) {
  const s = new EtcdSession({ endpoints: [url], deadlineMs });
  try {
    await s.run('read', () => s.rpc.range({ key: Buffer.from('k') }));
    throw new Error('expected a failure');
  } catch (err) {
    if (!(err instanceof AppFailure)) throw err;
    return err.error;
  } finally {
    s.close();
  }
}

const NEVER_LEFT: Array<{ name: string; make: () => Promise<Endpoint>; text: string; also?: string; code: string }> = [
  { name: 'refused port (nothing listening)', make: refusedPort, text: 'No connection established', also: 'ECONNREFUSED', code: 'UNAVAILABLE' },
  { name: 'socket closed on accept', make: () => tcpServer((s) => s.destroy()), text: 'No connection established', also: 'Failed to connect', code: 'UNAVAILABLE' },
  { name: 'listener that never answers (no transport by the deadline)', make: () => tcpServer(() => undefined), text: 'Waiting for LB pick', code: 'TIMEOUT' },
];

describe('real failures on loopback: never left', () => {
  it.each(NEVER_LEFT.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const ep = await c.make();
    try {
      const err = await rawError(ep.url, 400);
      expect(err.message).toContain(c.text);
      if (c.also) expect(err.message).toContain(c.also);
      expect(certainlyNotSent(err)).toBe(true);
      const write = await sessionWrite(ep.url, 400);
      expect(write.code).toBe(c.code);
      expect(ep.requests()).toBe(0);
    } finally {
      await ep.close();
    }
  });
});

const MAY_HAVE_LEFT: Array<{ name: string; fail: (s: http2.ServerHttp2Stream) => void; text: string }> = [
  { name: 'connection dropped after the request arrived', fail: (s) => s.session?.destroy(), text: '14 UNAVAILABLE: Connection dropped' },
  {
    name: 'stream reset after the request arrived',
    fail: (s) => s.close(http2.constants.NGHTTP2_INTERNAL_ERROR),
    text: '13 INTERNAL: Received RST_STREAM with code 2 (Internal server error)',
  },
];

describe('real failures on loopback: may have left', () => {
  it.each(MAY_HAVE_LEFT.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const ep = await h2Server(c.fail);
    try {
      const err = await rawError(ep.url);
      expect(err.message).toContain(c.text);
      expect(certainlyNotSent(err)).toBe(false);
      const before = ep.requests();
      expect(before).toBe(1);
      // A write: OUTCOME_UNKNOWN, and the server saw it exactly once (no retry).
      const write = await sessionWrite(ep.url);
      expect(write.code).toBe('OUTCOME_UNKNOWN');
      expect(ep.requests() - before).toBe(1);
      // A read may be retried (once, after Unavailable): never reported as unknown.
      const mid = ep.requests();
      const read = await sessionRead(ep.url);
      expect(['UNAVAILABLE', 'INTERNAL']).toContain(read.code);
      expect(ep.requests() - mid).toBeGreaterThanOrEqual(1);
    } finally {
      await ep.close();
    }
  });
});
