// ESLint flat config: typescript-eslint's recommended rules on every TypeScript source,
// plus the engine's one door: the LSP server, the CLI and the Node adapters import the
// analysis engine only through server/src/engine/index.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.kernel/**', '.tools/**', 'test-output/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
      // Lazy require() keeps modules a run does not need out of start-up; tree-sitter's CJS typings need import = require.
      '@typescript-eslint/no-require-imports': [
        'error',
        { allow: ['^tree-sitter', '^\\./diff$', '/atomicWrite$', '^worker_threads$', '^child_process$', '^node:fs$'] },
      ],
    },
  },
  {
    files: ['server/src/lsp/**/*.ts', 'server/src/cli/**/*.ts', 'server/src/node/**/*.ts', 'client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./engine/.+',
              message: 'Import the engine through its index (../engine): it is the only door for the front ends.',
            },
            {
              regex: '(^|/)server/src/engine',
              message: 'The client never imports server code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^vscode', message: 'The engine knows nothing of LSP or VS Code.' },
            { regex: '(^|/)(lsp|cli|node)(/|$)', message: 'The engine does not import its front ends.' },
          ],
        },
      ],
    },
  },
  {
    // Code evaluated in the browser page: the tests compile without DOM typings.
    files: ['test/e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.mjs', 'server/bin/*.js'],
    languageOptions: {
      globals: {
        require: 'readonly',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        module: 'writable',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
