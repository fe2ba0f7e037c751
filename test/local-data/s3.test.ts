/** Local S3 mapping: the filesystem under <stateDir>/s3 and an S3-compatible endpoint behave alike. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EtlError } from '../../src/diagnostics.js';
import { createLocalS3, parseS3Uri, type LocalS3 } from '../../src/local/s3.js';
import S3rver from '@20minutes/s3rver';

let server: { url: string; stop: () => Promise<void> };
let stateDir: string;
const stores: Record<string, LocalS3> = {};

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'etlctl-s3map-'));
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(stateDir, 'server'),
    configureBuckets: [{ name: 'bkt' }],
    // s3rver canonicalises an encoded '/' in list prefixes differently from the SDK.
    allowMismatchedSignatures: true,
  });
  const { port } = await s3rver.run();
  server = { url: `http://127.0.0.1:${port}`, stop: () => s3rver.close() };
  stores.fs = createLocalS3({ stateDir });
  stores.endpoint = createLocalS3({
    stateDir,
    endpoint: { endpoint: server.url, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
});

afterAll(async () => {
  await server?.stop();
});

describe.each(['fs', 'endpoint'])('%s', (kind) => {
  test('write, list a directory of parts, read, remove', async () => {
    const s3 = stores[kind];
    const up = await s3.write('s3://bkt/run/dir/part-00001');
    up.stream.write('b\n');
    await up.commit();
    await s3.writeText('s3://bkt/run/dir/part-00000', 'a\n');
    await s3.writeText('s3://bkt/run/dir2/part-00000', 'other\n');
    expect(await s3.list('s3://bkt/run/dir/')).toEqual([
      's3://bkt/run/dir/part-00000',
      's3://bkt/run/dir/part-00001',
    ]);
    expect(await s3.list('s3://bkt/run/dir/part-00000')).toEqual(['s3://bkt/run/dir/part-00000']);
    expect(await s3.exists('s3://bkt/run/nothing/')).toBe(false);
    expect(await s3.readText('s3://bkt/run/dir/part-00001')).toBe('b\n');
    const chunks: Buffer[] = [];
    for await (const c of await s3.read('s3://bkt/run/dir/part-00000'))
      chunks.push(Buffer.from(c as Uint8Array));
    expect(Buffer.concat(chunks).toString()).toBe('a\n');
    await s3.remove('s3://bkt/run/dir/');
    expect(await s3.list('s3://bkt/run/dir/')).toEqual([]);
    expect(await s3.list('s3://bkt/run/dir2/')).toHaveLength(1);
  });

  test('an aborted upload leaves nothing behind', async () => {
    const s3 = stores[kind];
    const up = await s3.write('s3://bkt/aborted/part-0');
    up.stream.write('partial');
    await up.abort();
    expect(await s3.list('s3://bkt/aborted/')).toEqual([]);
  });

  test('a missing object is ETL7011', async () => {
    const err = await stores[kind].readText('s3://bkt/missing/x').catch((e: unknown) => e);
    expect((err as EtlError).diagnostics[0].code).toBe('ETL7011');
  });
});

test('filesystem layout is <stateDir>/s3/<bucket>/<key>', async () => {
  await stores.fs.writeText('s3://bkt/a/b.txt', 'hi');
  expect(await readFile(join(stateDir, 's3', 'bkt', 'a', 'b.txt'), 'utf8')).toBe('hi');
  expect(stores.fs.localPath('s3://bkt/a/b.txt')).toBe(join(stateDir, 's3', 'bkt', 'a', 'b.txt'));
});

test('.. segments and non-S3 URIs are rejected', () => {
  expect(() => parseS3Uri('s3://bkt/a/../../etc/passwd')).toThrow(EtlError);
  expect(() => parseS3Uri('/tmp/x')).toThrow(EtlError);
});
