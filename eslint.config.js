// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Each folder may import only what the architecture allows (see README, "Layout"). */
const boundary = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((group) => ({
          group: [`**/${group}/**`, `../${group}/*`, `../../${group}/*`],
          message,
        })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'reports/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'off',
    },
  },
  boundary(
    ['spec/**/*.ts'],
    ['simulator', 'suites', 'reporters', 'fixtures', 'cli'],
    'spec/ imports nothing else of ours',
  ),
  boundary(['simulator/**/*.ts'], ['suites', 'reporters', 'cli'], 'the simulator imports spec/ and fixtures/ only'),
  boundary(['simulator/engines/**/*.ts'], ['api', 'suites', 'reporters', 'cli'], 'engines never import the HTTP layer'),
  {
    files: ['simulator/engines/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'hono', message: 'engines never import Hono' }],
          patterns: [{ group: ['hono/*', '@hono/*', '**/api/**'], message: 'engines never import the HTTP layer' }],
        },
      ],
    },
  },
  boundary(['suites/**/*.ts'], ['simulator', 'reporters', 'cli'], 'suites speak HTTP only; types come from spec/'),
  { files: ['suites/harness/embedded-target.ts'], rules: { 'no-restricted-imports': 'off' } },
  boundary(['reporters/**/*.ts'], ['simulator', 'suites', 'cli', 'fixtures'], 'reporters import spec/ only'),
  boundary(['fixtures/**/*.ts'], ['simulator', 'suites', 'reporters', 'cli', 'spec'], 'fixtures are data'),
  boundary(
    ['examples/**/*.ts'],
    ['spec', 'simulator', 'suites', 'reporters', 'fixtures', 'cli'],
    'examples talk to a site over HTTP only, as a portal of any centre would',
  ),
  // The browser test starts a simulator in the process, as the suites' in-process target does.
  { files: ['examples/**/*.test.ts'], rules: { 'no-restricted-imports': 'off' } },
  boundary(
    ['docker/**/*.ts'],
    ['spec', 'simulator', 'suites', 'reporters', 'fixtures', 'cli'],
    'docker/ builds the image and runs the CLI as a process: it imports none of our modules',
  ),
);
