/**
 * The loopback S3 endpoint that serves `aws s3 …` in shell steps streams uploads to disk: a
 * multi-MB `aws s3 cp` (the real AWS CLI, as a step runs it) arrives byte for byte without the
 * endpoint holding the body in memory.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsChunkedDecoder, startS3Endpoint, type S3Endpoint } from '../../src/local/s3-endpoint.js';
import { compatEnv, writeCompatShims } from '../../src/local/shell-compat.js';
import { tempDir } from '../helpers.js';

const MB = 1024 * 1024;
const SIZE = 96 * MB;

let dir: string;
let stateDir: string;
let endpoint: S3Endpoint;

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

/** Runs the real AWS CLI as a shell step would (the step's environment, the compat shims). */
function aws(args: string[]): Promise<{ code: number; err: string }> {
  const env = {
    ...process.env,
    ...compatEnv(
      { shell: '/bin/bash', skipPackageInstalls: true, binDir: '', s3Endpoint: endpoint.url },
      stateDir,
    ),
  };
  return new Promise((resolve) => {
    const p = spawn('aws', ['--endpoint-url', endpoint.url, ...args], { env, cwd: dir });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => resolve({ code: code ?? -1, err }));
  });
}

beforeAll(async () => {
  dir = tempDir('etlctl-s3-endpoint-');
  stateDir = join(dir, '.etlctl');
  mkdirSync(join(stateDir, 's3', 'big'), { recursive: true });
  writeCompatShims(stateDir);
  endpoint = await startS3Endpoint(stateDir);
  // 96 MB that is not all one byte (a run of zeros could hide a lost or repeated chunk).
  const fd = openSync(join(dir, 'big.bin'), 'w');
  const block = Buffer.alloc(MB);
  for (let i = 0; i < SIZE / MB; i++) {
    for (let j = 0; j < MB; j += 4) block.writeUInt32LE((i * MB + j) >>> 0, j);
    writeSync(fd, block);
  }
  closeSync(fd);
});

afterAll(async () => {
  await endpoint?.close();
  rmSync(dir, { recursive: true, force: true }); // 3 × 96 MB
});

describe('the loopback S3 endpoint', () => {
  it('takes a 96 MB aws s3 cp upload on disk, not in memory, and serves it back unchanged', async () => {
    // Memory outside the JS heap (Buffers) is where a held body shows; the upload's temporary file
    // beside the target shows the bytes reaching the disk while the upload is still running.
    const folder = join(stateDir, 's3', 'big', 'in');
    mkdirSync(folder, { recursive: true });
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const partial: number[] = [];
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
      for (const f of readdirSync(folder)) {
        if (!f.startsWith('.etlctl-tmp-')) continue;
        const size = statSync(join(folder, f), { throwIfNoEntry: false })?.size ?? 0;
        if (size > 0 && size < SIZE) partial.push(size);
      }
    }, 5);
    const up = await aws(['s3', 'cp', 'big.bin', 's3://big/in/big.bin']).finally(() =>
      clearInterval(sampler),
    );
    expect(up.code, up.err).toBe(0);
    expect(await sha256(join(folder, 'big.bin'))).toBe(await sha256(join(dir, 'big.bin')));
    expect(readdirSync(folder)).toEqual(['big.bin']);
    // Written as it arrived: the file grew through many sizes on the way to 96 MB.
    expect(new Set(partial).size).toBeGreaterThan(5);
    // Held in memory it would be all 96 MB at once (measured: 94 MB); streamed, what is left is
    // garbage the collector has not reached yet (measured: 25 MB).
    expect(peak).toBeLessThan(SIZE / 2);

    const down = await aws(['s3', 'cp', 's3://big/in/big.bin', 'back.bin']);
    expect(down.code, down.err).toBe(0);
    expect(await sha256(join(dir, 'back.bin'))).toBe(await sha256(join(dir, 'big.bin')));
  }, 240_000);

  it('decodes aws-chunked bodies however the network splits them', async () => {
    const body = Buffer.from(
      '5;chunk-signature=abc\r\nhello\r\n6;chunk-signature=def\r\n world\r\n0;chunk-signature=0\r\n' +
        'x-amz-checksum-crc32:AAAAAA==\r\n\r\n',
    );
    const bytes = [...body].map((b) => Buffer.from([b]));
    const out: Buffer[] = [];
    for await (const c of Readable.from(bytes).pipe(new AwsChunkedDecoder())) out.push(c as Buffer);
    expect(Buffer.concat(out).toString()).toBe('hello world');
  });
});
