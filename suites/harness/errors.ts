/** The harness or the infrastructure failed; reported as `error`, never as a failure of the site. */
export class HarnessError extends Error {
  constructor(message: string) {
    super(`[f7t-conformance] ${message}`);
    this.name = 'HarnessError';
  }
}
