import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createSimulator } from '../../../index.ts';

// A file larger than max_ops_file_size (5 MiB): the reads that print part of it read that part,
// the checksum streams it, and an output past the SSH buffer is refused as FirecREST refuses it.

const SIZE = 6 * 1024 * 1024;
const dataDir = mkdtempSync(join(tmpdir(), 'f7t-ops-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe.each([
  ['in memory', undefined],
  ['on disk', dataDir],
])('a 6 MiB file without a newline, %s', (_, dir) => {
  test('head, tail, view, checksum and file answer from the parts they need; head of 10 lines is refused', async () => {
    const sim = await createSimulator({ clock: { mode: 'manual' }, ...(dir ? { dataDir: dir } : {}) });
    const token = await sim.control.mintToken({ username: 'alice', ttlS: 3600 });
    sim.control.populate({ system: 'daint', user: 'alice', directory: '/scratch/alice/big', files: 1, bytes: SIZE });
    const path = '/scratch/alice/big/d00000/f000000';
    const get = async (op: string, query = '') => {
      const answer = await sim.fetch(
        new Request(`http://localhost/v2/filesystem/daint/ops/${op}?path=${path}${query}`, {
          headers: { authorization: `Bearer ${token}` },
        }),
      );
      return { status: answer.status, body: (await answer.json()) as { output: unknown; message?: string } };
    };
    expect(await get('head')).toMatchObject({
      status: 413,
      body: { message: 'Command output exceeded buffer limit.' },
    });
    expect(await get('tail', '&lines=1')).toMatchObject({ status: 413 });
    expect(await get('head', '&bytes=5')).toMatchObject({ status: 200, body: { output: { content: 'aaaaa' } } });
    expect(await get('tail', '&bytes=3')).toMatchObject({ status: 200, body: { output: { content: 'aaa' } } });
    expect(await get('view', `&offset=${SIZE - 4}`)).toMatchObject({ status: 200, body: { output: 'aaaa' } });
    const sha = createHash('sha256').update(Buffer.alloc(SIZE, 'a')).digest('hex');
    expect(await get('checksum')).toMatchObject({
      status: 200,
      body: { output: { algorithm: 'SHA256', checksum: sha } },
    });
    expect(await get('file')).toMatchObject({
      status: 200,
      body: { output: 'ASCII text, with very long lines (65536), with no line terminators' },
    });
  });
});
