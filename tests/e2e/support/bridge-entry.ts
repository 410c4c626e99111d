/**
 * Runs inside the page in end-to-end tests, in place of the Electron preload: the same
 * `buildApi` builds `window.etcd`, but calls go to a Playwright binding that forwards them to
 * the real main-process handlers in the test process.
 */
import { buildApi } from '../../../src/preload/build-api';
import { API_KEY } from '../../../src/shared/contract';

type Listener = (payload: unknown) => void;
const w = window as unknown as {
  __etcdInvoke(channel: string, req: unknown): Promise<string>;
  __etcdEmit(event: string, payload: unknown): void;
  __etcdPushUrl?: string;
} & Record<string, unknown>;

const listeners = new Map<string, Set<Listener>>();
w.__etcdEmit = (event, payload) => {
  for (const l of listeners.get(event) ?? []) l(payload);
};
// The test process's push events: one JSON line each on a streamed response (see bridge.ts).
if (w.__etcdPushUrl) void readPushStream(w.__etcdPushUrl);

async function readPushStream(url: string): Promise<void> {
  const res = await fetch(url);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffered += decoder.decode(value, { stream: true });
    let end = buffered.indexOf('\n');
    while (end >= 0) {
      const [event, payload] = JSON.parse(buffered.slice(0, end)) as [string, unknown];
      w.__etcdEmit(event, payload);
      buffered = buffered.slice(end + 1);
      end = buffered.indexOf('\n');
    }
  }
}
w[API_KEY] = buildApi(
  (channel, req) => w.__etcdInvoke(channel, req).then((json) => JSON.parse(json) as unknown),
  (event, listener) => {
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  },
);
