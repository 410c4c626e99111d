/** Cluster membership: add a learner, promote it, remove a member, change peer URLs. */
import { z } from 'zod';
import type { AddLearnerResult, RemovePlan } from '../types';
import { channel, returns, type Input } from './define';
import { profileId } from './schemas';

/** A member id as etcd prints it (hex, as in `etcdctl member list`). */
const memberId = z.string().regex(/^[0-9a-f]{1,16}$/, 'a member id is hex, as etcdctl prints it');
const peerUrls = z
  .array(
    z
      .string()
      .max(500)
      // etcd needs the port ("URL address does not have the form host:port").
      .regex(/^https?:\/\/(\[[0-9a-fA-F:.]+\]|[^\s/:[\]]+):\d{1,5}\/?$/, 'a peer URL is http(s)://host:port'),
  )
  .min(1)
  .max(8);
/** The new member's --name (etcd allows any string; this keeps it safe to paste in a shell). */
const memberName = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" and "-" only');

const addLearnerRequest = z.object({ profileId, name: memberName, peerUrls }).strict();
const memberRef = z.object({ profileId, memberId }).strict();
const removeRequest = z
  .object({
    profileId,
    memberId,
    /** The user confirmed a second time that the removal may cost the quorum (RemovePlan.risky). */
    acknowledgeRisk: z.boolean().optional(),
  })
  .strict();
const updateRequest = z.object({ profileId, memberId, peerUrls }).strict();

export type AddLearnerRequest = Input<typeof addLearnerRequest>;
export type RemoveMemberRequest = Input<typeof removeRequest>;

export const members = {
  addLearner: channel({
    effect: 'write',
    describe: (r) => `Add the learner “${String(r.name)}” to the cluster`,
    request: addLearnerRequest,
    response: returns<AddLearnerResult>(),
    doc: 'Adds a member as a learner (it does not vote until promoted); answers with the flags the new member must start with.',
  }),
  promote: channel({
    effect: 'write',
    describe: (r) => `Promote member ${String(r.memberId)} to a voting member`,
    request: memberRef,
    response: returns<{ memberId: string }>(),
    doc: "Promotes a learner to a voting member; etcd refuses while it is not in sync with the leader (said in words).",
  }),
  planRemove: channel({
    effect: 'read',
    request: memberRef,
    response: returns<RemovePlan>(),
    doc: 'What removing a member does to the quorum: voters and healthy voters before and after, and whether it risks the quorum.',
  }),
  remove: channel({
    effect: 'write',
    describe: (r) => `Remove member ${String(r.memberId)} from the cluster`,
    request: removeRequest,
    response: returns<{ memberId: string; plan: RemovePlan }>(),
    doc: 'Removes a member; refused with CONFIRMATION_REQUIRED when it risks the quorum and the request does not acknowledge it.',
  }),
  updatePeerUrls: channel({
    effect: 'write',
    describe: (r) => `Change the peer URLs of member ${String(r.memberId)}`,
    request: updateRequest,
    response: returns<{ memberId: string }>(),
    doc: "Changes a member's peer URLs (the member must then be restarted to listen on them).",
  }),
};
