import type { ClusterMetrics, ClusterStatus } from '../types';
import { channel, returns } from './define';
import { profileRef } from './schemas';

export const cluster = {
  status: channel({
    effect: 'read',
    request: profileRef,
    response: returns<ClusterStatus>(),
    doc: "Members, per-endpoint status and alarms of the profile's cluster.",
  }),
  metrics: channel({
    effect: 'read',
    request: profileRef,
    response: returns<ClusterMetrics>(),
    doc: "Each member's /metrics and Status, read on the profile's own endpoints with its TLS: one sample per member for the live charts.",
  }),
};
