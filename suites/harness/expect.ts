import { AssertionError } from 'node:assert';
import type { Exchange } from './http.ts';

function fail(exchange: Exchange, problem: string): never {
  const lines = [`[${exchange.method}] ${exchange.path} -> ${exchange.status}: ${problem}`];
  if (exchange.diagnostics.length > 0) lines.push(...exchange.diagnostics.map((d) => `  schema ${d}`));
  const excerpt = exchange.text.slice(0, 300);
  if (excerpt) lines.push(`  body: ${excerpt}`);
  throw new AssertionError({ message: lines.join('\n') });
}

/** The answer has this status and conforms to our spec (body schema, required headers). */
export function expectResponse(exchange: Exchange, status: number | readonly number[]): void {
  const allowed = typeof status === 'number' ? [status] : status;
  if (!allowed.includes(exchange.status)) fail(exchange, `expected status ${allowed.join(' or ')}`);
  if (exchange.diagnostics.length > 0) fail(exchange, 'the answer does not conform to the spec');
}

/** The answer is an error of the given class (4 for 4xx) in the FirecREST error envelope. */
export function expectErrorClass(exchange: Exchange, klass: 4 | 5): void {
  if (Math.floor(exchange.status / 100) !== klass) fail(exchange, `expected a ${klass}xx status`);
  expectEnvelope(exchange);
}

const envelopeFields = ['errorType', 'message', 'causedBy', 'data', 'user'] as const;

export function expectEnvelope(exchange: Exchange): void {
  const body = exchange.body as { message?: unknown } | undefined;
  if (!(exchange.headers.get('content-type') ?? '').includes('application/json'))
    fail(exchange, 'the error is not JSON');
  if (typeof body !== 'object' || body === null || typeof body.message !== 'string') {
    fail(exchange, 'the error has no message in the FirecREST envelope');
  }
  // The schema leaves the envelope's fields optional; FirecREST always sends all five (null when empty).
  const missing = envelopeFields.filter((field) => !(field in body));
  if (missing.length > 0) fail(exchange, `the error envelope lacks ${missing.join(', ')}`);
  if (exchange.diagnostics.length > 0) fail(exchange, 'the error does not conform to the envelope');
}

export function expectThat(exchange: Exchange, condition: boolean, problem: string): void {
  if (!condition) fail(exchange, problem);
}
