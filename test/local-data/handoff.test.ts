/**
 * The extract → load handoff: what a reader gets while its writer is still writing is exactly what
 * it would read from S3 afterwards, and its input ends only once the writer's step has finished.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openS3Input, writeS3Output, type S3NodeInfo } from '../../src/local/activities/data.js';
import type { ActivityContext, StreamHandoff } from '../../src/local/activities/types.js';
import { Handoff, gatedS3 } from '../../src/local/handoff.js';
import { createLocalS3, type LocalS3 } from '../../src/local/s3.js';

async function store(): Promise<{ s3: LocalS3; stateDir: string }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'etlctl-handoff-'));
  return { s3: createLocalS3({ stateDir }), stateDir };
}

function ctx(s3: LocalS3, stateDir: string, handoff?: StreamHandoff): ActivityContext {
  return {
    object: { id: 'A', name: 'A', fields: {} },
    resolve: (id) => {
      throw new Error(`no object ${id}`);
    },
    connect: () => Promise.reject(new Error('no databases here')),
    s3,
    stateDir,
    log: () => undefined,
    progress: () => undefined,
    signal: new AbortController().signal,
    translations: [],
    handoff,
  };
}

const node = (uri: string, gzip = false): S3NodeInfo => ({ uri, isDirectory: true, gzip, format: undefined });

/** Writes `lines` records in chunks, yielding to the event loop between them. */
function produce(lines: number): (w: Writable) => Promise<number> {
  return async (w) => {
    for (let i = 0; i < lines; i += 500) {
      let chunk = '';
      for (let j = i; j < Math.min(lines, i + 500); j++) chunk += `${j}\trow\\t${j}\t\\N\n`;
      if (!w.write(chunk)) await new Promise((r) => w.once('drain', r));
    }
    return lines;
  };
}

async function text(r: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

describe('extract → load handoff', () => {
  it('hands over the bytes as written, gzip included, plus other parts under the path, after the writer finished', async () => {
    const { s3, stateDir } = await store();
    await s3.writeText('s3://b/run/out/other/part-00000', 'from another writer\n');
    const h = new Handoff(s3);
    const reader = ctx(gatedS3(s3, h.done), stateDir, h.reader);
    const input = await openS3Input(reader, 's3://b/run/out/', false);
    const got = text(input);
    const rows = await writeS3Output(
      ctx(s3, stateDir, h.writer),
      node('s3n://b/run/out', true),
      produce(20_000),
    );
    expect(rows).toBe(20_000);
    h.finish();
    const handed = await got;
    // What the reader would have read from S3 had it started after the writer.
    const fromS3 = await text(await openS3Input(ctx(s3, stateDir), 's3://b/run/out/', false));
    expect(handed.length).toBe(fromS3.length);
    expect([...handed.split('\n')].sort()).toEqual([...fromS3.split('\n')].sort());
    expect(handed).toContain('from another writer\n');
    expect(await s3.list('s3://b/run/out/')).toContain('s3://b/run/out/part-00000.gz');
  });

  it("the reader's input does not end until the writer's step is recorded finished", async () => {
    const { s3, stateDir } = await store();
    const h = new Handoff(s3);
    const input = await openS3Input(ctx(gatedS3(s3, h.done), stateDir, h.reader), 's3://b/x/', false);
    let ended = false;
    const got = text(input).then((t) => ((ended = true), t));
    await writeS3Output(ctx(s3, stateDir, h.writer), node('s3://b/x/'), produce(5_000));
    await new Promise((r) => setTimeout(r, 100));
    expect(ended).toBe(false);
    h.finish();
    expect((await got).split('\n')).toHaveLength(5_001);
  });

  it('a writer that fails errors the reader mid-stream; a reader that leaves does not stop the writer', async () => {
    const { s3, stateDir } = await store();
    const h = new Handoff(s3);
    const input = await openS3Input(ctx(gatedS3(s3, h.done), stateDir, h.reader), 's3://b/f/', false);
    const got = text(input);
    got.catch(() => undefined);
    const failing = writeS3Output(ctx(s3, stateDir, h.writer), node('s3://b/f/'), async (w) => {
      await produce(2_000)(w);
      throw new Error('source went away');
    });
    await expect(failing).rejects.toThrow('source went away');
    h.fail(new Error('extract ended FAILED'));
    await expect(got).rejects.toThrow('extract ended FAILED');
    expect(await s3.list('s3://b/f/')).toEqual([]);

    const h2 = new Handoff(s3);
    const input2 = await openS3Input(ctx(gatedS3(s3, h2.done), stateDir, h2.reader), 's3://b/g/', false);
    input2.destroy();
    h2.detach();
    // Far more than the handoff buffers: the writer would hang if it still waited for the reader.
    expect(await writeS3Output(ctx(s3, stateDir, h2.writer), node('s3://b/g/'), produce(200_000))).toBe(
      200_000,
    );
    h2.finish();
    expect((await s3.readText('s3://b/g/part-00000')).split('\n')).toHaveLength(200_001);
  });

  it('a writer that writes somewhere else: the reader reads its own path once the writer finished', async () => {
    const { s3, stateDir } = await store();
    await s3.writeText('s3://b/mine/part-00000', '1\tmine\n');
    const h = new Handoff(s3);
    const gate = gatedS3(s3, h.done);
    const got = text(await openS3Input(ctx(gate, stateDir, h.reader), 's3://b/mine/', false));
    await writeS3Output(ctx(s3, stateDir, h.writer), node('s3://b/elsewhere/'), produce(100_000));
    h.finish();
    expect(await got).toBe('1\tmine\n');

    const empty = new Handoff(s3);
    const none = text(
      await openS3Input(ctx(gatedS3(s3, empty.done), stateDir, empty.reader), 's3://b/none/', false),
    );
    none.catch(() => undefined);
    empty.finish();
    await expect(none).rejects.toThrow(/ETL7011|no S3 objects at s3:\/\/b\/none\//);
  });
});
