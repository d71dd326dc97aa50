import type { FileSystemShape, PartitionShape } from '../../../fixtures/site-shape.ts';

export interface NodeSpec {
  readonly name: string;
  readonly cpus: number;
  readonly sockets: number;
  readonly cores: number;
  readonly threads: number;
  readonly memoryMiB: number;
  readonly features: readonly string[];
  readonly partitions: readonly string[];
  readonly address: string;
}

export interface PartitionSpec extends PartitionShape {
  /** Seconds. */
  readonly maxTimeS: number;
  readonly defaultTimeS: number;
  readonly nodes: readonly string[];
}

export interface ReservationSpec {
  readonly name: string;
  readonly nodes: readonly string[];
  /** Epoch seconds. */
  readonly start: number;
  readonly end: number;
  readonly features: string | null;
  readonly users: readonly string[];
}

export interface SystemSpec {
  readonly name: string;
  readonly schedulerVersion: string;
  readonly nodes: readonly NodeSpec[];
  readonly partitions: readonly PartitionSpec[];
  readonly reservations: readonly ReservationSpec[];
  readonly fileSystems: readonly FileSystemShape[];
  readonly transferPartition: string;
}

export interface Group {
  readonly name: string;
  readonly gid: number;
}

export interface User {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly Group[];
  readonly accounts: readonly string[];
  readonly fullName: string;
  readonly email: string;
}

export interface Site {
  readonly name: string;
  readonly seed: number;
  readonly appVersion: string;
  /** Epoch ms the site clock starts at. */
  readonly startedAt: number;
  readonly firstJobId: number;
  readonly systems: readonly SystemSpec[];
  readonly users: readonly User[];
}
