import { parseSimDuration, parseSlurmDuration } from './duration.ts';

/**
 * What the simulator reads from a batch script. Nothing in a script is ever executed: a few
 * commands are interpreted (`sleep`, `exit`, `echo`, `true`, `false`, `hostname`) and `#SBATCH`
 * and `#SIM` lines set options and outcomes.
 */
export interface Directives {
  jobName?: string;
  timeS?: number;
  nodes?: number;
  output?: string;
  error?: string;
  input?: string;
  partition?: string;
  account?: string;
  reservation?: string;
  constraint?: string;
  chdir?: string;
}

export interface SimDirectives {
  runtimeS?: number;
  exitCode?: number;
  oom?: boolean;
}

export const readCommands = ['cat', 'wc -l', 'wc -c', 'sha256sum'] as const;
export type ReadCommand = (typeof readCommands)[number];

/** Output a command makes `atS` seconds after the job starts: a line, or what a file read gives. */
export interface OutputEvent {
  readonly atS: number;
  readonly stream: 'stdout' | 'stderr';
  /** Text with `${VAR}` references still in it; expanded when the job runs. */
  readonly text: string;
  /** A command that reads a file when the job runs (the text is then what it prints). */
  readonly read?: { readonly command: ReadCommand; readonly path: string } | undefined;
  /** `> path` or `>> path`: the output goes to that file instead of the job's stream. */
  readonly redirect?: { readonly path: string; readonly append: boolean } | undefined;
}

/** Splits `words > file` / `words >> file` / `words >file` into the words and the redirection. */
function redirection(words: { word: string; literal: boolean }[]) {
  for (let i = 0; i < words.length; i++) {
    const m = /^(>>?)(.*)$/.exec(words[i]?.word ?? '');
    // `>&2` is a stream, not a file: echo handles it
    if (!m || words[i]?.literal || (m[2] ?? '').startsWith('&')) continue;
    const path = m[2] !== '' ? m[2] : words[i + 1]?.word;
    if (!path) return { words, redirect: undefined };
    return { words: words.slice(0, i), redirect: { path, append: m[1] === '>>' } };
  }
  return { words, redirect: undefined };
}

export interface ParsedScript {
  readonly directives: Directives;
  readonly sim: SimDirectives;
  readonly output: readonly OutputEvent[];
  readonly runtimeS: number;
  readonly exitCode: number;
  /** Problems with `#SBATCH`/`#SIM` lines, worded as sbatch would. */
  readonly errors: readonly string[];
}

const optionNames: Record<string, keyof Directives> = {
  '-J': 'jobName',
  '--job-name': 'jobName',
  '-t': 'timeS',
  '--time': 'timeS',
  '-N': 'nodes',
  '--nodes': 'nodes',
  '-o': 'output',
  '--output': 'output',
  '-e': 'error',
  '--error': 'error',
  '-i': 'input',
  '--input': 'input',
  '-p': 'partition',
  '--partition': 'partition',
  '-A': 'account',
  '--account': 'account',
  '--reservation': 'reservation',
  '-C': 'constraint',
  '--constraint': 'constraint',
  '-D': 'chdir',
  '--chdir': 'chdir',
};

/** Splits a shell line into words, honouring quotes; single-quoted words are marked literal. */
export function shellWords(line: string): { word: string; literal: boolean }[] {
  const words: { word: string; literal: boolean }[] = [];
  const re = /'([^']*)'|"((?:\\.|[^"\\])*)"|(\S+)/g;
  for (const m of line.matchAll(re)) {
    if (m[1] !== undefined) words.push({ word: m[1], literal: true });
    else if (m[2] !== undefined) words.push({ word: m[2].replace(/\\(.)/g, '$1'), literal: false });
    else words.push({ word: m[3] ?? '', literal: false });
  }
  return words;
}

function applyOption(directives: Directives, errors: string[], name: string, value: string | undefined) {
  const key = optionNames[name];
  if (!key) return; // other sbatch options are accepted and ignored
  if (value === undefined || value === '') {
    errors.push(`sbatch: error: option ${name} requires an argument`);
    return;
  }
  if (key === 'timeS') {
    try {
      directives.timeS = parseSlurmDuration(value);
    } catch {
      errors.push(`sbatch: error: Invalid --time specification`);
    }
  } else if (key === 'nodes') {
    const n = Number(value.split('-')[0]);
    if (!Number.isInteger(n) || n < 1) errors.push(`sbatch: error: invalid node count \`${value}'`);
    else directives.nodes = n;
  } else {
    directives[key] = value;
  }
}

function parseSbatchLine(rest: string, directives: Directives, errors: string[]) {
  const words = shellWords(rest.replace(/#.*$/, '')).map((w) => w.word);
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      if (eq > 0) applyOption(directives, errors, word.slice(0, eq), word.slice(eq + 1));
      else if (optionNames[word]) applyOption(directives, errors, word, words[++i]);
    } else if (/^-[A-Za-z]/.test(word)) {
      const flag = word.slice(0, 2);
      applyOption(directives, errors, flag, word.length > 2 ? word.slice(2) : words[++i]);
    }
  }
}

