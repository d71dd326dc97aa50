import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { loadSpec } from '../../spec/load.ts';
import { createValidator, type Validator } from '../../spec/validate.ts';
import type { TargetConfig } from './config.ts';
import { usernameOf, type Driver } from './drivers.ts';
import { HarnessError, setupFailed } from './errors.ts';
import { createClient, type Client, type ClientOptions, type RequestOptions } from './http.ts';
import { withJobDefaults } from './job-defaults.ts';
import { madeBy, record } from './ledger.ts';
import { createRemoteTarget, type Identity, type Target } from './target.ts';

/** What the harness found out about the site before a file's first check. */
export interface Discovered {
  readonly target: Target;
  readonly validator: Validator;
  readonly baseUrl: string;
  readonly system: string;
  readonly username: string;
  readonly workdir: string;
  /** The file system users' working directories live in. */
  readonly homeBase: string;
}

/** The run has no URL for this file's generation: its checks are skipped with the reason. */
export interface Missing {
  readonly missing: string;
  readonly target: Target;
}

/** The check running now in this file (checks of one file run one after another). */
export interface Running {
  readonly requirement: string;
  readonly writes: boolean;
  readonly needsSecondIdentity: boolean;
  waitMs: number;
  /** API time spent polling inside waits (counted as waiting, not as API latency). */
  waitApiMs: number;
}

async function createTarget(config: TargetConfig): Promise<Target> {
  if (config.kind === 'remote') return createRemoteTarget(config);
  const { createEmbeddedTarget } = await import('./embedded-target.ts');
  return createEmbeddedTarget(config);
}

/**
 * One suite file's run: its target (found once, before the first check), what it made on the
 * site (removed when the file ends), and the check running now (held to the catalogue).
 */
export class FileRun {
  readonly driver: Driver;
  /** Every file's run directory starts with the run's prefix, so that a scan finds what is left. */
  readonly fileTag = randomUUID().slice(0, 4);
  running: Running | undefined;
  /** Run directories made, by identity. */
  readonly made = new Map<Identity, string>();
  /** Other paths the site made for this run, by identity. */
  readonly leftovers = new Map<Identity, Set<string>>();
  readonly jobDirs = new Map<Identity, Promise<string>>();
  #discovered: Promise<Discovered | Missing> | undefined;

  constructor(driver: Driver) {
    this.driver = driver;
  }

  /** Client options for an identity: the generation's headers, the read-only guard, the ledger. */
  optionsFor(target: Target, baseUrl: string, system: string, label: Identity['label']): ClientOptions {
    const { driver } = this;
    return {
      ...driver.clientOptions(baseUrl, system),
      guard: (method, path) => this.guard(method, path),
      prepare: (method: string, path: string, options: RequestOptions) =>
        withJobDefaults(target, driver.generation, method, path, options),
      observe: (method, path, status, body) => {
        if (status >= 200 && status < 300)
          record(
            target.run.ledger,
            madeBy({ generation: driver.generation, system, identity: label }, method, path, body),
          );
      },
    };
  }

  /** A check catalogued as read-only may send only GETs (token requests aside). */
  guard(method: string, what: string): void {
    const running = this.running;
    if (method !== 'GET' && running && !running.writes)
      throw new HarnessError(
        `${running.requirement} is catalogued as read-only, but its check sent [${method}] ${what}: mark it as writing`,
      );
  }

  client(d: Discovered, identity: Identity, log: Parameters<typeof createClient>[3] = []): Client {
    return createClient(
      d.target,
      d.validator,
      identity,
      log,
      this.optionsFor(d.target, d.baseUrl, d.system, identity.label),
    );
  }

  /** The directory this file's run makes for a user: `<scratch or home>/f7t-conformance-<run id>-<tag>`. */
  runDir(d: Discovered, username: string): string {
    const base = d.target.run.scratch
      ? d.target.run.scratch.replaceAll('{username}', username)
      : `${d.homeBase}/${username}`;
    const runId = d.target.run.runId;
    return `${base}/f7t-conformance-${runId ? `${runId}-${this.fileTag}` : this.fileTag}`;
  }

  /** The target and the system to check, found once per file; a failure is each check's error. */
  ready(): Promise<Discovered | Missing> {
    this.#discovered ??= this.#discover();
    return this.#discovered;
  }

  async #discover(): Promise<Discovered | Missing> {
    const { driver } = this;
    const [target, spec] = await Promise.all([createTarget(inject('target')), loadSpec(driver.generation)]);
    const baseUrl = driver.baseUrl(target);
    if (typeof baseUrl !== 'string') return { missing: baseUrl.missing, target };
    const validator = createValidator(spec);
    const asker = (system: string) =>
      createClient(target, validator, target.primary, [], this.optionsFor(target, baseUrl, system, 'primary'));
    try {
      const { system, homeBase } = await driver.discover(asker(''), target);
      const username = await usernameOf(target.primary, () => driver.whoami(asker(system), system));
      return { target, validator, baseUrl, system, username, workdir: `${homeBase}/${username}`, homeBase };
    } catch (error) {
      await target.close();
      throw setupFailed(`finding the system to check (${driver.generation})`, error);
    }
  }

  /** Removes what the file's checks made, then lets the target go. */
  async close(): Promise<void> {
    const d = await this.#discovered?.catch(() => undefined);
    if (!d) return;
    if ('missing' in d) return d.target.close();
    for (const identity of new Set([...this.made.keys(), ...this.leftovers.keys()])) {
      const client = this.client(d, identity);
      const made = this.made.get(identity);
      const paths = [...(this.leftovers.get(identity) ?? []), ...(made ? [made] : [])];
      for (const path of paths) await this.driver.rm(client, d.system, path).catch(() => undefined);
    }
    await d.target.close();
  }
}
