import type { User } from '../../engines/site/types.ts';

/** What every route of the app may read from its context: the caller and the request's id. */
export interface AppEnv {
  Variables: {
    user: User | undefined;
    requestId: string;
  };
}
