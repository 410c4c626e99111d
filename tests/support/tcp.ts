import net from 'node:net';

/** A TCP listener that accepts connections and never answers: a hung cluster. */
export async function silentServer(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A port nothing listens on: connections are refused. */
export async function deadEndpoint(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

/**
 * A proxy in front of etcd that can swallow everything etcd sends back: the request reaches
 * etcd and is applied, but the client never hears the answer. That is exactly the situation in
 * which a write's outcome is unknown.
 */
export async function blackholeProxy(target: string): Promise<{
  endpoint: string;
  dropResponses(on: boolean): void;
  bytesToServer(): number;
  close(): Promise<void>;
}> {
  const { hostname, port } = new URL(target);
  let drop = false;
  let toServer = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('data', (d) => {
      toServer += d.length;
      upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!drop) client.write(d);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    dropResponses: (on) => {
      drop = on;
    },
    bytesToServer: () => toServer,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
