import type { ClusterStatus } from '../../../src/shared/types';

/** Two voting members (m1 the leader) and a learner that has not started yet (no name, no client URL). */
export const membersWithLearner: ClusterStatus = {
  clusterId: 'ff',
  members: [
    { id: 'a1', name: 'm1', peerUrls: ['http://m1:2380'], clientUrls: ['http://m1:2379'], isLeader: true, isLearner: false },
    { id: 'b2', name: 'm2', peerUrls: ['http://m2:2380'], clientUrls: ['http://m2:2379'], isLeader: false, isLearner: false },
    { id: 'c3', name: '', peerUrls: ['http://m4:2380'], clientUrls: [], isLeader: false, isLearner: true },
  ],
  endpoints: [],
  leaderId: 'a1',
  alarms: [],
  at: 1,
};
