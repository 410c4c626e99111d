/**
 * The connection scope: the one place that owns which profile the app works in and what
 * belongs to that connection.
 *
 * Entering a scope (switching, disconnecting, removing the active profile) starts a new
 * generation and resets every registered owner, so no slice keeps another cluster's data.
 * `ipcRenderer.invoke` cannot be aborted (main cancels its own jobs and subscriptions when a
 * connection ends): an answer for a scope the app has left still arrives, and the guard taken
 * before the call is what drops it. Slices never compare generations themselves.
 */

/** Connection-owned state, reset whenever the app enters another scope. */
export interface ScopeOwner {
  reset(): void;
}

/** Taken before an await; tells afterwards whether the answer still belongs on screen. */
export interface ScopeGuard {
  /** The profile whose connection the guard was taken in. */
  readonly profileId: string;
  /** Still in the same scope (and, for a guard of a sequence, no newer one was begun). */
  current(): boolean;
  /** Await `pending`; undefined when the guard is no longer current by then, so the answer is dropped. */
  wait<T>(pending: Promise<T>): Promise<T | undefined>;
}

/**
 * "Latest wins" inside the scope (a listing replaced by a reload, a key replaced by another
 * selection): beginning a new run makes the guards of the previous runs stale.
 */
export interface ScopeSequence {
  /** Start a new run; null when no connection is active. */
  begin(): ScopeGuard | null;
  /** A guard for the run in progress, for follow-up calls (the next page) that must not replace it. */
  join(): ScopeGuard | null;
  /** Make every run so far stale. */
  cancel(): void;
}

export interface ConnectionScope {
  /** The active profile, or null. */
  readonly profileId: string | null;
  /** Register connection-owned state (each slice does it once, when the store is built). */
  own(owner: ScopeOwner): void;
  /** Leave the current scope and enter `profileId`'s (null: none): a new generation, every owner reset. */
  enter(profileId: string | null): void;
  /** A guard for the current scope; null when no connection is active. */
  capture(): ScopeGuard | null;
  sequence(): ScopeSequence;
}

/** What the scope keeps in the store, for components to render. */
export interface ScopeState {
  activeProfileId: string | null;
}

export function createConnectionScope(store: { get(): ScopeState; set(state: ScopeState): void }): ConnectionScope {
  const owners: ScopeOwner[] = [];
  let generation = 0;

  const guard = (profileId: string, latest: () => boolean): ScopeGuard => {
    const taken = generation;
    // The one generation check of the renderer.
    const current = () => generation === taken && latest();
    return {
      profileId,
      current,
      async wait(pending) {
        const answer = await pending;
        return current() ? answer : undefined;
      },
    };
  };

  const always = () => true;

  return {
    get profileId() {
      return store.get().activeProfileId;
    },

    own(owner) {
      owners.push(owner);
    },

    enter(profileId) {
      generation++;
      for (const owner of owners) owner.reset();
      store.set({ activeProfileId: profileId });
    },

    capture() {
      const profileId = store.get().activeProfileId;
      return profileId ? guard(profileId, always) : null;
    },

    sequence() {
      let run = 0;
      const take = (mine: number): ScopeGuard | null => {
        const profileId = store.get().activeProfileId;
        return profileId ? guard(profileId, () => run === mine) : null;
      };
      return {
        begin() {
          if (!store.get().activeProfileId) return null;
          return take(++run);
        },
        join() {
          return take(run);
        },
        cancel() {
          run++;
        },
      };
    },
  };
}
