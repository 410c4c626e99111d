/**
 * IPC fuzzing: at least 10,000 generated payloads (tests/support/fuzz-payloads.ts) on every
 * channel of the contract, plus names outside it, through the real IPC wiring (registerIpc's
 * listener → dispatch → parseRequest → handler) with real handlers and a real etcd.
 *
 * For every payload: the call resolves (never throws), the answer is a Result that can cross
 * IPC back, and an invalid payload (the channel's own schema says so) gets INVALID_ARGUMENT
 * with no handler called. Per batch of 500, etcd's own counters (GET /metrics) prove the
 * invalid payloads caused zero requests, although most of them name the connected profile.
 * No unhandled rejection, no uncaught exception, no prototype pollution.
 *
 * The seed is printed; replay a failure with FUZZ_SEED=<seed> (add FUZZ_PATH=<path> from the
 * failure message to start at the failing batch).
 */
import fc from 'fast-check';
import { allChannels, channelDef, isChannel, type ChannelName, type Handlers } from '../../src/shared/contract';
import { isErrorCode, ok, type Result } from '../../src/shared/result';
import { createSenderCheck, dispatch, registerIpc, type RegisterIpcOptions, type SenderFrame, type WindowLike } from '../../src/main/electron/ipc';
import { buildApi } from '../../src/preload/build-api';
import { httpGet } from '../../scripts/etcd-launcher/http-get';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { fuzzCase, type FuzzCase } from '../support/fuzz-payloads';
import { createHarness, unwrap, type Harness } from '../support/harness';
import { sampleRequests } from '../unit/support/sample-requests';

const BATCH = 500;
/**
 * About 200 generated per channel (so each gets its 100 invalid ones whatever the seed: with 76
 * channels and 10,500 payloads one channel got 95); valid payloads of the channels below are not
 * sent, so a few hundred fewer reach main.
 */
const BATCHES = Math.max(21, Math.ceil((allChannels().length * 200) / BATCH));
const MIN_PAYLOADS = 10_000;
/** An answer never carries a payload's bulk back (a 4 MB key must not come back in the message). */
const MESSAGE_MAX = 2000;

/**
 * Valid payloads of these channels are generated but not sent (invalid ones are): they would
 * end the fuzz profile's connection or open a window of the desktop in the real app.
 */
const NO_VALID_CALLS: Readonly<Record<string, string>> = {
  'profiles:remove': 'would delete the connected fuzz profile',
  'connection:disconnect': 'would close the connected fuzz profile',
  'profiles:chooseFile': "opens the system's file dialog in the app",
  'app:openLogFolder': "opens the system's file manager in the app",
  'transfer:export': 'writes a file wherever a generated path points',
  'transfer:chooseFile': "opens the system's file dialog in the app",
  'maintenance:snapshot': 'writes a file wherever a generated path points',
  'maintenance:chooseFile': "opens the system's file dialog in the app",
  'maintenance:compact': "would drop the fuzz cluster's history other payloads read",
};

/**
 * Requests etcd sees that no channel handler makes: the liveness probe (Status), logins
 * (Authenticate) and gRPC health checks. Everything else counts.
 */
const BACKGROUND_METHODS = new Set(['etcdserverpb.Maintenance/Status', 'etcdserverpb.Auth/Authenticate', 'grpc.health.v1.Health/Check']);
/**
 * Streams that valid payloads leave open (a watch asks for progress while it is quiet, a
 * keep-alive renews): their messages are background. Opening a stream (`started`) still counts,
 * and every batch closes the subscriptions its valid payloads opened.
 */
const STREAM_METHODS = new Set(['etcdserverpb.Watch/Watch', 'etcdserverpb.Lease/LeaseKeepAlive']);

const seed = (() => {
  const raw = process.env.FUZZ_SEED;
  if (raw === undefined || raw === '') return (Math.random() * 0x7fffffff) | 0;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`FUZZ_SEED must be an integer, got ${raw}`);
  return n;
})();
const path = process.env.FUZZ_PATH || undefined;

// ---------- etcd's counters ----------

type Counters = ReadonlyMap<string, number>;

/** gRPC requests and stream messages per method, from etcd's /metrics, background methods left out. */
async function scrape(clientUrl: string): Promise<Counters> {
  const { status, text } = await httpGet(`${clientUrl}/metrics`, undefined, 5000);
  if (status !== 200) throw new Error(`GET ${clientUrl}/metrics answered ${status}`);
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^grpc_server_(started|msg_received)_total\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    const method = `${labels.grpc_service}/${labels.grpc_method}`;
    if (BACKGROUND_METHODS.has(method)) continue;
    if (m[1] === 'msg_received' && STREAM_METHODS.has(method)) continue;
    out.set(`${m[1]} ${method}`, Number(m[3]));
  }
  if (out.size === 0) throw new Error('etcd /metrics has no grpc_server_started_total: the request count cannot be checked');
  return out;
}

