/**
 * The only module that touches `window.etcd`.
 *
 * `createEtcdClient(api)` wraps an `EtcdApi` (the real preload bridge, or a fake in tests)
 * into the same namespaced shape, derived from the contract, so that every call resolves to
 * a `Result`: a rejected promise, a thrown exception (a broken bridge, a structured-clone
 * failure) or an answer that is not a Result becomes an INTERNAL error value instead of an
 * unhandled rejection. Push events are checked against their schema in the contract before
 * a listener sees them. Callers branch on `error.code`, never on message text.
 */
import { API_KEY, contract, eventDef, type EtcdApi, type EventMap, type EventName } from '../../../shared/contract';
import type { AppError, Result } from '../../../shared/result';
import { ErrorCodes } from '../../../shared/result';

export { MENU_COMMANDS, type MenuCommand } from '../../../shared/contract';

/** The contract's API with every call resolving to a Result, and push events already checked. */
export type EtcdClient = Omit<EtcdApi, 'on'> & {
  /** Subscribe to a push event; malformed payloads are dropped. Returns the unsubscribe function. */
  readonly on: EtcdApi['on'];
};

const internal = (message: string): AppError => ({ code: 'INTERNAL', message });

function describeThrown(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'string' ? e : 'Unknown failure in the IPC bridge';
}

/** True when `value` has the shape of a Result (defends against a bridge that returns garbage). */
function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  const v = value as { ok: unknown; error?: { code?: unknown } };
  if (v.ok === true) return true;
  return v.ok === false && typeof v.error === 'object' && v.error !== null && (ErrorCodes as readonly unknown[]).includes(v.error.code);
}

async function call(fn: () => Promise<unknown>): Promise<Result<unknown>> {
  try {
    const r: unknown = await fn();
    if (isResult(r)) return r;
    return { ok: false, error: internal('The main process answered with something that is not a result') };
  } catch (e) {
    return { ok: false, error: internal(describeThrown(e)) };
  }
}

/** A call as it starts: which operation, with what request. */
export interface CallStart {
  readonly namespace: string;
  readonly operation: string;
  readonly request: unknown;
}

/**
 * Sees every call start; what it returns (if anything) sees that call's Result when it settles.
 * It must not throw (an observer's failure is swallowed and never changes the Result).
 */
export type CallObserver = (start: CallStart) => ((result: Result<unknown>) => void) | undefined;

export function createEtcdClient(api: EtcdApi, observe?: CallObserver): EtcdClient {
  const client: Record<string, unknown> = {};
  const watched = (start: CallStart, result: Promise<Result<unknown>>): Promise<Result<unknown>> => {
    let settled: ((result: Result<unknown>) => void) | undefined;
    try {
      settled = observe?.(start);
    } catch {
      return result;
    }
    if (!settled) return result;
    return result.then((r) => {
      try {
        settled(r);
      } catch {
        // the observer's business; the caller still gets its answer
      }
      return r;
    });
  };
  for (const [ns, ops] of Object.entries(contract)) {
    const group: Record<string, (req?: unknown) => Promise<Result<unknown>>> = {};
    for (const op of Object.keys(ops)) {
      group[op] = (req?: unknown) =>
        watched(
          { namespace: ns, operation: op, request: req },
          call(() => (api as unknown as Record<string, Record<string, (r?: unknown) => Promise<unknown>>>)[ns][op](req)),
        );
    }
    client[ns] = Object.freeze(group);
  }
  client.on = <E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): (() => void) => {
    const check = eventDef(event).check;
    try {
      const off = api.on(event, (payload) => {
        if (check.safeParse(payload).success) listener(payload);
      });
      return typeof off === 'function' ? off : () => undefined;
    } catch {
      // An older preload may not know the event: run without it rather than crash.
      return () => undefined;
    }
  };
  return Object.freeze(client) as unknown as EtcdClient;
}

/** An api whose every call fails: used when the preload bridge is missing, so the UI can say so. */
export function createMissingApi(): EtcdApi {
  const fail = async () => ({
    ok: false as const,
    error: internal('The etcd bridge is not available: the preload script did not load.'),
  });
  const api: Record<string, unknown> = { on: () => () => undefined };
  for (const [ns, ops] of Object.entries(contract)) api[ns] = Object.fromEntries(Object.keys(ops).map((op) => [op, fail]));
  return api as unknown as EtcdApi;
}

/** The bridge the preload exposed, or null when the page runs without it. */
export function getWindowApi(): EtcdApi | null {
  const api = (globalThis as unknown as Record<string, EtcdApi | undefined>)[API_KEY];
  return api && typeof api === 'object' ? api : null;
}
