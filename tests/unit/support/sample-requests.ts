/**
 * One valid request per channel of the contract. The type makes a new channel a compile
 * error here until it has a sample, and the IPC and validation tests then cover it.
 */
import type { ChannelName, RequestOf } from '../../../src/shared/contract';

const ref = { profileId: 'p1' };
const key = { encoding: 'utf8', data: 'k' } as const;

export const sampleRequests: { [C in ChannelName]: RequestOf<C> } = {
  'profiles:list': undefined,
  'profiles:save': { name: 'local', endpoints: ['http://127.0.0.1:2379'] },
  'profiles:remove': ref,
  'profiles:chooseFile': { purpose: 'ca', current: '/etc/etcd/ca.pem' },
  'profiles:test': { name: 'local', endpoints: ['127.0.0.1:2379'], password: null },
  'connection:connect': ref,
  'connection:disconnect': ref,
  'connection:status': ref,
  'kv:list': { ...ref, prefix: { encoding: 'utf8', data: 'app/' }, limit: 100, keysOnly: true, revision: 5, count: true },
  'kv:get': { ...ref, key },
  'kv:put': { ...ref, key, value: { encoding: 'base64', data: 'AAH/' }, expectedModRevision: 0, lease: { mode: 'grant', ttl: 30 } },
  'kv:delete': { ...ref, key },
  'kv:count': { ...ref, prefix: { encoding: 'base64', data: 'AP8=' }, revision: 3 },
  'kv:children': { ...ref, folder: { encoding: 'utf8', data: 'registry/' }, delimiter: { encoding: 'utf8', data: '/' }, limit: 100, revision: 3 },
  'kv:seek': { ...ref, prefix: { encoding: 'utf8', data: 'registry/' }, to: { end: true }, limit: 100, revision: 3 },
  'kv:previews': { ...ref, keys: [{ encoding: 'utf8', data: 'a' }, { encoding: 'base64', data: 'AP8=' }], revision: 3, previewBytes: 64, maxBytes: 1024 },
  'watch:prefix': { ...ref, prefix: { encoding: 'utf8', data: 'app/' }, startRevision: 6, previewBytes: 64 },
  'watch:key': { ...ref, key, startRevision: 6 },
  'history:bounds': ref,
  'history:versions': { ...ref, key, before: 9, limit: 20 },
  'history:get': { ...ref, key, revision: 4 },
  'history:deleted': { ...ref, prefix: { encoding: 'utf8', data: 'app/' }, sinceRevision: 2, limit: 100 },
  'history:restore': { ...ref, key, revision: 4, expectedModRevision: 0 },
  'leases:list': { ...ref, offset: 0, limit: 50 },
  'leases:detail': { ...ref, id: '7587862072907397647', keysLimit: 100 },
  'leases:grant': { ...ref, ttl: 60, id: '4660' },
  'leases:revoke': { ...ref, id: '4660' },
  'leases:keepAliveOnce': { ...ref, id: '4660' },
  'leases:keepAlive': { ...ref, id: '4660' },
  'cluster:status': ref,
  'jobs:list': ref,
  'jobs:cancel': { ...ref, jobId: 'j1' },
  'subscriptions:list': ref,
  'subscriptions:close': { ...ref, subscriptionId: 's1' },
  'app:reportError': { message: 'boom', stack: 'Error: boom\n    at f (app://app/assets/index.js:1:2)', source: 'boundary' },
  'app:openLogFolder': undefined,
  'search:start': { ...ref, prefix: { encoding: 'utf8', data: 'registry/' }, query: 'pods', mode: 'text', inValues: true, maxResults: 100 },
  'bulk:planDelete': { ...ref, source: { kind: 'prefix', prefix: key } },
  'bulk:delete': { ...ref, planId: 'plan1', confirmation: 'k' },
  'bulk:undo': { ...ref, undoId: 'u1' },
  'bulk:copy': { ...ref, source: { kind: 'keys', keys: [key] }, targetProfileId: 'p2', targetPrefix: { encoding: 'utf8', data: 'k2' }, mode: 'move', overwrite: false },
  'transfer:export': { ...ref, path: '/tmp/etcd-export.jsonl', prefix: { encoding: 'utf8', data: 'app/' } },
  'transfer:plan': { ...ref, path: '/tmp/etcd-export.jsonl', onExisting: 'keep' },
  'transfer:apply': { ...ref, planId: 'plan-1' },
  'transfer:chooseFile': { purpose: 'export', current: 'etcd-export.jsonl' },
  'audit:list': { ...ref, operation: 'kv:put', keyContains: 'app/', outcome: 'applied', limit: 50 },
  'audit:restore': { ...ref, entryId: 'entry-1' },
};
