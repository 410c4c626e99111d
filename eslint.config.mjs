// @ts-check
/**
 * Lint config, including the layering rules of the project (see the README's Architecture section):
 *  1. only src/main/electron/ and src/preload/ import 'electron' (src/main/core is plain Node);
 *  2. src/shared imports nothing but its own files and zod;
 *  3. src/renderer never imports electron, etcd3, Node modules or src/main.
 * They are enforced with `no-restricted-imports`. For a given file the LAST matching
 * block's options win (flat config replaces rule options, it does not merge them), so
 * the blocks below go from general to specific. tests/unit/layering.test.ts proves them.
 */
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * The only folders allowed to import 'electron' (plus the wiring tests that stand in for it).
 * Layers are named by folder: src/main/core is plain Node, src/main/electron is the Electron layer.
 */
export const ELECTRON_FILES = ['src/main/electron/**', 'src/preload/**', 'tests/unit/wiring/**'];

const electron = {
  // A regex, not a gitignore-style group: 'electron/*' would also match relative paths such as
  // './electron/binary' (a folder named electron).
  regex: '^electron(/.*)?$',
  message: "Only src/main/electron/ and src/preload/ may import 'electron': src/main/core runs in plain Node.",
};

const coreNotElectronLayer = {
  regex: '^(\\.\\./)+electron(/|$)|(^|/)main/electron(/|$)',
  message: 'src/main/core never imports the Electron layer (src/main/electron); pass what it needs in as parameters.',
};

const nodeBuiltins = {
  // A regex, not a group: the group 'cluster/*' would also match './features/cluster/x'.
  regex: `^(node:.*|(${builtinModules.filter((m) => !m.startsWith('_')).join('|')})(/.*)?)$`,
  message: 'No Node.js modules here.',
};

// src/shared imports its own files and zod (pure; the contract's request schemas), nothing else.
// Depth decides what climbing out means, so top-level files and one-folder-deep files differ.
const sharedTopLevel = {
  regex: '^(?!\\./|zod$)|(^|/)\\.\\.(/|$)',
  message: 'src/shared imports nothing but its own files (and zod).',
};
const sharedInFolder = {
  regex: '^(?!\\.{1,2}/|zod$)|^\\.\\./\\.\\.(/|$)|./\\.\\.(/|$)',
  message: 'src/shared imports nothing but its own files (and zod).',
};

const rendererForbidden = [
  {
    regex: '^(electron|etcd3)(/.*)?$',
    message: 'The renderer reaches etcd only through window.etcd (the preload).',
  },
  nodeBuiltins,
  {
    // src/main from src/renderer/src/** is `../../main/...` or deeper (`../main` alone
    // would be src/renderer/src/main.tsx when written from a subfolder, so it is allowed).
    regex: '^(\\.\\./){2,}main(/|$)|^(\\.\\./)+main/|(^|/)src/main(/|$)',
    message: 'The renderer never imports src/main: use the contract in src/shared and window.etcd.',
  },
];

export default defineConfig(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'bench/results/**',
      'playwright-report/**',
      'test-results/**',
      '.etcd-data/**',
      '.vite/**',
      '.ci/**',
      // untracked scratch experiments
      '.bench-scratch/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      // Keys are bytes here: ranges like /[\x00-\x7f]/ and '\0' cursors are intentional.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Packaging hooks are loaded by electron-builder with require().
    files: ['build/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx,js,jsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.flat.recommended.rules,
  },
  {
    files: ['src/preload/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },

  // ---------- layering ----------
  {
    files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electron] }] },
  },
  {
    files: ELECTRON_FILES,
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/main/core/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electron, coreNotElectronLayer] }] },
  },
  {
    files: ['src/shared/*'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electron, sharedTopLevel] }] },
  },
  {
    files: ['src/shared/*/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electron, sharedInFolder] }] },
  },
  {
    files: ['src/renderer/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: rendererForbidden }] },
  },
  // Dynamic import() is not seen by no-restricted-imports: same layering, by syntax.
  {
    files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
    rules: { 'no-restricted-syntax': ['error', dynamicImport(/^electron(\/.*)?$/, 'electron is imported only by the Electron wiring files.')] },
  },
  { files: ELECTRON_FILES, rules: { 'no-restricted-syntax': 'off' } },
  {
    files: ['src/renderer/**', 'src/shared/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        dynamicImport(/^(electron|etcd3|node:.*|fs|fs\/.*|path|child_process|os|net|http|https)(\/.*)?$/, 'This layer reaches the system only through the preload bridge.'),
      ],
    },
  },
);

function dynamicImport(pattern, message) {
  return { selector: `ImportExpression[source.value=${pattern}]`, message };
}
