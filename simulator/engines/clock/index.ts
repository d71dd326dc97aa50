export const clockModes = ['real', 'scaled', 'manual'] as const;
export type ClockMode = (typeof clockModes)[number];

export interface ClockState {
  readonly mode: ClockMode;
  /** Site seconds per wall second: 1 for real, k for scaled, 0 for manual. */
  readonly scale: number;
  /** The site time, epoch milliseconds. */
  readonly now: number;
}

/**
 * The site clock: the scheduler and the file system read it. It runs with wall time, k times
 * faster, or only when advanced. Tokens and signatures never read it: they use wall time.
 */
export interface Clock {
  now(): number;
  state(): ClockState;
  advance(ms: number): void;
  setMode(mode: ClockMode, scale?: number): void;
}

export interface ClockOptions {
  readonly mode?: ClockMode;
  readonly scale?: number;
  readonly start?: number;
  readonly wall?: () => number;
}

export function createClock(options: ClockOptions = {}): Clock {
  const wall = options.wall ?? Date.now;
  let mode: ClockMode = options.mode ?? 'real';
  let scale = scaleFor(mode, options.scale);
  let base = options.start ?? wall();
  let wallBase = wall();

  const now = () => base + (wall() - wallBase) * scale;
  return {
    now: () => Math.floor(now()),
    state: () => ({ mode, scale, now: Math.floor(now()) }),
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance takes a non-negative number of ms');
      base += ms;
    },
    setMode(next, nextScale) {
      base = now();
      wallBase = wall();
      mode = next;
      scale = scaleFor(next, nextScale);
    },
  };
}

function scaleFor(mode: ClockMode, scale: number | undefined): number {
  if (mode === 'manual') return 0;
  if (mode === 'real') return 1;
  if (scale === undefined || !Number.isFinite(scale) || scale <= 0) {
    throw new RangeError('a scaled clock needs a positive scale');
  }
  return scale;
}