function parseSimLine(rest: string, sim: SimDirectives, errors: string[]) {
  for (const pair of rest.trim().split(/\s+/).filter(Boolean)) {
    const [key = '', value = 'true'] = pair.split('=', 2);
    try {
      if (key === 'runtime') sim.runtimeS = parseSimDuration(value);
      else if (key === 'exit') {
        const code = Number(value);
        if (!Number.isInteger(code) || code < 0 || code > 255) throw new RangeError();
        sim.exitCode = code;
      } else if (key === 'oom') sim.oom = value !== 'false' && value !== '0';
      else errors.push(`#SIM: unknown setting '${key}'`);
    } catch {
      errors.push(`#SIM: invalid value for ${key}: ${value}`);
    }
  }
}

/** Slurm's default `max_script_size` (SchedulerParameters): sbatch refuses a larger script. */
export const MAX_SCRIPT_BYTES = 4 * 1024 * 1024;

/** Lines parsed between two yields of the step parser: a few ms of work. */
const LINES_PER_STEP = 500;

/** Parses a script at once; a route with a large script uses `parseScriptYielding`. */
export function parseScript(script: string): ParsedScript {
  const steps = parseSteps(script);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Parses a script, giving the event loop a turn every few thousand lines (a 4 MB script takes a second). */
export async function parseScriptYielding(script: string): Promise<ParsedScript> {
  const steps = parseSteps(script);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Consecutive plain output at the same moment is one event: a job writes it in one go. */
function coalesce(events: readonly OutputEvent[]): OutputEvent[] {
  const merged: OutputEvent[] = [];
  for (const event of events) {
    const last = merged.at(-1);
    const plain = (e: OutputEvent) => e.read === undefined && e.redirect === undefined;
    if (last && plain(last) && plain(event) && last.atS === event.atS && last.stream === event.stream) {
      merged[merged.length - 1] = { ...last, text: last.text + event.text };
    } else merged.push(event);
  }
  return merged;
}

function* parseSteps(script: string): Generator<void, ParsedScript> {
  const directives: Directives = {};
  const sim: SimDirectives = {};
  const errors: string[] = [];
  const output: OutputEvent[] = [];
  let clock = 0;
  let status = 0;
  let exited = false;
  let header = true;

  let lines = 0;
  for (const raw of script.split(/\r?\n/)) {
    if (++lines % LINES_PER_STEP === 0) yield;
    const line = raw.trim();
    if (line.startsWith('#SIM')) {
      parseSimLine(line.slice(4), sim, errors);
      continue;
    }
    if (line.startsWith('#')) {
      // sbatch reads #SBATCH lines only before the first command, as Slurm does
      if (header && line.startsWith('#SBATCH')) parseSbatchLine(line.slice(7), directives, errors);
      continue;
    }
    if (line === '') continue;
    header = false;
    if (exited) continue;
    for (const command of line.split(/\s*(?:;|&&)\s*/)) {
      const { words, redirect } = redirection(shellWords(command));
      const program = words[0]?.word === 'srun' ? words.slice(1) : words;
      const name = program[0]?.word;
      if (name === undefined) continue;
      if (name === 'sleep') {
        try {
          clock += parseSimDuration(program[1]?.word ?? '0');
          status = 0;
        } catch {
          status = 1;
        }
      } else if (name === 'exit') {
        const code = Number(program[1]?.word ?? status);
        status = Number.isInteger(code) ? ((code % 256) + 256) % 256 : 2;
        exited = true;
        break;
      } else if (name === 'echo') {
        const args = program.slice(1);
        const toStderr = args.some((a) => /^1?>&2$/.test(a.word));
        const text = args
          .filter((a) => !/^1?>&2$/.test(a.word) && a.word !== '-e' && a.word !== '-n')
          .map((a) => (a.literal ? a.word.replaceAll('$', '\u0000') : a.word))
          .join(' ');
        output.push({ atS: clock, stream: toStderr ? 'stderr' : 'stdout', text: `${text}\n`, redirect });
        status = 0;
      } else if (name === 'cat' || name === 'sha256sum' || (name === 'wc' && /^-[lc]$/.test(program[1]?.word ?? ''))) {
        const readCommand = (name === 'wc' ? `wc ${program[1]?.word ?? '-l'}` : name) as ReadCommand;
        const path = program[name === 'wc' ? 2 : 1]?.word;
        if (path !== undefined)
          output.push({ atS: clock, stream: 'stdout', text: '', read: { command: readCommand, path }, redirect });
        status = 0;
      } else if (name === 'hostname') {
        output.push({ atS: clock, stream: 'stdout', text: '${SLURMD_NODENAME}\n' });
        status = 0;
      } else if (name === 'false') {
        status = 1;
      } else {
        status = 0;
      }
    }
  }
  return {
    directives,
    sim,
    output: coalesce(output),
    runtimeS: sim.runtimeS ?? clock,
    exitCode: sim.exitCode ?? status,
    errors,
  };
}

/** Expands `$VAR` and `${VAR}`; literal `$` from single quotes was hidden as NUL by the parser. */
export function expandVariables(text: string, env: Readonly<Record<string, string>>): string {
  return text
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, b) => env[(a ?? b) as string] ?? '')
    .replaceAll('\u0000', '$');
}

/** Slurm's filename patterns: %j %x %u %A %a %N %%. */
export function expandFilenamePattern(
  pattern: string,
  values: { jobId: number; jobName: string; user: string; node: string },
): string {
  return pattern.replace(/%(%|j|x|u|A|a|N)/g, (_, key: string) => {
    switch (key) {
      case '%':
        return '%';
      case 'j':
      case 'A':
        return String(values.jobId);
      case 'x':
        return values.jobName;
      case 'u':
        return values.user;
      case 'a':
        return '4294967294';
      default:
        return values.node;
    }
  });
}
