// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // test/package/consumer is a user's code, compiled against the built package by test/package.
  { ignores: ['dist/', 'node_modules/', 'coverage/', '*.tgz', 'test/package/consumer/', 'docs/api/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: {
        console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setImmediate: 'readonly', WeakRef: 'readonly', FinalizationRegistry: 'readonly', URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `arguments.length` routes calls on the hot path without allocating a rest array.
      'prefer-rest-params': 'off',
      // Slot indexes into typed arrays are in range by construction; with
      // noUncheckedIndexedAccess the assertion states that, it does not hide it.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'examples/**/*.ts'],
    rules: {
      // Tests and demos define small classes that exist only to be decorated.
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/shared/**', 'src/request/**'],
    rules: {
      // The core is platform-neutral: no Node-only modules. (The shared tier and
      // the request scope, subpaths for services, use node:crypto and
      // node:async_hooks.)
      'no-restricted-imports': ['error', { patterns: ['node:*'] }],
    },
  },
);
