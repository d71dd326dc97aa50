import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PoolOptions, PoolRunnerInitializer, PoolWorker, WorkerRequest } from 'vitest/node';

// Vitest worker threads that outlive a test run. Vitest ends a run by stopping its workers, so each
// `runTestSpecifications` (one mutant) would start a thread and load every module the checks use
// again: about 0.6 s of CPU a mutant, most of a mutant's cost. A kept thread is started once,
// answers Vitest's later "start" and "stop" requests itself, and keeps its modules between runs as
// a non-isolated thread keeps them between files. Only for non-isolated runs of one project.

type Listener = (arg: unknown) => void;

/** A Vitest pool of kept threads; `close()` ends the threads once the Vitest using it is closed. */
export interface KeptThreads extends PoolRunnerInitializer {
  /** Threads started so far (a measure of reuse). */
  readonly started: () => number;
  readonly close: () => Promise<void>;
}

export function createKeptThreads(): KeptThreads {
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  let started = 0;
  const take = (options: PoolOptions) => {
    const parked = idle.pop();
    if (parked) return { thread: parked, fresh: false };
    started++;
    const thread = new Worker(resolve(options.distPath, 'workers/threads.js'), {
      env: options.env as NodeJS.ProcessEnv,
      execArgv: options.execArgv,
    });
    all.add(thread);
    thread.once('exit', () => {
      all.delete(thread);
      const at = idle.indexOf(thread);
      if (at !== -1) idle.splice(at, 1);
    });
    return { thread, fresh: true };
  };
  return {
    name: 'kept-threads',
    createPoolWorker: (options) => new KeptThread(options, take, (thread) => all.has(thread) && idle.push(thread)),
    started: () => started,
    close: async () => {
      idle.length = 0;
      await Promise.all([...all].map((thread) => thread.terminate()));
    },
  };
}

class KeptThread implements PoolWorker {
  readonly name = 'kept-threads';
  private thread: Worker | undefined;
  /** The thread already answered a "start": later ones are answered here. */
  private ready = false;
  /** Vitest asked the thread to stop gracefully; without that request the run failed and the thread goes. */
  private stopAsked = false;
  private readonly listeners: [string, Listener][] = [];
  private readonly options: PoolOptions;
  private readonly take: (options: PoolOptions) => { thread: Worker; fresh: boolean };
  private readonly park: (thread: Worker) => void;

  constructor(
    options: PoolOptions,
    take: (options: PoolOptions) => { thread: Worker; fresh: boolean },
    park: (thread: Worker) => void,
  ) {
    this.options = options;
    this.take = take;
    this.park = park;
  }

  on(event: string, callback: Listener) {
    this.listeners.push([event, callback]);
    this.current.on(event, callback);
  }

  off(event: string, callback: Listener) {
    const at = this.listeners.findIndex(([e, c]) => e === event && c === callback);
    if (at !== -1) this.listeners.splice(at, 1);
    this.thread?.off(event, callback);
  }

  send(message: WorkerRequest) {
    if (message.type === 'start' && this.ready) return this.answer('started');
    if (message.type === 'stop') {
      this.stopAsked = true;
      return this.answer('stopped');
    }
    if (message.type === 'start') this.ready = true;
    this.current.postMessage(message);
  }

  deserialize(data: unknown) {
    return data;
  }

  start() {
    const { thread, fresh } = this.take(this.options);
    this.thread = thread;
    this.ready = !fresh;
    return Promise.resolve();
  }

  async stop() {
    const thread = this.thread;
    if (!thread) return;
    for (const [event, callback] of this.listeners.splice(0)) thread.off(event, callback);
    this.thread = undefined;
    if (this.stopAsked) this.park(thread);
    else await thread.terminate();
  }

  private get current(): Worker {
    if (!this.thread) throw new Error('kept-threads: the worker was not started or is stopped');
    return this.thread;
  }

  /** Answers as the thread would, after the caller has started listening for the answer. */
  private answer(type: 'started' | 'stopped') {
    setImmediate(() => {
      for (const [event, callback] of [...this.listeners])
        if (event === 'message') callback({ __vitest_worker_response__: true, type });
    });
  }
}
