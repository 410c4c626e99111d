/**
 * Builds the `window.etcd` API from the contract. No electron here: the preload passes
 * ipcRenderer-backed `invoke`/`subscribe`, the end-to-end bridge and tests pass their own.
 */
import { channels, isEventName, type ChannelName, type EtcdApi, type EventName } from '../shared/contract';

export { isEventName };

/** Sends one request on a channel and resolves with the main process's Result. */
export type Invoke = (channel: ChannelName, req: unknown) => Promise<unknown>;
/** Listens to one push event; the listener gets only the payload. Returns the unsubscribe. */
export type Subscribe = (event: EventName, listener: (payload: unknown) => void) => () => void;

export function buildApi(invoke: Invoke, subscribe: Subscribe): EtcdApi {
  const groups: Record<string, Record<string, (req?: unknown) => Promise<unknown>>> = {};
  for (const { name, namespace, operation } of channels()) {
    (groups[namespace] ??= {})[operation] = (req?: unknown) => invoke(name, req);
  }
  const api: Record<string, unknown> = {};
  for (const [ns, group] of Object.entries(groups)) api[ns] = Object.freeze(group);
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
