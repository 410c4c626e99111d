/**
 * Leases: the TTLs the key grid and the value panel show (fetched for visible rows only, cached
 * per lease with the time they were read, counted down locally), the leases view (a page of the
 * cluster's leases, grant, revoke after a confirmation listing the keys it deletes, keep alive
 * once or continuously while the view is open), and the lease choice of the editor's save.
 */
import type { Bytes } from '../../../../shared/bytes';
import { LEASE_TTL_MAX, type LeaseChoice } from '../../../../shared/contract';
import type { AppError } from '../../../../shared/result';
import type { LeaseDetail, LeaseInfo } from '../../../../shared/types';
import type { Feed } from '../../app/feeds';
import { isFeed } from '../../app/feeds';
import type { MainView } from '../../app/shell-slice';
import type { Confirm, Notify, SliceCreator } from '../../app/slice';
import { keyLabel } from '../../ui/format';
import { sameKey } from '../../ui/key-order';
import { isCancelled } from '../../ui/messages';
import { leaseChoiceOf, leaseDraft, leaseHex, parseLeaseId, remainingAt, type LeaseChoiceDraft } from './lease-format';

/** Leases per page of the view. */
export const LEASES_PAGE = 50;
/** A cached TTL older than this is read again when its row is on screen. */
export const LEASE_TTL_REFRESH_MS = 30_000;
/** After a failed TTL read, the next one waits this long. */
export const LEASE_TTL_RETRY_MS = 10_000;
/** Keys listed for the panel (the count is always exact). */
export const PANEL_KEYS = 50;
/** Keys listed in the leases view for one lease. */
export const VIEW_KEYS = 200;
/** Keys fetched before a revoke (the confirmation lists the first REVOKE_KEYS_SHOWN). */
export const REVOKE_KEYS = 1000;
export const REVOKE_KEYS_SHOWN = 20;

/** One lease's TTL as read at `at` (ms); ttl -1: it no longer exists. */
export interface LeaseTtl {
  readonly ttl: number;
  readonly grantedTtl: number;
  readonly keyCount: number;
  readonly at: number;
}

export interface LeasePageState {
  readonly items: readonly LeaseInfo[];
  readonly total: number;
  readonly offset: number;
}

export interface LeaseGrantState {
  readonly ttl: string;
  /** Optional id, decimal or hex. */
  readonly id: string;
  readonly busy: boolean;
  readonly error: AppError | null;
}

export interface LeasesSlice {
  /** TTLs by lease id (decimal). */
  leaseTtls: Readonly<Record<string, LeaseTtl>>;
  /** Read a lease's TTL if it is not cached, is old, or its countdown ran out. */
  ensureLeaseTtl(id: string): void;

  /** The open key's lease, for the value panel. */
  leaseDetail: { readonly id: string; readonly detail: LeaseDetail | null; readonly error: AppError | null; readonly at: number } | null;
  loadLeaseDetail(id: string): Promise<void>;

  leasePage: LeasePageState | null;
  /** The view's "time to live with keys" of one lease; null when none is shown. */
  leaseKeys: { readonly id: string; readonly detail: LeaseDetail | null; readonly error: AppError | null } | null;
  /** Show a lease's TTL and attached keys in the view (again: hide them). */
  toggleLeaseKeys(id: string): Promise<void>;
  leasesLoading: boolean;
  leasesError: AppError | null;
  /** A failed grant/revoke/renewal in the view. */
  leaseActionError: AppError | null;
  loadLeases(offset?: number): Promise<void>;

  leaseGrant: LeaseGrantState | null;
  openLeaseGrant(): void;
  updateLeaseGrant(patch: Partial<Pick<LeaseGrantState, 'ttl' | 'id'>>): void;
  closeLeaseGrant(): void;
  submitLeaseGrant(): Promise<void>;

  /** Fetch the lease's keys, then ask before revoking it (the confirmation lists them). */
  requestRevokeLease(id: string): Promise<void>;
  keepLeaseAliveOnce(id: string): Promise<void>;
  /** Leases kept alive continuously (while the view is open). */
  keepingAlive: Readonly<Record<string, true>>;
  toggleKeepAlive(id: string): Promise<void>;
  /** Close every keep-alive (leaving the view). */
  stopKeepAlives(): void;

