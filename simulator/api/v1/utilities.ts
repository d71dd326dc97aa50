import { posix } from 'node:path';
import { Hono, type Context } from 'hono';
import { applyMode, FsError } from '../../engines/fs/index.ts';
import { compress as gzip, createArchive, decompress, extractArchive } from '../../engines/fs/archive.ts';
import { describeContent, FILE_PEEK_BYTES, printed } from '../../engines/fs/content.ts';
import { digestOf, readRange } from '../../engines/content/index.ts';
import type { SimulatorContext } from '../../context.ts';
import type { AppEnv } from '../shared/env.ts';
import { stderrOf, type Command } from '../shared/remote-commands.ts';
import { listPath } from '../shared/listing.ts';
import { commandError, V1Error } from './errors.ts';
import { caller, checkInput, form, machine, truthy } from './request.ts';

/** v1's size limit for synchronous file operations (F7T_UTILITIES_MAX_FILE_SIZE, 5 MB). */
export const UTILITIES_MAX_FILE_SIZE = 5 * 1024 * 1024;

type Fields = Record<string, string | File | undefined>;

export function createUtilitiesRoutes(sim: SimulatorContext) {
  const app = new Hono<AppEnv>();

  /** The common frame of every utilities call: machine, caller, and the named path argument. */
  const frame = async (c: Context<AppEnv>, op: string, field = 'targetPath') => {
    const description = `Error on ${op} operation`;
    const system = machine(sim, c, description);
    const { user, cred } = caller(c);
    const fields: Fields = c.req.method === 'GET' ? c.req.query() : await form(c);
    const fs = sim.state.filesystem(system.name);
    const path = field === '' ? '' : checkInput(fields[field], field, description);
    return { system, user, cred, fs, fields, path, description };
  };

  /** Runs an engine call as the remote command would, turning its failure into v1's answer. */
  const run = <T>(command: Command, description: string, fn: () => T, other?: string): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof FsError) throw commandError(stderrOf(command, error, other).stderr, description);
      throw error;
    }
  };
  const runAsync = async <T>(command: Command, description: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      return run(command, description, () => {
        throw error;
      });
    }
  };
  const ok = (c: Context<AppEnv>, description: string, output: unknown, status: 200 | 201 = 200) =>
    c.json({ description, output }, status);

  app.get('/ls', async (c) => {
    const f = await frame(c, 'ls');
    const output = run('ls', f.description, () =>
      listPath(f.fs, f.cred, f.path, sim.state.names, {
        showHidden: truthy(f.fields.showhidden),
        numericUid: truthy(f.fields.numericUid),
        recursive: truthy(f.fields.recursive),
        dereference: truthy(f.fields.followLinks),
        outputLimit: Number.POSITIVE_INFINITY,
      }),
    ).map((e) => ({
      group: e.group,
      last_modified: e.lastModified,
      link_target: e.linkTarget ?? '',
      name: e.name,
      permissions: e.permissions,
      size: e.size,
      type: e.type,
      user: e.user,
    }));
    return ok(c, 'List of contents', output);
  });

  app.post('/mkdir', async (c) => {
    const f = await frame(c, 'mkdir');
    run('mkdir', f.description, () => f.fs.mkdir(f.cred, f.path, { parents: f.fields.p !== undefined }));
    return ok(c, 'Success to mkdir file.', '', 201);
  });

  app.put('/rename', async (c) => {
    const f = await frame(c, 'rename');
    const source = checkInput(f.fields.sourcePath, 'sourcePath', f.description);
    run('mv', f.description, () => f.fs.rename(f.cred, source, f.path), f.path);
    return ok(c, 'Success to rename file.', '');
  });

  app.post('/copy', async (c) => {
    const f = await frame(c, 'copy');
    const source = checkInput(f.fields.sourcePath, 'sourcePath', f.description);
    run('cp', f.description, () => f.fs.copy(f.cred, source, f.path));
    return ok(c, 'Success to copy file.', '', 201);
  });

  app.put('/chmod', async (c) => {
    const f = await frame(c, 'chmod');
    const mode = checkInput(f.fields.mode, 'mode', f.description);
    const current = run('chmod', f.description, () => f.fs.stat(f.cred, f.path));
    const next = applyMode(mode, current.mode, current.type === 'directory');
    if (next === undefined) throw commandError(`chmod: invalid mode: '${mode}'`, f.description);
    run('chmod', f.description, () => f.fs.chmod(f.cred, f.path, next));
    const verb = next === current.mode ? 'retained as' : 'changed from';
    const octal = (m: number) => m.toString(8).padStart(4, '0');
    return ok(c, 'Success to chmod file or directory.', `mode of '${f.path}' ${verb} ${octal(next)}\n`);
  });

  app.put('/chown', async (c) => {
    const f = await frame(c, 'chown');
    const owner = typeof f.fields.owner === 'string' ? f.fields.owner : '';
    const group = typeof f.fields.group === 'string' ? f.fields.group : '';
    if (owner === '' && group === '')
      throw new V1Error(400, { description: 'Error in chown operation', error: 'group or owner must be set' });
    const uid = owner === '' ? undefined : sim.state.names.uidOf(owner);
    const gid = group === '' ? undefined : sim.state.names.gidOf(group);
    if (owner !== '' && uid === undefined)
      throw commandError(`chown: invalid user: '${owner}:${group}'`, f.description);
    if (group !== '' && gid === undefined)
      throw commandError(`chown: invalid group: '${owner}:${group}'`, f.description);
    run('chown', f.description, () => f.fs.chown(f.cred, f.path, uid, gid));
    return ok(c, 'Success to chown file or directory.', `ownership of '${f.path}' retained as ${owner}:${group}\n`);
  });

  app.get('/file', async (c) => {
    const f = await frame(c, 'file');
    const stat = run('file', f.description, () => f.fs.stat(f.cred, f.path, { follow: false }));
    let output =
      stat.type === 'directory' ? 'directory' : stat.type === 'symlink' ? `symbolic link to ${stat.target ?? ''}` : '';
    if (stat.type === 'file') {
      try {
        const content = f.fs.readContent(f.cred, f.path);
        output = describeContent(await readRange(content, 0, FILE_PEEK_BYTES), (stat.mode & 0o111) !== 0);
      } catch {
        output = 'regular file, no read permission';
      }
    }
    return ok(c, 'Success to file file.', `${output}\n`);
  });

  const headOrTail = (which: 'head' | 'tail') => async (c: Context<AppEnv>) => {
    const f = await frame(c, which);
    const bytes = f.fields.bytes;
    const lines = f.fields.lines;
    if (bytes && lines)
      throw new V1Error(400, { description: f.description, error: "Can not specify both 'bytes' and 'lines'" });
    const count = (value: string | File | undefined, name: string) => {
      if (value === undefined) return undefined;
      const text = checkInput(value, name, f.description);
      if (!/^\d+$/.test(text)) throw commandError(`${which}: invalid number of ${name}: '${text}'`, f.description);
      return Number(text);
    };
    const n = count(bytes, 'bytes') ?? count(lines, 'lines') ?? 10;
    const unit = bytes ? 'bytes' : 'lines';
    const skip = truthy(which === 'head' ? f.fields.skip_ending : f.fields.skip_beginning);
    const content = run(which, f.description, () => f.fs.readContent(f.cred, f.path));
    let out = (await printed(which, content, unit, n, skip)).toString('utf8');
    const grep = typeof f.fields.grep === 'string' ? f.fields.grep : '';
    if (grep) {
      out = out
        .split(/(?<=\n)/)
        .filter((line) => line.includes(grep))
        .join('');
      if (out === '')
        throw new V1Error(
          404,
          { description: `${f.description} with grep`, error: 'pattern not found' },
          { 'X-Not-Found': 'pattern not found' },
        );
    }
    return ok(c, `Success to ${which} file.`, out);
  };
  app.get('/head', headOrTail('head'));
  app.get('/tail', headOrTail('tail'));

  app.get('/view', async (c) => {
    // v1 first asks stat for the size (errors read "Error on fsize operation"), then runs head
    const f = await frame(c, 'fsize');
    const stat = run('stat', f.description, () => f.fs.stat(f.cred, f.path));
    if (stat.size > UTILITIES_MAX_FILE_SIZE) {
      throw new V1Error(
        400,
        { description: 'Failed to view file content' },
        { 'X-Size-Limit': 'File exceeds size limit' },
      );
    }
    // v1 runs `head` without a count here, so view shows the first 10 lines only.
    const content = run('head', 'Error on head operation', () => f.fs.readContent(f.cred, f.path));
    return ok(c, 'Success to head file.', (await printed('head', content, 'lines', 10, false)).toString('utf8'));
  });

  app.get('/checksum', async (c) => {
    const f = await frame(c, 'checksum');
    const content = run('sha256sum', f.description, () => f.fs.readContent(f.cred, f.path));
    return ok(c, 'Success to checksum file.', (await digestOf(content, 'sha256')).toString('hex'));
  });

  app.get('/stat', async (c) => {
    const f = await frame(c, 'stat');
    const s = run('stat', f.description, () => f.fs.stat(f.cred, f.path, { follow: truthy(f.fields.dereference) }));
    const sec = (ms: number) => Math.floor(ms / 1000);
    return ok(c, 'Success to stat file.', {
      atime: sec(s.atime),
      ctime: sec(s.ctime),
      dev: s.dev,
      gid: s.gid,
      ino: s.ino,
      mode: s.rawMode,
      mtime: sec(s.mtime),
      nlink: s.nlink,
      size: s.size,
      uid: s.uid,
    });
  });

  app.post('/symlink', async (c) => {
    const f = await frame(c, 'symlink');
    const linkPath = checkInput(f.fields.linkPath, 'linkPath', 'Failed to create symlink');
    run('ln', f.description, () => f.fs.symlink(f.cred, f.path, linkPath));
    return ok(c, 'Success to link file.', '', 201);
  });

  app.get('/download', async (c) => {
    const f = await frame(c, 'base64', 'sourcePath');
    const stat = run('stat', 'Error on stat operation', () => f.fs.stat(f.cred, f.path));
    if (stat.size > UTILITIES_MAX_FILE_SIZE) {
      throw new V1Error(400, { description: 'Failed to download file' }, { 'X-Size-Limit': 'File exceeds size limit' });
    }
    const data = run('base64', 'Error on download operation', () => f.fs.readFile(f.cred, f.path));
    return c.body(new Uint8Array(data), 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename=${posix.basename(f.path)}`,
    });
  });

  app.post('/upload', async (c) => {
    const f = await frame(c, 'upload');
    const file = f.fields.file;
    if (!(file instanceof File))
      throw new V1Error(400, { description: 'Failed to upload file', error: 'No file in query' });
    checkInput(file.name, 'Filename', 'Failed to upload file');
    if (file.size > UTILITIES_MAX_FILE_SIZE) {
      throw new V1Error(413, {
        description: `Failed to upload file. The file is over ${UTILITIES_MAX_FILE_SIZE} bytes`,
      });
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    run('bash', f.description, () => f.fs.writeFile(f.cred, `${f.path.replace(/\/+$/, '')}/${file.name}`, bytes));
    return ok(c, 'File upload successful', '', 201);
  });

  app.delete('/rm', async (c) => {
    const f = await frame(c, 'rm');
    run('rm', f.description, () => f.fs.rm(f.cred, f.path, { recursive: true }));
    return c.body(null, 204);
  });

  app.get('/whoami', async (c) => {
    const f = await frame(c, 'whoami', '');
    if (!truthy(f.fields.groups)) return ok(c, 'User information', f.user.name);
    const id = (g: { name: string; gid: number }) => ({ id: String(g.gid), name: g.name });
    return ok(c, 'User information', {
      user: { id: String(f.user.uid), name: f.user.name },
      group: id(f.user.groups[0] ?? { name: f.user.name, gid: f.user.gid }),
      groups: f.user.groups.map(id),
    });
  });

  app.post('/compress', async (c) => {
    const f = await frame(c, 'compress');
    const source = checkInput(f.fields.sourcePath, 'sourcePath', f.description);
    const archive = await runAsync('tar', f.description, () =>
      createArchive(f.fs, f.cred, source, { dereference: truthy(f.fields.dereference) }),
    );
    run('tar', f.description, () => f.fs.writeFile(f.cred, f.path, gzip(archive, 'gzip')));
    return ok(c, 'Success to compress file.', '', 201);
  });

  app.post('/extract', async (c) => {
    const f = await frame(c, 'extract');
    const source = checkInput(f.fields.sourcePath, 'sourcePath', f.description);
    const kind = /\.(tar\.gz|tgz)$/.test(source) ? 'gzip' : /\.tar$/.test(source) ? 'none' : undefined;
    if (!kind) throw new V1Error(400, { description: f.description, error: `Unsupported file format in ${source}.` });
    const data = run('tar', f.description, () => decompress(f.fs.readFile(f.cred, source), kind, source));
    await runAsync('tar', f.description, () => extractArchive(f.fs, f.cred, data, posix.normalize(f.path)));
    return ok(c, 'Success to extract file.', '', 201);
  });

  return app;
}
