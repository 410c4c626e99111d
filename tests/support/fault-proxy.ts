import net from 'node:net';

export interface FaultProxy {
  /** http://127.0.0.1:<port>, to put in a profile instead of the member's own endpoint. */
  readonly endpoint: string;
  /** Delay every chunk, both ways, by this many ms (order kept). 0: none. */
  setLatency(ms: number): void;
  /**
   * The next answer etcd sends after the client's next request is cut: half of its first chunk
   * is forwarded, then both sides of that connection are destroyed. Resolves when it happened.
   */
  dropNextResponse(): Promise<void>;
  /** Connections cut so far by dropNextResponse. */
  readonly drops: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of one etcd member, on 127.0.0.1, for faults a real network has: added
 * latency, and a connection that dies while an answer is on its way (the request reached etcd,
 * the answer never fully came back).
 */
export async function faultProxy(target: string): Promise<FaultProxy> {
  const { hostname, port } = new URL(target);
  let latency = 0;
  let drops = 0;
  let armed: { requestSeen: boolean; done: () => void } | undefined;
  const sockets = new Set<net.Socket>();

  const send = (to: net.Socket, chunk: Buffer) => {
    if (latency > 0) setTimeout(() => to.destroyed || to.write(chunk), latency);
    else if (!to.destroyed) to.write(chunk);
  };

  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (d: Buffer) => {
      if (armed && !armed.requestSeen) armed.requestSeen = true;
      send(upstream, d);
    });
    // HTTP/2 frame boundaries of what etcd sends, across chunks: the cut must fall inside an
    // answer (a HEADERS or DATA frame of a stream), not in a SETTINGS or WINDOW_UPDATE that
    // etcd may send before it has even read the request.
    let header = Buffer.alloc(0);
    let bodyLeft = 0;
    const answerStart = (d: Buffer): number => {
      let i = 0;
      let found = -1;
      while (i < d.length) {
        if (bodyLeft > 0) {
          const n = Math.min(bodyLeft, d.length - i);
          bodyLeft -= n;
          i += n;
          continue;
        }
        const start = header.length === 0 ? i : 0;
        const take = Math.min(9 - header.length, d.length - i);
        header = Buffer.concat([header, d.subarray(i, i + take)]);
        i += take;
        if (header.length < 9) break;
        const type = header[3];
        const stream = header.readUInt32BE(5) & 0x7fffffff;
        bodyLeft = header.readUIntBE(0, 3);
        header = Buffer.alloc(0);
        if (found < 0 && stream > 0 && (type === 0 || type === 1)) found = start;
      }
      return found;
    };
    upstream.on('data', (d: Buffer) => {
      const at = answerStart(d);
      if (armed?.requestSeen && at >= 0) {
        const a = armed;
        armed = undefined;
        drops++;
        // The frame's header and a little of it: an answer that started and never finished.
        const half = d.subarray(0, Math.min(d.length, at + 11));
        const finish = () => {
          client.write(half, () => cut());
          a.done();
        };
        if (latency > 0) setTimeout(finish, latency);
        else finish();
        return;
      }
      send(client, d);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port: own } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${own}`,
    setLatency: (ms) => {
      latency = ms;
    },
    dropNextResponse: () => new Promise<void>((done) => (armed = { requestSeen: false, done })),
    get drops() {
      return drops;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
