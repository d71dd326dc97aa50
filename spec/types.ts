// Shapes of FirecREST v2 messages as the suites read them (see v2/openapi.yaml).

export interface ErrorBody {
  errorType?: 'error' | 'validation';
  message: string;
  causedBy?: string[] | null;
  data?: Record<string, unknown> | null;
  user?: string | null;
}

export interface FileSystem {
  path: string;
  dataType: 'users' | 'store' | 'archive' | 'apps' | 'scratch' | 'project';
  defaultWorkDir?: boolean;
}

export interface System {
  name: string;
  fileSystems?: FileSystem[];
  scheduler: { type: string; version: string };
  dataOperation?: { max_ops_file_size?: number; datatransfer_jobs_directives?: string[] };
}

export interface Node {
  name: string;
  cpus: number;
  state: string[];
  features?: string | string[] | null;
  partitions?: string[] | null;
}

export interface Partition {
  name: string;
  cpus?: number | null;
  totalNodes?: number | null;
  partition: string | string[];
}

export interface Reservation {
  name: string;
  nodeList: string;
  startTime: number;
  endTime: number;
  features?: string | null;
  state?: string | null;
}

export interface UserInfo {
  user: { id: string; name: string };
  group: { id: string; name: string };
  groups: { id: string; name: string }[];
  accounts?: { name: string; default: boolean }[] | null;
}

export interface JobStatus {
  state: string;
  stateReason?: string | null;
  exitCode?: number | null;
  interruptSignal?: number | null;
}

export interface Job {
  jobId: string;
  name: string;
  status: JobStatus;
  time: { elapsed?: number | null; start?: number | null; end?: number | null; limit?: number | null };
  user?: string | null;
  workingDirectory: string;
  partition: string;
  nodes: string;
  cluster: string;
  allocationNodes: number;
}

export interface JobMetadata {
  jobId: string;
  script?: string | null;
  standardInput?: string | null;
  standardOutput?: string | null;
  standardError?: string | null;
}

export interface JobDescription {
  name?: string;
  account?: string;
  partition?: string;
  reservation?: string;
  constraints?: string;
  workingDirectory: string;
  standardOutput?: string;
  standardError?: string;
  env?: Record<string, string>;
  script?: string;
  scriptPath?: string;
}

/** Slurm states after which a job never changes again (pyfirecrest's list). */
export const terminalJobStates = [
  'BOOT_FAIL',
  'CANCELLED',
  'COMPLETED',
  'DEADLINE',
  'FAILED',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'TIMEOUT',
] as const;

export function isTerminalState(state: string): boolean {
  return terminalJobStates.some((s) => state.startsWith(s));
}

/** One entry of an ls listing; FirecREST gives every field as a string. */
export interface FileEntry {
  name: string;
  type: string;
  linkTarget?: string | null;
  user: string;
  group: string;
  permissions: string;
  lastModified: string;
  size: string;
}
