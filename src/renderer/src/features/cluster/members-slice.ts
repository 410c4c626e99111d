/**
 * Cluster membership from the cluster view's Members table (contract: members:*): add a learner
 * (and show the flags to start it with), promote a learner, remove a member (its quorum plan
 * first; a second, explicit confirmation when it risks the quorum), change a member's peer URLs.
 * Each failure is kept where it happened: in the open dialog, or next to the member's row.
 * Everything belongs to the connection it was started in: leaving it clears what is shown.
 */
import type { AppError, Result } from '../../../../shared/result';
import type { AddLearnerResult, RemovePlan } from '../../../../shared/types';
import type { Notify, SliceCreator } from '../../app/slice';
import { isCancelled } from '../../ui/messages';

/** The membership dialog open, if any. */
export type MemberDialog =
  | { readonly kind: 'add'; readonly added: (AddLearnerResult & { readonly name: string }) | null }
  | { readonly kind: 'remove'; readonly memberId: string; readonly label: string; readonly plan: RemovePlan | null }
  | { readonly kind: 'peers'; readonly memberId: string; readonly label: string; readonly peerUrls: readonly string[] };

export interface MembersSlice {
  memberDialog: MemberDialog | null;
  /** The failure of the open dialog (its plan, its request). */
  memberDialogError: AppError | null;
  /** A request in flight: 'add', 'plan', 'remove', 'peers' or `promote:<memberId>`. */
  memberBusy: string | null;
  /** Per member row: why the last action on it (promote) failed. */
  memberRowErrors: Record<string, AppError>;
  openAddLearner(): void;
  /** Opens the removal dialog and reads what the removal does to the quorum. */
  openRemoveMember(memberId: string, label: string): Promise<void>;
  openPeerUrls(memberId: string, label: string, peerUrls: readonly string[]): void;
  closeMemberDialog(): void;
  addLearner(name: string, peerUrls: readonly string[]): Promise<boolean>;
  promoteLearner(memberId: string, label: string): Promise<boolean>;
  /** Removes the member of the open removal dialog; `acknowledgeRisk` is the second confirmation. */
  removeMember(acknowledgeRisk: boolean): Promise<boolean>;
  updatePeerUrls(peerUrls: readonly string[]): Promise<boolean>;
}

interface MembersNeeds extends Pick<Notify, 'pushToast'> {
  loadClusterStatus(): Promise<void>;
}

/** Peer URLs as typed: one per line or separated by commas or spaces. */
export function parsePeerUrls(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const initial = () => ({ memberDialog: null, memberDialogError: null, memberBusy: null, memberRowErrors: {} as Record<string, AppError> });

export const createMembersSlice: SliceCreator<MembersSlice, MembersNeeds> = (set, get, { client, scope }) => {
  scope.own({ reset: () => set(initial()) });

  /** One call for the open dialog: busy while it runs; its failure shown in the dialog. Undefined when it failed or was cancelled. */
  const inDialog = async <T>(what: string, call: (profileId: string) => Promise<Result<T>>): Promise<T | undefined> => {
    const guard = scope.capture();
    if (!guard || get().memberBusy) return undefined;
    const dialog = get().memberDialog;
    set({ memberBusy: what, memberDialogError: null });
    const r = await guard.wait(call(guard.profileId));
    if (!r) return undefined;
    // The dialog was closed (or another opened) meanwhile: its answer has no place any more.
    const same = get().memberDialog === dialog;
    set({ memberBusy: null, ...(!r.ok && same && !isCancelled(r) ? { memberDialogError: r.error } : {}) });
    return r.ok ? r.value : undefined;
  };

  const withoutRowError = (memberId: string) => {
    const rest = { ...get().memberRowErrors };
    delete rest[memberId];
    return rest;
  };

  return {
    ...initial(),

    openAddLearner() {
      if (get().memberBusy) return;
      set({ memberDialog: { kind: 'add', added: null }, memberDialogError: null });
    },

    async openRemoveMember(memberId, label) {
      if (get().memberBusy) return;
      set({ memberDialog: { kind: 'remove', memberId, label, plan: null }, memberDialogError: null });
      const dialog = get().memberDialog;
      const plan = await inDialog('plan', (profileId) => client.members.planRemove({ profileId, memberId }));
      if (plan && get().memberDialog === dialog) set({ memberDialog: { kind: 'remove', memberId, label, plan } });
    },

    openPeerUrls(memberId, label, peerUrls) {
      if (get().memberBusy) return;
      set({ memberDialog: { kind: 'peers', memberId, label, peerUrls }, memberDialogError: null });
    },

    closeMemberDialog() {
      if (get().memberBusy && get().memberBusy !== 'plan') return;
      set({ memberDialog: null, memberDialogError: null });
    },

    async addLearner(name, peerUrls) {
      if (get().memberDialog?.kind !== 'add') return false;
      const added = await inDialog('add', (profileId) => client.members.addLearner({ profileId, name, peerUrls: [...peerUrls] }));
      if (!added) return false;
      if (get().memberDialog?.kind === 'add') set({ memberDialog: { kind: 'add', added: { ...added, name } } });
      void get().loadClusterStatus();
      return true;
    },

    async promoteLearner(memberId, label) {
      const guard = scope.capture();
      if (!guard || get().memberBusy) return false;
      set({ memberBusy: `promote:${memberId}`, memberRowErrors: withoutRowError(memberId) });
      const r = await guard.wait(client.members.promote({ profileId: guard.profileId, memberId }));
      if (!r) return false;
      set({ memberBusy: null, ...(!r.ok && !isCancelled(r) ? { memberRowErrors: { ...get().memberRowErrors, [memberId]: r.error } } : {}) });
      if (!r.ok) return false;
      get().pushToast('success', `${label} is a voting member now.`);
      void get().loadClusterStatus();
      return true;
    },

    async removeMember(acknowledgeRisk) {
      const d = get().memberDialog;
      if (d?.kind !== 'remove' || !d.plan) return false;
      // The second confirmation is only sent for a removal the plan says is risky.
      const ack = d.plan.risky && acknowledgeRisk;
      const r = await inDialog('remove', (profileId) =>
        client.members.remove({ profileId, memberId: d.memberId, ...(ack ? { acknowledgeRisk: true } : {}) }),
      );
      if (!r) return false;
      if (get().memberDialog === d) set({ memberDialog: null, memberDialogError: null, memberRowErrors: withoutRowError(d.memberId) });
      get().pushToast('success', `Removed ${d.label} from the cluster.`);
      void get().loadClusterStatus();
      return true;
    },

    async updatePeerUrls(peerUrls) {
      const d = get().memberDialog;
      if (d?.kind !== 'peers') return false;
      const r = await inDialog('peers', (profileId) => client.members.updatePeerUrls({ profileId, memberId: d.memberId, peerUrls: [...peerUrls] }));
      if (!r) return false;
      if (get().memberDialog === d) set({ memberDialog: null, memberDialogError: null });
      get().pushToast('success', `Peer URLs of ${d.label} changed: restart the member to listen on them.`);
      void get().loadClusterStatus();
      return true;
    },
  };
};