  /** The editor's lease choice for the selected key (absent: keep). */
  editorLease: { readonly key: Bytes; readonly draft: LeaseChoiceDraft } | null;
  setEditorLease(draft: LeaseChoiceDraft): void;
  /** What the editor's save sends: nothing (keep), a choice, or what to fix. */
  editorLeaseChoice(): { readonly choice?: LeaseChoice; readonly error?: AppError };
  clearEditorLease(): void;
}

interface LeasesNeeds extends Notify, Confirm {
  readonly view: MainView;
  readonly selectedKey: Bytes | null;
  removeRow(key: Bytes): void;
}

const initialLeases = () => ({
  leaseTtls: {},
  leaseDetail: null,
  leasePage: null,
  leaseKeys: null,
  leasesLoading: false,
  leasesError: null,
  leaseActionError: null,
  leaseGrant: null,
  keepingAlive: {},
  editorLease: null,
});

export const createLeasesSlice: SliceCreator<LeasesSlice, LeasesNeeds> = (set, get, { client, scope, feeds, now }) => {
  const inFlight = new Set<string>();
  /** Leases whose TTL could not be read (cluster unreachable…): not asked again before RETRY_MS. */
  const failedAt = new Map<string, number>();
  const open = new Map<string, Feed>();
  const pages = scope.sequence();
  const details = scope.sequence();
  const keyLists = scope.sequence();

  scope.own({
    reset: () => {
      // The feeds themselves are closed by app/feeds.ts with the scope.
      open.clear();
      inFlight.clear();
      failedAt.clear();
      set(initialLeases());
    },
  });

  const putTtl = (id: string, t: LeaseTtl) => set((s) => ({ leaseTtls: { ...s.leaseTtls, [id]: t } }));
  const gone = (id: string) => {
    const prev = get().leaseTtls[id];
    putTtl(id, { ttl: -1, grantedTtl: prev?.grantedTtl ?? 0, keyCount: 0, at: now() });
  };
  const stopFeed = (id: string) => {
    open.get(id)?.close();
    open.delete(id);
    set((s) => {
      const { [id]: _drop, ...rest } = s.keepingAlive;
      return { keepingAlive: rest };
    });
  };

  return {
    ...initialLeases(),

    ensureLeaseTtl(id) {
      if (id === '0' || inFlight.has(id)) return;
      const guard = scope.capture();
      if (!guard) return;
      const t = now();
      const failed = failedAt.get(id);
      if (failed !== undefined && t - failed < LEASE_TTL_RETRY_MS) return;
      const c = get().leaseTtls[id];
      if (c) {
        const fresh = t - c.at < LEASE_TTL_REFRESH_MS;
        // Ran out locally: ask once whether it expired or was renewed elsewhere.
        const ranOut = c.ttl >= 0 && remainingAt(c.ttl, c.at, t) <= 0 && t - c.at > 1000;
        if (c.ttl < 0 || (fresh && !ranOut)) return;
      }
      inFlight.add(id);
      void guard.wait(client.leases.detail({ profileId: guard.profileId, id, keysLimit: 0 })).then((r) => {
        inFlight.delete(id);
        if (!r) return;
        failedAt.delete(id);
        if (r.ok) putTtl(id, { ttl: r.value.ttl, grantedTtl: r.value.grantedTtl, keyCount: r.value.keyCount, at: now() });
        else if (r.error.code === 'NOT_FOUND') gone(id);
        // Other failures: the cell keeps what it had (or "…") and asks again later, not every tick.
        else failedAt.set(id, now());
      });
    },

    async loadLeaseDetail(id) {
      const guard = details.begin();
      if (!guard) return;
      set({ leaseDetail: { id, detail: null, error: null, at: now() } });
      const r = await guard.wait(client.leases.detail({ profileId: guard.profileId, id, keysLimit: PANEL_KEYS }));
      if (!r) return;
      if (r.ok) {
        putTtl(id, { ttl: r.value.ttl, grantedTtl: r.value.grantedTtl, keyCount: r.value.keyCount, at: now() });
        set({ leaseDetail: { id, detail: r.value, error: null, at: now() } });
      } else {
        if (r.error.code === 'NOT_FOUND') gone(id);
        set({ leaseDetail: { id, detail: null, error: r.error, at: now() } });
      }
    },

    async toggleLeaseKeys(id) {
      if (get().leaseKeys?.id === id) {
        keyLists.cancel();
        set({ leaseKeys: null });
        return;
      }
      const guard = keyLists.begin();
      if (!guard) return;
      set({ leaseKeys: { id, detail: null, error: null } });
      const r = await guard.wait(client.leases.detail({ profileId: guard.profileId, id, keysLimit: VIEW_KEYS }));
      if (!r) return;
      if (r.ok) {
        putTtl(id, { ttl: r.value.ttl, grantedTtl: r.value.grantedTtl, keyCount: r.value.keyCount, at: now() });
        set({ leaseKeys: { id, detail: r.value, error: null } });
      } else {
        if (r.error.code === 'NOT_FOUND') gone(id);
        set({ leaseKeys: { id, detail: null, error: r.error } });
      }
    },

    async loadLeases(offset) {
      const guard = pages.begin();
      if (!guard) return;
      const from = Math.max(0, offset ?? get().leasePage?.offset ?? 0);
      set({ leasesLoading: true });
      const r = await guard.wait(client.leases.list({ profileId: guard.profileId, offset: from, limit: LEASES_PAGE }));
      if (!r) return;
      if (!r.ok) {
        set({ leasesLoading: false, leasesError: r.error });
        return;
      }
      // A page past the end (leases expired meanwhile): show the last one instead.
      if (r.value.items.length === 0 && from > 0 && r.value.total > 0) {
        set({ leasesLoading: false });
        await get().loadLeases(Math.floor((r.value.total - 1) / LEASES_PAGE) * LEASES_PAGE);
        return;
      }
      const at = now();
      set((s) => {
        const ttls = { ...s.leaseTtls };
        for (const l of r.value.items) ttls[l.id] = { ttl: l.ttl, grantedTtl: l.grantedTtl, keyCount: l.keyCount, at };
        return { leaseTtls: ttls, leasePage: { items: r.value.items, total: r.value.total, offset: from }, leasesLoading: false, leasesError: null };
      });
    },

    openLeaseGrant() {
      if (!scope.profileId) return;
      set({ leaseGrant: { ttl: '60', id: '', busy: false, error: null } });
    },

    updateLeaseGrant(patch) {
      const g = get().leaseGrant;
      if (g) set({ leaseGrant: { ...g, ...patch, error: null } });
    },

    closeLeaseGrant() {
      set({ leaseGrant: null });
    },

    async submitLeaseGrant() {
      const g = get().leaseGrant;
      const guard = scope.capture();
      if (!g || g.busy || !guard) return;
      const invalid = (message: string, field: string) => set({ leaseGrant: { ...g, error: { code: 'INVALID_ARGUMENT', message, details: { field } } } });
      const ttlText = g.ttl.trim();
      const ttl = Number(ttlText);
      if (!/^[0-9]+$/.test(ttlText) || ttl < 1 || ttl > LEASE_TTL_MAX) {
        invalid(`The TTL is a whole number of seconds, from 1 to ${LEASE_TTL_MAX}.`, 'ttl');
        return;
      }
      let id: string | undefined;
      if (g.id.trim() !== '') {
        const p = parseLeaseId(g.id);
        if ('error' in p) {
          invalid(p.error, 'id');
          return;
        }
        id = p.id;
      }
      set({ leaseGrant: { ...g, busy: true, error: null } });
      const r = await guard.wait(client.leases.grant({ profileId: guard.profileId, ttl, ...(id ? { id } : {}) }));
      if (!r) return;
      if (!r.ok) {
        const cur = get().leaseGrant;
        // Cancelled at the production confirmation: the form stays as typed, with no error.
        set({ leaseGrant: cur ? { ...cur, busy: false, error: isCancelled(r) ? null : r.error } : null });
        return;
      }
      set({ leaseGrant: null, leaseActionError: null });
      putTtl(r.value.id, { ttl: r.value.ttl, grantedTtl: r.value.ttl, keyCount: 0, at: now() });
      get().pushToast('success', `Granted lease ${leaseHex(r.value.id)}`, `${r.value.id} · TTL ${r.value.ttl} s`);
      await get().loadLeases();
    },

    async requestRevokeLease(id) {
      const guard = scope.capture();
      if (!guard) return;
      const d = await guard.wait(client.leases.detail({ profileId: guard.profileId, id, keysLimit: REVOKE_KEYS }));
      if (!d) return;
      if (!d.ok) {
        if (d.error.code === 'NOT_FOUND') {
          gone(id);
          void get().loadLeases();
        }
        set({ leaseActionError: d.error });
        return;
      }
      const { keys, keyCount } = d.value;
      const shown = keys.slice(0, REVOKE_KEYS_SHOWN).map((k) => keyLabel(k));
      const more = keyCount - shown.length;
      const hex = leaseHex(id);
      get().askConfirm({
        title: `Revoke lease ${hex}?`,
        message:
          keyCount === 0
            ? `No key is attached to lease ${hex} (${id}); revoking it deletes nothing.`
            : `Revoking lease ${hex} (${id}) deletes the ${keyCount === 1 ? 'key' : `${keyCount} keys`} attached to it:`,
        ...(keyCount > 0 ? { subject: [...shown, ...(more > 0 ? [`… and ${more} more`] : [])].join('\n') } : {}),
        confirmLabel: keyCount === 0 ? 'Revoke' : `Revoke and delete ${keyCount === 1 ? '1 key' : `${keyCount} keys`}`,
        danger: true,
        onConfirm: () => {
          void (async () => {
            if (!guard.current()) return;
            const r = await guard.wait(client.leases.revoke({ profileId: guard.profileId, id }));
            if (!r || isCancelled(r)) return;
            if (!r.ok) {
              if (r.error.code === 'NOT_FOUND') gone(id);
              set({ leaseActionError: r.error });
              void get().loadLeases();
              return;
            }
            if (open.has(id)) stopFeed(id);
            gone(id);
            for (const k of keys) get().removeRow(k);
            set({ leaseActionError: null });
            get().pushToast('success', `Revoked lease ${hex}`, keyCount === 0 ? 'no keys were attached' : `${keyCount} ${keyCount === 1 ? 'key' : 'keys'} deleted · revision ${r.value.revision}`);
            await get().loadLeases();
          })();
        },
      });
    },

    async keepLeaseAliveOnce(id) {
      const guard = scope.capture();
      if (!guard) return;
      const r = await guard.wait(client.leases.keepAliveOnce({ profileId: guard.profileId, id }));
      if (!r || isCancelled(r)) return;
      if (!r.ok) {
        if (r.error.code === 'NOT_FOUND') gone(id);
        set({ leaseActionError: r.error });
        return;
      }
      const prev = get().leaseTtls[id];
      putTtl(id, { ttl: r.value.ttl, grantedTtl: prev?.grantedTtl ?? r.value.ttl, keyCount: prev?.keyCount ?? 0, at: now() });
      set({ leaseActionError: null });
    },

    async toggleKeepAlive(id) {
      if (open.has(id) || get().keepingAlive[id]) {
        stopFeed(id);
        return;
      }
      const profileId = scope.profileId;
      if (!profileId) return;
      set((s) => ({ keepingAlive: { ...s.keepingAlive, [id]: true }, leaseActionError: null }));
      const feed = await feeds.keepAlive(
        { profileId, id },
        {
          onEvent: (e) => {
            if (e.ttl < 0) {
              gone(id);
              return;
            }
            const prev = get().leaseTtls[id];
            putTtl(id, { ttl: e.ttl, grantedTtl: prev?.grantedTtl ?? e.ttl, keyCount: prev?.keyCount ?? 0, at: now() });
          },
          onEnd: (error) => {
            open.delete(id);
            set((s) => {
              const { [id]: _drop, ...rest } = s.keepingAlive;
              return { keepingAlive: rest, ...(error ? { leaseActionError: error } : {}) };
            });
          },
        },
      );
      if (!isFeed(feed)) {
        if (feed.code === 'NOT_FOUND') gone(id);
        set((s) => {
          const { [id]: _drop, ...rest } = s.keepingAlive;
          return { keepingAlive: rest, ...(feed.code === 'CANCELLED' ? {} : { leaseActionError: feed }) };
        });
        return;
      }
      // Turned off (or the view closed) while it was opening.
      if (!get().keepingAlive[id]) {
        feed.close();
        return;
      }
      open.set(id, feed);
    },

    stopKeepAlives() {
      for (const f of open.values()) f.close();
      open.clear();
      set({ keepingAlive: {} });
    },

    editorLease: null,

    setEditorLease(draft) {
      const key = get().selectedKey;
      set({ editorLease: key ? { key, draft } : null });
    },

    editorLeaseChoice() {
      const e = get().editorLease;
      if (!e || !sameKey(e.key, get().selectedKey) || e.draft.mode === 'keep') return {};
      const c = leaseChoiceOf(e.draft);
      return 'error' in c ? { error: c.error } : { choice: c.choice };
    },

    clearEditorLease() {
      set({ editorLease: null });
    },
  };
};

export { leaseDraft };
