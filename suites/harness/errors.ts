import { redactText } from '../../spec/redact.ts';

/** The harness or the infrastructure failed; reported as `error`, never as a failure of the site. */
export class HarnessError extends Error {
  constructor(message: string) {
    super(`[f7t-conformance] ${message}`);
    this.name = 'HarnessError';
  }
}

const PREFIX = '[f7t-conformance] ';

/**
 * A set-up step failed before the check itself (a token, the discovery of the system, a fixture):
 * the check could not run, so it is an error naming the step and its evidence.
 */
export function setupFailed(step: string, error: unknown): HarnessError {
  const message = error instanceof Error ? error.message : String(error);
  return new HarnessError(
    `set-up failed while ${step}: ${message.startsWith(PREFIX) ? message.slice(PREFIX.length) : message}`,
  );
}

/** `[GET] /status/systems -> 401: {"message": ...}`: a request and its answer, as evidence. */
export function evidenceOf(answer: { method: string; path: string; status: number; text: string }): string {
  const excerpt = redactText(answer.text).replace(/\s+/g, ' ').trim().slice(0, 200);
  return `[${answer.method}] ${answer.path} -> ${answer.status}${excerpt ? `: ${excerpt}` : ' (empty body)'}`;
}
