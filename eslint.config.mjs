import tseslint from 'typescript-eslint';

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
    // The core, the sandbox, the CLI and the shared protocol never depend on VS Code:
    // they run in plain Node (tests, CLI, sandbox) and in the webview.
    files: ['src/core/**', 'src/sandbox/**', 'src/cli/**', 'src/shared/**', 'src/webview/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The core is vscode-free; adapt at the edge in src/extension.' }] }],
    },
  },
);
