import { defineConfig } from 'vitest/config';
import { ClosingLineReporter } from './reporters/closing-line.ts';

// `npm test`: unit tests beside the code, and the conformance suites against an embedded simulator.
export default defineConfig({
  test: {
    include: ['**/*.test.ts', 'suites/**/*.spec.ts'],
    exclude: ['node_modules/**', 'reports/**'],
    provide: { target: { kind: 'embedded' } },
    testTimeout: 30_000,
    reporters: ['default', new ClosingLineReporter()],
  },
});