/** What moved between two scrapes, e.g. ["started etcdserverpb.KV/Range +1"]. */
function moved(before: Counters, after: Counters): string[] {
  const out: string[] = [];
  for (const [k, v] of after) if (v !== (before.get(k) ?? 0)) out.push(`${k} +${v - (before.get(k) ?? 0)}`);
  return out;
}

// ---------- describing payloads ----------

/** A short, never-throwing rendering of a payload for failure messages (no 4 MB strings, no 5,000 levels). */
function preview(v: unknown, depth = 0): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…(${v.length} chars)` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v !== 'object' || v === null) return Object.is(v, -0) ? '-0' : String(v);
  if (depth >= 4) return Array.isArray(v) ? '[…]' : '{…}';
  if (Array.isArray(v)) return `[${v.slice(0, 5).map((x) => preview(x, depth + 1)).join(', ')}${v.length > 5 ? `, …(${v.length})` : ''}]`;
  if (ArrayBuffer.isView(v) || v instanceof Map || v instanceof Set || v instanceof Date) return `${v.constructor.name}(…)`;
  const keys = Object.keys(v);
  const proto = Object.getPrototypeOf(v) === null ? '[null prototype] ' : '';
  const entries = keys.slice(0, 8).map((k) => `${preview(k)}: ${preview((v as Record<string, unknown>)[k], depth + 1)}`);
  return `${proto}{${entries.join(', ')}${keys.length > 8 ? `, …(${keys.length} keys)` : ''}}`;
}

const describeCase = (c: FuzzCase): string => `${c.channel || '(empty name)'} [${c.kind}] ${preview(c.payload)}`;

/**
 * What main receives: the structured clone of what the renderer sent. Past ~1,500 levels of
 * nesting V8 cannot clone a value at all (the renderer's invoke throws and main sees nothing);
 * such payloads are sent as they are, so dispatch is still shown to cope with them.
 */
function asReceived(payload: unknown): { value: unknown; cloned: boolean } {
  try {
    return { value: structuredClone(payload), cloned: true };
  } catch (err) {
    if (err instanceof RangeError) return { value: payload, cloned: false };
    throw new Error(`the generator made a payload IPC cannot carry: ${String(err)}`);
  }
}

/** Throws unless `r` is a Result: `{ ok: true, value }` or `{ ok: false, error: { code, message } }` with a known code. */
function checkResult(r: unknown, what: string): asserts r is Result<unknown> {
  const fail = (why: string): never => {
    throw new Error(`${what}: ${why}; got ${preview(r)}`);
  };
  if (typeof r !== 'object' || r === null) fail('not a Result');
  const res = r as Record<string, unknown>;
  if (res.ok === true) {
    if (!Object.hasOwn(res, 'value') || Object.keys(res).length !== 2) fail('ok without exactly { ok, value }');
  } else if (res.ok === false) {
    const error = res.error as Record<string, unknown> | undefined;
    if (typeof error !== 'object' || error === null) fail('a failure without an error');
    if (!isErrorCode(error!.code)) fail('an unknown error code');
    if (typeof error!.message !== 'string' || error!.message.length === 0) fail('an empty error message');
    if ((error!.message as string).length > MESSAGE_MAX) fail(`an error message of ${(error!.message as string).length} characters`);
  } else fail('no boolean ok');
  try {
    structuredClone(r);
  } catch (err) {
    fail(`an answer IPC cannot carry back (${String(err)})`);
  }
}

// ---------- the world under test ----------

const APP_URL = 'app://app/index.html';
const mainFrame: SenderFrame = { url: APP_URL, processId: 4, routingId: 1, parent: null };
const mainWindow: WindowLike = {
  isDestroyed: () => false,
  webContents: { isDestroyed: () => false, send: () => undefined, mainFrame: { processId: 4, routingId: 1 } },
};
const isTrustedSender = createSenderCheck(() => mainWindow, (url) => url === APP_URL);

type Listener = (event: { senderFrame: SenderFrame | null }, raw: unknown) => Promise<Result<unknown>>;

interface Wiring {
  /** Calls a registered channel as Electron would: its listener with the main frame as sender. */
  call(channel: string, raw: unknown): Promise<unknown>;
  isRegistered(channel: string): boolean;
  /** Handler invocations so far, all channels together. */
  handlerCalls(): number;
  readonly handlers: Handlers;
}

/** registerIpc on a stand-in ipcMain, over `inner` handlers counted by a spy table. */
function wire(inner: Handlers): Wiring {
  let calls = 0;
  const spied: Record<string, (req: unknown) => Promise<Result<unknown>>> = {};
  for (const channel of allChannels()) {
    const fn = inner[channel] as (req: unknown) => Promise<Result<unknown>>;
    spied[channel] = (req) => {
      calls++;
      return fn(req);
    };
  }
  const handlers = spied as unknown as Handlers;
  const registered = new Map<string, Listener>();
  const ipcMain = {
    handle: (channel: string, listener: Listener) => void registered.set(channel, listener),
    removeHandler: (channel: string) => void registered.delete(channel),
  } as unknown as RegisterIpcOptions['ipcMain'];
  registerIpc({ ipcMain, handlers, isTrustedSender });
  return {
    call: (channel, raw) => {
      const listener = registered.get(channel);
      if (!listener) throw new Error(`${channel} is not registered`);
      return listener({ senderFrame: mainFrame }, raw);
    },
    isRegistered: (channel) => registered.has(channel),
    handlerCalls: () => calls,
    handlers,
  };
}

/** Whether the preload's `window.etcd` offers a function for this name (only contract channels may be). */
const api = buildApi(
  async () => ok(undefined),
  () => () => undefined,
) as unknown as Record<string, Record<string, unknown>>;
function exposed(name: string): boolean {
  const i = name.indexOf(':');
  if (i < 0) return false;
  const [ns, op] = [name.slice(0, i), name.slice(i + 1)];
  return Object.hasOwn(api, ns) && typeof api[ns] === 'object' && Object.hasOwn(api[ns], op);
}

interface Stats {
  sent: number;
  invalid: Record<string, number>;
  valid: Record<string, number>;
  notSent: Record<string, number>;
  unknown: number;
  kinds: Record<string, number>;
  unclonable: number;
  /** etcd requests made by the valid payloads (they are not counted against anything; they show the count works). */
  validRequests: number;
}

const newStats = (): Stats => ({ sent: 0, invalid: {}, valid: {}, notSent: {}, unknown: 0, kinds: {}, unclonable: 0, validRequests: 0 });
const bump = (o: Record<string, number>, k: string) => void (o[k] = (o[k] ?? 0) + 1);

/** Calls the channel; a rejection (dispatch must never reject) is reported with its payload. */
async function callNamed(w: Wiring, c: FuzzCase, value: unknown, what: string): Promise<unknown> {
  try {
    return await w.call(c.channel, value);
  } catch (err) {
    throw new Error(`${what}: the call rejected instead of answering a Result (${String(err)})`);
  }
}

/** The channel's own schema (what parseRequest asks) on this payload; a schema that throws is a finding. */
function isValid(channel: string, value: unknown, what: string): boolean {
  try {
    return channelDef(channel)!.request.safeParse(value).success;
  } catch (err) {
    throw new Error(`${what}: the channel's schema threw instead of answering (${String(err)}); the IPC answers INTERNAL`);
  }
}

