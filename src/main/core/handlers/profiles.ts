import type { Profile } from '../../../shared/types';
import { testProfile } from '../connections';
import { failure } from '../etcd/errors';
import type { DomainHandlers, HandlerContext } from './types';

/** What a live connection was opened with: a change to any of it means reconnecting. */
const connectionKey = (p: Profile): string =>
  JSON.stringify([p.endpoints, p.username ?? '', p.tls?.caFile, p.tls?.certFile, p.tls?.keyFile, p.tls?.serverName, p.deadlineMs]);

const DIALOG = {
  ca: { title: 'Choose the CA certificate (PEM)', name: 'Certificates', extensions: ['pem', 'crt', 'cer'] },
  cert: { title: 'Choose the client certificate (PEM)', name: 'Certificates', extensions: ['pem', 'crt', 'cer'] },
  key: { title: 'Choose the client key (PEM, unencrypted)', name: 'Keys', extensions: ['pem', 'key'] },
} as const;

export const profileHandlers = ({ profiles, connections, chooseFile }: HandlerContext): DomainHandlers<'profiles'> => ({
  list: () => profiles.state(),
  save: async (input) => {
    const before = input.id ? (await profiles.list()).find((p) => p.id === input.id) : undefined;
    const saved = await profiles.save(input);
    // A live connection keeps the old endpoints and credentials: drop it so the next connect
    // uses the new ones. Renaming or recolouring leaves it alone.
    if (before && (input.password !== undefined || connectionKey(before) !== connectionKey(saved))) {
      await connections.disconnect(before.id);
    }
    return saved;
  },
  remove: async ({ profileId }) => {
    await profiles.remove(profileId);
    await connections.disconnect(profileId);
  },
  test: async (input) => testProfile(await profiles.resolveInput(input)),
  chooseFile: async ({ purpose, current }) => {
    if (!chooseFile) throw failure('NOT_FOUND', 'No file dialog is available here: type or paste the path instead.');
    const d = DIALOG[purpose];
    const path = await chooseFile({
      title: d.title,
      ...(current ? { defaultPath: current } : {}),
      filters: [
        { name: d.name, extensions: [...d.extensions] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    return { path };
  },
});
