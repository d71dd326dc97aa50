import { posix } from 'node:path';
import { Hono } from 'hono';
import { compress, createArchive, decompress, extractArchive } from '../../engines/fs/archive.ts';
import { FsError } from '../../engines/fs/index.ts';
import type { Content } from '../../engines/content/index.ts';
import { credentialsOf, type ActionResult } from '../../engines/slurm/index.ts';
import type { SimulatorContext } from '../../context.ts';
import type { AppEnv } from '../shared/env.ts';
import { stderrOf, type Command } from '../shared/remote-commands.ts';
import { postPolicy, presign } from '../../engines/objectstore/index.ts';
import { uriEncode } from '../../engines/objectstore/sigv4.ts';
import { taskCodes } from '../../engines/tasks/index.ts';
import { stagingBucket, URL_TTL_S } from '../shared/staging.ts';
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
  const tasks = () => sim.state.tasks;
  const objectUrl = (bucket: string, key: string) =>
    new URL(
      `${sim.publicUrl}/s3/${uriEncode(bucket)}/${key
        .split('/')
        .map((s) => uriEncode(s))
        .join('/')}`,
    );

  // External upload: a presigned POST form for the client (task 111); once the object is in the
  // store the file is written to the target (114), or the task ends 115.
  app.post('/xfer-external/upload', async (c) => {
    const system = machine(sim, c, 'Failed operation', 'compute');
    const { user } = caller(c);
    const fields = await form(c);
    const source = checkInput(fields.sourcePath, 'sourcePath', 'Failed to upload file');
    const targetDir = checkInput(fields.targetPath, 'targetPath', 'Failed to upload file');
    const fs = sim.state.filesystem(system.name);
    const cred = credentialsOf(user);
    if (!fs.canWriteDirectory(cred, targetDir)) {
      throw new V1Error(
        400,
        { description: 'Failed to upload file', error: `'targetPath' ${targetDir} is not a directory you can write` },
        { 'X-Invalid-Path': `${targetDir} is an invalid path.` },
      );
    }
    const name = posix.basename(source);
    const target = `${targetDir.replace(/\/+$/, '')}/${name}`;
    const task = tasks().create(user.name, 'storage', system.name, { status: '110', data: taskCodes['110'] });
    const bucket = stagingBucket(sim.state.objects, user);
    const key = `${task.id}/${name}`;
    const formFields = postPolicy(sim.s3, bucket, key, URL_TTL_S, Date.now());
    const url = `${sim.publicUrl}/s3/${bucket}`;
    const command = `curl -f --show-error -s -i -X POST ${url} ${Object.entries(formFields)
      .map(([k, v]) => `-F '${k}=${v}'`)
      .join(' ')} -F file=@${source}`;
    tasks().update(
      task.id,
      {
        status: '111',
        data: {
          hash_id: task.id,
          msg: {
            command,
            parameters: { data: formFields, files: source, headers: {}, json: {}, method: 'POST', params: {}, url },
          },
          source,
          status: '111',
          system_name: system.name,
          target,
          user: user.name,
        },
      },
      { delayed: true },
    );
    void sim.state.objects.whenStored(bucket, key).then((object) => {
      try {
        sim.state.filesystem(system.name).writeFile(credentialsOf(user), target, object.content);
        tasks().update(task.id, { status: '114', data: taskCodes['114'] });
      } catch (error) {
        tasks().update(task.id, { status: '115', data: error instanceof FsError ? error.message : String(error) });
      }
    });
    return c.json({ success: 'Task created', task_id: task.id, task_url: `/tasks/${task.id}` }, 201);
  });

  // External download: the file is staged into the store (116), then a presigned URL (117).
  app.post('/xfer-external/download', async (c) => {
    const system = machine(sim, c, 'Failed operation', 'compute');
    const { user } = caller(c);
    const fields = await form(c);
    const source = checkInput(fields.sourcePath, 'sourcePath', 'Failed to download file');
    const fs = sim.state.filesystem(system.name);
    const cred = credentialsOf(user);
    let content: Content;
    try {
      content = fs.readContent(cred, source);
    } catch (error) {
      if (!(error instanceof FsError)) throw error;
      throw new V1Error(
        400,
        { description: 'sourcePath error' },
        error.code === 'EACCES'
          ? { 'X-Permission-Denied': 'User does not have permissions to access path' }
          : { 'X-Not-Found': 'sourcePath not found' },
      );
    }
    const task = tasks().create(user.name, 'storage', system.name, { status: '116', data: taskCodes['116'] });
    const bucket = stagingBucket(sim.state.objects, user);
    const key = `${task.id}/${posix.basename(source)}`;
    await sim.state.objects.stage(bucket, key, content);
    const url = presign(sim.s3, 'GET', objectUrl(bucket, key), URL_TTL_S, Date.now());
    tasks().update(task.id, { status: '117', data: { source, system_name: system.name, url } }, { delayed: true });
    return c.json({ success: 'Task created', task_id: task.id, task_url: `/tasks/${task.id}` }, 201);
  });

  app.post('/xfer-external/invalidate', (c) => {
    const { user } = caller(c);
    const id = c.req.header('x-task-id');
    if (!id) throw new V1Error(400, { error: 'Header X-Task-Id missing' });
    if (!/^[0-9a-zA-Z]+$/.test(id)) throw new V1Error(400, { error: 'Header X-Task-Id is not alphanumeric' });
    let task;
    try {
      task = tasks().get(user.name, id);
    } catch {
      throw new V1Error(400, { error: 'Invalid X-Task-Id' });
    }
    // Upstream means to delete every object staged under the task's prefix, uploads and downloads
    // alike. DEVIATION: v1.16.6 with S3 (signature v4) deletes `<task>/<task>/<name>`, a key that is
    // not there, so the object stays; with nothing staged it answers 500. The simulator deletes.
    const bucket = user.name;
    if (sim.state.objects.hasBucket(bucket)) {
      for (const o of sim.state.objects.list(bucket, { prefix: `${task.id}/` }).contents)
        sim.state.objects.delete(bucket, o.key);
      for (const u of sim.state.objects.pendingUploads(bucket))
        if (u.key.startsWith(`${task.id}/`)) sim.state.objects.abort(bucket, u.key, u.uploadId);
    }
    return c.json({ success: 'URL invalidated successfully' }, 201);
  });

  return app;
}
