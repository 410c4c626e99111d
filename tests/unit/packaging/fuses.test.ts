/** The fuse configuration the packaging hook applies, and where it applies it on each platform. */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { describe, expect, it, vi } from 'vitest';

const require = createRequire(__filename);
const hook = require('../../../build/fuses.cjs') as {
  (context: unknown, flip?: (path: string, config: unknown) => Promise<number>): Promise<void>;
  FUSES: Record<string, unknown>;
};
const builderConfig = require('../../../build/electron-builder.config.cjs') as Record<string, unknown>;

const context = (platform: string, arch = 1) => ({
  electronPlatformName: platform,
  arch,
  appOutDir: '/out',
  packager: { appInfo: { productFilename: 'etcd desktop' }, executableName: 'etcd-desktop' },
});

describe('fuses', () => {
  it('turn off running as Node, NODE_OPTIONS and --inspect; load only from an integrity-checked asar', () => {
    expect(hook.FUSES).toMatchObject({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    });
  });

  it.each([
    ['linux', join('/out', 'etcd-desktop')],
    ['win32', join('/out', 'etcd desktop.exe')],
    ['darwin', join('/out', 'etcd desktop.app', 'Contents', 'MacOS', 'etcd desktop')],
  ])('are flipped in the packed %s executable', async (platform, path) => {
    const flip = vi.fn(async () => 1);
    await hook(context(platform), flip);
    expect(flip).toHaveBeenCalledWith(path, expect.objectContaining(hook.FUSES));
  });

  it('re-sign ad hoc only for arm64 macOS (which refuses an unsigned binary)', async () => {
    const flip = vi.fn(async () => 1);
    await hook(context('darwin', 3), flip);
    await hook(context('linux', 3), flip);
    expect(flip.mock.calls.map((c) => (c as unknown as [string, { resetAdHocDarwinSignature: boolean }])[1].resetAdHocDarwinSignature)).toEqual([true, false]);
  });

  it('the builder runs the hook, packs into asar, and builds the installers each OS expects', () => {
    expect(builderConfig.afterPack).toBe('./build/fuses.cjs');
    expect(builderConfig.asar).toBe(true);
    expect(builderConfig.linux).toMatchObject({ target: ['AppImage', 'deb'] });
    expect(builderConfig.mac).toMatchObject({ target: ['dmg'], hardenedRuntime: true });
    expect(builderConfig.win).toMatchObject({ target: ['nsis'] });
  });
});
