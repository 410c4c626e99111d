/** profiles:chooseFile: the system's dialog, by purpose; only a path comes back. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandlers } from '../../../src/main/core/handlers';
import type { ChooseFile } from '../../../src/main/core/handlers/types';
import { errorOf, testCipher, unwrap } from '../../support/harness';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etcd-desktop-choose-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('profiles:chooseFile', () => {
  it('opens the dialog for the purpose, in the current file’s place, and returns the chosen path or null', async () => {
    const chooseFile = vi.fn<ChooseFile>(async () => '/home/me/pki/ca.pem');
    const h = createHandlers({ profilesDir: dir, cipher: testCipher(), emit: () => undefined, chooseFile });
    expect(unwrap(await h['profiles:chooseFile']({ purpose: 'ca', current: '/etc/etcd/ca.pem' }))).toEqual({ path: '/home/me/pki/ca.pem' });
    expect(chooseFile).toHaveBeenCalledWith(expect.objectContaining({ title: expect.stringMatching(/CA certificate/), defaultPath: '/etc/etcd/ca.pem' }));
    chooseFile.mockResolvedValueOnce(null);
    expect(unwrap(await h['profiles:chooseFile']({ purpose: 'key' }))).toEqual({ path: null });
    expect(chooseFile.mock.calls[1][0]).toMatchObject({ title: expect.stringMatching(/client key/), filters: [{ extensions: ['pem', 'key'] }, { extensions: ['*'] }] });
  });

  it('without a dialog (plain Node) it says to type the path', async () => {
    const h = createHandlers({ profilesDir: dir, cipher: testCipher(), emit: () => undefined });
    expect(errorOf(await h['profiles:chooseFile']({ purpose: 'cert' }))).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/type or paste the path/) });
  });
});
