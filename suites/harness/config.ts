export type { RecordedExchange } from '../../spec/results.ts';

// What a run is pointed at. Serialisable: the CLI hands it to every test worker.

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface InjectedFault {
  readonly method?: string;
  readonly path: string;
  readonly status?: number;
  readonly body?: unknown;
  readonly dropField?: string;
  readonly times?: number;
}

export interface EmbeddedTargetConfig {
  readonly kind: 'embedded';
  readonly seed?: number;
  /** Faults the embedded simulator starts with: to prove that checks fail against a broken site. */
  readonly faults?: readonly InjectedFault[];
}

export interface RemoteTargetConfig {
  readonly kind: 'remote';
  /** The v2 base URL, e.g. https://api.example.org/v2 or http://127.0.0.1:8000/v2. */
  readonly baseUrl: string;
  /** The v1 base URL (the gateway), when the site also runs FirecREST v1. */
  readonly v1BaseUrl?: string | undefined;
  readonly tokenUrl: string;
  readonly primary: ClientCredentials;
  readonly second?: ClientCredentials | undefined;
  readonly system?: string | undefined;
  /** The simulator's control plane, when the target is one: waits advance its clock. */
  readonly controlUrl?: string | undefined;
  /** Longest wait for a job to reach a state, in seconds. */
  readonly jobBudgetS?: number | undefined;
  /** A token the site's issuer signed that has expired since (a live site cannot mint one on request). */
  readonly expiredToken?: string | undefined;
}

export type TargetConfig = EmbeddedTargetConfig | RemoteTargetConfig;

declare module 'vitest' {
  export interface ProvidedContext {
    target: TargetConfig;
  }
}