/**
 * One invalid or unknown-channel payload: INVALID_ARGUMENT, no handler. Returns false when the
 * payload is valid for its channel (the caller runs it later, outside the etcd count).
 */
async function runInvalid(w: Wiring, c: FuzzCase, value: unknown): Promise<boolean> {
  const what = describeCase(c);
  const callsBefore = w.handlerCalls();
  let r: unknown;
  if (!c.known) {
    if (isChannel(c.channel) || channelDef(c.channel) || allChannels().includes(c.channel as ChannelName)) throw new Error(`${what}: taken for a channel`);
    if (w.isRegistered(c.channel)) throw new Error(`${what}: registered with ipcMain`);
    if (exposed(c.channel)) throw new Error(`${what}: exposed by the preload`);
    // Electron answers an unregistered name itself (the renderer's invoke rejects); dispatch
    // given one anyway must refuse it too.
    r = await dispatch(c.channel as ChannelName, value, mainFrame, w.handlers, isTrustedSender);
  } else {
    if (isValid(c.channel, value, what)) return false;
    r = await callNamed(w, c, value, what);
  }
  checkResult(r, what);
  if (r.ok || r.error.code !== 'INVALID_ARGUMENT') throw new Error(`${what}: expected INVALID_ARGUMENT, got ${r.ok ? 'ok' : r.error.code}`);
  if (w.handlerCalls() !== callsBefore) throw new Error(`${what}: a handler ran for an invalid payload`);
  return true;
}

