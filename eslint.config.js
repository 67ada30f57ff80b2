// ESLint (flat config): the habits this codebase already keeps, checked with type information.
// Layout is Prettier's job (.prettierrc); no rule here is about formatting.
// Type information comes from the project service, which reads tsconfig.json and the projects it references
// (node side, renderer, renderer tests), so a file is linted with the same types `npm run typecheck` sees.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'node_modules/', 'test-results/', '.vitest/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise is awaited, returned, handled, or marked `void` on purpose; a listener or callback that expects
      // nothing back is never handed one (its rejection would go unhandled).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Imports only used as types say so (`import type` or an inline `type`), so bundling drops them.
      // `typeof import('x')` in a type position stays allowed (tests use it to type a stubbed module).
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // `_name` marks a value left unused on purpose (a dropped field in a rest destructuring, a placeholder argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // Control characters in a pattern are deliberate here: NUL sentinels in the start-script writer, terminal output.
      'no-control-regex': 'off',
    },
  },
  {
    // A test's stand-in server may take an async handler: a rejection there fails the run (vitest reports unhandled
    // rejections), which is what a test wants. Product code keeps the full rule.
    files: ['**/*.test.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }] },
  },
  {
    // The two classic hooks rules; the React Compiler rules of the plugin's presets assume the compiler, which we do not use.
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: globals.node },
  },
);
