import { createHash, randomBytes } from 'node:crypto';
import { expect, test } from 'vitest';
import { createMemoryContentStore } from '../content/index.ts';
import { createObjectStore } from './index.ts';

const md5 = (data: Buffer) => createHash('md5').update(data).digest();

test('staged content shares its pieces and gets the ETag of a whole or a multipart upload', async () => {
  const contents = createMemoryContentStore();
  const store = createObjectStore({ now: () => 0, contents });
  store.createBucket('alice');
  const [a, b] = [randomBytes(1000), randomBytes(300)];
  // Two received parts (their MD5 known) and the same bytes given at once (hashed when staged).
  const received = [await store.receive([a]), await store.receive([b])];
  const given = [contents.fromBytes(a), contents.fromBytes(b)];
  const multipart = `"${md5(Buffer.concat([md5(a), md5(b)])).toString('hex')}-2"`;
  for (const content of [received.map((r) => r.piece), given]) {
    const object = await store.stage('alice', 'k', content, 1000);
    expect(object.etag).toBe(multipart);
    expect(object.content).toBe(content);
    expect(object.size).toBe(1300);
  }
  expect((await store.stage('alice', 'k', given)).etag).toBe(`"${md5(Buffer.concat([a, b])).toString('hex')}"`);
  // Parts that do not line up with the pieces are hashed over the pieces.
  const split = `"${md5(Buffer.concat([md5(Buffer.concat([a, b]).subarray(0, 650)), md5(Buffer.concat([a, b]).subarray(650))])).toString('hex')}-2"`;
  expect((await store.stage('alice', 'k', given, 650)).etag).toBe(split);
  expect((await store.stage('alice', 'empty', [], 1000)).etag).toBe(`"${md5(md5(Buffer.alloc(0))).toString('hex')}-1"`);
});
