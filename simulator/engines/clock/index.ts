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

/** The last moment the site clock shows: dates stay four-digit years and valid `Date`s. */
export const LATEST_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59);
/** The fastest a scaled clock runs: a year in half a minute. */
export const MAX_SCALE = 1_000_000;

export function createClock(options: ClockOptions = {}): Clock {
  const wall = options.wall ?? Date.now;
  let mode: ClockMode = options.mode ?? 'real';
  let scale = scaleFor(mode, options.scale);
  let base = options.start ?? wall();
  let wallBase = wall();

  // A clock run fast for long stops at the last valid moment instead of breaking every date.
  const now = () => Math.min(base + (wall() - wallBase) * scale, LATEST_TIME_MS);
  return {
    now: () => Math.floor(now()),
    state: () => ({ mode, scale, now: Math.floor(now()) }),
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance takes a non-negative number of ms');
      if (now() + ms > LATEST_TIME_MS) {
        throw new RangeError(
          `advance by at most ${Math.floor((LATEST_TIME_MS - now()) / 1000)} s: the clock stops at 9999-12-31`,
        );
      }
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
  if (scale === undefined || !Number.isFinite(scale) || scale <= 0 || scale > MAX_SCALE) {
    throw new RangeError(`a scaled clock needs a scale above 0 and at most ${MAX_SCALE}`);
  }
  return scale;
}
