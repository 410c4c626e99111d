/**
 * Builds the `window.etcd` API from the contract. No electron here: the preload passes
 * ipcRenderer-backed `invoke`/`subscribe`, the end-to-end bridge and tests pass their own.
 */
import { Channels, Events, type ChannelName, type EtcdApi, type EventName } from '../shared/contract';

/** Sends one request on a channel and resolves with the main process's Result. */
export type Invoke = (channel: ChannelName, req: unknown) => Promise<unknown>;
/** Listens to one push event; the listener gets only the payload. Returns the unsubscribe. */
export type Subscribe = (event: EventName, listener: (payload: unknown) => void) => () => void;

const eventNames: ReadonlySet<string> = new Set(Object.values(Events));

export const isEventName = (value: unknown): value is EventName => typeof value === 'string' && eventNames.has(value);

export function buildApi(invoke: Invoke, subscribe: Subscribe): EtcdApi {
  const api: Record<string, unknown> = {};
  for (const [ns, ops] of Object.entries(Channels)) {
    const group: Record<string, (req?: unknown) => Promise<unknown>> = {};
    for (const [op, channel] of Object.entries(ops) as [string, ChannelName][]) {
      group[op] = (req?: unknown) => invoke(channel, req);
    }
    api[ns] = Object.freeze(group);
  }
  api.on = (event: unknown, listener: unknown): (() => void) => {
    if (!isEventName(event)) throw new TypeError(`Unknown event: ${String(event)}`);
    if (typeof listener !== 'function') throw new TypeError('The listener must be a function');
    const unsubscribe = subscribe(event, (payload) => (listener as (p: unknown) => void)(payload));
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      unsubscribe();
    };
  };
  return Object.freeze(api) as unknown as EtcdApi;
}