/** One valid payload: any Result but INTERNAL, and its own handler ran once. */
async function runValid(w: Wiring, c: FuzzCase, value: unknown): Promise<void> {
  const what = describeCase(c);
  const callsBefore = w.handlerCalls();
  const r = await callNamed(w, c, value, what);
  checkResult(r, what);
  if (!r.ok && r.error.code === 'INTERNAL') throw new Error(`${what}: INTERNAL for a valid payload: ${r.error.message}`);
  if (w.handlerCalls() !== callsBefore + 1) throw new Error(`${what}: the handler did not run exactly once`);
}

/**
 * The property over one batch: invalid payloads first, between two scrapes of etcd's counters
 * (which must not move), then the valid ones (not counted). A moved counter is traced back to
 * its payloads by replaying the batch's invalid ones one at a time.
 */
function batchProperty(w: Wiring, stats: Stats, counters: () => Promise<Counters>, closeSubscriptions: () => Promise<void>) {
  return async (batch: readonly FuzzCase[]): Promise<void> => {
    const before = await counters();
    const valid: Array<{ c: FuzzCase; value: unknown }> = [];
    const invalid: Array<{ c: FuzzCase; value: unknown }> = [];
    for (const c of batch) {
      const { value, cloned } = asReceived(c.payload);
      if (!cloned) stats.unclonable++;
      if (await runInvalid(w, c, value)) {
        invalid.push({ c, value });
        stats.sent++;
        bump(stats.kinds, c.kind);
        if (c.known) bump(stats.invalid, c.channel);
        else stats.unknown++;
      } else valid.push({ c, value });
    }
    const after = await counters();
    const reached = moved(before, after);
    if (reached.length > 0) {
      const culprits: string[] = [];
      for (const { c, value } of invalid) {
        const b = await counters();
        await (c.known ? w.call(c.channel, value) : dispatch(c.channel as ChannelName, value, mainFrame, w.handlers, isTrustedSender));
        const d = moved(b, await counters());
        if (d.length > 0) culprits.push(`${describeCase(c)} → ${d.join(', ')}`);
      }
      throw new Error(`invalid payloads reached etcd (${reached.join(', ')}):\n${culprits.join('\n') || '(none when replayed one by one: an earlier payload changed the state)'}`);
    }
    for (const { c, value } of valid) {
      if (Object.hasOwn(NO_VALID_CALLS, c.channel)) {
        bump(stats.notSent, c.channel);
        continue;
      }
      await runValid(w, c, value);
      stats.sent++;
      bump(stats.kinds, c.kind);
      bump(stats.valid, c.channel);
    }
    await closeSubscriptions();
    for (const d of moved(after, await counters())) stats.validRequests += Number(/\+(\d+)$/.exec(d)![1]);
  };
}

/** fast-check's own report would print the whole counterexample (500 payloads, megabytes): this one names the seed and the error. */
function reporter(details: fc.RunDetails<[readonly FuzzCase[]]>): void {
  if (!details.failed) return;
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    `ipc fuzz failed in a batch of ${BATCH} payloads; replay with FUZZ_SEED=${details.seed} (add FUZZ_PATH=${details.counterexamplePath} to start at that batch)\n${error}`,
  );
}

// ---------- the tests ----------

let etcd: EtcdCluster;
let h: Harness;
let fuzzProfileId: string;
const crashes: string[] = [];
const onRejection = (reason: unknown) => void crashes.push(`unhandledRejection: ${String(reason)}`);
const onException = (err: unknown) => void crashes.push(`uncaughtException: ${String(err)}`);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  etcd = await startCluster();
  h = await createHarness();
  fuzzProfileId = await h.connect({ name: 'fuzz', endpoints: etcd.endpoints, deadlineMs: 3000 });
});

afterAll(async () => {
  await h?.close();
  await etcd?.close();
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
});

