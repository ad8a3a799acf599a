import tseslint from 'typescript-eslint';

/** Relative imports that leave a layer: matched on the import string. */
const VSCODE = { name: 'vscode', message: 'This layer is vscode-free; adapt at the edge in src/extension.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', 'out/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Rules that need the type checker: a promise nobody awaits or catches loses its error, and
    // an async function handed to a callback that ignores its result (an event listener) too.
    files: ['src/**/*.ts', 'test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // `import { z } from 'zod'` pulls zod's whole `z` object into a bundle, its ~40 locales
    // included (450 KiB, 4× the code and the evaluation time at activation); the namespace import
    // lets esbuild keep only what is used. bench/results.md ("Start-up: what each module costs").
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "Import zod as a namespace (import * as z from 'zod'): the named `z` keeps every locale in the bundle.",
        },
      ],
    },
  },
  {
    // Code is for the next engineer: a source file past 400 lines is split into named units.
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  {
    // The sandbox, the CLI and the shared protocol run in plain Node or the webview: no VS Code.
    files: ['src/sandbox/**', 'src/cli/**', 'src/shared/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [VSCODE] }] },
  },
  {
    // The core is the innermost layer: no VS Code, no extension, no webview.
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [VSCODE],
          patterns: [{ group: ['**/extension/**', '**/extension', '**/webview/**', '**/webview'], message: 'src/core imports neither the extension nor the webview.' }],
        },
      ],
    },
  },
  {
    // The webview talks to the host only through the typed protocol of src/shared.
    files: ['src/webview/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [VSCODE],
          patterns: [
            {
              group: ['**/core/**', '**/extension/**', '**/sandbox/**', '**/cli/**', '**/core', '**/extension', '**/sandbox', '**/cli'],
              message: 'The webview imports only src/shared and itself.',
            },
          ],
        },
      ],
    },
  },
);
