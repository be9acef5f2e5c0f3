import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const NODE_BUILTINS = `^(node:.*|${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})(\\/.*)?$`;

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.vscode-test-host/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // Code shared by the Node and the browser builds reaches Node only through the ports in src/node,
    // which the Node entry point picks: a browser's web worker has no such modules.
    files: ['src/core/**/*.ts', 'src/ui/**/*.ts', 'src/web/**/*.ts', 'src/webview/**/*.ts', 'src/*.ts'],
    ignores: ['src/extension.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: NODE_BUILTINS, message: 'Node-only: put it behind a port in src/node, chosen by src/extension.ts.' }] }],
      'no-restricted-globals': ['error', ...['Buffer', 'process', 'setImmediate', '__dirname', '__filename', 'require'].map((name) => ({ name, message: 'Node-only: a web worker host has no such global.' }))],
    },
  },
  {
    // The core runs in plain Node under mocha: it must never reach for the editor.
    files: ['src/core/**/*.ts', 'src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['vscode'], patterns: [{ regex: NODE_BUILTINS, message: 'Node-only: put it behind a port in src/node, chosen by src/extension.ts.' }] },
      ],
    },
  },
  {
    // Shared code may not reach into either host's own folder: the entry points choose.
    files: ['src/core/**/*.ts', 'src/ui/**/*.ts', 'src/composition.ts', 'src/platform.ts', 'src/api.ts'],
    rules: { 'no-restricted-syntax': ['error', { selector: "ImportDeclaration[source.value=/\\/(node|web)\\//]", message: 'Shared code gets host-specific parts from the Platform, not by import.' }] },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
