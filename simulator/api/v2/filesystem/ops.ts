import { posix } from 'node:path';
import { Hono, type Context } from 'hono';
import { applyMode, FsError, type Credentials, type FileSystem } from '../../../engines/fs/index.ts';
import { compress, createArchive, decompress, extractArchive } from '../../../engines/fs/archive.ts';
import { describeContent, FILE_PEEK_BYTES, printedRange } from '../../../engines/fs/content.ts';
import { digestOf, readRange, sizeOf } from '../../../engines/content/index.ts';
import { credentialsOf } from '../../../engines/slurm/index.ts';
import { SimError, validationError } from '../../../errors.ts';
import type { SimulatorContext } from '../../../context.ts';
import type { AppEnv } from '../../shared/env.ts';
import { currentUser, queryBool, readJson, validateBody } from '../request.ts';
import { MAX_OPS_FILE_SIZE } from '../status.ts';
import { remoteFailure, run, type Command } from './commands.ts';
import { fileModel, listingJson } from '../../shared/listing.ts';
import { compressionOf, matchPatternOf } from './archive-options.ts';
import { checkPath } from './paths.ts';

// FirecREST names the path field `path` and also accepts `sourcePath`/`source_path`.
const aliases: Record<string, string> = {
  sourcePath: 'path',
  source_path: 'path',
  link_path: 'linkPath',
  target_path: 'targetPath',
  match_pattern: 'matchPattern',
};

function normaliseBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationError([
      { location: 'body', name: 'body', message: 'Input should be a valid dictionary or object' },
    ]);
  }
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [aliases[k] ?? k, v]));
}

function queryInt(c: Context<AppEnv>, name: string): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined) return undefined;
  if (!/^-?\d{1,15}$/.test(raw)) {
    throw validationError([
      { location: 'query', name, message: 'Input should be a valid integer, unable to parse string as an integer' },
    ]);
  }
  return Number(raw);
}

async function runAsync<T>(command: Command, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    return run(command, () => {
      throw error;
    });
  }
}

