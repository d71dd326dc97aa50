// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A fence: the folders of ours a file may not import, and any further restrictions. */
const ours = ['spec', 'simulator', 'suites', 'reporters', 'fixtures', 'cli', 'examples', 'bench', 'docker', 'bin'];
const folders = (groups, message) =>
  groups.map((group) => ({ group: [`**/${group}/**`, `../${group}/*`, `../../${group}/*`], message }));

/**
 * Each folder may import only what the architecture allows (STYLE.md, "Layout and boundaries").
 * In a flat config a later block's options for a rule replace an earlier block's, they do not
 * merge: so every file matches exactly one fence below, and a nested folder's fence repeats its
 * parent's. `fences.test.ts` feeds each fence a violating file and expects the error.
 */
const fence = (files, { forbid = [], patterns = [], paths = [], message, ignores }) => ({
  files,
  ...(ignores ? { ignores } : {}),
  rules: {
    'no-restricted-imports': ['error', { paths, patterns: [...folders(forbid, message), ...patterns] }],
  },
});
const others = (...allowed) => ours.filter((folder) => !allowed.includes(folder));
const hono = {
  paths: [{ name: 'hono', message: 'engines never import Hono' }],
  patterns: [{ group: ['hono/*', '@hono/*'], message: 'engines never import Hono' }],
};
const simulatorOnly = 'the simulator imports spec/ and fixtures/ only';
const suitesOnly = 'suites speak HTTP only; types come from spec/ (and data from fixtures/)';

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
  fence(['spec/**/*.ts'], { forbid: others('spec'), message: 'spec/ imports nothing else of ours' }),
  fence(['simulator/**/*.ts'], {
    ignores: ['simulator/engines/**'],
    forbid: others('simulator', 'spec', 'fixtures'),
    message: simulatorOnly,
  }),
  fence(['simulator/engines/**/*.ts'], {
    forbid: others('simulator', 'spec', 'fixtures'),
    message: simulatorOnly,
    paths: hono.paths,
    patterns: [
      ...hono.patterns,
      { group: ['**/api/**'], message: 'engines never import the HTTP layer' },
      {
        group: ['../../errors.ts', '**/simulator/errors.ts'],
        message: 'engines throw their own domain errors (a code and the facts); HTTP errors belong to api/',
      },
    ],
  }),
  fence(['suites/**/*.ts'], {
    ignores: ['suites/harness/embedded-target.ts'],
    forbid: others('suites', 'spec', 'fixtures'),
    message: suitesOnly,
  }),
  // The in-process target starts a simulator through its factory, and touches nothing else of it.
  fence(['suites/harness/embedded-target.ts'], {
    forbid: others('suites', 'spec', 'fixtures', 'simulator'),
    message: suitesOnly,
    patterns: [
      {
        group: ['**/simulator/**', '!**/simulator/index.ts'],
        message: 'the in-process target imports the simulator factory (simulator/index.ts) only',
      },
    ],
  }),
  fence(['reporters/**/*.ts'], { forbid: others('reporters', 'spec'), message: 'reporters import spec/ only' }),
  fence(['fixtures/**/*.ts'], { forbid: others('fixtures'), message: 'fixtures are data' }),
  fence(['examples/**/*.ts'], {
    ignores: ['examples/**/*.test.ts'],
    forbid: others('examples'),
    message: 'examples talk to a site over HTTP only, as a portal of any centre would',
  }),
  // The browser test starts a site as `serve` does, and then talks to it over HTTP.
  fence(['examples/**/*.test.ts'], {
    forbid: others('examples', 'cli'),
    message: 'examples talk to a site over HTTP only, as a portal of any centre would',
    patterns: [
      { group: ['**/cli/**', '!**/cli/serve.ts'], message: 'an example test starts a site through cli/serve.ts only' },
    ],
  }),
  fence(['docker/**/*.ts'], {
    forbid: others('docker'),
    message: 'docker/ builds the image and runs the CLI as a process: it imports none of our modules',
  }),
);
