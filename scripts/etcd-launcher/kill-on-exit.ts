/**
 * Children the launcher spawned are SIGKILLed when this process exits normally, so an aborted
 * test run leaves no etcd (or etcdctl) behind. A death that runs no JS (SIGKILL, a fatal signal
 * without a handler) skips this; watchdog.ts covers that for members that ask for it.
 */
import type { ChildProcess } from 'node:child_process';

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

export function killOnExit(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of liveChildren) {
        try {
          c.kill('SIGKILL');
        } catch {
          /* already gone */
        }
      }
    });
  }
}