export function createOpsRoutes(sim: SimulatorContext) {
  const app = new Hono<AppEnv>();

  /** The system, its file system, the caller's credentials and the checked path argument. */
  const target = (c: Context<AppEnv>, raw: unknown) => {
    const user = currentUser(c);
    const system = sim.state.scheduler.system(c.req.param('system') ?? '');
    const fs: FileSystem = sim.state.filesystem(system.name);
    const cred: Credentials = credentialsOf(user);
    return { system, fs, cred, path: checkPath(raw, system) };
  };
  const body = async (c: Context<AppEnv>, operationId: string) => {
    const value = normaliseBody(await readJson(c));
    validateBody(sim, operationId, value);
    return value;
  };
  const model = (fs: FileSystem, cred: Credentials, path: string) =>
    fileModel(path, fs.stat(cred, path, { follow: false }), sim.state.names);

  app.get('/:system/ops/ls', (c) => {
    const { fs, cred, path } = target(c, c.req.query('path'));
    const body = run('ls', () =>
      listingJson(fs, cred, path, sim.state.names, {
        showHidden: queryBool(c, 'showHidden'),
        numericUid: queryBool(c, 'numericUid'),
        recursive: queryBool(c, 'recursive'),
        dereference: queryBool(c, 'dereference'),
        outputLimit: MAX_OPS_FILE_SIZE,
      }),
    );
    return c.body(body, 200, { 'content-type': 'application/json' });
  });

  const headOrTail =
    (which: 'head' | 'tail', skipName: 'skipTrailing' | 'skipHeading') => async (c: Context<AppEnv>) => {
      const { fs, cred, path } = target(c, c.req.query('path'));
      const bytes = queryInt(c, 'bytes');
      const lines = queryInt(c, 'lines');
      const skip = queryBool(c, skipName);
      if (bytes !== undefined && lines !== undefined)
        throw new SimError(400, 'Only one of `bytes` or `lines` can be specified.');
      for (const [name, value] of [
        ['bytes', bytes],
        ['lines', lines],
      ] as const) {
        if (value !== undefined && value < 0)
          throw validationError([{ location: 'query', name, message: 'Input should be greater than or equal to 0' }]);
      }
      const unit = bytes !== undefined ? 'bytes' : 'lines';
      const n = bytes ?? lines ?? 10;
      const content = run(which, () => fs.readContent(cred, path));
      const [start, end] = await printedRange(which, content, unit, n, skip, { stopAfter: MAX_OPS_FILE_SIZE });
      // The command's output comes back through the SSH buffer, which holds max_ops_file_size.
      if (end - start > MAX_OPS_FILE_SIZE) throw new SimError(413, 'Command output exceeded buffer limit.');
      const part = await readRange(content, start, end);
      const position = skip ? (which === 'head' ? -n : n) : which === 'head' ? n : -n;
      return c.json({
        output: {
          content: part.toString('utf8'),
          contentType: unit,
          startPosition: which === 'head' ? 0 : position,
          endPosition: which === 'head' ? position : -1,
        },
      });
    };
  app.get('/:system/ops/head', headOrTail('head', 'skipTrailing'));
  app.get('/:system/ops/tail', headOrTail('tail', 'skipHeading'));

  app.get('/:system/ops/view', async (c) => {
    const { fs, cred, path } = target(c, c.req.query('path'));
    const size = queryInt(c, 'size') ?? MAX_OPS_FILE_SIZE;
    const offset = queryInt(c, 'offset') ?? 0;
    if (offset < 0) throw new SimError(400, '`offset` value must be an integer value equal or greater than 0');
    if (size <= 0) throw new SimError(400, '`size` value must be an integer value greater than 0');
    if (size > MAX_OPS_FILE_SIZE)
      throw new SimError(400, `\`size\` value must be less than ${MAX_OPS_FILE_SIZE} bytes`);
    const content = run('dd', () => fs.readContent(cred, path));
    const end = Math.min(sizeOf(content), offset + size);
    return c.json({ output: (await readRange(content, Math.min(offset, end), end)).toString('utf8') });
  });

  app.get('/:system/ops/checksum', async (c) => {
    const { fs, cred, path } = target(c, c.req.query('path'));
    const content = run('sha256sum', () => fs.readContent(cred, path));
    return c.json({ output: { algorithm: 'SHA256', checksum: (await digestOf(content, 'sha256')).toString('hex') } });
  });

  app.get('/:system/ops/file', async (c) => {
    const { fs, cred, path } = target(c, c.req.query('path'));
    // `file -b` reports a path it cannot open on stdout and succeeds; FirecREST passes that on.
    let output: string;
    try {
      const stat = fs.stat(cred, path, { follow: false });
      if (stat.type === 'directory') output = 'directory';
      else if (stat.type === 'symlink') output = `symbolic link to ${stat.target ?? ''}`;
      else {
        try {
          const content = fs.readContent(cred, path);
          output = describeContent(await readRange(content, 0, FILE_PEEK_BYTES), (stat.mode & 0o111) !== 0);
        } catch (error) {
          if (!(error instanceof FsError)) throw error;
          output = 'regular file, no read permission';
        }
      }
    } catch (error) {
      if (!(error instanceof FsError)) throw error;
      output = `cannot open \`${path}' (${error.text})`;
    }
    return c.json({ output });
  });

  app.get('/:system/ops/stat', (c) => {
    const { fs, cred, path } = target(c, c.req.query('path'));
    const s = run('stat', () => fs.stat(cred, path, { follow: queryBool(c, 'dereference') }));
    const sec = (ms: number) => Math.floor(ms / 1000);
    return c.json({
      output: {
        mode: s.rawMode,
        ino: s.ino,
        dev: s.dev,
        nlink: s.nlink,
        uid: s.uid,
        gid: s.gid,
        size: s.size,
        atime: sec(s.atime),
        ctime: sec(s.ctime),
        mtime: sec(s.mtime),
      },
    });
  });

  app.delete('/:system/ops/rm', (c) => {
    const { fs, cred, path } = target(c, c.req.query('path'));
    run('rm', () => fs.rm(cred, path, { recursive: true }));
    return c.body(null, 204);
  });

  app.post('/:system/ops/mkdir', async (c) => {
    const input = await body(c, 'postMkdir');
    const { fs, cred, path } = target(c, input.path);
    run('mkdir', () => fs.mkdir(cred, path, { parents: input.parent === true }));
    return c.json({ output: run('ls', () => model(fs, cred, path)) }, 201);
  });

  app.post('/:system/ops/symlink', async (c) => {
    const input = await body(c, 'postSymlink');
    const { system, fs, cred, path } = target(c, input.path);
    const linkPath = checkPath(input.linkPath, system, 'linkPath');
    run('ln', () => fs.symlink(cred, path, linkPath));
    return c.json({ output: run('ls', () => model(fs, cred, linkPath)) }, 201);
  });

  app.put('/:system/ops/chmod', async (c) => {
    const input = await body(c, 'putChmod');
    const { fs, cred, path } = target(c, input.path);
    const text = String(input.mode);
    const current = run('chmod', () => fs.stat(cred, path));
    const mode = applyMode(text, current.mode, current.type === 'directory');
    // DEVIATION: chmod's "invalid mode" reaches upstream clients as a 500; it is bad input.
    if (mode === undefined) throw new SimError(400, `chmod: invalid mode: '${text}'`, { errorType: 'validation' });
    run('chmod', () => fs.chmod(cred, path, mode));
    return c.json({ output: run('ls', () => model(fs, cred, path)) });
  });

  app.put('/:system/ops/chown', async (c) => {
    const input = await body(c, 'putChown');
    const { fs, cred, path } = target(c, input.path);
    const owner = typeof input.owner === 'string' ? input.owner : '';
    const group = typeof input.group === 'string' ? input.group : '';
    const uid = owner === '' ? undefined : sim.state.names.uidOf(owner);
    const gid = group === '' ? undefined : sim.state.names.gidOf(group);
    if (owner !== '' && uid === undefined) throw remoteFailure(1, `chown: invalid user: '${owner}:${group}'`);
    // DEVIATION: an unknown group is a 500 upstream (only "invalid user" maps to 400).
    if (group !== '' && gid === undefined) throw new SimError(400, `chown: invalid group: '${owner}:${group}'`);
    run('chown', () => fs.chown(cred, path, uid, gid));
    return c.json({ output: run('ls', () => model(fs, cred, path)) });
  });

  app.get('/:system/ops/download', (c) => {
    const { fs, cred, path } = target(c, c.req.query('path'));
    const stat = run('base64', () => fs.stat(cred, path));
    if (stat.type === 'file' && stat.size > MAX_OPS_FILE_SIZE)
      throw new SimError(413, 'File to download is too large.');
    const data = run('base64', () => fs.readFile(cred, path));
    return c.body(new Uint8Array(data), 200, { 'content-type': 'application/octet-stream' });
  });

  app.post('/:system/ops/upload', async (c) => {
    const { fs, cred, path } = target(c, c.req.query('path'));
    const declared = Number(c.req.header('content-length') ?? 0);
    // Refuse early what cannot fit, before reading it (multipart adds a little framing).
    if (declared > MAX_OPS_FILE_SIZE + 64 * 1024) throw new SimError(413, 'File to upload is too large.');
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody();
    } catch {
      throw validationError([
        { location: 'body', name: 'file', message: 'Expected a multipart/form-data body with a file' },
      ]);
    }
    const file = form.file;
    if (!(file instanceof File)) throw validationError([{ location: 'body', name: 'file', message: 'Field required' }]);
    if (file.size > MAX_OPS_FILE_SIZE) throw new SimError(413, 'File to upload is too large.');
    if (file.name === '' || file.name.includes('/') || file.name === '..' || file.name === '.') {
      throw validationError([{ location: 'body', name: 'file', message: `Invalid file name '${file.name}'` }]);
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    run('bash', () => fs.writeFile(cred, `${path.replace(/\/+$/, '')}/${file.name}`, bytes));
    return c.body(null, 204);
  });

  app.post('/:system/ops/compress', async (c) => {
    const input = await body(c, 'postCompress');
    const { system, fs, cred, path } = target(c, input.path);
    const targetPath = checkPath(input.targetPath, system, 'targetPath');
    const kind = compressionOf(input.compression);
    const pattern = matchPatternOf(input.matchPattern);
    const archive = await runAsync('tar', () =>
      createArchive(fs, cred, path, { dereference: input.dereference === true, matchPattern: pattern }),
    );
    run('tar', () => fs.writeFile(cred, targetPath, compress(archive, kind)));
    return c.body(null, 204);
  });

  app.post('/:system/ops/extract', async (c) => {
    const input = await body(c, 'postExtract');
    const { system, fs, cred, path } = target(c, input.path);
    const targetPath = checkPath(input.targetPath, system, 'targetPath');
    const kind = compressionOf(input.compression);
    const data = run('tar', () => decompress(fs.readFile(cred, path), kind, path));
    run('tar', () => {
      if (fs.stat(cred, targetPath).type !== 'directory') throw new FsError('ENOTDIR', targetPath, 'create');
    });
    await runAsync('tar', () => extractArchive(fs, cred, data, posix.normalize(targetPath)));
    return c.body(null, 204);
  });

  return app;
}
