import { posix } from 'node:path';
import { Hono } from 'hono';
import { compress, createArchive, decompress, extractArchive } from '../../engines/fs/archive.ts';
import { FsError } from '../../engines/fs/index.ts';
import { credentialsOf, type ActionResult } from '../../engines/slurm/index.ts';
import type { SimulatorContext } from '../../index.ts';
import type { AppEnv } from '../app.ts';
import { stderrOf, type Command } from '../shared/remote-commands.ts';
import { submitUploaded } from './compute.ts';
import { V1Error } from './errors.ts';
import { caller, checkInput, form, machine, truthy } from './request.ts';

const operations = ['cp', 'mv', 'rsync', 'rm', 'compress', 'extract'] as const;
type Operation = (typeof operations)[number];

/**
 * v1's internal transfers: a job on the system's transfer partition runs the command as the
 * user; the answer is the submission's task (of the compute service, as on a v1 site).
 */
export function createStorageRoutes(sim: SimulatorContext) {
  const app = new Hono<AppEnv>();

  for (const op of operations) {
    app.post(`/xfer-internal/${op}`, async (c) => {
      const description = `Error on ${op} operation`;
      const system = machine(sim, c, 'Failed operation', 'compute');
      const { user } = caller(c);
      const fields = await form(c);
      const target = checkInput(fields.targetPath, 'targetPath', description);
      const source = op === 'rm' ? '' : checkInput(fields.sourcePath, 'sourcePath', description);
      const jobName =
        typeof fields.jobName === 'string' && fields.jobName !== ''
          ? checkInput(fields.jobName, 'jobName', 'Invalid jobName')
          : `${op}-job`;
      const account = typeof fields.account === 'string' && fields.account !== '' ? fields.account : undefined;
      const kind = /\.(tar\.gz|tgz)$/.test(source) ? 'gzip' : /\.tar$/.test(source) ? 'none' : undefined;
      if (op === 'extract' && !kind)
        throw new V1Error(400, { description, error: `Unsupported file format in ${source}.` });

      const command: Record<Operation, [Command, string]> = {
        cp: ['cp', `cp --force -dR --preserve=all -- '${source}' '${target}'`],
        rsync: ['cp', `rsync -av -- '${source}' '${target}'`],
        mv: ['mv', `mv --force -- '${source}' '${target}'`],
        rm: ['rm', `rm -rf -- '${target}'`],
        compress: [
          'tar',
          `tar ${truthy(fields.dereference) ? '--dereference ' : ''}-czf '${target}' -C '${posix.dirname(source)}' '${posix.basename(source)}'`,
        ],
        extract: ['tar', `tar -xf '${source}' -C '${target}'`],
      };
      const [name, line] = command[op];
      const action = async (): Promise<ActionResult> => {
        const fs = sim.state.filesystem(system.name);
        const cred = credentialsOf(user);
        try {
          if (op === 'cp' || op === 'rsync') fs.copy(cred, source, target);
          else if (op === 'mv') fs.rename(cred, source, target);
          else if (op === 'rm') {
            if (fs.exists(cred, target)) fs.rm(cred, target, { recursive: true });
          } else if (op === 'compress') {
            fs.writeFile(
              cred,
              target,
              compress(await createArchive(fs, cred, source, { dereference: truthy(fields.dereference) }), 'gzip'),
            );
          } else {
            await extractArchive(
              fs,
              cred,
              decompress(fs.readFile(cred, source), kind ?? 'none', source),
              posix.normalize(target),
            );
          }
          return { exitCode: 0, stdout: '', stderr: '' };
        } catch (error) {
          if (!(error instanceof FsError)) throw error;
          const { exit, stderr } = stderrOf(name, error, target);
          return { exitCode: exit, stdout: '', stderr: `${stderr}\n` };
        }
      };
      const directives = [`#SBATCH --job-name='${jobName}'`, `#SBATCH --partition=${system.transferPartition}`];
      if (typeof fields.time === 'string' && fields.time !== '')
        directives.push(`#SBATCH --time=${checkInput(fields.time, 'time', 'Not supported time format')}`);
      if (typeof fields.stageOutJobId === 'string' && fields.stageOutJobId !== '')
        directives.push(`#SBATCH --dependency=afterok:${fields.stageOutJobId}`);
      const script = ['#!/bin/bash', ...directives, '', line, ''].join('\n');
      const task = submitUploaded(sim, user, system, {
        fileName: 'sbatch-job.sh',
        script,
        account,
        name: jobName,
        action,
      });
      return c.json({ success: 'Task created', task_id: task.id }, 201);
    });
  }
  return app;
}
