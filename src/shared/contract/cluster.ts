import type { ClusterStatus } from '../types';
import { channel, returns } from './define';
import { profileRef } from './schemas';

export const cluster = {
  status: channel({
    effect: 'read',
    request: profileRef,
    response: returns<ClusterStatus>(),
    doc: "Members, per-endpoint status and alarms of the profile's cluster.",
  }),
};
