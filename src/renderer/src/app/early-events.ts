/**
 * Events that overtook the answer of the call that opened their feed or started their job (two
 * IPC paths): held by id for a while, then handed over once the id is known. Shared by feeds.ts
 * and jobs.ts.
 */
export interface EarlyEvents<E> {
  /** Keep `event` for `id`; `keepAlways` keeps it even past the per-id limit. */
  hold(id: string, event: E, keepAlways?: boolean): void;
  /** The events held for `id`, in order, and forget them. */
  take(id: string): E[];
  clear(): void;
}

export function createEarlyEvents<E>(opts: { readonly maxAgeMs: number; readonly maxPerId: number; readonly now: () => number }): EarlyEvents<E> {
  const held = new Map<string, { at: number; events: E[] }>();
  return {
    hold(id, event, keepAlways = false) {
      const t = opts.now();
      for (const [k, o] of held) if (t - o.at > opts.maxAgeMs) held.delete(k);
      const o = held.get(id) ?? { at: t, events: [] };
      if (o.events.length < opts.maxPerId || keepAlways) o.events.push(event);
      held.set(id, o);
    },
    take(id) {
      const o = held.get(id);
      held.delete(id);
      return o?.events ?? [];
    },
    clear: () => held.clear(),
  };
}
