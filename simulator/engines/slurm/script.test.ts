import { describe, expect, test } from 'vitest';
import { parseSlurmDuration } from './duration.ts';
import { expandFilenamePattern, expandVariables, parseScript } from './script.ts';

describe('parseScript', () => {
  test('reads #SBATCH options before the first command only', () => {
    const parsed = parseScript(
      '#!/bin/bash\n#SBATCH --job-name=train -N 2\n#SBATCH -t 00:30:00 --partition debug\necho hi\n#SBATCH --nodes=9\n',
    );
    expect(parsed.directives).toMatchObject({ jobName: 'train', nodes: 2, timeS: 1800, partition: 'debug' });
  });

  test('adds up sleeps and takes the exit code from exit', () => {
    const parsed = parseScript('#!/bin/bash\nsleep 5\necho a\nsleep 2m\nexit 3\nsleep 100\n');
    expect(parsed.runtimeS).toBe(125);
    expect(parsed.exitCode).toBe(3);
    expect(parsed.output).toEqual([{ atS: 5, stream: 'stdout', text: 'a\n' }]);
  });

  test('#SIM lines override runtime and outcome', () => {
    const parsed = parseScript('#!/bin/bash\n#SIM runtime=90s exit=3\n#SIM oom\nsleep 1\n');
    expect(parsed).toMatchObject({ runtimeS: 90, exitCode: 3, sim: { oom: true } });
  });

  test('echo to stderr, quotes and a last false', () => {
    const parsed = parseScript(`#!/bin/bash\necho "to err" >&2\necho 'no $EXPANSION'\nfalse\n`);
    expect(parsed.output.map((o) => o.stream)).toEqual(['stderr', 'stdout']);
    expect(expandVariables(parsed.output[1]?.text ?? '', { EXPANSION: 'x' })).toBe('no $EXPANSION\n');
    expect(parsed.exitCode).toBe(1);
  });

  test('bad directives are reported as sbatch would', () => {
    expect(parseScript('#!/bin/bash\n#SBATCH --time=soon\n').errors[0]).toMatch(/Invalid --time/);
    expect(parseScript('#!/bin/bash\n#SIM exit=999\n').errors[0]).toMatch(/invalid value for exit/);
  });
});

test('Slurm durations and filename patterns', () => {
  expect(parseSlurmDuration('1-00:00:00')).toBe(86400);
  expect(parseSlurmDuration('90')).toBe(5400);
  expect(parseSlurmDuration('2:30')).toBe(150);
  expect(parseSlurmDuration('1-2')).toBe(93600);
  expect(() => parseSlurmDuration('x')).toThrow();
  expect(expandFilenamePattern('%x-%j.%u.%%', { jobId: 7, jobName: 'n', user: 'alice', node: 'nid1' })).toBe(
    'n-7.alice.%',
  );
});
