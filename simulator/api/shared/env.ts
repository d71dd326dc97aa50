import type { Http2Bindings, HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { User } from '../../engines/site/types.ts';

/**
 * What every route of the app may read from its context: the caller and the request's id, and,
 * when @hono/node-server serves the app, Node's own response (`c.env.outgoing`).
 */
export interface AppEnv {
  Bindings: Partial<HttpBindings | Http2Bindings> | undefined;
  Variables: {
    user: User | undefined;
    requestId: string;
  };
}

/**
 * Sets a header every answer carries (request id, FirecREST's version, the caller). Served by
 * Node, it goes on Node's response, which merges it into whatever the route answers: the answer
 * keeps plain headers and Node writes them without building a fetch `Headers` on every request
 * (a fault that drops one removes it there too). In-process, Hono's `c.header`.
 */
export function everyAnswerHeader(c: Context<AppEnv>, name: string, value: string): void {
  const outgoing = c.env?.outgoing;
  if (outgoing && !outgoing.headersSent) outgoing.setHeader(name, value);
  else c.header(name, value);
}