describe('IPC fuzzing', () => {
  it(`${MIN_PAYLOADS}+ generated payloads on every channel: INVALID_ARGUMENT, no handler and no etcd request for each invalid one`, async () => {
    const started = performance.now();
    const channels = allChannels();
    const clientUrl = etcd.members[0].clientUrl;
    const counters = () => scrape(clientUrl);
    const w = wire(h.handlers);
    const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();

    // The preload offers exactly the contract's channels, and registerIpc registers exactly those.
    const offered = Object.entries(api).flatMap(([ns, ops]) => (typeof ops === 'object' ? Object.keys(ops).map((op) => `${ns}:${op}`) : []));
    expect(offered.sort()).toEqual([...channels].sort());
    for (const c of channels) expect(w.isRegistered(c)).toBe(true);

    // The count sees this profile's requests: one valid get (of a key that is not there) moves it.
    const c0 = await counters();
    const probe = (await w.call('kv:get', { profileId: fuzzProfileId, key: { encoding: 'utf8', data: 'fuzz/probe' } })) as Result<unknown>;
    expect(probe.ok ? 'ok' : probe.error.code).toBe('NOT_FOUND');
    expect(moved(c0, await counters())).toContain('started etcdserverpb.KV/Range +1');

    const excluded = channels.filter((c) => Object.hasOwn(NO_VALID_CALLS, c));
    console.log(
      `ipc fuzz: seed ${seed}${path ? `, path ${path}` : ''}; valid payloads not sent for ${excluded.map((c) => `${c} (${NO_VALID_CALLS[c]})`).join(', ')}`,
    );

    const stats = newStats();
    const samples = sampleRequests as Readonly<Record<string, unknown>>;
    const arb = fc.array(fuzzCase({ channels, samples, profileIds: [fuzzProfileId, 'p1', 'no-such-profile'], endpoints: etcd.endpoints }), {
      minLength: BATCH,
      maxLength: BATCH,
    });
    // No shrinking: a failure already names its payload, and shrinking 500-payload batches
    // against a live etcd takes minutes.
    const closeSubscriptions = async () => {
      const tasks = h.handlers.tasksOf(fuzzProfileId);
      for (const sub of tasks.listSubscriptions()) await tasks.closeSubscription(sub.subscriptionId);
    };
    await fc.assert(fc.asyncProperty(arb, batchProperty(w, stats, counters, closeSubscriptions)), {
      seed,
      ...(path ? { path } : {}),
      numRuns: BATCHES,
      endOnFailure: true,
      reporter,
    });

    // Let any stray rejection surface before looking.
    await new Promise((resolve) => setImmediate(resolve));
    expect(crashes).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Valid payloads kept the profile usable: nothing the fuzzing sent broke the connection.
    const status = unwrap(await h.handlers['connection:status']({ profileId: fuzzProfileId }));
    expect(status.state).toBe('connected');

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const sum = (o: Record<string, number>, keep: (k: string) => boolean = () => true) =>
      Object.entries(o).reduce((a, [k, n]) => a + (keep(k) ? n : 0), 0);
    const valid = sum(stats.valid);
    console.log(`ipc fuzz: ${stats.sent} payloads across ${channels.length} channels, seed ${seed}`);
    console.log(
      `ipc fuzz: ${stats.sent - valid - stats.unknown} invalid (0 etcd requests), ${valid} valid (${stats.validRequests} etcd requests), ` +
        `${stats.unknown} on unknown channels, ${sum(stats.notSent)} valid ones not sent; ` +
        `${sum(stats.kinds, (k) => k.includes('huge'))} with a 1-4 MB string, ${sum(stats.kinds, (k) => k.includes('limit'))} with bytes at their limit, ${sum(stats.kinds, (k) => k.includes('deep'))} nested 500-5000 deep ` +
        `(${stats.unclonable} too deep for structured clone), ${sum(stats.kinds, (k) => k.includes('proto'))} with prototype keys; ${seconds} s`,
    );

    expect(stats.sent).toBeGreaterThanOrEqual(MIN_PAYLOADS);
    for (const c of channels) expect(stats.invalid[c] ?? 0, c).toBeGreaterThanOrEqual(100);
    expect(stats.unknown).toBeGreaterThan(0);
    expect(stats.validRequests).toBeGreaterThan(0);
  }, 180_000);

  it('fails when a payload skips validation (the oracle can catch a broken dispatch)', async () => {
    // Handlers that only answer ok, wired with the schema check bypassed.
    const fake = Object.fromEntries(allChannels().map((c) => [c, async () => ok(null)])) as unknown as Handlers;
    const honest = wire(fake);
    const broken: Wiring = { ...honest, call: (channel, raw) => (honest.handlers[channel as ChannelName] as (r: unknown) => Promise<unknown>)(raw) };
    const arb = fc.array(
      fuzzCase({ channels: allChannels(), samples: sampleRequests as Readonly<Record<string, unknown>>, profileIds: ['p1'], endpoints: ['http://127.0.0.1:1'] }),
      { minLength: 50, maxLength: 50 },
    );
    const none = async (): Promise<Counters> => new Map();
    const run = () => fc.assert(fc.asyncProperty(arb, batchProperty(broken, newStats(), none, async () => undefined)), { seed, numRuns: 1, endOnFailure: true, reporter });
    await expect(run()).rejects.toThrow(/expected INVALID_ARGUMENT, got ok|a handler ran for an invalid payload/);
  });
});
