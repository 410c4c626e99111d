import type { ConnectionStatus } from '../types';
import { channel, returns } from './define';
import { profileRef } from './schemas';

export const connection = {
  connect: channel({
    effect: 'read',
    request: profileRef,
    response: returns<ConnectionStatus>(),
    doc: 'Open (or reuse) the connection of a profile and check it answers within its deadline.',
  }),
  disconnect: channel({
    effect: 'read',
    request: profileRef,
    response: returns<ConnectionStatus>(),
    doc: 'Close the connection of a profile; its calls in flight end with NOT_CONNECTED, its jobs and subscriptions end.',
  }),
  status: channel({
    effect: 'read',
    request: profileRef,
    response: returns<ConnectionStatus>(),
    doc: "The current status of a profile's connection.",
  }),
};
