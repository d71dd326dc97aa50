/**
 * The one error type engines throw. It knows the HTTP answer it becomes, so routes never catch:
 * one handler renders it in the FirecREST error envelope.
 */
export interface SimErrorOptions {
  readonly errorType?: 'error' | 'validation';
  readonly data?: Record<string, unknown> | null;
  readonly causedBy?: string[] | null;
  readonly headers?: Record<string, string>;
}

export class SimError extends Error {
  readonly status: number;
  readonly options: SimErrorOptions;

  constructor(status: number, message: string, options: SimErrorOptions = {}) {
    super(message);
    this.name = 'SimError';
    this.status = status;
    this.options = options;
  }
}

export function isSimError(error: unknown): error is SimError {
  return error instanceof SimError;
}

/** A field-level validation failure, answered as 400 with `data.fields` like FirecREST does. */
export interface FieldProblem {
  readonly location: 'body' | 'query' | 'path' | 'header';
  readonly name: string | number;
  readonly message: string;
}

export function validationError(problems: readonly FieldProblem[]): SimError {
  const lines = problems.map((p) => `  ${p.location} -> ${String(p.name)}: ${p.message}`);
  const count = problems.length === 1 ? '1 validation error' : `${problems.length} validation errors`;
  return new SimError(400, `${count}:\n${lines.join('\n')}`, {
    errorType: 'validation',
    data: { fields: problems.map((p) => ({ ...p })) },
  });
}
