import { expect, test } from 'vitest';
import { FsError } from '../../engines/fs/index.ts';
import { AuthError } from '../../engines/oidc/index.ts';
import { slurmErrors } from '../../engines/slurm/index.ts';
import { TaskError } from '../../engines/tasks/index.ts';
import { slurmText, v1ErrorOf } from '../v1/errors.ts';
import { v2ErrorOf } from './errors.ts';

const v2 = (error: Error) => {
  const e = v2ErrorOf(error);
  return e && { status: e.status, message: e.message };
};

test('v2 answers the engines: 404 for what is not there, a failed Slurm command as FirecREST wraps it', () => {
  expect(v2(slurmErrors.systemNotFound('nowhere'))).toEqual({ status: 404, message: 'System not found' });
  expect(v2(slurmErrors.jobNotFound(7))).toEqual({ status: 404, message: 'Job not found.' });
  expect(v2(slurmErrors.invalidAccount('nosuch'))).toEqual({
    status: 500,
    message:
      'Unexpected Slurm command response. exit_status:1 std_err:sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified\n',
  });
  expect(v2(slurmErrors.cancelDenied(7))?.message).toMatch(/^Unexpected Slurm command response\. exit_status:210 /);
  expect(v2(slurmErrors.reservationNotOwner('r'))).toEqual({
    status: 400,
    message: 'Error: You are not an owner of the reservation',
  });
  expect(v2(new FsError('EACCES', '/home/alice'))).toEqual({
    status: 403,
    message: "'/home/alice': Permission denied",
  });
  expect(v2ErrorOf(new AuthError('too-soon', { token: 't', minTtlS: 30 }))).toMatchObject({
    status: 401,
    message: 'Access token expires too soon (less than 30s remaining).',
    options: { headers: { 'auth-token': 't' } },
  });
  expect(v2ErrorOf(new AuthError('missing'))).toMatchObject({
    status: 401,
    options: { headers: { 'www-authenticate': 'Bearer' } },
  });
  expect(v2ErrorOf(new Error('a bug'))).toBeUndefined();
});

test('v1 shows the command stderr on one line, and answers tasks it cannot show', () => {
  expect(slurmText(slurmErrors.invalidPartition('x'))).toBe(
    'sbatch: error: invalid partition specified: xsbatch: error: Batch job submission failed: Invalid partition name specified',
  );
  expect(v1ErrorOf(new TaskError('task-not-found', 'abc'))).toMatchObject({
    status: 404,
    body: { error: 'Task abc does not exist' },
  });
  expect(v1ErrorOf(new TaskError('not-task-owner', 'abc'))).toMatchObject({
    status: 403,
    body: { description: 'Operation not permitted. Invalid task owner.' },
  });
});
