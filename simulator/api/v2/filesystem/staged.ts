import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import { Hono, type Context } from 'hono';
import { FsError } from '../../../engines/fs/index.ts';
import { presign, S3Error } from '../../../engines/objectstore/index.ts';
import { uriEncode } from '../../../engines/objectstore/sigv4.ts';
import type { User } from '../../../engines/site/types.ts';
import { credentialsOf } from '../../../engines/slurm/index.ts';
import { SimError } from '../../../errors.ts';
import type { SimulatorContext } from '../../../context.ts';
import { stderrOf } from '../../shared/remote-commands.ts';
import { MAX_PART_SIZE, stagingBucket, URL_TTL_S } from '../../shared/staging.ts';
import type { AppEnv } from '../../shared/env.ts';
import { currentUser, readJson, validateBody } from '../request.ts';
import { run } from './commands.ts';
import { checkPath } from './paths.ts';
import { dateU, submitTransfer } from './transfer-job.ts';

const aliases: Record<string, string> = {
  path: 'sourcePath',
  source_path: 'sourcePath',
  transfer_directives: 'transferDirectives',
};
const directiveAliases: Record<string, string> = { transfer_method: 'transferMethod', file_size: 'fileSize' };

function normalise(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const body: Record<string, unknown> = Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).map(([k, v]) => [aliases[k] ?? k, v]),
  );
  const directives: unknown = body.transferDirectives;
  if (directives !== null && typeof directives === 'object' && !Array.isArray(directives)) {
    body.transferDirectives = Object.fromEntries(
      Object.entries(directives as Record<string, unknown>).map(([k, v]) => [directiveAliases[k] ?? k, v]),
    );
  }
  return body;
}

/**
 * Transfers through the object store, as FirecREST's s3 method does: the user's bucket (named
 * after them, with an expiry rule), an object `<uuid>/<file name>`, presigned URLs for the client
 * and a scheduler job that moves the data between the store and the cluster file system.
 */
export function createStagedRoutes(sim: SimulatorContext, publicUrl: string) {
  const app = new Hono<AppEnv>();
  const store = () => sim.state.objects;
  const endpoint = `${publicUrl}/s3`;
  const objectUrl = (bucket: string, key: string, query = '') =>
    new URL(
      `${endpoint}/${uriEncode(bucket)}/${key
        .split('/')
        .map((s) => uriEncode(s))
        .join('/')}${query}`,
    );

  const bucketFor = (user: User) => stagingBucket(store(), user);

  const input = async (c: Context<AppEnv>, operationId: string) => {
    const body = normalise(await readJson(c));
    validateBody(sim, operationId, body);
    const value = body as {
      sourcePath: unknown;
      transferDirectives: { transferMethod: string; fileSize?: number };
      account?: unknown;
    };
    if (value.transferDirectives.transferMethod !== 's3')
      throw new SimError(400, 'Requested transfer method is not available.');
    return value;
  };

  app.post('/:system/transfer/upload', async (c) => {
    const user = currentUser(c);
    const system = sim.state.scheduler.system(c.req.param('system'));
    const body = await input(c, 'postTransferUpload');
    const target = checkPath(body.sourcePath, system, 'path');
    const size = body.transferDirectives.fileSize;
    // DEVIATION: upstream answers 500 when fileSize is missing; it is required input here.
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
      throw new SimError(400, 'transferDirectives.fileSize: the size of the file in bytes is required', {
        errorType: 'validation',
      });
    }
    const bucket = bucketFor(user);
    const key = `${randomUUID()}/${posix.basename(target)}`;
    const uploadId = store().createUpload(bucket, key);
    const now = Date.now();
    const parts = Math.max(1, Math.ceil(size / MAX_PART_SIZE));
    const partsUploadUrls = Array.from({ length: parts }, (_, i) =>
      presign(
        sim.s3,
        'PUT',
        objectUrl(bucket, key, `?partNumber=${i + 1}&uploadId=${encodeURIComponent(uploadId)}`),
        URL_TTL_S,
        now,
      ),
    );
    const completeUploadUrl = presign(
      sim.s3,
      'POST',
      objectUrl(bucket, key, `?uploadId=${encodeURIComponent(uploadId)}`),
      URL_TTL_S,
      now,
    );
    const job = submitTransfer(sim, user, system, {
      name: 'IngressFileTransfer',
      script: `# waits for s3://${bucket}/${key}, then downloads it to '${target}'`,
      account: body.account,
      // The job waits for the client's upload to complete, then writes the file as the user.
      work: async (job) => {
        const object = await store().whenStored(bucket, key);
        const fs = sim.state.filesystem(system.name);
        try {
          if (fs.exists(credentialsOf(user), target) && fs.stat(credentialsOf(user), target).type === 'directory') {
            return {
              exitCode: 3,
              stdout: '',
              stderr: `${dateU(sim.state.clock.now())} Target path ${target} is a directory\n`,
            };
          }
          fs.writeFile(credentialsOf(user), target, object.content);
        } catch (error) {
          if (!(error instanceof FsError)) throw error;
          return {
            exitCode: 1,
            stdout: '',
            stderr: `${dateU(sim.state.clock.now())} ${stderrOf('bash', error).stderr}\n`,
          };
        }
        const t = dateU(sim.state.clock.now());
        return {
          exitCode: 0,
          stdout: `${t} Ingress file transfer (id:${job.id})\n${t} File was successfully downloaded from the staging area\n`,
          stderr: '',
        };
      },
    });
    return c.json(
      {
        ...job,
        transferDirectives: { transferMethod: 's3', partsUploadUrls, completeUploadUrl, maxPartSize: MAX_PART_SIZE },
      },
      201,
    );
  });

  app.post('/:system/transfer/download', async (c) => {
    const user = currentUser(c);
    const system = sim.state.scheduler.system(c.req.param('system'));
    const body = await input(c, 'postTransferDownload');
    const source = checkPath(body.sourcePath, system, 'path');
    const fs = sim.state.filesystem(system.name);
    const stat = run('stat', () => fs.stat(credentialsOf(user), source));
    if (stat.type === 'directory') throw new SimError(400, `The provided path (${source}) is a directory.`);
    const bucket = bucketFor(user);
    const key = `${randomUUID()}/${posix.basename(source)}`;
    const downloadUrl = presign(sim.s3, 'GET', objectUrl(bucket, key), URL_TTL_S, Date.now());
    const job = submitTransfer(sim, user, system, {
      name: 'OutgressFileTransfer',
      script: `# uploads '${source}' to s3://${bucket}/${key} in parts`,
      account: body.account,
      work: async (job) => {
        const t = dateU(sim.state.clock.now());
        try {
          // The object shares the file's pieces; FirecREST's job uploads it in parts of maxPartSize.
          await store().stage(bucket, key, fs.readContent(credentialsOf(user), source), MAX_PART_SIZE);
        } catch (error) {
          if (error instanceof S3Error)
            return Promise.resolve({ exitCode: 1, stdout: '', stderr: `${t} ${error.message}\n` });
          if (!(error instanceof FsError)) throw error;
          return Promise.resolve({ exitCode: 1, stdout: '', stderr: `${t} ${stderrOf('dd', error).stderr}\n` });
        }
        return Promise.resolve({
          exitCode: 0,
          stdout: `${t} Outgress file transfer (id:${job.id})\n${t} Multipart file upload successfully completed\n`,
          stderr: '',
        });
      },
    });
    return c.json({ ...job, transferDirectives: { transferMethod: 's3', downloadUrl } }, 201);
  });

  return app;
}
