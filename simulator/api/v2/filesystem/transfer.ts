import { posix } from 'node:path';
import { Hono, type Context } from 'hono';
import { compress, createArchive, decompress, extractArchive } from '../../../engines/fs/archive.ts';
import { FsError, type Credentials, type FileSystem } from '../../../engines/fs/index.ts';
import type { SystemSpec, User } from '../../../engines/site/types.ts';
import { credentialsOf, type ActionResult } from '../../../engines/slurm/index.ts';
import type { SimulatorContext } from '../../../context.ts';
import type { AppEnv } from '../../shared/env.ts';
import { stderrOf, type Command } from '../../shared/remote-commands.ts';
import { currentUser, readJson, validateBody } from '../request.ts';
import { dateU, submitTransfer } from './transfer-job.ts';
import { compressionOf, matchPatternOf } from './archive-options.ts';
import { checkPath } from './paths.ts';

const aliases: Record<string, string> = {
  path: 'sourcePath',
  source_path: 'sourcePath',
  target_path: 'targetPath',
  match_pattern: 'matchPattern',
};

interface Work {
  readonly name: string;
  readonly title: string;
  readonly command: Command;
  readonly done: string;
  readonly failed: string;
  readonly script: string;
  readonly run: (fs: FileSystem, cred: Credentials) => Promise<void> | void;
}

export function createTransferRoutes(sim: SimulatorContext) {
  const app = new Hono<AppEnv>();

  const body = async (c: Context<AppEnv>, operationId: string) => {
    const raw = await readJson(c);
    const value =
      raw !== null && typeof raw === 'object' && !Array.isArray(raw)
        ? Object.fromEntries(Object.entries(raw).map(([k, v]) => [aliases[k] ?? k, v]))
        : raw;
    validateBody(sim, operationId, value);
    return value as Record<string, unknown>;
  };

  /** Runs `work` in a transfer job whose log says what `command` would have done. */
  const submit = (user: User, system: SystemSpec, work: Work, account: unknown) =>
    submitTransfer(sim, user, system, {
      name: work.name,
      script: `echo $(date -u) "${work.title} (id:\${SLURM_JOB_ID})"\n${work.script}`,
      account,
      work: async (job): Promise<ActionResult> => {
        const now = () => sim.state.clock.now();
        const fs = sim.state.filesystem(system.name);
        const started = `${dateU(now())} ${work.title} (id:${job.id})\n`;
        try {
          await work.run(fs, credentialsOf(user));
          return { exitCode: 0, stdout: `${started}${dateU(now())} ${work.done}\n`, stderr: '' };
        } catch (error) {
          if (!(error instanceof FsError)) throw error;
          const { exit, stderr } = stderrOf(work.command, error);
          const line = `${dateU(now())} ${work.failed} exit code:${exit} error: ${stderr}\n`;
          // FirecREST's scripts `exit $?` right after an echo, so a failed transfer job still ends
          // COMPLETED with exit code 0; clients judge it by its logs (pyfirecrest does).
          return { exitCode: 0, stdout: started, stderr: line };
        }
      },
    });

  const frame = (c: Context<AppEnv>) => {
    const user = currentUser(c);
    const system = sim.state.scheduler.system(c.req.param('system') ?? '');
    return { user, system };
  };

  app.post('/:system/transfer/mv', async (c) => {
    const { user, system } = frame(c);
    const input = await body(c, 'postTransferMv');
    const source = checkPath(input.sourcePath, system, 'sourcePath');
    const target = checkPath(input.targetPath, system, 'targetPath');
    const work: Work = {
      name: 'MoveFiles',
      title: 'Move Files Job',
      command: 'mv',
      done: 'Files were successfully moved.',
      failed: 'Unable to move files',
      script: `mv -- '${source}' '${target}'`,
      run: (fs, cred) => fs.rename(cred, source, target),
    };
    return c.json(submit(user, system, work, input.account), 201);
  });

  app.post('/:system/transfer/cp', async (c) => {
    const { user, system } = frame(c);
    const input = await body(c, 'postTransferCp');
    const source = checkPath(input.sourcePath, system, 'sourcePath');
    const target = checkPath(input.targetPath, system, 'targetPath');
    const work: Work = {
      name: 'CopyFiles',
      title: 'Copy Files Job',
      command: 'cp',
      done: 'Files were successfully copied.',
      failed: 'Unable to copy files',
      script: `cp --force -R --preserve=all -- '${source}' '${target}'`,
      run: (fs, cred) => fs.copy(cred, source, target),
    };
    return c.json(submit(user, system, work, input.account), 201);
  });

  app.delete('/:system/transfer/rm', (c) => {
    const { user, system } = frame(c);
    const path = checkPath(c.req.query('path'), system);
    const work: Work = {
      name: 'DeleteFiles',
      title: 'Delete Files Job',
      command: 'rm',
      done: 'Files were successfully deleted.',
      failed: 'Unable to delete files',
      script: `rm -R -- '${path}'`,
      run: (fs, cred) => fs.rm(cred, path, { recursive: true }),
    };
    return c.json(submit(user, system, work, c.req.query('account')), 200);
  });

  app.post('/:system/transfer/compress', async (c) => {
    const { user, system } = frame(c);
    const input = await body(c, 'postTransferCompress');
    const source = checkPath(input.sourcePath, system, 'sourcePath');
    const target = checkPath(input.targetPath, system, 'targetPath');
    const kind = compressionOf(input.compression);
    const pattern = matchPatternOf(input.matchPattern);
    const work: Work = {
      name: 'CompressFiles',
      title: 'Compress Files Job',
      command: 'tar',
      done: 'Files were successfully compressed.',
      failed: 'Unable to compress files',
      script: `tar -cvf '${target}' -C '${posix.dirname(source)}' '${posix.basename(source)}'`,
      run: async (fs, cred) => {
        const archive = await createArchive(fs, cred, source, {
          dereference: input.dereference === true,
          matchPattern: pattern,
        });
        fs.writeFile(cred, target, compress(archive, kind));
      },
    };
    return c.json(submit(user, system, work, input.account), 201);
  });

  app.post('/:system/transfer/extract', async (c) => {
    const { user, system } = frame(c);
    const input = await body(c, 'postTransferExtract');
    const source = checkPath(input.sourcePath, system, 'sourcePath');
    const target = checkPath(input.targetPath, system, 'targetPath');
    const kind = compressionOf(input.compression);
    const work: Work = {
      // FirecREST 2.5.6 names its extract jobs CompressFiles too; clients see that name.
      name: 'CompressFiles',
      title: 'Extract Files Job',
      command: 'tar',
      done: 'Files were successfully extracted.',
      failed: 'Unable to extract files',
      script: `tar -xf '${source}' -C '${target}'`,
      run: async (fs, cred) => {
        const data = decompress(fs.readFile(cred, source), kind, source);
        if (fs.stat(cred, target).type !== 'directory') throw new FsError('ENOTDIR', target, 'create');
        await extractArchive(fs, cred, data, posix.normalize(target));
      },
    };
    return c.json(submit(user, system, work, input.account), 201);
  });

  return app;
}
