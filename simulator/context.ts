/**
 * What the simulator's factory and its HTTP layer share: the options, the control plane and the
 * per-instance state the routes read. Both sides import this module, so neither imports the other.
 */
import type { ClientShape, LoginShape, PublicClientShape, SiteShape } from '../fixtures/site-shape.ts';
import type { EngineFaults } from '../spec/faults.ts';
import type { loadSpec } from '../spec/load.ts';
import type { createValidator } from '../spec/validate.ts';
import type { ClockMode, ClockState } from './engines/clock/index.ts';
import type { S3Credentials } from './engines/objectstore/index.ts';
import type { IdentityProvider, SigningKeyPair } from './engines/oidc/index.ts';
import type { NodeAction, NodeState, PartitionState, PopulatedJobs } from './engines/slurm/index.ts';
import type { ActiveFault, Fault } from './faults.ts';
import type { Journal, JournalEntry } from './journal.ts';
import type { SiteState } from './site-state.ts';

export interface SimulatorOptions {
  /** The site's shape; the default is daint and eiger with alice and bob. */
  readonly site?: SiteShape;
  readonly seed?: number;
  /** The issuer's first RS256 signing key (extractable); a new one is made when absent. */
  readonly signingKey?: SigningKeyPair;
  /** Where clients reach the simulator, e.g. `http://127.0.0.1:8000`; tokens name it as issuer. */
  readonly publicUrl?: string;
  readonly clock?: { readonly mode: ClockMode; readonly scale?: number };
  /** Serve /_sim. Switch it off for a simulator others can reach. */
  readonly controlPlane?: boolean;
  /** Other users' jobs are hidden (Slurm's PrivateData=jobs). */
  readonly privateJobs?: boolean;
  /** Extra OIDC clients; a client naming an unknown user adds that user to the site. */
  readonly clients?: readonly ClientShape[];
  /** Passwords for the login page; an unknown user name adds that user. Others: `<name>-password`. */
  readonly logins?: readonly LoginShape[];
  /** Clients that log people in with PKCE and no secret; default: `portal` (the example portal). */
  readonly publicClients?: readonly PublicClientShape[];
  /** More redirect URIs by client id (public or confidential); a client with some gets exact matching. */
  readonly redirectUris?: Readonly<Record<string, readonly string[]>>;
  readonly tokenTtlS?: number;
  readonly startAt?: number;
  /**
   * Keep file and object bytes as files under this directory (in a directory of the site's own,
   * removed at reset and close) instead of in memory, so a site can hold more than memory.
   */
  readonly dataDir?: string;
  /** How many recent requests the journal keeps (default 10,000); it holds up to half as many again before trimming. */
  readonly journalLimit?: number;
}

export interface PopulateOptions {
  readonly system: string;
  readonly user: string;
  /** Where the tree goes; made (with parents) if missing. */
  readonly directory: string;
  readonly files: number;
  readonly perDirectory?: number;
  /** Size of each file; all files share one content buffer. */
  readonly bytes?: number;
}

export interface PopulateJobsControl {
  readonly system: string;
  readonly jobs: number;
  /** Whose jobs, in turn; the default is every user of the site. */
  readonly users?: readonly string[];
  /** The draws of states and times; the default is the site's seed, so a seed gives the same jobs. */
  readonly seed?: number;
}

/** What the control plane offers; the same functions back `/_sim` over HTTP. */
export interface Control {
  reset(): void;
  seed(seed: number): void;
  advance(seconds: number): ClockState;
  clock(): ClockState;
  setClock(mode: ClockMode, scale?: number): ClockState;
  journal(): readonly JournalEntry[];
  clearJournal(): void;
  mintToken(options: { username: string; ttlS?: number; issuer?: string }): Promise<string>;
  injectFault(fault: Fault): number;
  /** Seeds a tree of files owned by a user: `files` files in directories of `perDirectory` entries. */
  populate(options: PopulateOptions): { directories: number; files: number };
  /** Seeds the scheduler with `jobs` jobs of these users: ended, running and pending, real records. */
  populateJobs(options: PopulateJobsControl): PopulatedJobs;
  clearFaults(): void;
  /** `scontrol update NodeName=<node> State=DOWN|DRAIN|RESUME`: down fails the node's running jobs. */
  setNodeState(system: string, node: string, action: NodeAction): NodeState;
  /** `scontrol update PartitionName=<partition> State=...`. */
  setPartitionState(system: string, partition: string, state: PartitionState): void;
  /** The issuer signs with a new key; the old one verifies for `graceS` more seconds (wall time). */
  rotateSigningKey(graceS: number): Promise<{ kid: string; retired: string; retiredAt: number }>;
  info(): { seed: number; site: string; systems: string[]; users: string[]; clients: string[] };
}

/** Mutable state of one simulator; nothing lives at module level, so simulators coexist. */
export interface SimulatorContext {
  readonly options: Required<Pick<SimulatorOptions, 'controlPlane' | 'privateJobs'>>;
  readonly shape: SiteShape;
  readonly idp: IdentityProvider;
  readonly journal: Journal;
  readonly faults: ActiveFault[];
  /** The engine faults among them, as the engines (and the object store's routes) consult them. */
  readonly engineFaults: EngineFaults;
  readonly validator: ReturnType<typeof createValidator>;
  readonly spec: Awaited<ReturnType<typeof loadSpec>>;
  readonly control: Control;
  readonly s3: S3Credentials;
  /** Where clients reach the site; presigned URLs point here. */
  readonly publicUrl: string;
  state: SiteState;
}
