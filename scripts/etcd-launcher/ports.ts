/** Free ports on 127.0.0.1, and a clear error when a wanted one is taken. */
import net from 'node:net';

/** Thrown when a requested port on 127.0.0.1 is already taken. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} on 127.0.0.1 is already in use (probably another etcd is running; see \`pgrep -a etcd\`)`);
    this.name = 'PortInUseError';
  }
}

// The OS may hand the same ephemeral port to two listenOnce(0) calls once the first probe has
// closed; two members started from one process must still never share a port.
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

/** Keeps freePort() from later handing out a port that a caller chose explicitly. */
export function reservePort(port: number): void {
  handedOutPorts.add(port);
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
