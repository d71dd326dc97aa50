// One record per measured figure: every bench module returns its figures, and the bench prints
// each with its goal and writes them all to one JSON file, so that runs can be compared.

export interface Figure {
  /** Stable key, e.g. `http.ratio`, for comparing runs. */
  readonly id: string;
  /** What was measured, for people. */
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  /** The goal, when the figure has one: at most or at least `limit`. */
  readonly goal?: { readonly atMost?: number; readonly atLeast?: number };
  /** How it was measured (sizes, counts), shown after the figure. */
  readonly detail?: string;
}

export function meetsGoal(figure: Figure): boolean | undefined {
  const { goal } = figure;
  if (!goal) return undefined;
  if (goal.atMost !== undefined && !(figure.value <= goal.atMost)) return false;
  if (goal.atLeast !== undefined && !(figure.value >= goal.atLeast)) return false;
  return true;
}

const number = (value: number) =>
  Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);

export function formatFigure(figure: Figure): string {
  const { goal } = figure;
  const unit = figure.unit ? ` ${figure.unit}` : '';
  const goalText = !goal
    ? ''
    : ` (goal ${[
        goal.atLeast !== undefined ? `>= ${number(goal.atLeast)}` : '',
        goal.atMost !== undefined ? `<= ${number(goal.atMost)}` : '',
      ]
        .filter(Boolean)
        .join(' and ')}${unit}) ${meetsGoal(figure) ? 'ok' : 'BELOW GOAL'}`;
  const detail = figure.detail ? ` [${figure.detail}]` : '';
  return `  ${figure.label}: ${number(figure.value)}${unit}${goalText}${detail}`;
}

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export const MiB = 1024 * 1024;
