/**
 * Installers: AppImage and deb on Linux, dmg on macOS (hardened runtime; notarized when the
 * Apple credentials are in the environment), NSIS on Windows. `npm run dist` builds for the
 * machine it runs on; .github/workflows/release.yml builds all three on hosted runners.
 * ELECTRON_DIST points electron-builder at a local Electron distribution (offline builds, tests).
 */
const notarize = Boolean(process.env.APPLE_TEAM_ID && (process.env.APPLE_ID || process.env.APPLE_API_KEY));

module.exports = {
  appId: 'dev.etcd-desktop.app',
  productName: 'etcd desktop',
  executableName: 'etcd-desktop',
  copyright: 'MIT License',
  directories: { output: 'dist', buildResources: 'build' },
  // Only the built app ships: no sources, tests, source maps or scripts.
  files: ['out/**/*', 'package.json', '!**/*.map', '!**/node_modules/**/*.{md,markdown,d.ts,d.mts,d.cts}', '!**/node_modules/**/{test,tests,__tests__,example,examples,docs}/**'],
  asar: true,
  afterPack: './build/fuses.cjs',
  ...(process.env.ELECTRON_DIST ? { electronDist: process.env.ELECTRON_DIST } : {}),
  publish: null,
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Development',
    icon: 'build/icon.png',
    synopsis: 'A desktop client for etcd',
    maintainer: 'etcd desktop maintainers',
  },
  deb: { priority: 'optional' },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.developer-tools',
    icon: 'build/icon.png',
    hardenedRuntime: true,
    gatekeeperAssess: false,
    entitlements: 'build/entitlements.mac.plist',
    entitlementsInherit: 'build/entitlements.mac.plist',
    // electron-builder notarizes with APPLE_ID + APPLE_APP_SPECIFIC_PASSWORD + APPLE_TEAM_ID,
    // or APPLE_API_KEY + APPLE_API_KEY_ID + APPLE_API_ISSUER; signing uses CSC_LINK / CSC_KEY_PASSWORD.
    notarize,
  },
  dmg: { sign: false },
  win: { target: ['nsis'], icon: 'build/icon.png' },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true, deleteAppDataOnUninstall: false },
};
